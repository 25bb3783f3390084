-- The KIS mock (모의투자) account: KIS market data, orders to the mock account through REST,
-- fills from the execution notices (KIS_HTS_ID) and the order inquiry.
-- Credentials: KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT, KIS_HTS_ID (or kis.secrets_file, mode 0600).
--   build/kis-engine run --config configs/mock.lua
return {
	live = {
		mode = "mock",
		journal = "out/mock-journal.db", -- every order before it is sent (kis-engine journal)
		halt_file = "out/mock.HALT", -- kis-engine halt --config configs/mock.lua creates it: trading stops
		cancel_at_close = true, -- open orders cancelled after the 15:30 close
		-- The mock host has no holiday inquiry: weekdays trade unless listed here.
		holidays = {},
	},
	kis = {
		env = "mock",
		rate_per_sec = 1, -- KIS allows 1 REST call per second on mock
		-- secrets_file = "/home/me/.kis/mock.env",
	},
	cash = 10000000, -- what the strategies may use of the account
	risk = { max_order_value = 2000000, max_open_orders = 10, daily_loss_limit = 300000 },
	strategies = {
		{ file = "strategies/sma_cross.lua", params = { fast = 5, slow = 20, qty = 1 }, max_data_age_ms = 30000 },
	},
}
