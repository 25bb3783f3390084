-- configs/backtest.lua - every key a backtest config understands, with its
-- default. Use it with:
--   kis-engine backtest --config configs/backtest.lua
-- Command-line options win over the file: --strategy replaces `strategies`,
-- --data replaces `data`, and --cash/--from/--to/--out replace their keys.
--
-- The file is Lua evaluated in an empty sandbox (string, math, table and a
-- few pure base functions only) and must return a table. Unknown keys are
-- errors, so a typo never silently falls back to a default.

return {
	-- Total starting cash in whole won, shared by the strategies below.
	cash = 10000000,

	-- Market data, merged in time order (see backtest-data/README.md).
	data = { "backtest-data/sample_ticks.csv" },
	from = "2026-03-02", -- first KST trade date replayed (inclusive); omit for all
	to = "2026-03-27", -- last KST trade date replayed (inclusive)
	out = "out/backtest-example", -- where summary.json and the CSVs go

	-- Commission on both sides and sell-side transaction tax, as fractions
	-- (0.00015 = 0.015%). Tax rates are keyed by the first trade date they
	-- apply to and merge into the built-in table (docs/fees.md).
	fees = {
		commission = 0.00015,
		tax = { ["2026-01-01"] = 0.0020 },
	},

	-- How a market buy reserves cash: "upper_limit" (KIS's rule: at the day's
	-- upper price limit) or "last_price" (the last trade plus reserve_ticks).
	market_buy_reserve = "upper_limit",
	reserve_ticks = 0,

	-- The simulated broker's fills (include/simbroker.h has the rules).
	fill = {
		slippage_ticks = 0, -- market orders fill this many ticks worse
		latency_ms = 0, -- an order can fill only on data this long after it
		participation = 1.0, -- share of each print's or bar's volume we may take
	},

	-- Engine-wide pre-trade limits; 0 means none. Each strategy may have its own.
	risk = {
		max_order_value = 0, -- KRW per order (qty x limit or last price)
		max_position_value = 0, -- KRW per symbol after the order
		max_open_orders = 0,
		max_orders_per_minute = 0,
		daily_loss_limit = 0, -- KRW below the day's starting equity: halts
	},

	-- The Lua sandbox of every strategy.
	lua = {
		instruction_budget = 10000000, -- per hook call
		memory_limit_mb = 64, -- per strategy
		seed = 1, -- math.random seed (strategy i gets seed + i - 1)
	},

	-- The strategies: a file name, or a table with the file and its settings.
	strategies = {
		{
			file = "strategies/sma_cross.lua",
			name = "sma_fast", -- defaults to the strategy's own s.name
			cash = 6000000, -- its allocation; strategies without one share the rest
			params = { fast = 10, slow = 40, qty = 5 }, -- override s.params
			risk = { max_order_value = 2000000 },
			on_error = "halt", -- or "continue": log the error and keep calling it
			-- Stale-data guard, in ms; 0 = off. When > 0, a new order is rejected if
			-- the realtime feed is down or the symbol's last trade print is older than
			-- this (or there was none yet). Cancels and close_all's sells always pass.
			-- Backtests have no feed, but a symbol whose prints stop is stale here
			-- too (e.g. 09:00 on_market_open before the day's first print).
			max_data_age_ms = 0,
		},
		"strategies/scheduled.lua",
	},
	-- The KIS account (live modes and the account commands: kis-engine account, quote,
	-- order, cancel, token). Credentials never go here: they come from KIS_APP_KEY,
	-- KIS_APP_SECRET, KIS_ACCOUNT (and KIS_HTS_ID) or the secrets_file. docs/kis-client.md.
	kis = {
		env = "mock", -- "mock" (모의투자) or "real"
		-- base_url = "http://127.0.0.1:29443", -- default: KIS's host for env (kis-sim: loopback)
		-- ws_url = "ws://127.0.0.1:31000",
		-- ca_file = "/etc/ssl/private-ca.pem", -- a private CA; verification is never turned off
		-- secrets_file = "/home/me/.kis/mock.env", -- KEY=VALUE lines, mode 0600
		-- token_cache_dir = "/home/me/.cache/kis-engine", -- default $XDG_CACHE_HOME/kis-engine
		rate_per_sec = -1, -- REST calls per second per account; -1: mock 1, real 18
		order_timeout_ms = 5000, -- after this an order's outcome is unknown (resolved, never re-sent)
		query_timeout_ms = 10000,
		poll_ms = 3000, -- order status polling while orders work (default real 1000, mock 3000)
		hashkey = false, -- true: a /uapi/hashkey call before each order (KIS: optional)
	},
	-- kis-engine run (docs/live.md). Ignored by backtests.
	live = {
		-- mode = "mock", -- "paper", "mock" or "real"; default from kis.env
		-- journal = "out/journal.db", -- SQLite: orders before they leave, fills, ctx.state; restarts resume from it
		-- halt_file = "out/HALT", -- the kill switch: kis-engine halt creates it
		feed_clock = false, -- true: the clock follows the ticks (kis-sim replays another day)
		cancel_at_close = true, -- cancel open orders after the 15:30 close
		cancel_on_stop = false, -- SIGINT/SIGTERM also cancel open orders
		status_every_s = 60, -- a status line this often on a terminal; 0: none
		log_json = false, -- JSON lines instead of text (also --log-json)
		holidays = {}, -- extra closed days {"2026-05-05", ...}: the mock account has no holiday inquiry
	},
}
