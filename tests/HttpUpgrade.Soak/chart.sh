#!/usr/bin/env bash
# Draws the server's memory over a soak run from the CSV that --samples wrote: results/NAME-samples.csv -> results/NAME.png.
# Needs gnuplot (Debian: apt-get install gnuplot-nox). Usage: tests/HttpUpgrade.Soak/chart.sh [NAME]   (default: full)
set -euo pipefail
cd "$(dirname "$0")/results"
name="${1:-full}"
gnuplot <<GNUPLOT
set terminal pngcairo size 900,450 font ",10"
set output "${name}.png"
set datafile separator ","
set key bottom right box opaque
set xlabel "minutes since the exchange started"
set ylabel "working set (MB)"
set y2label "GC heap (MB)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid
set title "Soak: server memory, ${name}"
plot "${name}-samples.csv" using (\$1/60):(\$2/1048576) with lines lw 2 title "working set (VmRSS)", \
     "" using (\$1/60):(\$4 == 1 ? \$3/1048576 : 1/0) axes x1y2 with linespoints pt 7 ps 0.6 title "live GC heap (after a full GC)", \
     "" using (\$1/60):(\$4 == 0 ? \$3/1048576 : 1/0) axes x1y2 with points pt 1 ps 0.5 title "GC heap between GCs"
GNUPLOT
echo "wrote $(pwd)/${name}.png"
