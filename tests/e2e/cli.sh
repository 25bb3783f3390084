#!/usr/bin/env bash
# cli.sh - kis-engine's command line: help, exit statuses and error messages.
#
# Exit statuses (engine/main.c): 0 ok, 2 bad usage or bad input (the message
# names the file, line and field), 1 a strategy halted on an error.
#
# usage: cli.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR [KIS_DATAGEN] [LUA]
set -euo pipefail

ENGINE=${1:?usage: cli.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR [KIS_DATAGEN] [LUA]}
SRC=${2:?source dir}
SCRATCH=${3:?scratch dir}
LUA=${5:-lua5.4}
G="$SRC/tests/golden/cli"
SMA="$SRC/strategies/sma_cross.lua"
OK_CSV="$G/ok.csv"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
# Keep the scratch dir after a failure, for inspection.
trap 'rc=$?; if [ $rc -eq 0 ]; then rm -rf "$SCRATCH"; else echo "(scratch files kept in $SCRATCH)" >&2; fi' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

OUT="$SCRATCH/stdout"
ERR="$SCRATCH/stderr"

# run WANT_STATUS WHAT ARGS...: runs kis-engine ARGS, checks the exit status.
run() {
	local want=$1 what=$2 rc=0
	shift 2
	"$ENGINE" "$@" >"$OUT" 2>"$ERR" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "--- stdout:" >&2
		head -n 20 "$OUT" >&2
		echo "--- stderr:" >&2
		head -n 20 "$ERR" >&2
		fail "$what: exit status $rc, expected $want (kis-engine $*)"
	fi
	echo "ok  $what: exit $rc"
}

# has FILE TEXT WHAT: FILE contains TEXT (fixed string).
has() {
	if ! grep -qF -- "$2" "$1"; then
		echo "--- $(basename "$1"):" >&2
		head -n 20 "$1" >&2
		fail "$3: expected to find '$2'"
	fi
	echo "      mentions: $2"
}

# --- help and usage ---------------------------------------------------------

run 0 "kis-engine backtest --help" backtest --help
has "$OUT" "usage: kis-engine backtest" "backtest --help prints the usage on stdout"
has "$OUT" "--strategy" "backtest --help"
has "$OUT" "Exit status" "backtest --help"
[ ! -s "$ERR" ] || fail "backtest --help wrote to stderr"

run 0 "kis-engine --help" --help
has "$OUT" "usage: kis-engine" "--help"
run 0 "kis-engine help" help
has "$OUT" "backtest" "help"

run 2 "no command" 
has "$ERR" "usage: kis-engine" "no command"
run 2 "unknown command" frobnicate
has "$ERR" "frobnicate" "unknown command"

run 2 "unknown option" backtest --bogus-option --strategy "$SMA" --data "$OK_CSV"
has "$ERR" "bogus-option" "unknown option"
has "$ERR" "usage:" "unknown option"
run 2 "stray argument" backtest --strategy "$SMA" --data "$OK_CSV" extra-arg
has "$ERR" "extra-arg" "stray argument"

run 2 "missing --data" backtest --strategy "$SMA" --out "$SCRATCH/o"
has "$ERR" "--data" "missing --data"
run 2 "missing --strategy" backtest --data "$OK_CSV" --out "$SCRATCH/o"
has "$ERR" "--strategy" "missing --strategy"

run 2 "--from after --to" backtest --strategy "$SMA" --data "$OK_CSV" --from 2024-03-05 --to 2024-03-04 \
	--out "$SCRATCH/o"
has "$ERR" "--from" "--from after --to"
run 2 "--from not a date" backtest --strategy "$SMA" --data "$OK_CSV" --from 2024-13-01 --out "$SCRATCH/o"
has "$ERR" "YYYY-MM-DD" "--from not a date"
run 2 "--cash not a number" backtest --strategy "$SMA" --data "$OK_CSV" --cash 12abc --out "$SCRATCH/o"
has "$ERR" "12abc" "--cash not a number"
run 2 "--cash zero" backtest --strategy "$SMA" --data "$OK_CSV" --cash 0 --out "$SCRATCH/o"

# --- bad input files --------------------------------------------------------

# Line 4 of bad_price.csv (the third data row) has the price "70x00".
run 2 "non-numeric price on line 4" backtest --strategy "$SMA" --data "$G/bad_price.csv" --out "$SCRATCH/o"
has "$ERR" "bad_price.csv:4:" "malformed CSV: file and line"
has "$ERR" "price" "malformed CSV: field"
has "$ERR" "70x00" "malformed CSV: the bad value"

printf 'time,symbol,price,volume\n2024-03-04T09:00:00+09:00,005930,70000,100\n2024-13-04T09:00:01+09:00,005930,70000,100\n' \
	>"$SCRATCH/bad_time.csv"
run 2 "bad time on line 3" backtest --strategy "$SMA" --data "$SCRATCH/bad_time.csv" --out "$SCRATCH/o"
has "$ERR" "bad_time.csv:3:" "bad time: file and line"
has "$ERR" "time" "bad time: field"

printf 'time,symbol,open,high,low,volume\n2024-03-04,005930,1,1,1,1\n' >"$SCRATCH/no_close.csv"
run 2 "bar file without a close column" backtest --strategy "$SMA" --data "$SCRATCH/no_close.csv" --out "$SCRATCH/o"
has "$ERR" "no_close.csv:1:" "missing column: file and line"
has "$ERR" "close" "missing column: its name"

run 2 "missing data file" backtest --strategy "$SMA" --data "$SCRATCH/no-such-file.csv" --out "$SCRATCH/o"
has "$ERR" "no-such-file.csv" "missing data file"
run 2 "missing strategy file" backtest --strategy "$SCRATCH/no-such-strategy.lua" --data "$OK_CSV" \
	--out "$SCRATCH/o"
has "$ERR" "no-such-strategy.lua" "missing strategy file"
run 2 "missing config file" backtest --config "$SCRATCH/no-such-config.lua" --strategy "$SMA" --data "$OK_CSV" \
	--out "$SCRATCH/o"
has "$ERR" "no-such-config.lua" "missing config file"

# --- strategies and configs -------------------------------------------------

run 2 "strategy with a syntax error" backtest --strategy "$G/syntax_error.lua" --data "$OK_CSV" --out "$SCRATCH/o"
has "$ERR" "syntax_error.lua:9:" "syntax error: file and line"

run 2 "config with an unknown key" backtest --config "$G/bad_key.lua" --strategy "$SMA" --data "$OK_CSV" \
	--out "$SCRATCH/o"
has "$ERR" "bad_key.lua" "unknown config key: the file"
has "$ERR" "fill.participaton" "unknown config key: the key"

# The strategy buys 1 share on tick 1 (filled on tick 2 @ 70,100) and
# raises an error on tick 3: exit 1, report written, status "halted: ...".
run 1 "strategy raising an error at run time" backtest --strategy "$G/runtime_error.lua" --data "$OK_CSV" \
	--out "$SCRATCH/rt"
has "$ERR" "runtime_error.lua:11:" "runtime error: the log names the file and line"
status=$("$LUA" "$SRC/tests/golden/check_summary.lua" "$SCRATCH/rt/summary.json" --get strategies.1.status)
case "$status" in
"halted: error in on_tick: "*"runtime_error.lua:11: attempt to index a nil value"*) ;;
*) fail "runtime error: summary status is '$status', expected 'halted: error in on_tick: ...'" ;;
esac
echo "      summary status: $status"
has "$SCRATCH/rt/fills.csv" "2024-03-04T09:00:01.000+09:00,1,runtime_error,005930,buy,1,70100,10,0" \
	"runtime error: the fill before the error is reported"

# Two strategies, one fails: exit 1, the other still runs to the end.
run 1 "one of two strategies raising an error" backtest --strategy "$G/runtime_error.lua" \
	--strategy "$SRC/strategies/buy_and_hold.lua" --data "$OK_CSV" --out "$SCRATCH/rt2"
cat >"$SCRATCH/rt2.expected" <<'EOF'
strategies.1.name runtime_error
strategies.2.name buy_and_hold
strategies.2.status ok
EOF
"$LUA" "$SRC/tests/golden/check_summary.lua" "$SCRATCH/rt2/summary.json" "$SCRATCH/rt2.expected" ||
	fail "one of two failing: summary"

# A clean run exits 0 (and says where the report went).
run 0 "a clean run" backtest --strategy "$SMA" --data "$OK_CSV" --out "$SCRATCH/clean"
has "$OUT" "report written to $SCRATCH/clean" "a clean run"
for f in summary.json fills.csv orders.csv equity.csv; do
	[ -s "$SCRATCH/clean/$f" ] || fail "a clean run: no $f"
done
echo "      wrote summary.json fills.csv orders.csv equity.csv"

# Params for a strategy given in the config (last: it needs config.c's
# params serializer).
cat >"$SCRATCH/bad_param.lua" <<EOF
return { strategies = { { file = "$SMA", params = { bogus_param = 1 } } } }
EOF
run 2 "config setting a param the strategy does not declare" backtest --config "$SCRATCH/bad_param.lua" \
	--data "$OK_CSV" --out "$SCRATCH/o"
has "$ERR" "bogus_param" "undeclared param: its name"

echo "cli: all checks passed"
