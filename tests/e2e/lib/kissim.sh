# tests/e2e/lib/kissim.sh - sourced by the end-to-end scripts that drive
# kis-engine against kis-sim on loopback (not a test itself: CTest runs
# tests/e2e/*.sh only). Set ENGINE and SCRATCH first. It provides:
#   fail MSG              print FAIL: MSG and exit 1
#   free_port             a free TCP port on 127.0.0.1
#   kissim_start LOG OPT..  start kis-sim with OPT on free ports (PORT, WS_PORT),
#                         its output in LOG; returns once REST answers
#   kissim_state          kis-sim's /_sim/state (JSON)
#   kissim_stop           stop ENGINE_PID (when set) and kis-sim; also on exit
# and exports the credentials of kis-sim's built-in test account
# (docs/kis-sim.md "Accounts"), with the token cache under SCRATCH.
SIM=$(dirname "$ENGINE")/kis-sim
SIM_PID=
ENGINE_PID=

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

kissim_secret=""
while [ ${#kissim_secret} -lt 176 ]; do kissim_secret="${kissim_secret}KisSimDefault/TestOnly+NotASecret"; done
export KIS_APP_KEY=PSkisSimDefaultTestAppKey00000000001
export KIS_APP_SECRET="${kissim_secret:0:176}0180"
export KIS_ACCOUNT=50000000-01
export KIS_HTS_ID=kissim01
export XDG_CACHE_HOME=$SCRATCH/cache
unset kissim_secret

kissim_start() {
  local log=$1
  shift
  PORT=$(free_port)
  WS_PORT=$(free_port)
  "$SIM" "$@" --rest-port "$PORT" --ws-port "$WS_PORT" >"$log" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 200); do
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/_sim/state"; then return 0; fi
    sleep 0.05
  done
  fail "kis-sim did not answer: $(tail -3 "$log")"
}

kissim_state() { curl -s "http://127.0.0.1:$PORT/_sim/state"; }

kissim_stop() {
  if [ -n "$ENGINE_PID" ]; then kill "$ENGINE_PID" 2>/dev/null || true; fi
  ENGINE_PID=
  if [ -n "$SIM_PID" ]; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  SIM_PID=
}
trap kissim_stop EXIT
