-- The REAL account: real money. kis-engine run refuses to start it without --live and
-- prints the (masked) account and the strategies first.
-- Credentials of the real app key: KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT, KIS_HTS_ID.
--   build/kis-engine run --config configs/real.lua --live
return {
	live = {
		mode = "real",
		journal = "out/real-journal.db", -- every order before it is sent (kis-engine journal)
		halt_file = "out/real.HALT", -- kis-engine halt --config configs/real.lua creates it: trading stops
	},
	kis = {
		env = "real",
		rate_per_sec = 18, -- KIS's limit per account (2026-04 notice)
	},
	cash = 1000000, -- start small
	risk = { max_order_value = 500000, max_open_orders = 5, max_orders_per_minute = 10, daily_loss_limit = 50000 },
	strategies = {
		{ file = "strategies/sma_cross.lua", params = { fast = 5, slow = 20, qty = 1 }, max_data_age_ms = 10000 },
	},
}
