#!/usr/bin/env bash
# determinism.sh - the same backtest twice gives byte-identical results.
#
# Each run is made twice into two --out directories (the second from another
# working directory): fills.csv, orders.csv, equity.csv, summary.json, the
# printed summary and the log on stderr must be byte for byte the same.
#   1. sma_cross on backtest-data/sample_daily.csv
#   2. sma_cross + buy_and_hold + mean_reversion + scheduled at once on two
#      weeks of backtest-data/sample_bars_1m.csv (shared cash, timers)
#   3. sma_cross + mean_reversion on backtest-data/sample_ticks.csv
#
# usage: determinism.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR [KIS_DATAGEN] [LUA]
set -euo pipefail

ENGINE=${1:?usage: determinism.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR [KIS_DATAGEN] [LUA]}
SRC=${2:?source dir}
SCRATCH=${3:?scratch dir}
S="$SRC/strategies"
D="$SRC/backtest-data"

case "$ENGINE" in /*) ;; *) ENGINE="$PWD/$ENGINE" ;; esac
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/cwd1" "$SCRATCH/cwd2"
# Keep the scratch dir after a failure, for inspection.
trap 'rc=$?; if [ $rc -eq 0 ]; then rm -rf "$SCRATCH"; else echo "(scratch files kept in $SCRATCH)" >&2; fi' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# twice NAME KIS-ENGINE OPTIONS...
twice() {
	local name=$1
	shift
	echo "== $name"
	local i rc
	for i in 1 2; do
		rc=0
		(cd "$SCRATCH/cwd$i" && "$ENGINE" backtest "$@" --out "$SCRATCH/$name.$i" \
			>"$SCRATCH/$name.$i.stdout" 2>"$SCRATCH/$name.$i.stderr") || rc=$?
		if [ "$rc" -ne 0 ]; then
			tail -n 20 "$SCRATCH/$name.$i.stderr" >&2
			fail "$name: run $i exited $rc"
		fi
	done
	local f
	for f in fills.csv orders.csv equity.csv summary.json; do
		if ! cmp -s "$SCRATCH/$name.1/$f" "$SCRATCH/$name.2/$f"; then
			diff -u "$SCRATCH/$name.1/$f" "$SCRATCH/$name.2/$f" | head -n 40
			fail "$name: $f differs between two identical runs"
		fi
		echo "  $f: identical ($(wc -l <"$SCRATCH/$name.1/$f") lines)"
	done
	# The printed table ends with "report written to <dir>/", which differs.
	for i in 1 2; do
		grep -v '^report written to ' "$SCRATCH/$name.$i.stdout" >"$SCRATCH/$name.$i.table" || true
	done
	cmp -s "$SCRATCH/$name.1.table" "$SCRATCH/$name.2.table" || {
		diff -u "$SCRATCH/$name.1.table" "$SCRATCH/$name.2.table" | head -n 40
		fail "$name: the printed summary differs"
	}
	cmp -s "$SCRATCH/$name.1.stderr" "$SCRATCH/$name.2.stderr" || {
		diff -u "$SCRATCH/$name.1.stderr" "$SCRATCH/$name.2.stderr" | head -n 40
		fail "$name: the log differs"
	}
	echo "  printed summary and log: identical"
	[ "$(wc -l <"$SCRATCH/$name.1/fills.csv")" -gt 1 ] || fail "$name: no fills at all: not a useful check"
}

twice daily_sma --strategy "$S/sma_cross.lua" --data "$D/sample_daily.csv"

twice bars_four_strategies --strategy "$S/sma_cross.lua" --strategy "$S/buy_and_hold.lua" \
	--strategy "$S/mean_reversion.lua" --strategy "$S/scheduled.lua" \
	--data "$D/sample_bars_1m.csv" --from 2025-03-03 --to 2025-03-14
n=$("${5:-lua5.4}" "$SRC/tests/golden/check_summary.lua" "$SCRATCH/bars_four_strategies.1/summary.json" \
	--get strategies.4.name)
[ "$n" = scheduled ] || fail "bars_four_strategies: expected 4 strategies in the summary, the 4th '$n'"

twice ticks_two_strategies --strategy "$S/sma_cross.lua" --strategy "$S/mean_reversion.lua" \
	--data "$D/sample_ticks.csv"

echo "determinism: every run repeated byte for byte"
