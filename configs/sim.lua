-- Everything against a local kis-sim (docs/kis-sim.md): market data, orders, notices.
--   build/kis-sim --data backtest-data/sample_ticks.csv --speed 60 --start 2026-03-02T09:00 &
--   export KIS_APP_KEY=PSkisSimDefaultTestAppKey00000000001 KIS_ACCOUNT=50000000-01 KIS_HTS_ID=kissim01
--   export KIS_APP_SECRET=...        (kis-sim's test secret, docs/kis-sim.md "Accounts")
--   build/kis-engine run --config configs/sim.lua --duration 60
return {
	live = {
		mode = "mock", -- orders go to kis-sim's mock account
		journal = "out/sim-journal.db", -- every order before it is sent (kis-engine journal)
		halt_file = "out/sim.HALT", -- kis-engine halt --config configs/sim.lua creates it
		feed_clock = true, -- kis-sim replays 2026-03-02 at any speed: follow its clock
	},
	kis = {
		env = "mock",
		base_url = "http://127.0.0.1:29443",
		ws_url = "ws://127.0.0.1:31000",
		rate_per_sec = 1, -- kis-sim enforces the mock limit like KIS (start it with --rate 0 to lift it)
	},
	strategies = {
		{ file = "strategies/sma_cross.lua", params = { fast = 5, slow = 20, qty = 1 }, max_data_age_ms = 120000 },
	},
}
