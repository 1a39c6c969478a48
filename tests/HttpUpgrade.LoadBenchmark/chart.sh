#!/usr/bin/env bash
# Draws results/NAME-ratios.csv as results/NAME.png with gnuplot (Debian: apt-get install gnuplot-nox).
# usage: tests/HttpUpgrade.LoadBenchmark/chart.sh [NAME]   (NAME defaults to "full")
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name="${1:-full}"
input="$here/results/$name-ratios.csv"
[ -f "$input" ] || { echo "no $input: run the load benchmark first" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "gnuplot is missing: apt-get install gnuplot-nox" >&2; exit 1; }
label="MapUpgrade"
case "$name" in *fastpath*) label="MapUpgrade + fast path" ;; esac   # runs taken with --fast-path
gnuplot -e "input='$input'; output='$here/results/$name.png'; title='Load benchmark ($name): $label against UseWebSockets'" "$here/chart.gp"
echo "$here/results/$name.png"
