#!/usr/bin/env bash
# fuzz.sh - a bounded libFuzzer run over the KIS WebSocket readers
# (tests/fuzz/fuzz_frames.c: kis_frame_* and kis_notice_*), built with
# clang's fuzzer, address and undefined-behaviour sanitizers. Any crash,
# sanitizer report, leak or broken promise fails the test.
#
# KE_FUZZ_SECONDS (default 30) bounds the run. The seed corpus is written
# here from the example frames of kis-protocol.md §5.8 and a few control
# messages of §5.2-5.3.
#
# usage: fuzz.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR [KIS_DATAGEN] [LUA]
# (kis-engine itself is not used: the readers are linked into the fuzzer.)
set -euo pipefail

: "${1:?usage: fuzz.sh KIS_ENGINE SOURCE_DIR SCRATCH_DIR [KIS_DATAGEN] [LUA]}"
SRC=${2:?source dir}
SCRATCH=${3:?scratch dir}
SECS=${KE_FUZZ_SECONDS:-30}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

case "$SECS" in
'' | *[!0-9]*) fail "KE_FUZZ_SECONDS must be a whole number of seconds, not '$SECS'" ;;
esac

command -v clang >/dev/null 2>&1 ||
	fail "clang not found: the fuzz test needs the Debian packages clang libclang-rt-14-dev"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/seeds" "$SCRATCH/corpus"
# Keep the scratch dir (crash input, logs) after a failure, for inspection.
trap 'rc=$?; if [ $rc -eq 0 ]; then rm -rf "$SCRATCH"; else echo "(scratch files kept in $SCRATCH)" >&2; fi' EXIT

# --- build -------------------------------------------------------------------

BIN="$SCRATCH/fuzz_frames"
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=c11 -D_POSIX_C_SOURCE=200809L -I"$SRC/include" \
	"$SRC/tests/fuzz/fuzz_frames.c" "$SRC/engine/kis/kis_frame.c" "$SRC/engine/kis/kis_notice.c" \
	"$SRC/engine/core/ke_common.c" -lcjson -lcrypto -o "$BIN" 2>"$SCRATCH/build.log"; then
	cat "$SCRATCH/build.log" >&2
	if grep -q 'libclang_rt\.\(fuzzer\|asan\|ubsan\)' "$SCRATCH/build.log"; then
		fail "clang's sanitizer runtimes are missing: install the Debian packages clang libclang-rt-14-dev"
	fi
	fail "building the fuzzer failed (see above)"
fi
echo "ok  built $BIN"

# --- seed corpus ---------------------------------------------------------------

seed() { # NAME TEXT: one seed file, the text without a trailing newline
	printf '%s' "$2" >"$SCRATCH/seeds/$1"
}

TRADE1='005930^093015^71200^2^1200^1.71^70950.12^70500^71300^70400^71200^71100^15^3124567^221687654300^10234^11890^1656^118.23^1402311^1658000^1^53.10^41.20^090000^2^700^092811^5^-100^090312^2^800^20260302^20^N^35120^80233^812345^1203456^0.05^2987650^104.58^0^^70500'
TRADE2='005930^093015^71100^2^1100^1.57^70950.15^70500^71300^70400^71200^71100^3^3124570^221687867600^10235^11890^1655^118.23^1402314^1658000^5^53.10^41.20^090000^2^600^092811^5^-200^090312^2^700^20260302^20^N^35120^80230^812345^1203453^0.05^2987650^104.58^0^^70500'
BOOK='005930^093015^0^71200^71300^71400^71500^71600^71700^71800^71900^72000^72100^71100^71000^70900^70800^70700^70600^70500^70400^70300^70200^35120^41230^52011^18800^22000^9100^15000^30010^12000^8800^80233^60120^45100^39000^27000^21000^18000^15500^12000^9900^245071^327853^0^0^0^0^0^0^0^0.00^3124567^-512^1033^0^0^00'
NOTICE_B64='zmCjAqdYa5HhBNilnFYi0Gl/K5C0m8DXRS3yQ4zbjVrwR/lMGhiBcmJoqOmOf3eoYYC37tfcRY6FO/2YtxkDE1ohXzMnyTyGvQZC3OMipIJxyUnZUK/kQykIRRyvRGGcIE6SyFfMsBi4xxEwJV2uJAFBX+/441W87A8Ybzf6L9M='
ACK='myhtsid^1234567801^0000012345^0000000000^02^0^00^0^005930^10^71200^093015^0^1^1^06010^10^홍길동^0^1^Y^^^^삼성전자^71200'

seed trade2 "0|H0STCNT0|002|$TRADE1^$TRADE2"
seed trade1 "0|H0STCNT0|001|$TRADE1"
seed book59 "0|H0STASP0|001|$BOOK"
seed book62x2 "0|H0STASP0|002|$BOOK^71150^1234^1^$BOOK^71150^1234^1"
seed notice_frame "1|H0STCNI0|001|$NOTICE_B64"
seed notice_b64 "$NOTICE_B64"
seed notice_text "$ACK"
seed ack_plain '{"header":{"tr_id":"H0STCNT0","tr_key":"005930","encrypt":"N"},"body":{"rt_cd":"0","msg_cd":"OPSP0000","msg1":"SUBSCRIBE SUCCESS","output":{"iv":"d59d91fcf9fd0044","key":"iuheqrmvfxoceaxeyqgjwesozgizmmgx"}}}'
seed ack_notice '{"header":{"tr_id":"H0STCNI0","tr_key":"myhtsid","encrypt":"Y"},"body":{"rt_cd":"0","msg_cd":"OPSP0000","msg1":"SUBSCRIBE SUCCESS","output":{"iv":"0123456789abcdef","key":"abcdefghijklmnopqrstuvwxyz012345"}}}'
seed unsubscribed '{"header":{"tr_id":"H0STCNT0","tr_key":"005930","encrypt":"N"},"body":{"rt_cd":"0","msg_cd":"OPSP0001","msg1":"UNSUBSCRIBE SUCCESS"}}'
seed pingpong '{"header":{"tr_id":"PINGPONG","datetime":"20260302093000"}}'
seed in_use '{"header":{"tr_id":"(null)","tr_key":"","encrypt":"N"},"body":{"rt_cd":"9","msg_cd":"OPSP8996","msg1":"ALREADY IN USE appkey"}}'
seed max_over '{"header":{"tr_id":"H0STCNT0","tr_key":"000660","encrypt":"N"},"body":{"rt_cd":"1","msg_cd":"OPSP0008","msg1":"MAX SUBSCRIBE OVER"}}'

# Tokens the mutator may splice in.
cat >"$SCRATCH/frames.dict" <<'EOF'
"^"
"|"
"^^"
"0|"
"1|"
"|001|"
"|002|"
"|256|"
"H0STCNT0"
"H0STASP0"
"H0STCNI0"
"PINGPONG"
"\"header\""
"\"body\""
"\"output\""
"\"tr_id\""
"\"tr_key\""
"\"rt_cd\""
"\"msg1\""
"\"iv\""
"\"key\""
"\"encrypt\":\"Y\""
"UNSUB"
"9223372036854775808"
"-"
"="
"=="
EOF

# --- run -----------------------------------------------------------------------

echo "    fuzzing for ${SECS}s ($(ls "$SCRATCH/seeds" | wc -l) seeds)"
rc=0
"$BIN" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-dict="$SCRATCH/frames.dict" -artifact_prefix="$SCRATCH/" \
	"$SCRATCH/corpus" "$SCRATCH/seeds" >"$SCRATCH/fuzz.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
	tail -n 60 "$SCRATCH/fuzz.log" >&2
	ls "$SCRATCH"/crash-* "$SCRATCH"/leak-* "$SCRATCH"/timeout-* "$SCRATCH"/oom-* 2>/dev/null >&2 || true
	fail "the fuzzer found a problem (exit $rc); the input that shows it is in $SCRATCH"
fi
grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|cov:' "$SCRATCH/fuzz.log" | tail -n 3 || true
echo "ok  fuzz_frames: ${SECS}s without a finding"
