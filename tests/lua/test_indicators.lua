--[[
test_indicators.lua - tests for strategies/lib/indicators.lua.

	lua5.4 tests/lua/test_indicators.lua strategies/lib

Prints one line per failed check and a last line "N passed, M failed";
exits 0 only when nothing failed. Every expected value is worked out by
hand in the comment next to it.
]]

local libdir = arg[1] or "strategies/lib"
package.path = libdir .. "/?.lua;" .. package.path

local ind = require("indicators")

-- A case passes when none of its checks failed; every failed check prints
-- its own line.
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

local function near(got, want, eps, what)
	if not (type(got) == "number" and math.abs(got - want) <= eps) then
		fail(string.format("%s: got %s, want %s (+/- %g)", what or "value", tostring(got), tostring(want), eps))
	end
end

local function raises(fn, pattern, what)
	local okc, err = pcall(fn)
	if okc then
		fail((what or "call") .. ": expected an error, got none")
	elseif pattern and not tostring(err):find(pattern) then
		fail(string.format("%s: error %q does not match %q", what or "call", tostring(err), pattern))
	end
end

local cases = {}
local function case(name, fn)
	cases[#cases + 1] = { name = name, fn = fn }
end

------------------------------------------------------------------------

case("sma of 1..5 with n = 3", function()
	local s = ind.sma(3)
	eq(s:push(1), nil, "after 1")
	eq(s:push(2), nil, "after 2")
	ok(not s:ready(), "not ready after 2 values")
	-- (1 + 2 + 3) / 3 = 2
	eq(s:push(3), 2, "after 3")
	ok(s:ready(), "ready after 3 values")
	-- (2 + 3 + 4) / 3 = 3
	eq(s:push(4), 3, "after 4")
	-- (3 + 4 + 5) / 3 = 4
	eq(s:push(5), 4, "after 5")
	eq(s:value(), 4, "value()")
end)

case("sma with n = 1 follows the input", function()
	local s = ind.sma(1)
	eq(s:push(7), 7, "first")
	eq(s:push(-3), -3, "second")
end)

case("sma over a long float run stays accurate", function()
	-- 0.1 is not exact in binary; after 100000 pushes of alternating
	-- 0.1 / 0.3 the mean of any 4 consecutive values is (0.1+0.3)*2/4 = 0.2.
	local s = ind.sma(4)
	for i = 1, 100000 do
		s:push(i % 2 == 0 and 0.1 or 0.3)
	end
	near(s:value(), 0.2, 1e-12, "mean")
end)

case("ema seeded with the sma", function()
	-- n = 3: alpha = 2 / (3 + 1) = 0.5; seed = (1 + 2 + 3) / 3 = 2
	local e = ind.ema(3)
	eq(e:push(1), nil, "after 1")
	eq(e:push(2), nil, "after 2")
	eq(e:push(3), 2, "seed")
	-- 0.5 * 4 + 0.5 * 2 = 3
	eq(e:push(4), 3, "after 4")
	-- 0.5 * 10 + 0.5 * 3 = 6.5
	eq(e:push(10), 6.5, "after 10")
	eq(e:value(), 6.5, "value()")
end)

case("ema with n = 4", function()
	-- alpha = 2 / 5 = 0.4; seed = (2 + 4 + 6 + 8) / 4 = 5
	local e = ind.ema(4)
	for _, x in ipairs({ 2, 4, 6 }) do
		e:push(x)
	end
	ok(not e:ready(), "not ready after 3 values")
	eq(e:push(8), 5, "seed")
	-- 0.4 * 10 + 0.6 * 5 = 7
	near(e:push(10), 7, 1e-12, "after 10")
	-- 0.4 * 0 + 0.6 * 7 = 4.2
	near(e:push(0), 4.2, 1e-12, "after 0")
end)

case("rsi small example, n = 3", function()
	-- prices 10 11 12 11 13 -> changes +1 +1 -1 +2
	local r = ind.rsi(3)
	eq(r:push(10), nil, "first price")
	eq(r:push(11), nil, "1 change")
	eq(r:push(12), nil, "2 changes")
	-- first 3 changes: gains 1+1 = 2, losses 1; avg gain 2/3, avg loss 1/3
	-- RS = 2, RSI = 100 - 100 / 3 = 66.666...
	near(r:push(11), 200 / 3, 1e-9, "seed rsi")
	-- +2: avg gain = (2/3 * 2 + 2) / 3 = 10/9; avg loss = (1/3 * 2 + 0) / 3 = 2/9
	-- RS = 5, RSI = 100 - 100 / 6 = 83.333...
	near(r:push(13), 250 / 3, 1e-9, "wilder step")
	ok(r:ready(), "ready")
end)

case("rsi textbook example, n = 14", function()
	-- The 14-day example from StockCharts ("RSI", ChartSchool) with the
	-- closes rounded to cents. Changes of the first 15 closes:
	--   -0.25 +0.06 -0.54 +0.72 +0.50 +0.27 +0.32 +0.42 +0.24 -0.19
	--   +0.14 -0.42 +0.67  0.00
	-- gains  = .06+.72+.50+.27+.32+.42+.24+.14+.67 = 3.34, avg 3.34/14 = 0.238571
	-- losses = .25+.54+.19+.42 = 1.40,                  avg 1.40/14 = 0.100000
	-- RS = 2.385714, RSI = 100 - 100 / 3.385714 = 70.4641
	-- (StockCharts prints 70.53 from the unrounded closes.)
	local closes = {
		44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08,
		45.89, 46.03, 45.61, 46.28, 46.28, 46.00, 46.03,
	}
	local r = ind.rsi(14)
	local got = {}
	for i, c in ipairs(closes) do
		got[i] = r:push(c)
	end
	eq(got[14], nil, "13 changes are not enough")
	near(got[15], 70.4641, 1e-3, "first rsi")
	-- 46.00: change -0.28
	-- avg gain = (0.238571 * 13 + 0) / 14 = 0.221531
	-- avg loss = (0.100000 * 13 + 0.28) / 14 = 0.112857
	-- RS = 1.962929, RSI = 100 - 100 / 2.962929 = 66.2496
	near(got[16], 66.2496, 1e-3, "second rsi")
	-- 46.03: change +0.03
	-- avg gain = (0.221531 * 13 + 0.03) / 14 = 0.207850
	-- avg loss = (0.112857 * 13 + 0) / 14 = 0.104796
	-- RS = 1.983412, RSI = 100 - 100 / 2.983412 = 66.4809
	near(got[17], 66.4809, 1e-3, "third rsi")
end)

case("rsi is 100 without losses", function()
	local r = ind.rsi(3)
	for _, x in ipairs({ 1, 2, 3 }) do
		r:push(x)
	end
	-- changes +1 +1 +1: avg loss 0 -> 100
	eq(r:push(4), 100, "rising")
	local flat = ind.rsi(2)
	flat:push(5)
	flat:push(5)
	-- no gain and no loss: the contract says 100 (no losses)
	eq(flat:push(5), 100, "flat")
end)

case("rsi is 0 without gains", function()
	local r = ind.rsi(2)
	r:push(3)
	r:push(2)
	-- avg gain 0, avg loss 1: RS = 0, RSI = 100 - 100 / 1 = 0
	eq(r:push(1), 0, "falling")
end)

case("window sum, min, max with evictions", function()
	local w = ind.window(3)
	eq(w:len(), 0, "empty len")
	eq(w:min(), nil, "empty min")
	eq(w:mean(), nil, "empty mean")
	-- sequence 5 1 4 2 8 3 3 1 9 9 9; each step: contents, sum, min, max
	local steps = {
		{ 5, { 5 }, 5, 5, 5 },
		{ 1, { 1, 5 }, 6, 1, 5 },
		{ 4, { 4, 1, 5 }, 10, 1, 5 },
		{ 2, { 2, 4, 1 }, 7, 1, 4 }, -- 5 evicted: the max falls to 4
		{ 8, { 8, 2, 4 }, 14, 2, 8 }, -- 1 evicted: the min rises to 2
		{ 3, { 3, 8, 2 }, 13, 2, 8 },
		{ 3, { 3, 3, 8 }, 14, 3, 8 }, -- 2 evicted
		{ 1, { 1, 3, 3 }, 7, 1, 3 }, -- 8 evicted
		{ 9, { 9, 1, 3 }, 13, 1, 9 },
		{ 9, { 9, 9, 1 }, 19, 1, 9 },
		{ 9, { 9, 9, 9 }, 27, 9, 9 }, -- 1 evicted; equal values
	}
	for i, st in ipairs(steps) do
		local x, content, sum, mn, mx = st[1], st[2], st[3], st[4], st[5]
		w:push(x)
		local tag = "step " .. i .. " (push " .. x .. ")"
		eq(w:len(), #content, tag .. " len")
		for j = 1, #content do
			eq(w:get(j), content[j], tag .. " get(" .. j .. ")")
		end
		eq(w:get(#content + 1), nil, tag .. " get past the end")
		eq(w:sum(), sum, tag .. " sum")
		eq(w:min(), mn, tag .. " min")
		eq(w:max(), mx, tag .. " max")
		eq(w:full(), #content == 3, tag .. " full")
	end
	eq(w:get(0), nil, "get(0)")
	-- contents 9 9 9: mean 27 / 3 = 9
	eq(w:mean(), 9, "mean")
	eq(w:value(), 9, "value")
end)

case("window mean and variance", function()
	local w = ind.window(3)
	eq(w:push(2), nil, "not full yet")
	w:push(8)
	-- contents 2 8 3: sum 13, mean 13/3
	-- sum of squares 4 + 64 + 9 = 77; var = 77/3 - (13/3)^2 = (231 - 169)/9 = 62/9
	near(w:push(3), 13 / 3, 1e-12, "push returns the mean once full")
	near(w:var(), 62 / 9, 1e-9, "var")
	near(w:stdev(), math.sqrt(62 / 9), 1e-9, "stdev")
	-- flat window: variance exactly 0, never negative
	local f = ind.window(4)
	for _ = 1, 10 do
		f:push(70000)
	end
	eq(f:var(), 0.0, "flat var")
	-- flat float window: sq - s^2/n comes out at about -7.6e-7 in doubles for
	-- five 70000.7s; the variance must still be 0 and stdev not NaN
	local g = ind.window(5)
	for _ = 1, 5 do
		g:push(70000.7)
	end
	eq(g:var(), 0.0, "flat float var")
	eq(g:stdev(), 0.0, "flat float stdev")
end)

case("window min/max agree with a scan on a long run", function()
	-- A deterministic pseudo-random walk (LCG), checked against a direct
	-- scan of the last n values, over many evictions and ties.
	local n = 7
	local w = ind.window(n)
	local hist = {}
	local x = 12345
	local bad = 0
	for i = 1, 5000 do
		x = (x * 1103515245 + 12345) % 2147483648
		local v = x % 21 -- small range: many ties
		hist[i] = v
		w:push(v)
		local lo, hi, s = math.huge, -math.huge, 0
		for j = math.max(1, i - n + 1), i do
			lo = math.min(lo, hist[j])
			hi = math.max(hi, hist[j])
			s = s + hist[j]
		end
		if w:min() ~= lo or w:max() ~= hi or w:sum() ~= s then
			bad = bad + 1
		end
	end
	eq(bad, 0, "mismatches")
end)

case("n is validated", function()
	for _, ctor in ipairs({ "sma", "ema", "rsi", "window" }) do
		raises(function()
			ind[ctor](0)
		end, "indicators%." .. ctor .. ": n must be a positive integer, got 0", ctor .. "(0)")
		raises(function()
			ind[ctor](-2)
		end, "positive integer", ctor .. "(-2)")
		raises(function()
			ind[ctor](2.5)
		end, "positive integer", ctor .. "(2.5)")
		raises(function()
			ind[ctor]("3")
		end, "positive integer", ctor .. '("3")')
		raises(function()
			ind[ctor]()
		end, "got nil", ctor .. "()")
	end
	-- an integral float is an integer
	eq(ind.sma(3.0).n, 3, "sma(3.0)")
end)

case("push rejects non-numbers and NaN", function()
	local s = ind.sma(2)
	raises(function()
		s:push(nil)
	end, "expected a number", "push(nil)")
	raises(function()
		s:push("1")
	end, "expected a number", 'push("1")')
	raises(function()
		s:push(0 / 0)
	end, "expected a number", "push(NaN)")
	eq(s:push(1), nil, "still usable after a refused push")
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
