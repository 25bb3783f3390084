--[[
test_strategies.lua - scenario tests for the shipped strategies, run
against the fake engine in tests/lua/mockctx.lua.

	lua5.4 tests/lua/test_strategies.lua strategies/lib

arg[1] is strategies/lib; the strategies are in arg[1]/.. . Prints one
line per failed check and a last line "N passed, M failed" (cases);
exits 0 only when nothing failed. Expected values are worked out by hand
in the comments.
]]

local libdir = arg[1] or "strategies/lib"
local stratdir = libdir .. "/.."
local here = (arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path

local mock = require("mockctx")
local kst = mock.kst

local passed, failed = 0, 0
local current, case_failed = "?", false

local function fail(msg)
	case_failed = true
	print(string.format("FAIL %s: %s", current, msg))
end

local function ok(cond, msg)
	if not cond then
		fail(msg or "condition false")
	end
end

local function eq(got, want, what)
	if got ~= want then
		fail(string.format("%s: got %s, want %s", what or "value", tostring(got), tostring(want)))
	end
end

local cases = {}
local function case(name, fn)
	cases[#cases + 1] = { name = name, fn = fn }
end

local function load(file, opts)
	opts = opts or {}
	opts.libdir = libdir
	return mock.load(stratdir .. "/" .. file, opts)
end

local function m_ctx_date(ms)
	local m = load("scheduled.lua")
	return m.ctx:date(ms) .. " " .. m.ctx:clock(ms)
end

-- Seconds after a KST time, in ms.
local function at(base, secs)
	return kst(base) + secs * 1000
end

------------------------------------------------------------------------
-- sma_cross
------------------------------------------------------------------------

--[[
fast = 2, slow = 4 on closes (x100 KRW):
  bar  close  sma2   sma4                            side
   1   100    -      -
   2   100    100    -
   3   100    100    -
   4   100    100    100                             equal: none yet
   5    90     95    (100+100+100+90)/4 = 97.5       below (start side)
   6    80     85    (100+100+90+80)/4  = 92.5       below
   7    90     85    (100+90+80+90)/4   = 90         below
   8   110    100    (90+80+90+110)/4   = 92.5       ABOVE -> buy
   9   130    120    (80+90+110+130)/4  = 102.5      above
  10   120    125    (90+110+130+120)/4 = 112.5      above
  11   100    110    (110+130+120+100)/4 = 115       BELOW -> sell
  12    80     90    (130+120+100+80)/4 = 107.5      below
]]
local SMA_SERIES = { 100, 100, 100, 100, 90, 80, 90, 110, 130, 120, 100, 80 }

local function run_sma(feed)
	local m = load("sma_cross.lua", { params = { fast = 2, slow = 4, qty = 10 } })
	m:start(kst("2026-03-02 09:00"))
	local buys_after, sells_after = {}, {}
	for i, c in ipairs(SMA_SERIES) do
		local t = at("2026-03-02 09:00", 60 * i)
		feed(m, "005930", c * 100, t)
		buys_after[i] = #m:calls("buy")
		sells_after[i] = #m:calls("sell")
		if i == 8 and buys_after[i] == 1 then
			-- the market buy fills at the next print
			m:fill(m:calls("buy")[1].id, 10, 11000)
		end
	end
	return m, buys_after, sells_after
end

local function check_sma_run(m, buys_after, sells_after)
	eq(buys_after[7], 0, "no buy before bar 8")
	eq(buys_after[8], 1, "one buy at bar 8")
	eq(buys_after[12], 1, "only one buy")
	eq(sells_after[10], 0, "no sell before bar 11")
	eq(sells_after[11], 1, "one sell at bar 11")
	eq(sells_after[12], 1, "only one sell")
	local b = m:calls("buy")[1]
	eq(b.symbol, "005930", "buy symbol")
	eq(b.qty, 10, "buy qty")
	eq(b.type, "market", "buy is a market order")
	eq(b.time, at("2026-03-02 09:00", 480), "buy at bar 8's time")
	local s = m:calls("sell")[1]
	eq(s.qty, 10, "sells the whole position")
	eq(s.type, "market", "sell is a market order")
	eq(s.time, at("2026-03-02 09:00", 660), "sell at bar 11's time")
end

case("sma_cross: one buy at the cross up, one sell at the cross down (bars)", function()
	local m, b, s = run_sma(function(m, sym, p, t)
		m:bar(sym, p, t)
	end)
	check_sma_run(m, b, s)
end)

case("sma_cross: the same on ticks", function()
	local m, b, s = run_sma(function(m, sym, p, t)
		m:tick(sym, p, t)
	end)
	check_sma_run(m, b, s)
end)

case("sma_cross: source auto ignores ticks once bars came first", function()
	local m = load("sma_cross.lua", { params = { fast = 2, slow = 4, qty = 10 } })
	m:start(kst("2026-03-02 09:00"))
	for i, c in ipairs(SMA_SERIES) do
		local t = at("2026-03-02 09:00", 60 * i)
		m:bar("005930", c * 100, t)
		-- a tick at a price that would make its own crosses if counted
		m:tick("005930", (i % 2 == 0) and 5000 or 20000, t + 1)
	end
	eq(#m:calls("buy"), 1, "still exactly one buy")
end)

case("sma_cross: no buy while holding or with an order open", function()
	local m = load("sma_cross.lua", { params = { fast = 2, slow = 4, qty = 10 } })
	m:set_position("005930", 5, 9000)
	m:start(kst("2026-03-02 09:00"))
	for i = 1, 8 do
		m:bar("005930", SMA_SERIES[i] * 100, at("2026-03-02 09:00", 60 * i))
	end
	eq(#m:calls("buy"), 0, "holding: no buy at the cross up")

	-- Flat, but the first buy never fills: the next cross up must not add one.
	-- Series: cross up at bar 8, down at 11, up again at 14:
	--  bar 13: 120 -> sma2 (80+120)/2 = 100, sma4 (120+100+80+120)/4 = 105  below
	--  bar 14: 140 -> sma2 130, sma4 (100+80+120+140)/4 = 110               above
	m = load("sma_cross.lua", { params = { fast = 2, slow = 4, qty = 10 } })
	m:start(kst("2026-03-02 09:00"))
	local series = { 100, 100, 100, 100, 90, 80, 90, 110, 130, 120, 100, 80, 120, 140 }
	for i, c in ipairs(series) do
		m:bar("005930", c * 100, at("2026-03-02 09:00", 60 * i))
	end
	-- bar 11 cancels the unfilled buy (cross down), so bar 14 may buy again
	eq(#m:calls("cancel"), 1, "cross down cancels the open buy")
	eq(#m:calls("buy"), 2, "a buy at bar 8 and one at bar 14")
	eq(#m:calls("sell"), 0, "nothing to sell")
end)

case("sma_cross: starting above is not a cross", function()
	-- closes 100 100 100 120 130 110 (x100), fast 2, slow 4:
	--   bar 4: sma2 (100+120)/2 = 110 > sma4 (100+100+100+120)/4 = 105: the first
	--          ready bar only sets the side (above), no buy
	--   bar 5: sma2 125 > sma4 (100+100+120+130)/4 = 112.5: still above
	--   bar 6: sma2 120 > sma4 (100+120+130+110)/4 = 115: still above
	local m = load("sma_cross.lua", { params = { fast = 2, slow = 4, qty = 10 } })
	m:start(kst("2026-03-02 09:00"))
	for i, c in ipairs({ 100, 100, 100, 120, 130, 110 }) do
		m:bar("005930", c * 100, at("2026-03-02 09:00", 60 * i))
	end
	eq(#m:calls("buy"), 0, "no buy without a cross")
end)

case("sma_cross: bad params are refused at start", function()
	local m = load("sma_cross.lua", { params = { fast = 20, slow = 5 } })
	local okc, err = pcall(m.start, m, kst("2026-03-02 09:00"))
	ok(not okc and tostring(err):find("fast"), "fast >= slow raises: " .. tostring(err))
end)

------------------------------------------------------------------------
-- scheduled
------------------------------------------------------------------------

case("scheduled: buys at 09:05 and closes at 15:15, every weekday", function()
	-- 2026-03-02 is a Monday.
	local m = load("scheduled.lua")
	m:start(kst("2026-03-02 08:30"))
	eq(m:timer_count(), 2, "two daily timers")
	m:tick("005930", 70000, kst("2026-03-02 09:00"))
	m:tick("005930", 70100, at("2026-03-02 09:04", 59))
	eq(#m:calls("buy"), 0, "nothing before 09:05")
	-- the timer due at 09:05:00 fires before the first event at or after it
	m:tick("005930", 70200, kst("2026-03-02 09:05"))
	local buys = m:calls("buy")
	eq(#buys, 1, "one buy at 09:05")
	eq(buys[1].time, kst("2026-03-02 09:05"), "at 09:05:00 exactly")
	eq(buys[1].qty, 10, "qty 10")
	eq(buys[1].type, "market", "market order")
	m:fill(buys[1].id, 10, 70200)
	m:tick("005930", 70300, kst("2026-03-02 12:00"))
	eq(#m:calls("buy"), 1, "no second buy the same day")
	m:tick("005930", 70300, at("2026-03-02 15:14", 59))
	eq(#m:calls("close_all"), 0, "no close before 15:15")
	m:tick("005930", 70400, at("2026-03-02 15:15", 30))
	local closes = m:calls("close_all")
	eq(#closes, 1, "close_all at 15:15")
	eq(closes[1].time, kst("2026-03-02 15:15"), "at 15:15:00 exactly")
	local sells = m:calls("sell")
	eq(#sells, 1, "close_all sells the position")
	eq(sells[1].qty, 10, "all 10 shares")

	-- Tuesday: again
	m:tick("005930", 70000, kst("2026-03-03 09:10"))
	eq(#m:calls("buy"), 2, "Tuesday buy")
	eq(m:calls("buy")[2].time, kst("2026-03-03 09:05"), "Tuesday at 09:05")
	-- Saturday 2026-03-07: no timers on weekends (even with data)
	m:tick("005930", 70000, kst("2026-03-07 16:00"))
	m:tick("005930", 70000, kst("2026-03-07 16:01"))
	local before = #m:calls("buy")
	m:tick("005930", 70000, kst("2026-03-08 10:00"))
	eq(#m:calls("buy"), before, "no buy on Sunday")
end)

case("scheduled: several symbols, params, and no double buy after a restart", function()
	local m = load("scheduled.lua", { params = { qty = 3, buy_at = "10:00", flat_at = "14:00" } })
	m.s.symbols = { "005930", "000660" }
	m:start(kst("2026-03-02 08:30"))
	m:tick("005930", 70000, kst("2026-03-02 10:00"))
	local buys = m:calls("buy")
	eq(#buys, 2, "one buy per symbol")
	eq(buys[1].symbol, "005930", "in list order (1)")
	eq(buys[2].symbol, "000660", "in list order (2)")
	eq(buys[1].qty, 3, "qty from params")

	-- A restart before 09:05 of a day whose buy already happened (say, with
	-- an earlier buy_at) finds bought_on in ctx.state: no second buy.
	local m2 = load("scheduled.lua", { state = { bought_on = "2026-03-02" } })
	m2:start(kst("2026-03-02 09:00"))
	m2:tick("005930", 70000, kst("2026-03-02 09:06"))
	eq(#m2:calls("buy"), 0, "no second buy on the 2nd")
	m2:tick("005930", 70000, kst("2026-03-03 09:06"))
	eq(#m2:calls("buy"), 1, "the 3rd is a new day")
	eq(m2:calls("buy")[1].time, kst("2026-03-03 09:05"), "at the 3rd's 09:05")
	eq(m2.ctx.state.bought_on, "2026-03-03", "state updated")

	local bad = load("scheduled.lua", { params = { buy_at = "16:00" } })
	local okc = pcall(bad.start, bad, kst("2026-03-02 08:00"))
	ok(not okc, "buy_at after flat_at is refused")
end)

------------------------------------------------------------------------
-- buy_and_hold
------------------------------------------------------------------------

case("buy_and_hold: qty from buyable at a valid tick price", function()
	-- Last price 70,050. Limit = ceil(70,050 * 1.01) = ceil(70,750.5) = 70,751,
	-- rounded up to the 100-won tick (50,000-200,000 band) = 70,800.
	-- Cash 9,913,000, fee 150 ppm: budget // price = 9,913,000 // 70,800 = 140
	-- (140 * 70,800 = 9,912,000), but 140 shares cost 9,912,000 + fee 1,486
	-- = 9,913,486 > cash, so buyable = 139 (9,841,200 + 1,476 = 9,842,676).
	local m = load("buy_and_hold.lua", { cash = 9913000, fee_ppm = 150 })
	m:start(kst("2026-03-02 08:59"))
	m:tick("005930", 70050, kst("2026-03-02 09:00"))
	local buys = m:calls("buy")
	eq(#buys, 1, "one order")
	eq(buys[1].type, "limit", "limit order")
	eq(buys[1].price, 70800, "limit price on the tick")
	eq(buys[1].qty, 139, "qty = buyable")
	ok(math.type(buys[1].qty) == "integer" and math.type(buys[1].price) == "integer", "integers")
	m:tick("005930", 70100, kst("2026-03-02 09:00") + 500)
	eq(#m:calls("buy"), 1, "no second order while the first works")
	m:fill(buys[1].id, 139, 70100)
	for i = 1, 5 do
		m:tick("005930", 60000 + i * 1000, kst("2026-03-02 10:00") + i)
	end
	eq(#m:calls("buy"), 1, "done after the fill")
	eq(#m:calls("sell"), 0, "never sells")
end)

case("buy_and_hold: the limit is at least 1% above", function()
	-- 6,951 * 1.01 = 7,020.51: ceil 7,021, rounded up to the 10-won tick = 7,030
	-- (rounding 7,020.51 down first would give 7,020, below +1%).
	local m = load("buy_and_hold.lua", { cash = 1000000, fee_ppm = 0 })
	m:start(kst("2026-03-02 08:59"))
	m:tick("005930", 6951, kst("2026-03-02 09:00"))
	eq(m:calls("buy")[1].price, 7030, "limit price")
	-- 1,000,000 // 7,030 = 142 (142 * 7,030 = 998,260)
	eq(m:calls("buy")[1].qty, 142, "qty")
end)

case("buy_and_hold: equal budgets across symbols, band-crossing tick", function()
	-- Cash 20,000,000, two symbols: budget 10,000,000 each.
	-- 005930 at 70,000: limit 70,700 (a multiple of 100); 10,000,000 // 70,700 = 141
	--   (141 * 70,700 = 9,968,700); buyable on 20M is larger, so 141.
	--   Reserved: 9,968,700 + fee 1,495 = 9,970,195; cash left 10,029,805.
	-- 000660 at 199,900: ceil(199,900 * 1.01) = 201,899, above 200,000 the tick
	--   is 500: rounded up 202,000. 10,000,000 // 202,000 = 49 (9,898,000);
	--   buyable on 10,029,805 is 49 too (9,898,000 + 1,484 fits).
	local m = load("buy_and_hold.lua", { cash = 20000000, fee_ppm = 150 })
	m.s.symbols = { "005930", "000660" }
	m:start(kst("2026-03-02 08:59"))
	m:tick("005930", 70000, kst("2026-03-02 09:00"))
	m:tick("000660", 199900, kst("2026-03-02 09:00") + 1)
	local buys = m:calls("buy")
	eq(#buys, 2, "one order per symbol")
	eq(buys[1].price, 70700, "005930 price")
	eq(buys[1].qty, 141, "005930 qty")
	eq(buys[2].price, 202000, "000660 price")
	eq(buys[2].qty, 49, "000660 qty")
end)

case("buy_and_hold: retries the rest of the budget after an expiry", function()
	-- Cash 10,000,000; 70,000 -> limit 70,700, qty 141 (as above).
	-- Fill 100 @ 70,700: value 7,070,000, fee 7,070,000 * 150 / 1e6 = 1,060.
	-- Spent 7,071,060, cash 2,928,940. The rest expires at the close.
	-- Next try (>= 60 s later) at 70,000: 2,928,940 // 70,700 = 41
	-- (41 * 70,700 = 2,898,700 + fee 434 = 2,899,134 <= cash).
	local m = load("buy_and_hold.lua", { cash = 10000000, fee_ppm = 150 })
	m:start(kst("2026-03-02 08:59"))
	m:tick("005930", 70000, kst("2026-03-02 09:00"))
	local first = m:calls("buy")[1]
	eq(first.qty, 141, "first qty")
	m:fill(first.id, 100, 70700)
	m:expire(first.id, "end of day")
	m:tick("005930", 70000, at("2026-03-02 09:00", 30))
	eq(#m:calls("buy"), 1, "waits retry_ms")
	m:tick("005930", 70000, at("2026-03-02 09:00", 61))
	local buys = m:calls("buy")
	eq(#buys, 2, "second order")
	eq(buys[2].qty, 41, "second qty from the rest of the budget")
	eq(buys[2].price, 70700, "second price")
end)

------------------------------------------------------------------------
-- mean_reversion
------------------------------------------------------------------------

local MR = { window = 4, k = 1.0, qty = 10, modify_every_ms = 5000, max_wait_ms = 60000, stop_pct = 3.0 }

-- Prices 10,000 10,200 10,000 10,200: mean 10,100, deviations +-100,
-- population stdev 100; band = 10,100 - 1.0 * 100 = 10,000 (on the 10-won tick).
local function mr_entry(m, base)
	for i, p in ipairs({ 10000, 10200, 10000, 10200 }) do
		m:tick("005930", p, at(base, i - 1))
	end
end

case("mean_reversion: places, follows the band at most every 5 s, cancels on timeout", function()
	local m = load("mean_reversion.lua", { params = MR })
	m:start(kst("2026-03-02 09:00"))
	mr_entry(m, "2026-03-02 09:00")
	local buys = m:calls("buy")
	eq(#buys, 1, "one buy once the window is full")
	eq(buys[1].type, "limit", "limit buy")
	eq(buys[1].price, 10000, "at mean - k * stdev")
	eq(buys[1].qty, 10, "qty")
	eq(buys[1].time, at("2026-03-02 09:00", 3), "placed at the 4th price")
	local id = buys[1].id

	-- 09:00:04, 10,400: window 10,200 10,000 10,200 10,400, mean 10,200,
	-- stdev sqrt((0 + 200^2 + 0 + 200^2) / 4) = 141.42, band 10,058.58 -> 10,050.
	-- Only 1 s since the order was placed: no modify yet.
	m:tick("005930", 10400, at("2026-03-02 09:00", 4))
	eq(#m:calls("modify"), 0, "rate limited")
	-- 09:00:09, 10,400: window 10,000 10,200 10,400 10,400, mean 10,250,
	-- deviations -250 -50 150 150, variance (62,500 + 2,500 + 22,500 * 2) / 4
	-- = 27,500, stdev 165.83, band 10,084.17 -> 10,080. 6 s since placing.
	m:tick("005930", 10400, at("2026-03-02 09:00", 9))
	local mods = m:calls("modify")
	eq(#mods, 1, "one modify")
	eq(mods[1] and mods[1].id, id, "of the buy")
	eq(mods[1] and mods[1].price, 10080, "to the new band")
	eq(m:order(id).price, 10080, "engine confirmed the new price")
	-- 09:00:10: 1 s after the modify, band moved again (10,260): no modify.
	m:tick("005930", 10400, at("2026-03-02 09:00", 10))
	eq(#m:calls("modify"), 1, "rate limited after a modify")
	eq(#m:calls("cancel"), 0, "no cancel yet")

	-- 09:01:03 = placed + 60 s: timed out.
	m:tick("005930", 10400, at("2026-03-02 09:01", 3))
	local cancels = m:calls("cancel")
	eq(#cancels, 1, "cancel on timeout")
	eq(cancels[1] and cancels[1].id, id, "the buy")
	eq(m:order(id).status, "cancelled", "cancelled")
	eq(#m:calls("buy"), 1, "no new buy in the same event")
	-- Next price: a fresh buy at the band (all 10,400: stdev 0, band 10,400).
	m:tick("005930", 10400, at("2026-03-02 09:01", 4))
	buys = m:calls("buy")
	eq(#buys, 2, "a new buy after the cancel")
	eq(buys[2] and buys[2].price, 10400, "at the current band")
end)

case("mean_reversion: take profit at the mean, then stop loss", function()
	local m = load("mean_reversion.lua", { params = MR })
	m:start(kst("2026-03-02 09:00"))
	mr_entry(m, "2026-03-02 09:00")
	local buy = m:calls("buy")[1]
	m:fill(buy.id, 10, 10000)
	-- 09:00:04, 10,100: window 10,200 10,000 10,200 10,100, mean 10,125;
	-- take profit = max(10,125, entry 10,000 + 1) rounded up to 10 = 10,130.
	m:tick("005930", 10100, at("2026-03-02 09:00", 4))
	local sells = m:calls("sell")
	eq(#sells, 1, "take-profit sell")
	eq(sells[1].type, "limit", "limit")
	eq(sells[1].price, 10130, "at the mean, on the tick")
	eq(sells[1].qty, 10, "the whole position")
	eq(#m:calls("buy"), 1, "no new buy while holding")

	-- 09:00:05, 9,700: 9,700 * 100 <= 10,000 * (100 - 3) -> stop.
	-- The 10 shares are offered in the take profit, so it is cancelled first
	-- and the market sell follows the cancel's confirmation.
	m:tick("005930", 9700, at("2026-03-02 09:00", 5))
	local cancels = m:calls("cancel")
	eq(#cancels, 1, "take profit cancelled")
	eq(cancels[1] and cancels[1].id, sells[1].id, "the take profit")
	sells = m:calls("sell")
	eq(#sells, 2, "stop sell after the cancel")
	eq(sells[2] and sells[2].type, "market", "stop at market")
	eq(sells[2] and sells[2].qty, 10, "stop sells everything")
	m:fill(sells[2].id, 10, 9700)
	eq(m.ctx:position("005930").qty, 0, "flat")
	-- Flat again: the next price places a new buy.
	m:tick("005930", 9700, at("2026-03-02 09:00", 6))
	eq(#m:calls("buy"), 2, "starts over")
end)

case("mean_reversion: take profit fills and it starts over", function()
	local m = load("mean_reversion.lua", { params = MR })
	m:start(kst("2026-03-02 09:00"))
	mr_entry(m, "2026-03-02 09:00")
	m:fill(m:calls("buy")[1].id, 10, 10000)
	m:tick("005930", 10100, at("2026-03-02 09:00", 4))
	local tp = m:calls("sell")[1]
	m:fill(tp.id, 10, 10130)
	-- cash: 10,000,000 - 100,000 - fee 15 + 101,300 - fee 15 = 10,001,270
	eq(m.ctx:cash(), 10001270, "cash after the round trip")
	m:tick("005930", 10100, at("2026-03-02 09:00", 5))
	eq(#m:calls("buy"), 2, "new buy after the take profit")
	eq(#m:calls("cancel"), 0, "no stop")
end)

case("mean_reversion: a partly filled buy times out, the part is offered", function()
	local m = load("mean_reversion.lua", { params = MR })
	m:start(kst("2026-03-02 09:00"))
	mr_entry(m, "2026-03-02 09:00")
	local buy = m:calls("buy")[1]
	m:fill(buy.id, 4, 10000)
	-- 09:01:03, 10,100: holding 4 (avg 10,000, no stop), the buy has waited
	-- 60 s: cancelled. No take profit in the same event (the buy still works).
	m:tick("005930", 10100, at("2026-03-02 09:01", 3))
	eq(#m:calls("cancel"), 1, "buy cancelled")
	eq(#m:calls("sell"), 0, "no sell before the cancel is confirmed")
	-- 09:01:04, 10,100: window 10,000 10,200 10,100 10,100, mean 10,100;
	-- take profit = max(10,100, 10,001) = 10,100 (on the tick), qty 4.
	m:tick("005930", 10100, at("2026-03-02 09:01", 4))
	local sells = m:calls("sell")
	eq(#sells, 1, "take profit")
	eq(sells[1] and sells[1].qty, 4, "for the 4 shares bought")
	eq(sells[1] and sells[1].price, 10100, "at the mean")
end)

case("mock: KST calendar", function()
	-- epoch 0 is 1970-01-01 00:00 UTC = 09:00 KST
	eq(m_ctx_date(0), "1970-01-01 09:00:00", "epoch")
	-- 2026-03-02 09:05 KST = 2026-03-02 00:05 UTC = 1,772,409,900 s (date -u -d)
	eq(kst("2026-03-02 09:05"), 1772409900000, "kst()")
	eq(m_ctx_date(kst("2024-02-29 23:59:59")), "2024-02-29 23:59:59", "leap day")
end)

------------------------------------------------------------------------
-- all strategies load and are documented
------------------------------------------------------------------------

case("every shipped strategy loads, names itself and has a header comment", function()
	for _, f in ipairs({ "sma_cross.lua", "buy_and_hold.lua", "mean_reversion.lua", "scheduled.lua" }) do
		local m = load(f)
		eq(m.s.name, f:gsub("%.lua$", ""), f .. " name")
		eq(type(m.s.params), "table", f .. " params")
		local h = assert(io.open(stratdir .. "/" .. f))
		local head = h:read("a"):match("^%-%-%[%[(.-)%]%]") or ""
		h:close()
		for _, section in ipairs({ "What it does", "Params", "Data" }) do
			ok(head:find(section, 1, true) ~= nil, f .. " header has " .. section)
		end
		m:start(kst("2026-03-02 08:30"))
		m:stop()
	end
end)

------------------------------------------------------------------------

for _, c in ipairs(cases) do
	current, case_failed = c.name, false
	local okc, err = xpcall(c.fn, debug.traceback)
	if not okc then
		fail("raised: " .. tostring(err))
	end
	if case_failed then
		failed = failed + 1
	else
		passed = passed + 1
	end
end
print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
