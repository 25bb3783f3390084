#!/usr/bin/env bash
# kis-engine run against kis-sim on loopback (started and stopped here):
# paper mode sends nothing to the venue, mock mode sends one order per
# signal, real mode refuses to start without --live, and no secret is
# printed. Args: <kis-engine> <source dir> <scratch dir> <kis-datagen> <lua5.4>
set -euo pipefail
ENGINE=$1
SRC=$2
SCRATCH=$3
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
. "$SRC/tests/e2e/lib/kissim.sh"

start_sim() {
  kissim_start "$SCRATCH/sim-$1.log" --data "$SRC/backtest-data/sample_ticks.csv" --speed 60 \
    --start 2026-03-02T09:00:00 --rate 0 --env "${SIM_ENV:-mock}"
  cat >"$SCRATCH/$1.lua" <<LUA
return {
  kis = { env = "${SIM_ENV:-mock}", base_url = "http://127.0.0.1:$PORT", ws_url = "ws://127.0.0.1:$WS_PORT",
          rate_per_sec = 0, poll_ms = 500 },
  strategies = { { file = "$SRC/strategies/sma_cross.lua", params = { fast = 2, slow = 4, qty = 1 } } },
  live = { journal = "$SCRATCH/$1.journal", halt_file = "$SCRATCH/$1.HALT" },
}
LUA
}
stop_sim() { kissim_stop; }
placed() { kissim_state | python3 -c 'import json,sys; print(json.load(sys.stdin)["venue"]["counters"]["place_requests"])'; }

# Paper: signals trade the simulated broker, nothing reaches the venue.
start_sim paper
st=0
"$ENGINE" run --config "$SCRATCH/paper.lua" --mode paper --duration 5 --feed-clock >"$SCRATCH/paper.out" 2>&1 || st=$?
[ $st -eq 0 ] || fail "paper run exit $st: $(tail -5 "$SCRATCH/paper.out")"
signals=$(grep -c 'sma_cross: cross' "$SCRATCH/paper.out" || true)
[ "$signals" -ge 1 ] || fail "paper: no signal in 5 s of replay"
[ "$(placed)" = 0 ] || fail "paper mode sent orders to the venue"
grep -q "running 1 strategy in paper mode" "$SCRATCH/paper.out" || fail "paper: no start line"
stop_sim

# Mock: one order at the venue per signal.
start_sim mock
st=0
"$ENGINE" run --config "$SCRATCH/mock.lua" --mode mock --duration 6 --feed-clock >"$SCRATCH/mock.out" 2>&1 || st=$?
[ $st -eq 0 ] || fail "mock run exit $st: $(tail -5 "$SCRATCH/mock.out")"
signals=$(grep -c 'sma_cross: cross' "$SCRATCH/mock.out" || true)
[ "$signals" -ge 1 ] || fail "mock: no signal"
[ "$(placed)" = "$signals" ] || fail "mock: $signals signals but $(placed) orders at the venue"
grep -q "feed live (subscribed)" "$SCRATCH/mock.out" || fail "mock: the feed never went live"

# The journal holds every order sent, under the venue's order number, and
# its fills agree with the venue's (read here with Python's sqlite3, not the engine).
curl -s "http://127.0.0.1:$PORT/_sim/state" >"$SCRATCH/state.json"
python3 - "$SCRATCH/mock.journal" "$SCRATCH/state.json" <<'PY' || fail "journal and venue disagree"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
venue = {int(o["odno"]): o for o in json.load(open(sys.argv[2]))["venue"]["orders"] if o["kind"] == "new"}
rows = db.execute("select id, odno, side, qty, state, filled_qty from orders").fetchall()
assert len(rows) == len(venue), (len(rows), len(venue))
for oid, odno, side, qty, state, filled in rows:
    v = venue[int(odno)]                       # every journaled order has its KIS number
    assert v["side"] == side and v["qty"] == qty, (v, side, qty)
    fills = db.execute("select coalesce(sum(qty), 0) from fills where order_id = ?", (oid,)).fetchone()[0]
    assert fills == filled, (oid, fills, filled)
    assert filled <= v["filled_qty"], (oid, filled, v["filled_qty"])
mode = db.execute("pragma journal_mode").fetchone()[0]
assert mode == "wal", mode
runs = db.execute("select count(*) from runs").fetchone()[0]
assert runs == 1, runs
PY
[ "$(stat -c %a "$SCRATCH/mock.journal")" = 600 ] || fail "the journal is not mode 0600"
st=0
"$ENGINE" journal --config "$SCRATCH/mock.lua" --date 2026-03-02 >"$SCRATCH/journal.out" 2>&1 || st=$?
[ $st -eq 0 ] || fail "kis-engine journal: exit $st"
grep -q "^$signals orders, " "$SCRATCH/journal.out" || fail "kis-engine journal lists $(tail -1 "$SCRATCH/journal.out")"

# A ctx.state the strategy made unsaveable: its fills are still marked told
# (or every restart would tell them again), and the refusal is said once.
cat >"$SCRATCH/unsaveable.lua" <<LUA
return {
  kis = { env = "mock", base_url = "http://127.0.0.1:$PORT", ws_url = "ws://127.0.0.1:$WS_PORT", rate_per_sec = 0 },
  strategies = { { file = "$SRC/tests/data/lua/state_unsaveable.lua" } },
  live = { mode = "paper", journal = "$SCRATCH/unsaveable.journal", feed_clock = true },
}
LUA
st=0
"$ENGINE" run --config "$SCRATCH/unsaveable.lua" --duration 3 >"$SCRATCH/unsaveable.out" 2>&1 || st=$?
[ $st -eq 0 ] || fail "unsaveable state run exit $st"
[ "$(grep -c "cannot be saved (" "$SCRATCH/unsaveable.out")" = 1 ] || fail "unsaveable state: not said exactly once"
grep -q "ctx.state.f: a function cannot be saved" "$SCRATCH/unsaveable.out" || fail "unsaveable state: no key path"
python3 - "$SCRATCH/unsaveable.journal" <<'PY' || fail "unsaveable state: a fill left untold"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n, untold = db.execute("select count(*), sum(notified = 0) from fills").fetchone()
assert n >= 1 and untold == 0, (n, untold)
PY

# --log-json: every line on stderr is one JSON object with ts, level,
# source and msg (status lines carry a status object).
st=0
"$ENGINE" run --config "$SCRATCH/mock.lua" --mode mock --duration 3 --feed-clock --log-json \
  >"$SCRATCH/json.out" 2>&1 || st=$?
[ $st -eq 0 ] || fail "--log-json run exit $st"
python3 - "$SCRATCH/json.out" <<'PY' || fail "--log-json printed a line that is not a JSON log object"
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    assert {"ts", "level", "source"} <= o.keys() and ("msg" in o or "status" in o), o
    assert o["ts"].endswith("+09:00"), o
    n += 1
assert n >= 5, n
PY
grep -q '"event":"status"' "$SCRATCH/json.out" || fail "--log-json: no status line"

# The kill switch: after `kis-engine halt`, the strategies stop and no
# order leaves; the run goes on until it is stopped.
start_sim_again() { stop_sim; start_sim "$1"; }
start_sim_again halt
rm -f "$SCRATCH/halt.HALT"
st=0
( sleep 3; "$ENGINE" halt --config "$SCRATCH/halt.lua" >"$SCRATCH/halt-cmd.out" 2>&1 ) &
HALT_PID=$!
"$ENGINE" run --config "$SCRATCH/halt.lua" --mode mock --duration 7 --feed-clock >"$SCRATCH/halt.out" 2>&1 || st=$?
wait "$HALT_PID"
[ $st -eq 0 ] || fail "halt run exit $st"
grep -q "halt requested" "$SCRATCH/halt-cmd.out" || fail "kis-engine halt said: $(cat "$SCRATCH/halt-cmd.out")"
line=$(grep -n "KILL SWITCH (halt file)" "$SCRATCH/halt.out" | head -1 | cut -d: -f1)
[ -n "$line" ] || fail "the engine never saw the halt file"
after=$(tail -n +"$line" "$SCRATCH/halt.out" | grep -c 'sma_cross: cross' || true)
[ "$after" = 0 ] || fail "$after signals after the kill switch"
before=$(grep -c 'sma_cross: cross' "$SCRATCH/halt.out" || true)
[ "$(placed)" = "$before" ] || fail "kill switch: $before signals before it, $(placed) orders at the venue"
# A pulled kill switch stays pulled: the next start is refused until the file goes.
st=0
"$ENGINE" run --config "$SCRATCH/halt.lua" --mode mock --duration 2 --feed-clock >"$SCRATCH/halted-start.out" 2>&1 || st=$?
[ $st -eq 2 ] || fail "start with the kill switch pulled: exit $st"
grep -q "kill switch is engaged" "$SCRATCH/halted-start.out" || fail "start with the kill switch pulled: no reason"
# Without a halt_file the command says how else to stop.
printf 'return { }\n' >"$SCRATCH/empty.lua"
st=0
"$ENGINE" halt --config "$SCRATCH/empty.lua" >"$SCRATCH/halt-none.out" 2>&1 || st=$?
[ $st -eq 2 ] || fail "halt without halt_file: exit $st"
grep -q "USR1" "$SCRATCH/halt-none.out" || fail "halt without halt_file: no alternative given"

# Real money needs --live; a bad mode or a missing config is a usage error.
st=0
placed_before=$(placed)
"$ENGINE" run --config "$SCRATCH/halt.lua" --mode real >"$SCRATCH/real.out" 2>&1 || st=$?
[ $st -eq 2 ] || fail "real without --live: exit $st"
grep -q -- "--live" "$SCRATCH/real.out" || fail "real without --live: no reason given"
[ "$(placed)" = "$placed_before" ] || fail "real without --live sent something"
st=0
"$ENGINE" run --config "$SCRATCH/mock.lua" --mode later >"$SCRATCH/badmode.out" 2>&1 || st=$?
[ $st -eq 2 ] || fail "bad mode: exit $st"
st=0
"$ENGINE" run >"$SCRATCH/noconfig.out" 2>&1 || st=$?
[ $st -eq 2 ] || fail "no config: exit $st"

# The trading calendar: the mock host has no holiday inquiry (weekdays, with
# a warning); a real account asks KIS once a day and caches the answer
# beside the journal, so a second start that day does not ask again.
grep -q "no KRX holiday inquiry covers 2026-03-02 (the mock host has none)" "$SCRATCH/mock.out" ||
  fail "mock: no weekday-fallback warning"
stop_sim
SIM_ENV=real start_sim realcal
st=0
"$ENGINE" run --config "$SCRATCH/realcal.lua" --mode paper --duration 3 --feed-clock >"$SCRATCH/realcal.out" 2>&1 || st=$?
[ $st -eq 0 ] || fail "paper on a real account: exit $st: $(tail -3 "$SCRATCH/realcal.out")"
cal="$SCRATCH/krx-calendar.txt"
[ -f "$cal" ] || fail "no calendar cache after a real-account run"
[ "$(stat -c %a "$cal")" = 600 ] || fail "the calendar cache is not 0600"
sed -n 2p "$cal" | grep -qx "fetched 20260302" || fail "calendar cache: $(sed -n 2p "$cal")"
grep -qx "20260302 open" "$cal" || fail "calendar cache has no 2026-03-02"
grep -q "no KRX holiday inquiry" "$SCRATCH/realcal.out" && fail "real account: weekday fallback used"
before=$(stat -c %Y.%i "$cal")
sleep 1
"$ENGINE" run --config "$SCRATCH/realcal.lua" --mode paper --duration 2 --feed-clock >"$SCRATCH/realcal2.out" 2>&1 ||
  fail "second real-account run failed"
[ "$(stat -c %Y.%i "$cal")" = "$before" ] || fail "the second start asked KIS again"
SIM_ENV=

# Nothing printed holds a secret.
for s in "$KIS_APP_KEY" "$KIS_APP_SECRET" 50000000; do
  if cat "$SCRATCH"/*.out | grep -qF -- "$s"; then fail "a secret appeared in the output"; fi
done
echo "live_run: ok"
