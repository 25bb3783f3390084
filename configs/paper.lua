-- Paper trading: live KIS market data (the mock host's WebSocket), fills by the built-in
-- simulated broker, nothing sent to any account. Credentials of a KIS mock app key are still
-- needed for the market data: KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT in the environment.
--   build/kis-engine run --config configs/paper.lua
return {
	live = {
		mode = "paper",
		journal = "out/paper-journal.db", -- every order before it is sent (kis-engine journal)
		halt_file = "out/paper.HALT", -- kis-engine halt --config configs/paper.lua creates it: trading stops
	},
	kis = { env = "mock" },
	cash = 10000000, -- the simulated account's cash
	fill = { slippage_ticks = 1, latency_ms = 100 }, -- how the simulated broker fills (configs/backtest.lua)
	strategies = {
		{ file = "strategies/sma_cross.lua", params = { fast = 5, slow = 20, qty = 1 }, max_data_age_ms = 30000 },
	},
}
