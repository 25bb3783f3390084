#!/usr/bin/env bash
# Faults during a live session (issue 6): one `kis-engine run` on kis-sim's
# mock account while kis-sim drops the WebSocket again and again, sends
# garbage frames and a malformed control reply, answers HTTP 500 to orders
# and to queries, answers an EGW00201 burst, takes orders without answering
# (lost answers), swallows an order and queries (lost requests) and expires
# the token early (EGW00123). At the end:
#   - no duplicate order: every venue order is exactly one journal order, and
#     every journal order the venue does not have ended rejected (refused by
#     KIS, or resolved as not placed); nothing is left in flight,
#   - no lost fill: the journal's fills per order equal the venue's, and the
#     strategy's ctx.state counts (its FINAL line) equal the venue's totals,
#   - the engine's position equals the venue's (beyond starting holdings),
#   - every injected fault fired, the feed was reconnected, no secret printed.
#
# The REST faults are posted in phases, each a `next` count (kis-sim applies
# it to exactly the next N matching requests, no draw, no timing), and the
# next phase is posted once kis-sim's `pending` shows the previous one used
# up: what fires does not depend on how fast this machine is, only whether a
# phase completes before the strategy stops trading, which has a wide margin.
# Args: <kis-engine> <source dir> <scratch dir> <kis-datagen> <lua5.4>
set -euo pipefail
ENGINE=$1
SRC=$2
SCRATCH=$3
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
. "$SRC/tests/e2e/lib/kissim.sh"

# Market time runs 60x the wall clock from 09:00: a minute of market a
# second. The faults are over by about 09:13 (13 s; the phases must end by
# 09:24), the strategy trades until 09:24 and the run lasts 30 s: its last
# orders fill and are reported with every fault off.
SPEED=60
TRADE_UNTIL=09:24:00
DURATION=30
# From the start: the first order request is swallowed (lost_request). Of
# the strategy's first two identical orders one is lost, the other placed
# and filled: resolving the lost one must not adopt the filled one's row
# (that would book its fill twice); it ends "not placed".
ORDER=/uapi/domestic-stock/v1/trading/order-cash
printf '{ "rest": { "lost_request": { "next": 1, "paths": ["%s"] } } }\n' $ORDER >"$SCRATCH/faults.json"
kissim_start "$SCRATCH/sim.log" --data "$SRC/backtest-data/sample_ticks.csv" --speed $SPEED --start 2026-03-02T09:00:00 \
  --rate 0 --seed 7 --token-throttle-ms 0 --faults "$SCRATCH/faults.json"
URL="http://127.0.0.1:$PORT"

# The token is issued before the run, as a running engine usually finds one
# cached: an engine that issued its own token waits out KIS's one issue a
# minute (61 s) before replacing it after an early expiry, longer than this
# whole test may take.
"$ENGINE" quote 005930 --base-url "$URL" --date 2026-03-02 >"$SCRATCH/quote.out" 2>&1 ||
  fail "the token could not be issued: $(tail -3 "$SCRATCH/quote.out")"

# Trades 005930 until $TRADE_UNTIL (market time): first two identical market
# orders of 1 at once, then every few ticks, with at most two orders working
# (two identical orders can then be in flight when an answer is lost), buys
# 2 at market while it holds under 6, else sells 2. Counts what it was told
# in ctx.state.
cat >"$SCRATCH/trader.lua" <<LUA
local s = { name = "trader", symbols = { "005930" }, params = {} }
function s.on_start(ctx)
  ctx.state.bought = ctx.state.bought or 0
  ctx.state.sold = ctx.state.sold or 0
  ctx.state.rejected = ctx.state.rejected or 0
  ctx.state.ticks = 0
end
function s.on_tick(ctx, t)
  ctx.state.ticks = ctx.state.ticks + 1
  ctx.state.last = ctx:clock()
  if ctx:clock() >= "$TRADE_UNTIL" then return end
  if not ctx.state.pair then
    -- Two identical orders at once: kis-sim swallows the first request
    -- that arrives, so one is lost and the other placed and soon filled.
    ctx.state.pair = true
    ctx:buy("005930", 1)
    ctx:buy("005930", 1)
    return
  end
  if ctx.state.ticks % 3 ~= 0 then return end
  local open = ctx:open_orders("005930")
  if #open >= 2 then return end
  local p = ctx:position("005930")
  if p.qty < 6 then ctx:buy("005930", 2) elseif p.available >= 2 then ctx:sell("005930", 2) end
end
function s.on_fill(ctx, f)
  if f.side == "buy" then ctx.state.bought = ctx.state.bought + f.qty
  else ctx.state.sold = ctx.state.sold + f.qty end
end
function s.on_order(ctx, o)
  if o.status == "rejected" then ctx.state.rejected = ctx.state.rejected + 1 end
end
function s.on_stop(ctx)
  local p = ctx:position("005930")
  ctx:log(string.format("FINAL bought=%d sold=%d pos=%d open=%d rejected=%d reconnects=%d ticks=%d last=%s",
    ctx.state.bought, ctx.state.sold, p.qty, #ctx:open_orders("005930"), ctx.state.rejected,
    ctx:feed_status().reconnects, ctx.state.ticks, ctx.state.last or "none"))
end
return s
LUA
cat >"$SCRATCH/faults.lua" <<LUA
return {
  kis = { env = "mock", base_url = "$URL", ws_url = "ws://127.0.0.1:$WS_PORT",
          rate_per_sec = 0, poll_ms = 400, order_timeout_ms = 1000, query_timeout_ms = 1500 },
  cash = 50000000,
  strategies = { { file = "$SCRATCH/trader.lua" } },
  live = { journal = "$SCRATCH/faults.journal", feed_clock = true },
}
LUA

"$ENGINE" run --config "$SCRATCH/faults.lua" --mode mock --duration $DURATION --feed-clock \
  >"$SCRATCH/run.out" 2>&1 &
ENGINE_PID=$!

# The phases. Each document replaces the last (kis-sim re-arms every count
# from it), so each carries the WebSocket faults and what is left of the
# one-shot malformed reply. The phase is over when kis-sim has nothing
# pending; it must be over before the strategy stops trading.
python3 - "$URL" "$TRADE_UNTIL" >"$SCRATCH/phases.out" 2>&1 <<'PY' || fail "fault phases: $(tail -3 "$SCRATCH/phases.out")"
import json, sys, time, urllib.request
url, until = sys.argv[1], sys.argv[2]
ORDER = "/uapi/domestic-stock/v1/trading/order-cash"
CCLD = "/uapi/domestic-stock/v1/trading/inquire-daily-ccld"
BAL = "/uapi/domestic-stock/v1/trading/inquire-balance"
# Drop each session after 15 frames (about 3 s of quotes) until kis-sim has
# dropped DROPS sessions: the feed reconnects after 1 s, 2 s, 4 s of backoff
# (it doubles with each drop: the drops stop there).
DROPS = 3
WS = {"garbage_every": 6}

def state():
    with urllib.request.urlopen(url + "/_sim/state", timeout=5) as r:
        return json.load(r)

def market_clock(st):
    return st["replay"]["market_time"][11:19]

def post(doc):
    req = urllib.request.Request(url + "/_sim/faults", data=json.dumps(doc).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.status == 200, r.status

def ws_faults(st, bad_json=0):
    ws = dict(WS)
    if st["faults"]["counters"]["ws_dropped"] < DROPS:
        ws["drop_after_frames"] = 15
    # What is left of the malformed reply is carried over (a reconnect may
    # take it between this look and the post: then it fires twice).
    left = bad_json or st["faults"]["pending"]["malformed_json_next"]
    if left:
        ws["malformed_json_next"] = left
    return ws

def phase(name, rest=None, tokens=None):
    st = state()
    doc = {"ws": ws_faults(st)}
    if rest:
        doc["rest"] = rest
    if tokens:
        doc["tokens"] = tokens
    post(doc)
    while True:
        st = state()
        p = st["faults"]["pending"]
        busy = [k for k in ("http500_next", "egw00201_next", "no_answer_next", "lost_request_next") if p[k]]
        if p["expire_now"]:
            busy.append("expire_now")
        if not busy:
            print("phase %-14s done at %s, %d drops" % (name, market_clock(st), st["faults"]["counters"]["ws_dropped"]),
                  flush=True)
            return
        if market_clock(st) >= until:
            raise SystemExit("phase %s: %s still pending when trading stopped" % (name, busy))
        time.sleep(0.05)

# Wait for the first pair: one order lost (the --faults file), one at the venue.
while True:
    st = state()
    if st["venue"]["counters"]["place_requests"] > 0 and not st["faults"]["pending"]["lost_request_next"]:
        break
    if market_clock(st) >= until:
        raise SystemExit("the engine placed no order")
    time.sleep(0.05)
print("phase %-14s done at %s" % ("lost order", market_clock(st)), flush=True)
post({"ws": ws_faults(st, bad_json=1)})
phase("orders 500", rest={"http500": {"next": 2, "paths": [ORDER]}})
phase("lost answers", rest={"no_answer": {"next": 2, "paths": [ORDER]}})
phase("queries 500", rest={"http500": {"next": 2, "paths": [CCLD, BAL]}})
phase("EGW00201", rest={"egw00201": {"next": 4}})
phase("lost queries", rest={"lost_request": {"next": 1, "paths": [CCLD]}, "no_answer": {"next": 1, "paths": [CCLD]}})
phase("token expiry", tokens={"expire_now": True})
# The drops go on, if need be, until there were DROPS of them; then all off.
phase("drops")
while state()["faults"]["counters"]["ws_dropped"] < DROPS:
    if market_clock(state()) >= until:
        raise SystemExit("only %d drops when trading stopped" % state()["faults"]["counters"]["ws_dropped"])
    time.sleep(0.05)
post({})
print("faults off at %s" % market_clock(state()))
PY

# A hang is a failure too: the run must stop at its duration, 3 s of
# draining at most after it.
for _ in $(seq 1 $(((DURATION + 15) * 10))); do
  kill -0 "$ENGINE_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$ENGINE_PID" 2>/dev/null; then
  kill -ABRT "$ENGINE_PID" 2>/dev/null || true
  fail "the run did not stop after its duration: $(tail -5 "$SCRATCH/run.out")"
fi
st=0
wait "$ENGINE_PID" || st=$?
ENGINE_PID=
[ "$st" = 0 ] || fail "the run ended with exit $st: $(tail -5 "$SCRATCH/run.out")"
final=$(grep -o 'FINAL bought=[0-9]* sold=[0-9]* pos=[0-9]* open=[0-9]* rejected=[0-9]* reconnects=[0-9]*' \
  "$SCRATCH/run.out" | tail -1)
[ -n "$final" ] || fail "no FINAL line: $(tail -5 "$SCRATCH/run.out")"
grep -q "feed reconnected" "$SCRATCH/run.out" || fail "the feed was never reconnected"

curl -s "$URL/_sim/state" >"$SCRATCH/state.json"
python3 - "$SCRATCH/faults.journal" "$SCRATCH/state.json" "$final" <<'PY' || fail "engine and venue disagree"
import json, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
state = json.load(open(sys.argv[2]))
bought, sold, pos, opn, rejected, reconnects = map(int, re.findall(r"=(\d+)", sys.argv[3]))
venue = [o for o in state["venue"]["orders"] if o["kind"] == "new" and o["account"] == "50000000-01"]

# Every fault fired: exactly the phases' counts for REST (nothing else
# draws), at least once for the WebSocket.
c = state["faults"]["counters"]
want = {"http500": 4, "egw00201": 4, "no_answer": 3, "lost_request": 2, "tokens_expired": 1}
for k, n in want.items():
    assert c[k] == n, ("fault", k, "fired", c[k], "times, not", n)
assert c["ws_dropped"] >= 3, ("websocket drops", c["ws_dropped"])
assert c["ws_bad_json"] >= 1, ("malformed replies", c["ws_bad_json"])
# The expired token was replaced: one issued before the run, one after.
assert state["auth"]["tokens_issued"] == 2, ("tokens issued", state["auth"])
assert c["ws_garbage"] >= 1, ("garbage frames", c["ws_garbage"])
assert reconnects >= 1, ("the strategy saw no reconnect", reconnects)

# No duplicate: every venue order is exactly one journal order.
rows = db.execute("select id, odno, side, qty, state, filled_qty, reason from orders").fetchall()
by_odno = {}
for oid, odno, side, qty, st, filled, reason in rows:
    # Nothing is left in flight: the strategy stopped trading long before the end.
    assert st in ("filled", "rejected", "cancelled"), ("order not settled", oid, odno, st, reason)
    if odno:
        assert int(odno) not in by_odno, ("two journal orders with one number", odno)
        by_odno[int(odno)] = (oid, side, qty, st, filled)
    else:
        # never placed: refused by KIS, or resolved as not placed
        assert st == "rejected", ("an order without a number that was not rejected", oid, st, reason)
for v in venue:
    assert v["odno"] in by_odno, ("venue order unknown to the journal", v)
    oid, side, qty, st, filled = by_odno[v["odno"]]
    assert side == v["side"] and qty == v["qty"], (v, side, qty)
    # No lost fill: the journal's fills of the order are the venue's.
    jf, ja = db.execute("select coalesce(sum(qty), 0), coalesce(sum(qty * price), 0) from fills where order_id = ?",
                        (oid,)).fetchone()
    assert jf == filled == v["filled_qty"], ("fills of", v["odno"], "journal", jf, filled, "venue", v["filled_qty"])
    assert ja == v["filled_amt"], ("fill value of", v["odno"], "journal", ja, "venue", v["filled_amt"])
assert len(by_odno) == len(venue), ("journal orders with numbers", len(by_odno), "venue orders", len(venue))

# The faults reached the orders: two refused with HTTP 500, one resolved as
# not placed (the lost answers were adopted: their venue orders have
# journal orders above).
reasons = [r[6] for r in rows if r[4] == "rejected"]
assert any("not placed" in r for r in reasons), ("no order resolved as not placed", reasons)
# The first pair: the lost one not placed, the other at the venue.
pair = db.execute("select odno, state, reason from orders where qty = 1 order by id").fetchall()
assert len(pair) == 2 and sorted(bool(p[0]) for p in pair) == [False, True], ("the first pair", pair)
assert any(p[1] == "rejected" and "not placed" in p[2] for p in pair), ("the first pair", pair)
assert sum("SIM00500" in r for r in reasons) == 2, ("orders refused with HTTP 500", reasons)

# The strategy was told every fill exactly once.
vb = sum(o["filled_qty"] for o in venue if o["side"] == "buy")
vs = sum(o["filled_qty"] for o in venue if o["side"] == "sell")
assert vb > 0 and vs > 0, ("the session traded too little", vb, vs)
jb = db.execute("select coalesce(sum(f.qty),0) from fills f join orders o on o.id=f.order_id where o.side='buy'").fetchone()[0]
js = db.execute("select coalesce(sum(f.qty),0) from fills f join orders o on o.id=f.order_id where o.side='sell'").fetchone()[0]
assert (jb, js) == (vb, vs), ("journal filled", jb, js, "venue", vb, vs)
un = db.execute("select count(*) from fills where notified = 0").fetchone()[0]
assert un == 0, ("fills never told", un)
assert (bought, sold) == (vb, vs), ("strategy told", bought, sold, "venue filled", vb, vs)
jrej = sum(1 for r in rows if r[4] == "rejected")
assert rejected == jrej, ("strategy saw", rejected, "rejections, journal has", jrej)

# Position: the engine's equals the venue's (the built-in account starts
# with no holdings).
acct = [a for a in state["venue"]["accounts"] if a["cano"] == "50000000"][0]
held = sum(p["qty"] for p in acct["positions"] if p["pdno"] == "005930")
assert pos == vb - vs == held, ("engine position", pos, "venue net", vb - vs, "venue holds", held)
vopen = sum(1 for o in venue if o["remaining"] > 0)
assert opn == vopen == 0, ("open orders", opn, "venue", vopen)
print("faults: %d venue orders, %d journal orders (%d rejected), bought %d sold %d, %d drops, %d reconnects"
      % (len(venue), len(rows), jrej, vb, vs, c["ws_dropped"], reconnects))
PY

# Nothing printed holds a secret: credentials, account, the token and the
# approval key in use at the end (every token kis-sim issues is a JWT, "eyJ...").
tokens=$(python3 -c 'import glob, json, sys
for f in glob.glob(sys.argv[1] + "/kis-engine/*.json"):
    print(json.load(open(f))["token"])' "$XDG_CACHE_HOME")
[ "$(echo "$tokens" | wc -l)" = 2 ] || fail "expected a token and an approval key in the cache"
for s in "$KIS_APP_KEY" "$KIS_APP_SECRET" 50000000 eyJ $tokens; do
  if cat "$SCRATCH"/*.out | grep -qF -- "$s"; then fail "a secret appeared in the output"; fi
done
echo "live_faults: ok"
