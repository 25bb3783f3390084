#!/usr/bin/env bash
# The engine's KIS gateway against kis-sim (rate limit off): the time from
# the core's place command to the request going on the wire (p50/p99), and
# requests per second through the gateway. Not part of the test suite.
#   bash bench/kis.sh [N]     (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
bash scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DKE_BUILD_TESTS=OFF >/dev/null
gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude bench/bench_kis.c build-bench/libkekis.a \
  build-bench/libkesim.a build-bench/libkebacktest.a build-bench/libkecore.a \
  -lcurl -luv -lcjson -lcrypto -lm -o build-bench/bench_kis
port=29643
build-bench/kis-sim --data backtest-data/sample_ticks.csv --speed 1 --rate 0 --rest-port $port \
  --ws-port $((port + 1)) >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
build-bench/bench_kis $port "$n"
