#!/usr/bin/env bash
# kis-sim throughput: REST requests/s (rate limit off) and WebSocket frames/s
# at --speed max. Not part of the test suite.   bash bench/sim.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DKE_BUILD_TESTS=OFF >/dev/null
gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude bench/bench_sim.c build-bench/libkesim.a \
  build-bench/libkebacktest.a build-bench/libkecore.a -lcurl -lcjson -lcrypto -o build-bench/bench_sim
data=${BENCH_DIR:-/tmp/kis-engine-bench}
mkdir -p "$data"
f="$data/sim-ticks.csv"
[ -s "$f" ] || build-bench/kis-datagen ticks --symbols 005930,000660,035420 --ticks-per-day 20000 \
                 --total 2000000 --seed 7 --out "$f"

run_sim() { # args... ; sets $pid
  build-bench/kis-sim --data "$f" --rest-port 29543 --ws-port 31100 "$@" >/dev/null &
  pid=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/29543) 2>/dev/null && break; sleep 0.05; done
}

run_sim --speed 1 --rate 0
build-bench/bench_sim rest 29543 50000
kill "$pid"; wait "$pid" || true

run_sim --speed max
build-bench/bench_sim ws 31100 29543 5 005930 000660 035420
kill "$pid"; wait "$pid" || true

echo "(one record per frame:)"
run_sim --speed max --frame-records 1
build-bench/bench_sim ws 31100 29543 5 005930 000660 035420
kill "$pid"; wait "$pid" || true
