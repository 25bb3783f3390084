#!/usr/bin/env bash
# The realtime path end to end against kis-sim at --speed max: frames/s, and
# frame -> on_tick, frame -> order to the gateway, frame -> request on the
# wire (p50/p99/p99.9). Also the frame parser alone. Not part of the test suite.
#   bash bench/feed.sh [FRAMES] [ORDER_EVERY]     (defaults 1000000, 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-1000000}
every=${2:-1000}
bash scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DKE_BUILD_TESTS=OFF >/dev/null
libs="build-bench/libkekis.a build-bench/libkesim.a build-bench/libkebacktest.a build-bench/libkecore.a"
sys="-lwebsockets -lcurl -luv -lcjson -lcrypto -lssl -lm"
gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude bench/bench_feed.c $libs $sys -o build-bench/bench_feed
gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude bench/bench_frames.c $libs $sys -o build-bench/bench_frames
build-bench/bench_frames
data=${BENCH_DIR:-/tmp/kis-engine-bench}
mkdir -p "$data"
f="$data/sim-ticks.csv"
[ -s "$f" ] || build-bench/kis-datagen ticks --symbols 005930,000660,035420 --ticks-per-day 20000 \
                 --total 2000000 --seed 7 --out "$f"
rest=29843
ws=29844
build-bench/kis-sim --data "$f" --speed max --frame-records 1 --rate 0 --rest-port $rest --ws-port $ws >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$rest) 2>/dev/null && break; sleep 0.05; done
build-bench/bench_feed $rest $ws "$frames" "$every"
