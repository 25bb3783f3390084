--[[
indicators.lua - streaming technical indicators for strategies.

	local ind = require("indicators")
	local fast = ind.sma(5)
	local v = fast:push(price)   -- nil until 5 values were pushed

Every indicator is an object updated one value at a time in O(1)
(amortised for window min/max), so a strategy can keep one per symbol and
feed it from on_tick or on_bar without ever re-scanning history:

	obj:push(x)   add a value; returns the current value, or nil while
	              there is not enough data yet
	obj:value()   the current value (nil while not ready)
	obj:ready()   true once value() is not nil

Constructors:
	ind.sma(n)     simple moving average of the last n values
	ind.ema(n)     exponential moving average, alpha = 2 / (n + 1), seeded
	               with the SMA of the first n values (ready after n values)
	ind.rsi(n)     Wilder's RSI: the first average gain/loss is the simple
	               mean of the first n changes, then
	               avg = (avg * (n - 1) + current) / n. Needs n + 1 values.
	               100 when there were no losses (also when flat throughout).
	ind.window(n)  the last n values: push, get(i) (1 = newest), len(),
	               full(), sum(), mean(), min(), max(), var(), stdev();
	               value() is the mean once full.

n must be a positive integer (3 and 3.0 are both fine); anything else
raises an error naming the constructor. push() raises an error for a value
that is not a number, or is NaN, because a silent NaN would poison every
later value.

Integer inputs (KRW prices) keep the running sums exact integers. Float
inputs make the running sums drift by rounding over a long run, so
sma/window re-add their contents every n pushes, which keeps the cost
amortised O(1) and the error bounded.
]]

local ind = {}

local math_type, tointeger = math.type, math.tointeger

local function check_n(who, n)
	local v = type(n) == "number" and tointeger(n) or nil
	if v == nil or v < 1 then
		error(string.format("indicators.%s: n must be a positive integer, got %s", who, tostring(n)), 3)
	end
	return v
end

local function check_x(who, x)
	if type(x) ~= "number" or x ~= x then
		error(string.format("indicators.%s:push: expected a number, got %s", who, tostring(x)), 3)
	end
end

------------------------------------------------------------------------
-- sma
------------------------------------------------------------------------

local SMA = {}
SMA.__index = SMA

function ind.sma(n)
	n = check_n("sma", n)
	return setmetatable({ n = n, buf = {}, pos = 0, count = 0, sum = 0 }, SMA)
end

function SMA:push(x)
	-- The hot path of most strategies: locals instead of repeated field
	-- reads, and the argument check only calls out on bad input.
	if type(x) ~= "number" or x ~= x then
		check_x("sma", x)
	end
	local n, count, sum, buf = self.n, self.count, self.sum, self.buf
	local pos = self.pos + 1
	if pos > n then
		pos = 1
	end
	if count == n then
		sum = sum - buf[pos]
	else
		count = count + 1
		self.count = count
	end
	buf[pos] = x
	self.pos = pos
	sum = sum + x
	-- Float sums collect rounding error with every add/subtract pair; a
	-- fresh sum once per lap bounds it. Integer sums are exact.
	if pos == n and math_type(sum) == "float" then
		sum = 0
		for i = 1, n do
			sum = sum + buf[i]
		end
	end
	self.sum = sum
	if count < n then
		return nil
	end
	return sum / n
end

function SMA:value()
	if self.count < self.n then
		return nil
	end
	return self.sum / self.n
end

function SMA:ready()
	return self.count >= self.n
end

------------------------------------------------------------------------
-- ema
------------------------------------------------------------------------

local EMA = {}
EMA.__index = EMA

function ind.ema(n)
	n = check_n("ema", n)
	return setmetatable({ n = n, alpha = 2 / (n + 1), count = 0, sum = 0, v = nil }, EMA)
end

function EMA:push(x)
	check_x("ema", x)
	if self.v ~= nil then
		self.v = self.alpha * x + (1 - self.alpha) * self.v
		return self.v
	end
	self.count = self.count + 1
	self.sum = self.sum + x
	if self.count == self.n then
		self.v = self.sum / self.n
	end
	return self.v
end

function EMA:value()
	return self.v
end

function EMA:ready()
	return self.v ~= nil
end

------------------------------------------------------------------------
-- rsi
------------------------------------------------------------------------

local RSI = {}
RSI.__index = RSI

function ind.rsi(n)
	n = check_n("rsi", n)
	return setmetatable({ n = n, prev = nil, count = 0, gain = 0, loss = 0, v = nil }, RSI)
end

local function rsi_of(gain, loss)
	if loss == 0 then
		return 100.0
	end
	return 100 - 100 / (1 + gain / loss)
end

function RSI:push(x)
	check_x("rsi", x)
	local prev = self.prev
	self.prev = x
	if prev == nil then
		return nil
	end
	local d = x - prev
	local up = d > 0 and d or 0
	local down = d < 0 and -d or 0
	local n = self.n
	if self.count < n then
		-- Seeding: gain/loss hold sums until the n-th change.
		self.count = self.count + 1
		self.gain = self.gain + up
		self.loss = self.loss + down
		if self.count < n then
			return nil
		end
		self.gain = self.gain / n
		self.loss = self.loss / n
	else
		self.gain = (self.gain * (n - 1) + up) / n
		self.loss = (self.loss * (n - 1) + down) / n
	end
	self.v = rsi_of(self.gain, self.loss)
	return self.v
end

function RSI:value()
	return self.v
end

function RSI:ready()
	return self.v ~= nil
end

------------------------------------------------------------------------
-- window
------------------------------------------------------------------------

--[[
The window keeps the values in a ring of n slots. min and max use
monotonic deques of (value, sequence number): the min deque holds values
increasing from front to back, so its front is the minimum; a new value
first drops every back entry it beats (they can never be the minimum
again while the newer value is in the window), and the front is dropped
once its sequence number leaves the window. Each value enters and leaves
a deque at most once, hence amortised O(1). A deque never holds more
than n entries, so it lives in its own ring of n slots as well.
]]

local Window = {}
Window.__index = Window

local function deque_new(n)
	return { n = n, val = {}, seq = {}, head = 1, size = 0 }
end

-- better(a, b): true when a makes b useless (a <= b for min, a >= b for max).
local function deque_push(d, x, seq, better)
	local n, val = d.n, d.val
	while d.size > 0 do
		local back = (d.head + d.size - 2) % n + 1
		if not better(x, val[back]) then
			break
		end
		d.size = d.size - 1
	end
	local slot = (d.head + d.size - 1) % n + 1
	val[slot] = x
	d.seq[slot] = seq
	d.size = d.size + 1
end

local function deque_expire(d, oldest_seq)
	while d.size > 0 and d.seq[d.head] < oldest_seq do
		d.head = d.head % d.n + 1
		d.size = d.size - 1
	end
end

local function le(a, b)
	return a <= b
end

local function ge(a, b)
	return a >= b
end

function ind.window(n)
	n = check_n("window", n)
	return setmetatable({
		n = n,
		buf = {},
		pos = 0, -- slot of the newest value
		count = 0,
		seq = 0, -- values pushed so far
		s = 0,
		sq = 0,
		mins = deque_new(n),
		maxs = deque_new(n),
	}, Window)
end

function Window:push(x)
	check_x("window", x)
	local n, buf = self.n, self.buf
	local pos = self.pos % n + 1
	if self.count == n then
		local old = buf[pos]
		self.s = self.s - old
		self.sq = self.sq - old * old
	else
		self.count = self.count + 1
	end
	buf[pos] = x
	self.pos = pos
	self.s = self.s + x
	self.sq = self.sq + x * x
	if pos == n and (math_type(self.s) == "float" or math_type(self.sq) == "float") then
		local s, sq = 0, 0
		for i = 1, n do
			local v = buf[i]
			s = s + v
			sq = sq + v * v
		end
		self.s, self.sq = s, sq
	end
	local seq = self.seq + 1
	self.seq = seq
	-- Expire first: the deques then hold at most n - 1 entries, so the
	-- new one never overwrites the front of the ring.
	deque_expire(self.mins, seq - n + 1)
	deque_expire(self.maxs, seq - n + 1)
	deque_push(self.mins, x, seq, le)
	deque_push(self.maxs, x, seq, ge)
	return self:value()
end

-- get(1) is the newest value, get(len()) the oldest; nil outside 1..len().
function Window:get(i)
	if math_type(i) ~= "integer" or i < 1 or i > self.count then
		return nil
	end
	return self.buf[(self.pos - i) % self.n + 1]
end

function Window:len()
	return self.count
end

function Window:full()
	return self.count == self.n
end

function Window:sum()
	return self.s
end

function Window:mean()
	if self.count == 0 then
		return nil
	end
	return self.s / self.count
end

function Window:min()
	local d = self.mins
	if d.size == 0 then
		return nil
	end
	return d.val[d.head]
end

function Window:max()
	local d = self.maxs
	if d.size == 0 then
		return nil
	end
	return d.val[d.head]
end

-- Population variance of the values held. Computed in floats because the
-- square of an integer sum may overflow 64 bits for long windows of large
-- prices; clamped at 0 against rounding on a flat window.
function Window:var()
	local c = self.count
	if c == 0 then
		return nil
	end
	local s = self.s + 0.0
	local v = (self.sq - s * s / c) / c
	return v > 0 and v or 0.0
end

function Window:stdev()
	local v = self:var()
	return v and math.sqrt(v) or nil
end

function Window:value()
	if self.count < self.n then
		return nil
	end
	return self.s / self.n
end

function Window:ready()
	return self.count == self.n
end

return ind
