#!/usr/bin/env bash
# golden_reference.sh - strategies/sma_cross.lua in kis-engine against an
# independent model of the same rules in plain Lua (tests/golden/reference_sma.lua).
#
# For each run the reference writes the expected fills.csv (compared byte
# for byte), the orders (id, side, type, qty, filled_qty, status, compared
# row by row) and the summary figures (final equity, fills, fees, taxes,
# orders, round trips, events: compared exactly).
#
# Runs:
#   1. backtest-data/sample_daily.csv, sma_cross defaults (2024-2025: tax
#      0.18% then 0.15%);
#   2. backtest-data/sample_bars_1m.csv, two weeks via --from/--to;
#   3. kis-datagen daily bars 2025-06..2026-05 (tax 0.15% -> 0.20%), cash
#      900,000, participation 0.00002: market buys rejected by the
#      upper-limit reservation, partial fills, remainders expiring;
#   4. kis-datagen minute bars, two symbols, cash 930,000, participation
#      0.05: partial fills, cancels on the down cross, rejections;
#   5. as 3 with the strategy and params { qty = 100, fast = 3, slow = 8 }
#      given in the config file.
#
# usage: golden_reference.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR KIS_DATAGEN [LUA]
set -euo pipefail

ENGINE=${1:?usage: golden_reference.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR KIS_DATAGEN [LUA]}
SRC=${2:?source dir}
SCRATCH=${3:?scratch dir}
DATAGEN=${4:?kis-datagen binary}
LUA=${5:-lua5.4}
GOLDEN="$SRC/tests/golden"
STRATEGY="$SRC/strategies/sma_cross.lua"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
# Keep the scratch dir after a failure, for inspection.
trap 'rc=$?; if [ $rc -eq 0 ]; then rm -rf "$SCRATCH"; else echo "(scratch files kept in $SCRATCH)" >&2; fi' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

for f in "$STRATEGY" "$SRC/backtest-data/sample_daily.csv" "$SRC/backtest-data/sample_bars_1m.csv"; do
	[ -f "$f" ] || fail "missing $f"
done

# check NAME "REFERENCE OPTIONS" KIS-ENGINE OPTIONS...
check() {
	local name=$1 ropts=$2
	shift 2
	local dir="$SCRATCH/$name" rc=0
	mkdir -p "$dir"
	echo "== $name"
	# shellcheck disable=SC2086 # ropts is a list of words
	"$LUA" "$GOLDEN/reference_sma.lua" $ropts --fills "$dir/expected_fills.csv" \
		--orders "$dir/expected_orders.csv" --summary "$dir/expected_summary.txt" | sed 's/^/  /'
	"$ENGINE" backtest --quiet "$@" --out "$dir/out" >"$dir/stdout" 2>"$dir/stderr" || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 20 "$dir/stderr" >&2
		fail "$name: kis-engine exited $rc, expected 0"
	fi
	if ! diff -u "$dir/expected_fills.csv" "$dir/out/fills.csv" >"$dir/fills.diff"; then
		head -n 40 "$dir/fills.diff"
		fail "$name: fills.csv differs from the reference (- reference, + engine)"
	fi
	echo "  fills.csv: identical to the reference ($(($(wc -l <"$dir/out/fills.csv") - 1)) fills)"
	{
		echo "order_id,side,type,qty,filled_qty,status"
		tail -n +2 "$dir/out/orders.csv" | cut -d, -f1,4,5,7,8,12 | sort -t, -k1,1n
	} >"$dir/orders.got"
	if ! diff -u "$dir/expected_orders.csv" "$dir/orders.got" >"$dir/orders.diff"; then
		head -n 40 "$dir/orders.diff"
		fail "$name: orders.csv differs from the reference (- reference, + engine)"
	fi
	echo "  orders.csv: ids, sides, quantities, fills and states as the reference"
	"$LUA" "$GOLDEN/check_summary.lua" "$dir/out/summary.json" "$dir/expected_summary.txt" ||
		fail "$name: summary.json differs from the reference"
}

check sample_daily "--data $SRC/backtest-data/sample_daily.csv" \
	--strategy "$STRATEGY" --data "$SRC/backtest-data/sample_daily.csv"

check sample_bars_1m_2weeks "--data $SRC/backtest-data/sample_bars_1m.csv --from 2025-03-03 --to 2025-03-14" \
	--strategy "$STRATEGY" --data "$SRC/backtest-data/sample_bars_1m.csv" --from 2025-03-03 --to 2025-03-14

# Runs 3 and 4 set only cash and fill settings in the config (the strategy
# comes from --strategy, with its default params).
"$DATAGEN" daily --symbols 005930,000660 --from 2025-06-02 --days 250 --seed 7 --out "$SCRATCH/gen_daily.csv"
"$DATAGEN" bars --symbols 005930,000660 --days 10 --seed 3 --out "$SCRATCH/gen_bars.csv"

printf 'return { cash = 900000, fill = { participation = 0.00002 } }\n' >"$SCRATCH/tight.lua"
check generated_daily_tight "--data $SCRATCH/gen_daily.csv --cash 900000 --participation-ppm 20" \
	--config "$SCRATCH/tight.lua" --strategy "$STRATEGY" --data "$SCRATCH/gen_daily.csv"
orders="$SCRATCH/generated_daily_tight/out/orders.csv"
grep -q ',rejected,' "$orders" || fail "run 3 should have a buy rejected by the reservation check"
grep -q 'expired' "$orders" || fail "run 3 should have expired remainders"
echo "  (the run has $(grep -c ',rejected,' "$orders") rejected buys and $(grep -c expired "$orders") expired orders)"

printf 'return { cash = 930000, fill = { participation = 0.05 } }\n' >"$SCRATCH/thin.lua"
check generated_bars_thin "--data $SCRATCH/gen_bars.csv --cash 930000 --participation-ppm 50000" \
	--config "$SCRATCH/thin.lua" --strategy "$STRATEGY" --data "$SCRATCH/gen_bars.csv"
orders="$SCRATCH/generated_bars_thin/out/orders.csv"
grep -q ',rejected,' "$orders" || fail "run 4 should have buys rejected by the reservation check"
grep -q 'cancelled on request' "$orders" || fail "run 4 should cancel partly filled buys on a down cross"
echo "  (the run has $(grep -c ',rejected,' "$orders") rejected buys and $(grep -c 'cancelled on request' "$orders") cancels)"

# Run 5: the strategy and its params come from the config.
cat >"$SCRATCH/params.lua" <<EOF
return {
	cash = 9000000,
	fill = { participation = 0.0002 },
	strategies = { { file = "$STRATEGY", params = { qty = 100, fast = 3, slow = 8 } } },
}
EOF
check generated_daily_params \
	"--data $SCRATCH/gen_daily.csv --cash 9000000 --participation-ppm 200 --qty 100 --fast 3 --slow 8" \
	--config "$SCRATCH/params.lua" --data "$SCRATCH/gen_daily.csv"

echo "golden_reference: the engine agrees with the reference model on every run"
