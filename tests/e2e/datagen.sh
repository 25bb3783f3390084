#!/usr/bin/env bash
# The shipped samples are exactly what the commands in backtest-data/README.md
# make: kis-datagen is deterministic, on any machine.
# Args: <kis-engine> <source dir> <scratch dir> <kis-datagen> <lua5.4>
set -euo pipefail
src=$2 scratch=$3 gen=$4
rm -rf "$scratch" && mkdir -p "$scratch"
check() { # name, args...
  local name=$1; shift
  "$gen" "$@" --out "$scratch/$name"
  if ! cmp -s "$scratch/$name" "$src/backtest-data/$name"; then
    echo "FAIL: $name differs from what its README command makes"; cmp "$scratch/$name" "$src/backtest-data/$name" || true
    exit 1
  fi
  echo "ok: $name"
}
check sample_ticks.csv ticks --symbols 005930,000660,035420 --from 2026-03-02 --days 20 --ticks-per-day 800 --seed 1
check sample_bars_1m.csv bars --symbols 005930 --from 2025-01-02 --to 2025-12-31 --bar-minutes 1 --seed 2
check sample_daily.csv daily --symbols 005930,000660,035420 --from 2024-01-02 --to 2025-12-31 --seed 3
# The same seed twice gives the same bytes; another seed does not.
"$gen" ticks --symbols 000660 --days 2 --seed 9 --out "$scratch/a.csv"
"$gen" ticks --symbols 000660 --days 2 --seed 9 --out "$scratch/b.csv"
"$gen" ticks --symbols 000660 --days 2 --seed 10 --out "$scratch/c.csv"
cmp -s "$scratch/a.csv" "$scratch/b.csv" || { echo "FAIL: same seed, different output"; exit 1; }
if cmp -s "$scratch/a.csv" "$scratch/c.csv"; then echo "FAIL: seed ignored"; exit 1; fi
echo "ok: seeds"
rm -rf "$scratch"
