#!/usr/bin/env bash
# A full replayed day on kis-sim's mock account through REST and the
# WebSocket (issue 6): 2026-03-02 09:00-15:30 at 600x. The strategy buys and
# sells at market, rests limit orders below the market and cancels them
# when they do not fill, and leaves resting orders for the close. At the
# end:
#   - every venue order is one journal order with the same side and
#     quantity, and the journal's fills per order equal the venue's,
#   - cancels: every order the strategy cancelled is cancelled at the venue,
#   - the close ended what was left (after a last look for the closing
#     auction's fills; KRX refuses cancels after 15:30), and the end-of-day
#     summary was printed,
#   - the engine's final position equals the venue's (beyond the account's
#     starting holdings) and its ctx.state counts equal the venue's fills.
# Args: <kis-engine> <source dir> <scratch dir> <kis-datagen> <lua5.4>
set -euo pipefail
ENGINE=$1
SRC=$2
SCRATCH=$3
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
. "$SRC/tests/e2e/lib/kissim.sh"

# 6 h 30 min of market at 600x: 39 s; the run stops 6 s after the close.
kissim_start "$SCRATCH/sim.log" --data "$SRC/backtest-data/sample_ticks.csv" --speed 600 --start 2026-03-02T09:00:00 --rate 0

cat >"$SCRATCH/day.lua" <<'LUA'
local s = { name = "day", symbols = { "005930", "000660" }, params = {} }
local rest = {} -- resting order id -> tick count when placed
local left = {} -- symbol -> the order left for the close
function s.on_start(ctx)
  ctx.state.bought = ctx.state.bought or 0
  ctx.state.sold = ctx.state.sold or 0
  ctx.state.cancels = ctx.state.cancels or 0
  ctx.state.n = 0
end
function s.on_tick(ctx, t)
  ctx.state.n = ctx.state.n + 1
  local n = ctx.state.n
  -- A resting buy 5 ticks under the bid every 40 ticks; cancelled 15 ticks later.
  if n % 40 == 0 and t.bid and t.bid > 0 then
    local px = ctx:round_price(t.bid - 5 * ctx:tick_size(t.bid))
    rest[ctx:buy(t.symbol, 1, { price = px })] = n
  end
  for id, at in pairs(rest) do
    if n - at >= 15 then
      if ctx:cancel(id) then ctx.state.cancels = ctx.state.cancels + 1 end
      rest[id] = nil
    end
  end
  -- From 15:10 one resting buy per symbol is left for the close to end.
  if ctx:clock() >= "15:10:00" and not left[t.symbol] and t.bid and t.bid > 0 then
    left[t.symbol] = ctx:buy(t.symbol, 1, { price = ctx:round_price(t.bid - 10 * ctx:tick_size(t.bid)) })
    rest[left[t.symbol]] = nil
    return
  end
  if left[t.symbol] then return end
  -- Market trades every 25 ticks: build up to 4 shares, then sell 2.
  if n % 25 == 0 then
    local p = ctx:position(t.symbol)
    if p.qty < 4 then ctx:buy(t.symbol, 1) elseif p.available >= 2 then ctx:sell(t.symbol, 2) end
  end
end
function s.on_market_close(ctx)
  ctx.state.closed = true
end
function s.on_fill(ctx, f)
  if f.side == "buy" then ctx.state.bought = ctx.state.bought + f.qty
  else ctx.state.sold = ctx.state.sold + f.qty end
end
function s.on_stop(ctx)
  local a, b = ctx:position("005930"), ctx:position("000660")
  ctx:log(string.format("FINAL bought=%d sold=%d pos005930=%d pos000660=%d open=%d cancels=%d closed=%s",
    ctx.state.bought, ctx.state.sold, a.qty, b.qty, #ctx:open_orders(), ctx.state.cancels,
    tostring(ctx.state.closed)))
end
return s
LUA
cat >"$SCRATCH/day-config.lua" <<LUA
return {
  kis = { env = "mock", base_url = "http://127.0.0.1:$PORT", ws_url = "ws://127.0.0.1:$WS_PORT",
          rate_per_sec = 0, poll_ms = 300 },
  cash = 50000000,
  strategies = { { file = "$SCRATCH/day.lua" } },
  live = { journal = "$SCRATCH/day.journal", feed_clock = true, cancel_at_close = true },
}
LUA
st=0
"$ENGINE" run --config "$SCRATCH/day-config.lua" --mode mock --duration 45 >"$SCRATCH/day.out" 2>&1 || st=$?
[ $st -eq 0 ] || fail "run exit $st: $(tail -5 "$SCRATCH/day.out")"
final=$(grep -o 'FINAL bought=[0-9]* sold=[0-9]* pos005930=[0-9]* pos000660=[0-9]* open=[0-9]* cancels=[0-9]* closed=[a-z]*' \
  "$SCRATCH/day.out" | tail -1)
[ -n "$final" ] || fail "no FINAL line: $(tail -5 "$SCRATCH/day.out")"
grep -q "after the close: [0-9]* open orders expired" "$SCRATCH/day.out" || fail "no order ended at the close"
case "$final" in *closed=true) ;; *) fail "on_market_close did not run before the stop: $final" ;; esac
grep -q "end of day: day equity" "$SCRATCH/day.out" || fail "no end-of-day summary"

curl -s "http://127.0.0.1:$PORT/_sim/state" >"$SCRATCH/state.json"
python3 - "$SCRATCH/day.journal" "$SCRATCH/state.json" "$final" <<'PY' || fail "engine and venue disagree"
import json, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
state = json.load(open(sys.argv[2]))
bought, sold, p1, p2, opn, cancels = map(int, re.findall(r"=(\d+)", sys.argv[3]))
orders = [o for o in state["venue"]["orders"] if o["account"] == "50000000-01"]
venue = {o["odno"]: o for o in orders if o["kind"] == "new"}
rows = db.execute("select id, odno, side, qty, state, filled_qty, reason from orders").fetchall()
journaled = {}
for oid, odno, side, qty, st, filled, reason in rows:
    if not odno:  # refused by KIS, never placed
        assert st == "rejected" and reason.startswith("KIS "), (oid, st, reason)
        continue
    assert int(odno) not in journaled, ("two journal orders with one number", odno)
    journaled[int(odno)] = oid
    v = venue[int(odno)]
    assert (v["side"], v["qty"]) == (side, qty), (v, side, qty)
    fq = db.execute("select coalesce(sum(qty), 0) from fills where order_id = ?", (oid,)).fetchone()[0]
    assert fq == v["filled_qty"] == filled, (oid, fq, filled, v["filled_qty"])
    if st == "cancelled" and not reason.startswith("expired at the close"):
        assert v["cancelled_qty"] > 0 or v["remaining"] == 0, v
assert set(journaled) == set(venue), (len(journaled), len(venue))
# After the close the engine counts no order open; what the venue still
# lists as working (it expires its day later) the journal ended at the close.
assert opn == 0, opn
for odno, v in venue.items():
    if v["remaining"] > 0:
        st, reason = db.execute("select state, reason from orders where id = ?", (journaled[odno],)).fetchone()
        assert st == "cancelled" and reason.startswith("expired at the close"), (odno, st, reason)
left = db.execute("select count(*) from orders where reason like 'expired at the close%'").fetchone()[0]
assert left >= 2, left
# The strategy's cancels and the close's reached the venue as cancel orders.
ncancel = sum(1 for o in orders if o["kind"] == "cancel")
assert cancels > 0 and ncancel > 0, (cancels, ncancel)
# Fills: the strategy was told exactly what the venue filled.
vb = sum(o["filled_qty"] for o in venue.values() if o["side"] == "buy")
vs = sum(o["filled_qty"] for o in venue.values() if o["side"] == "sell")
assert (bought, sold) == (vb, vs), (bought, sold, vb, vs)
acct = [a for a in state["venue"]["accounts"] if a["cano"] == "50000000"][0]
for sym, pos in (("005930", p1), ("000660", p2)):
    net = sum(o["filled_qty"] * (1 if o["side"] == "buy" else -1) for o in venue.values() if o["pdno"] == sym)
    assert pos == net, (sym, pos, net)
    held = sum(p["qty"] for p in acct["positions"] if p["pdno"] == sym)
    assert held >= net, (sym, held, net)
print("day: %d orders, %d cancel requests, bought %d sold %d" % (len(venue), ncancel, vb, vs))
PY
echo "live_day: ok"
