#!/usr/bin/env bash
# A replayed multi-day session through the whole `kis-engine run` binary
# (WebSocket feed, core, Lua strategy, broker, journal) against kis-sim at
# --speed max: ticks per second end to end, and the engine's memory (VmRSS)
# at each replayed day, which must stay flat. Paper mode (the simulated
# broker) and mock mode (every order through REST to kis-sim's venue).
# Frame -> order latency p99 is measured in-process on the same code path
# by bench/feed.sh (printed at the end when BENCH_FEED=1).
# Not part of the test suite.
#   bash bench/session.sh [DAYS] [TICKS_PER_SYMBOL_PER_DAY]    (defaults 10, 20000)
# FAST / SLOW set sma_cross's averages (default 200 / 1000: a few trades a
# day; FAST=20 SLOW=80 floods the journal with orders, each fsync'ed).
set -euo pipefail
cd "$(dirname "$0")/.."
days=${1:-10}
per_day=${2:-20000}
bash scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DKE_BUILD_TESTS=OFF >/dev/null
dir=${BENCH_DIR:-/tmp/kis-engine-bench}/session
rm -rf "$dir"
mkdir -p "$dir"
data="$dir/ticks.csv"
build-bench/kis-datagen ticks --symbols 005930,000660,035420 --ticks-per-day "$per_day" --days "$days" --seed 11 \
  --out "$data"

base="KisSimDefault/TestOnly+NotASecret"
secret=""
while [ ${#secret} -lt 176 ]; do secret="$secret$base"; done
export KIS_APP_KEY=PSkisSimDefaultTestAppKey00000000001
export KIS_APP_SECRET="${secret:0:176}0180"
export KIS_ACCOUNT=50000000-01
export KIS_HTS_ID=kissim01
export XDG_CACHE_HOME=$dir/cache

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

session() { # session MODE
  local mode=$1 rest ws sim eng
  rest=$(free_port)
  ws=$(free_port)
  # 3 symbols x (trades + book), plus the notices in mock mode.
  local regs=6
  [ "$mode" = mock ] && regs=7
  build-bench/kis-sim --data "$data" --speed max --frame-records 1 --wait-subscriptions $regs --rate 0 --rest-port "$rest" \
    --ws-port "$ws" >"$dir/sim-$mode.log" 2>&1 &
  sim=$!
  for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$rest/_sim/state" && break; sleep 0.05; done
  cat >"$dir/$mode.lua" <<LUA
return {
  cash = 100000000,
  kis = { env = "mock", base_url = "http://127.0.0.1:$rest", ws_url = "ws://127.0.0.1:$ws", rate_per_sec = 0,
          poll_ms = 1000 },
  strategies = { { file = "strategies/sma_cross.lua", symbols = { "005930", "000660", "035420" },
                   params = { fast = ${FAST:-200}, slow = ${SLOW:-1000}, qty = 1 } } },
  live = { mode = "$mode", journal = "$dir/$mode.journal", feed_clock = true, status_every_s = 0 },
}
LUA
  build-bench/kis-engine run --config "$dir/$mode.lua" --quiet >"$dir/$mode.out" 2>&1 &
  eng=$!
  SESSION_DIR=$dir python3 - "$rest" "$eng" "$mode" "$days" <<'PY'
import json, sys, time, urllib.request
rest, pid, mode, days = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def state():
    return json.load(urllib.request.urlopen("http://127.0.0.1:%s/_sim/state" % rest))
def rss_kib():
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
def alive():
    try:
        open("/proc/%d/status" % pid).close()
        return True
    except OSError:
        return False
while state()["replay"]["waiting"]:
    if not alive():
        sys.exit("the engine exited before subscribing")
    time.sleep(0.01)
t0 = time.monotonic()
seen, samples = {}, []
while True:
    s = state()
    day = s["replay"]["market_time"][:10]
    r = rss_kib()
    samples.append(r)
    seen.setdefault(day, r)
    # Done when every print has been replayed and written to the engine's
    # socket (nothing queued for it at kis-sim).
    if s["replay"]["done"] and all(x["queued_records"] == 0 for x in s["websocket"]["sessions"]):
        break
    time.sleep(0.05)
elapsed = time.monotonic() - t0
time.sleep(1.0)
s = state()
recs = s["replay"]["records"]
import sqlite3
db = sqlite3.connect("%s/%s.journal" % (__import__("os").environ["SESSION_DIR"], mode))
norders = db.execute("select count(*) from orders").fetchone()[0]
nfills = db.execute("select count(*) from fills").fetchone()[0]
print("%-5s %d days, %d ticks in %.2f s: %.0f ticks/s end to end; %d orders, %d fills journaled" %
      (mode, days, recs, elapsed, recs / elapsed, norders, nfills))
d = sorted(seen.items())
print("      VmRSS at each replayed day (KiB): " + " ".join("%s:%d" % (k[5:], v) for k, v in d))
first, last = d[0][1], d[-1][1]
print("      first %d, last %d, max %d KiB; change from day 2 to the last: %+d KiB over %d days" %
      (first, last, max(samples), last - (d[1][1] if len(d) > 1 else first), max(len(d) - 2, 0)))
PY
  kill -TERM "$eng"
  wait "$eng" || true
  kill "$sim" 2>/dev/null || true
  wait "$sim" 2>/dev/null || true
}

echo "kis-engine run against kis-sim --speed max, $days days x 3 symbols x $per_day ticks ($(nproc) cores)"
session paper
session mock
if [ "${BENCH_FEED:-0}" = 1 ]; then
  bash bench/feed.sh 1000000 1000
fi
