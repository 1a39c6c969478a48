#!/usr/bin/env bash
# Runs an AFL++ campaign per harness over the committed corpus, then reports what each found.
#
#   tests/HttpUpgrade.Fuzzing/run-campaign.sh [-d SECONDS] [-j JOBS] [-t MS] [-o DIR] [--install] [HARNESS...]
#
#   -d SECONDS  how long each harness runs (default 3600: the 1-hour campaign)
#   -j JOBS     harnesses run at once, one afl-fuzz each (default 1; with more than the cores they share them)
#   -t MS       per-input timeout: an input that runs longer is a hang (default 2000; the first input of a new child
#               process includes the runtime's start-up)
#   -o DIR      where the instrumented build and the findings go (default artifacts/fuzzing, ignored by git)
#   --install   install afl++ (Debian, apt-get) and SharpFuzz.CommandLine (dotnet tool) when missing
#   HARNESS     headers, negotiate, deflate, settings (default: all four)
#
# Exit status 0 when every campaign ended with no crash and no hang, 1 when one found something (the inputs are under
# DIR/HARNESS/default/crashes and hangs, and are replayed here with the exception they raise), 2 on a usage or setup error.
# docs/fuzzing.md explains the output and how to keep what a campaign found.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration=3600
jobs=1
timeout_ms=2000
out="$root/artifacts/fuzzing"
install=0
harnesses=()

while [ $# -gt 0 ]; do
  case "$1" in
    -d) duration="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    -t) timeout_ms="$2"; shift 2 ;;
    -o) out="$2"; shift 2 ;;
    --install) install=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    headers|negotiate|deflate|settings) harnesses+=("$1"); shift ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(headers negotiate deflate settings)
export PATH="$PATH:$HOME/.dotnet/tools"

if ! command -v afl-fuzz >/dev/null 2>&1 || ! command -v sharpfuzz >/dev/null 2>&1; then
  if [ "$install" -eq 1 ]; then
    command -v afl-fuzz >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q afl++; }
    command -v sharpfuzz >/dev/null 2>&1 || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
  else
    echo "afl-fuzz and sharpfuzz are needed: apt-get install -y afl++; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 (or pass --install)" >&2
    exit 2
  fi
fi

# A Release build of the harnesses with only the library instrumented: coverage of the harness, SharpFuzz or the
# framework would only distract the fuzzer.
bin="$out/bin"
rm -rf "$bin"
mkdir -p "$out"
dotnet publish "$here/HttpUpgrade.Fuzzing.csproj" -c Release -o "$bin" --nologo -v quiet
sharpfuzz "$bin/HttpUpgrade.dll"

# afl-fuzz checks that its target binary is instrumented; here the target is the dotnet host, and SharpFuzz reports
# coverage through AFL's shared memory itself.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
# More campaigns than cores share them instead of failing to find a free one.
export AFL_NO_AFFINITY=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

campaign() {
  local harness="$1"
  local findings="$out/$harness"
  rm -rf "$findings"
  echo "[$harness] fuzzing for ${duration}s from $here/Corpus/$harness"
  afl-fuzz -i "$here/Corpus/$harness" -o "$findings" -x "$here/Dictionaries/$harness.dict" \
    -t "$timeout_ms" -m none -V "$duration" -- dotnet "$bin/HttpUpgrade.Fuzzing.dll" "$harness" \
    > "$out/$harness.log" 2>&1 || echo "[$harness] afl-fuzz exited with $? (see $out/$harness.log)"
}

running=0
for harness in "${harnesses[@]}"; do
  campaign "$harness" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

stat() { grep -E "^$1 *:" "$2" | head -n 1 | sed 's/^[^:]*: *//'; }

found=0
printf '\n%-10s %9s %12s %10s %8s %9s %8s %6s\n' harness seconds execs execs/s corpus coverage crashes hangs
for harness in "${harnesses[@]}"; do
  stats="$out/$harness/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    printf '%-10s did not run (see %s)\n' "$harness" "$out/$harness.log"
    found=1
    continue
  fi

  crashes="$(stat saved_crashes "$stats")"
  hangs="$(stat saved_hangs "$stats")"
  printf '%-10s %9s %12s %10s %8s %9s %8s %6s\n' "$harness" "$(stat run_time "$stats")" "$(stat execs_done "$stats")" \
    "$(stat execs_per_sec "$stats")" "$(stat corpus_count "$stats")" "$(stat bitmap_cvg "$stats")" "$crashes" "$hangs"
  if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
    found=1
  fi
done

# Replay what was found, outside afl-fuzz: each input once, with the exception it raises and how long it took. An
# input that passes quickly here was a casualty of the machine (a load spike past -t), or of the child restarted
# after a hang: the run after a hang can be reported as a crash.
for harness in "${harnesses[@]}"; do
  for input in "$out/$harness"/default/crashes/id:* "$out/$harness"/default/hangs/id:*; do
    [ -f "$input" ] || continue
    echo "--- $harness: $input"
    start=$(date +%s%N)
    if timeout 60 dotnet "$bin/HttpUpgrade.Fuzzing.dll" "$harness" < "$input" > "$out/replay.txt" 2>&1; then
      echo "passes when replayed ($(( ($(date +%s%N) - start) / 1000000 )) ms with the runtime's start-up)"
    else
      head -n 30 "$out/replay.txt"
    fi
  done
done

exit "$found"
