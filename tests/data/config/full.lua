-- full.lua - every setting a run configuration knows, each with a value
-- that differs from its default, so a test can check each one arrives.
return {
	cash = 50000000,
	fees = {
		commission = 0.00014,
		tax = { ["2025-01-01"] = 0.0016, ["2027-01-01"] = 0.0025 },
	},
	market_buy_reserve = "last_price",
	reserve_ticks = 3,
	fill = { slippage_ticks = 1, latency_ms = 200, participation = 0.1 },
	risk = {
		max_order_value = 5000000,
		max_position_value = 20000000,
		max_open_orders = 10,
		max_orders_per_minute = 30,
		daily_loss_limit = 1000000,
	},
	lua = { instruction_budget = 2000000, memory_limit_mb = 32, seed = 7 },
	strategies = {
		{
			file = "strategies/sma_cross.lua",
			name = "sma_fast",
			cash = 20000000,
			on_error = "continue",
			risk = { max_open_orders = 3, daily_loss_limit = 500000 },
			params = {
				slow = 20,
				fast = 5,
				source = "close",
				ratio = 0.1,
				flag = true,
				nested = { b = 2, a = 1 },
				list = { 10, 20 },
			},
		},
		"strategies/buy_and_hold.lua",
	},
	data = { "backtest-data/a.csv", "backtest-data/b.csv" },
	from = "2026-03-02",
	to = "2026-03-06",
	out = "out/run1",
}
