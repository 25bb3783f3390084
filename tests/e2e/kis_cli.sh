#!/usr/bin/env bash
# The account commands (quote, order, account, cancel, token) against
# kis-sim on loopback, started and stopped here. Checks answers, exit codes,
# the real-order confirmation, bad input, an unknown outcome (exit 3), and
# that no secret ever reaches stdout or stderr.
# Args: <kis-engine> <source dir> <scratch dir> <kis-datagen> <lua5.4>
set -euo pipefail
ENGINE=$1
SRC=$2
SCRATCH=$3
SIM=$(dirname "$ENGINE")/kis-sim
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
LOG=$SCRATCH/all-output.txt
: >"$LOG"

# Ports the kernel says are free, so parallel test runs never meet.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
WS_PORT=$(free_port)
URL=http://127.0.0.1:$PORT
"$SIM" --data "$SRC/backtest-data/sample_ticks.csv" --speed 1 --start 2026-03-02T09:00:00 \
  --rest-port "$PORT" --ws-port "$WS_PORT" --rate 0 >"$SCRATCH/sim.log" 2>&1 &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true; wait $SIM_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
  if curl -s -o /dev/null "$URL/_sim/state"; then break; fi
  sleep 0.05
done

# kis-sim's built-in test account (docs/kis-sim.md, Accounts).
base="KisSimDefault/TestOnly+NotASecret"
secret=""
while [ ${#secret} -lt 176 ]; do secret="$secret$base"; done
export KIS_APP_KEY=PSkisSimDefaultTestAppKey00000000001
export KIS_APP_SECRET="${secret:0:176}0180"
export KIS_ACCOUNT=50000000-01
export XDG_CACHE_HOME=$SCRATCH/cache

fail() { echo "FAIL: $*" >&2; exit 1; }

# run NAME EXPECTED_STATUS ARGS...: output in $SCRATCH/NAME.out and .err
run() {
  local name=$1 want=$2
  shift 2
  local st=0
  "$ENGINE" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" </dev/null || st=$?
  cat "$SCRATCH/$name.out" "$SCRATCH/$name.err" >>"$LOG"
  [ "$st" -eq "$want" ] || fail "$name: exit $st, wanted $want: $(cat "$SCRATCH/$name.err")"
}
has() { grep -qF -- "$2" "$SCRATCH/$1" || fail "$1 lacks '$2': $(cat "$SCRATCH/$1")"; }
state_num() { curl -s "$URL/_sim/state" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }

COMMON=(--base-url "$URL" --date 2026-03-02)

run token0 0 token --status "${COMMON[@]}"
has token0.out "access_token: none cached"

run quote 0 quote 005930 "${COMMON[@]}"
# The first print of 005930 in the sample is 69,500 won.
has quote.out "005930 69,500 KRW"
run quote_json 0 quote 005930 "${COMMON[@]}" --json
has quote_json.out '"price":	69500'

run order 0 order buy 005930 10 60000 "${COMMON[@]}" --json
ODNO=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['order_no'])" "$SCRATCH/order.out")
[ -n "$ODNO" ] || fail "no order number"

run account 0 account "${COMMON[@]}" --json
python3 - "$SCRATCH/account.out" "$ODNO" <<'EOF' || fail "account: $(cat "$SCRATCH/account.out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["cash"]["deposit"] == 100000000, d["cash"]
rows = [o for o in d["open_orders"] if int(o["order_no"]) == int(sys.argv[2])]
assert len(rows) == 1 and rows[0]["qty"] == 10 and rows[0]["price"] == 60000 and rows[0]["remaining"] == 10, rows
EOF
run account_text 0 account "${COMMON[@]}"
has account_text.out "cash: deposit 100,000,000 KRW"
has account_text.out "open orders: 1"

run cancel 0 cancel "$ODNO" "${COMMON[@]}"
has cancel.out "cancel accepted for order $ODNO"
run account2 0 account "${COMMON[@]}"
has account2.out "open orders: 0"
run cancel_again 1 cancel "$ODNO" "${COMMON[@]}"
has cancel_again.err "is not an open order"

run token1 0 token --status "${COMMON[@]}"
has token1.out "access_token: cached, expires"
CACHE_FILE=$(ls "$XDG_CACHE_HOME"/kis-engine/mock-*.json | head -1)
[ "$(stat -c %a "$CACHE_FILE")" = 600 ] || fail "token cache mode is $(stat -c %a "$CACHE_FILE")"
[ "$(stat -c %a "$XDG_CACHE_HOME/kis-engine")" = 700 ] || fail "cache dir is not 0700"
TOKEN=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['token'])" "$CACHE_FILE")
# Every command so far shared one token.
[ "$(state_num '["auth"]["tokens_issued"]')" = 1 ] || fail "more than one token issued"

# Real money asks first; without a terminal and without --yes nothing is sent.
placed=$(state_num '["venue"]["counters"]["place_requests"]')
run real_no 2 order buy 005930 1 60000 --env real --base-url "$URL"
has real_no.err "About to place a REAL order: buy 1 005930 at 60,000"
has real_no.err "pass --yes"
[ "$(state_num '["venue"]["counters"]["place_requests"]')" = "$placed" ] || fail "a real order went out unconfirmed"

# Bad input: clear errors, exit 2, nothing sent.
run bad_qty 2 order buy 005930 0 "${COMMON[@]}"
run bad_side 2 order hold 005930 1 "${COMMON[@]}"
run bad_sym 2 quote 12 "${COMMON[@]}"
run bad_env 2 account --env paper "${COMMON[@]}"
run bad_date 2 account --base-url "$URL" --date 2026-13-01
has bad_date.err "--date wants YYYY-MM-DD"
st=0; env -u KIS_APP_KEY "$ENGINE" quote 005930 "${COMMON[@]}" >"$SCRATCH/nokey.out" 2>"$SCRATCH/nokey.err" || st=$?
cat "$SCRATCH/nokey.out" "$SCRATCH/nokey.err" >>"$LOG"
[ $st -eq 2 ] || fail "missing key: exit $st"
has nokey.err "KIS_APP_KEY"

# A secrets file others can read is refused.
SECRETS=$SCRATCH/secrets.env
printf 'KIS_APP_KEY=%s\nKIS_APP_SECRET=%s\nKIS_ACCOUNT=%s\n' "$KIS_APP_KEY" "$KIS_APP_SECRET" "$KIS_ACCOUNT" >"$SECRETS"
chmod 644 "$SECRETS"
run secrets_open 2 quote 005930 "${COMMON[@]}" --secrets "$SECRETS"
has secrets_open.err "$SECRETS"
chmod 600 "$SECRETS"
run secrets_ok 0 quote 005930 "${COMMON[@]}" --secrets "$SECRETS"

# KIS refuses: selling shares the account does not hold -> exit 1 with KIS's words.
run sell_none 1 order sell 035420 5 "${COMMON[@]}"
has sell_none.err "order failed"

# The answer is lost: exit 3, and the order was sent exactly once.
cat >"$SCRATCH/fast.lua" <<EOF
return { kis = { base_url = "$URL", order_timeout_ms = 500 } }
EOF
curl -s -X POST "$URL/_sim/faults" \
  -d '{"rest":{"no_answer":{"next":1,"paths":["/uapi/domestic-stock/v1/trading/order-cash"]}}}' >/dev/null
placed=$(state_num '["venue"]["counters"]["place_requests"]')
run lost 3 order buy 005930 1 60000 --config "$SCRATCH/fast.lua" --date 2026-03-02
has lost.err "outcome is unknown"
[ "$(state_num '["venue"]["counters"]["place_requests"]')" = $((placed + 1)) ] || fail "lost order not exactly once"

# No secret in anything printed.
for s in "$KIS_APP_KEY" "$KIS_APP_SECRET" "$TOKEN" 50000000; do
  if grep -qF -- "$s" "$LOG"; then fail "a secret appeared in the output"; fi
done
echo "kis_cli: ok"
