-- The KIS client pointed at a kis-sim on this machine (docs/kis-sim.md):
--   build/kis-sim --data backtest-data/sample_ticks.csv &
--   export KIS_APP_KEY=PSkisSimDefaultTestAppKey00000000001 KIS_ACCOUNT=50000000-01
--   export KIS_APP_SECRET=...   (kis-sim's test secret, docs/kis-sim.md "Accounts")
--   build/kis-engine account --config configs/kis-sim.lua --date 2026-03-02
-- --date: kis-sim files its orders under the day it replays, not today.
return {
  kis = {
    env = "mock",                       -- "mock" or "real": tr_ids and default limits follow it
    base_url = "http://127.0.0.1:29443", -- plain http is allowed only for loopback hosts
    ws_url = "ws://127.0.0.1:31000",
    rate_per_sec = 1,                   -- kis-sim enforces the mock limit too (--rate 0 turns it off)
  },
}
