#!/usr/bin/env bash
# Warm-up history (issue 6): a strategy declaring s.history sees, in
# on_start, the complete bars before its start - in paper mode from KIS
# (kis-sim's daily and minute charts, fetched at the replay's first print)
# and in a backtest from the data before --from - and both equal the daily
# closes computed here from the CSV by Python.
# Args: <kis-engine> <source dir> <scratch dir> <kis-datagen> <lua5.4>
set -euo pipefail
ENGINE=$1
SRC=$2
SCRATCH=$3
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
. "$SRC/tests/e2e/lib/kissim.sh"
DATA=$SRC/backtest-data/sample_ticks.csv
STRATEGY=$SRC/tests/data/lua/history_reader.lua

# The daily closes of 005930 before 2026-03-06, from the CSV.
want=$(python3 - "$DATA" <<'PY'
import csv, sys
last = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["symbol"] == "005930" and r["time"][:10] < "2026-03-06":
        last[r["time"][:10]] = r["price"]
print("daily=%d " % len(last) + " ".join("%s=%s" % kv for kv in sorted(last.items())))
PY
)

# Backtest: the data before --from.
"$ENGINE" backtest --strategy "$STRATEGY" --data "$DATA" --from 2026-03-06 --to 2026-03-06 --out "$SCRATCH/bt" \
  >"$SCRATCH/bt.out" 2>&1 || fail "backtest: $(tail -3 "$SCRATCH/bt.out")"
bt=$(grep -o 'HIST daily=.*' "$SCRATCH/bt.out" | sed 's/ minute=[0-9]*//')
[ "$bt" = "HIST $want" ] || fail "backtest history: '$bt', want 'HIST $want'"
grep -q 'HIST daily=4 minute=30 ' "$SCRATCH/bt.out" || fail "backtest: not 30 minute bars: $(grep HIST "$SCRATCH/bt.out")"
grep -q 'LAST2 2' "$SCRATCH/bt.out" || fail "backtest: ctx:history(sym, kind, 2)"

# Paper on kis-sim, which starts replaying 2026-03-06 at 10:00.
kissim_start "$SCRATCH/sim.log" --data "$DATA" --speed 60 --start 2026-03-06T10:00:00 --rate 0
cat >"$SCRATCH/paper.lua" <<LUA
return { kis = { env = "mock", base_url = "http://127.0.0.1:$PORT", ws_url = "ws://127.0.0.1:$WS_PORT", rate_per_sec = 0 },
         strategies = { { file = "$STRATEGY" } }, live = { mode = "paper", feed_clock = true } }
LUA
st=0
"$ENGINE" run --config "$SCRATCH/paper.lua" --duration 3 >"$SCRATCH/paper.out" 2>&1 || st=$?
[ $st -eq 0 ] || fail "paper run exit $st: $(tail -3 "$SCRATCH/paper.out")"
# Today's bar is still forming at the start: only the four complete days.
live=$(grep -o 'HIST daily=.*' "$SCRATCH/paper.out" | sed 's/ minute=[0-9]*//')
[ "$live" = "HIST $want" ] || fail "paper history: '$live', want 'HIST $want'"
# Minute bars of today up to the start (kis-sim has replayed 10:00 onwards).
m=$(grep -o 'HIST daily=[0-9]* minute=[0-9]*' "$SCRATCH/paper.out" | sed 's/.*minute=//')
[ "$m" -ge 1 ] && [ "$m" -le 30 ] || fail "paper: $m minute bars"
echo "live_history: ok"
