#!/usr/bin/env bash
# Backtest throughput and memory, on generated data (not part of the test suite).
#   bash bench/run.sh [ROWS...]      default: 1000000 10000000
# For each size: the time and peak RSS of a backtest with an empty on_tick
# (the engine alone) and with strategies/sma_cross.lua, best of 3 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
bash scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DKE_BUILD_TESTS=OFF >/dev/null
gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude bench/bench_csvfeed.c engine/backtest/csvfeed.c \
  engine/core/ktime.c engine/core/ke_common.c -o build-bench/bench_csvfeed
data=${BENCH_DIR:-/tmp/kis-engine-bench}
mkdir -p "$data"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)

run() { # label strategy-or-config file n -> prints one line
  local best=""
  for _ in 1 2 3; do
    local out
    local what=(--strategy "$2")
    case "$2" in bench/*_all.lua) what=(--config "$2") ;; esac
    out=$( { /usr/bin/time -f "%e %M" build-bench/kis-engine backtest "${what[@]}" --data "$3" \
             --out "$data/out" --quiet >/dev/null; } 2>&1 | tail -1)
    if [ -z "$best" ] || awk -v a="${out% *}" -v b="${best% *}" 'BEGIN{exit !(a<b)}'; then best=$out; fi
  done
  local secs=${best% *} kb=${best#* }
  awk -v l="$1" -v n="$4" -v s="$secs" -v k="$kb" \
    'BEGIN{printf "%-28s %12d ticks %7.2f s %10.2f M ticks/s  peak RSS %6.1f MB\n", l, n, s, n/s/1e6, k/1024}'
}

for n in "${sizes[@]}"; do
  f="$data/ticks-$n.csv"
  [ -s "$f" ] || build-bench/kis-datagen ticks --symbols 005930,000660,035420 --ticks-per-day 20000 \
                   --total "$n" --seed 7 --out "$f"
  echo "== $n rows ($(du -h "$f" | cut -f1)): $f"
  build-bench/bench_csvfeed "$f" | sed 's/^/csv reader: /'
  run "empty on_tick" bench/empty.lua "$f" "$n"
  run "sma_cross (005930 of 3)" strategies/sma_cross.lua "$f" "$n"
  run "sma_cross on every symbol" bench/sma_cross_all.lua "$f" "$n"
done
