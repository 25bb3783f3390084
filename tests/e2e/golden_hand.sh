#!/usr/bin/env bash
# golden_hand.sh - kis-engine backtest on tiny hand-computed cases.
#
# Each tests/golden/hand_*/ holds a CSV, a strategy placing fixed orders,
# and the expected fills.csv, orders.csv (the leading columns named in the
# expected header), equity.csv and summary fields, all derived by hand in
# its EXPECTED.md (every fee, tax and cash step):
#   hand_ticks  trade prints, 2024: market buy, limit sell filled in two
#               parts (print volume), modify, cancel, a rejected sell
#   hand_bars   minute bars, 2025, participation 0.1: partial fills, a
#               market buy rejected by the upper-limit reservation, day
#               orders expiring at the day change
#   hand_daily  daily bars 2025-12-26..2026-01-06: tax 0.15% -> 0.20%,
#               reservation at the previous close's limit, limit buy on a
#               bar at min(open, limit), expiry; and a --from/--to cut
#   hand_session trade prints at 15:29:59 / 15:30:00 / after hours / on a
#               Saturday / before Monday's open: only the session fills, and
#               orders placed after Friday's close live until Monday's session
#
# usage: golden_hand.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR [KIS_DATAGEN] [LUA]
set -euo pipefail

ENGINE=${1:?usage: golden_hand.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR [KIS_DATAGEN] [LUA]}
SRC=${2:?source dir}
SCRATCH=${3:?scratch dir}
LUA=${5:-lua5.4}
GOLDEN="$SRC/tests/golden"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
# Keep the scratch dir after a failure, for inspection.
trap 'rc=$?; if [ $rc -eq 0 ]; then rm -rf "$SCRATCH"; else echo "(scratch files kept in $SCRATCH)" >&2; fi' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# same WHAT EXPECTED ACTUAL: exact comparison, with a diff on mismatch.
same() {
	if ! diff -u "$2" "$3"; then
		fail "$1 differs from the expected $2 (diff above: - expected, + actual)"
	fi
	echo "  $1: as expected"
}

# run_case NAME [extra kis-engine options...]
run_case() {
	local name=$1
	shift
	local dir="$GOLDEN/$name" out="$SCRATCH/$name" rc=0 ncol
	echo "== $(head -n 1 "$dir/EXPECTED.md" | sed "s/^# //")"
	"$ENGINE" backtest --quiet --strategy "$dir/strategy.lua" --data "$dir/data.csv" --out "$out" "$@" \
		>"$SCRATCH/$name.stdout" 2>"$SCRATCH/$name.stderr" || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$SCRATCH/$name.stderr" >&2
		fail "$name: kis-engine exited $rc, expected 0"
	fi
	echo "  exit status 0"
	same "fills.csv" "$dir/expected_fills.csv" "$out/fills.csv"
	# The expected header says how many leading columns to compare (the
	# last-update time of an expiry and the reason text are left out).
	ncol=$(head -n 1 "$dir/expected_orders.csv" | tr ',' '\n' | wc -l)
	cut -d, -f1-"$ncol" "$out/orders.csv" >"$SCRATCH/$name.orders.csv"
	same "orders.csv (columns 1-$ncol)" "$dir/expected_orders.csv" "$SCRATCH/$name.orders.csv"
	same "equity.csv" "$dir/expected_equity.csv" "$out/equity.csv"
	"$LUA" "$GOLDEN/check_summary.lua" "$out/summary.json" "$dir/expected_summary.txt" ||
		fail "$name: summary.json (see above)"
}

# expect_order_reason CASE ORDER_ID REGEX: the order's row ends with a reason matching REGEX.
expect_order_reason() {
	local rows
	rows=$(grep -c -E "^$2,.*,$3\"?\$" "$SCRATCH/$1/orders.csv" || true)
	[ "$rows" = 1 ] || fail "$1: orders.csv: order $2 should have a reason matching '$3':
$(grep -E "^$2," "$SCRATCH/$1/orders.csv" || echo '(no row)')"
	echo "  order $2 reason matches: $3"
}

run_case hand_ticks
expect_order_reason hand_ticks 4 "cancelled on request"
expect_order_reason hand_ticks 5 "\"not enough shares of 005930.*"

run_case hand_bars --config "$GOLDEN/hand_bars/config.lua"
expect_order_reason hand_bars 1 "\"not enough cash.*upper price limit.*"
expect_order_reason hand_bars 3 "expired: .*"
expect_order_reason hand_bars 4 "expired: .*"

run_case hand_daily --cash 3000000
expect_order_reason hand_daily 2 "\"not enough cash.*upper price limit.*"
expect_order_reason hand_daily 7 "expired: .*"

# --from/--to keep 2025-12-29..2025-12-31 of the daily case. The first bar
# is now 12-29 with no previous close: the market buy of 20 placed there
# reserves at 53,000 x 1.3 = 68,900 (1,378,206) and fills on 12-30 @ 53,100
# (1,062,000 + commission floor(159.3) = 159; cash 1,937,841). On 12-30 the
# previous close is 53,000, limit 68,900: 31 shares need 2,136,220 and 30
# need 2,067,310, both > 1,937,841: rejected. On 12-31 the sell of 25 is
# more than the 20 held: rejected. Equity 1,937,841 + 20 x 53,800 =
# 3,013,841.
echo "== hand_daily with --from 2025-12-29 --to 2025-12-31"
out="$SCRATCH/hand_daily_range"
rc=0
"$ENGINE" backtest --quiet --cash 3000000 --from 2025-12-29 --to 2025-12-31 \
	--strategy "$GOLDEN/hand_daily/strategy.lua" --data "$GOLDEN/hand_daily/data.csv" --out "$out" \
	2>"$SCRATCH/range.stderr" || rc=$?
[ "$rc" -eq 0 ] || fail "range run exited $rc: $(cat "$SCRATCH/range.stderr")"
cat >"$SCRATCH/range_fills.csv" <<'EOF'
time,order_id,strategy,symbol,side,qty,price,fee,tax
2025-12-30T15:30:00.000+09:00,1,golden_daily,035420,buy,20,53100,159,0
EOF
same "fills.csv" "$SCRATCH/range_fills.csv" "$out/fills.csv"
cat >"$SCRATCH/range_orders.csv" <<'EOF'
order_id,status
1,filled
2,rejected
3,rejected
4,rejected
EOF
cut -d, -f1,12 "$out/orders.csv" >"$SCRATCH/range_orders_got.csv"
same "orders.csv (id, status)" "$SCRATCH/range_orders.csv" "$SCRATCH/range_orders_got.csv"
cat >"$SCRATCH/range_summary.txt" <<'EOF'
start 2025-12-29
end 2025-12-31
initial_cash 3000000
final_equity 3013841
fills 1
fees 159
taxes 0
orders 4
events 3
EOF
"$LUA" "$GOLDEN/check_summary.lua" "$out/summary.json" "$SCRATCH/range_summary.txt" || fail "range summary"

# Last, because it checks an edge (an event on a Saturday between an order
# placed after Friday's close and Monday's session).
run_case hand_session

echo "golden_hand: all cases match"
