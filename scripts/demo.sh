#!/usr/bin/env bash
# The README's first command: install, build, and backtest the sample
# strategy (strategies/sma_cross.lua) on the shipped tick data. No account,
# no network. The report goes to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
exec build/kis-engine backtest --strategy strategies/sma_cross.lua \
  --data backtest-data/sample_ticks.csv --out out/demo "$@"
