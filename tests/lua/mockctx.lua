--[[
mockctx.lua - a fake engine for testing strategies in plain Lua.

	local mock = require("mockctx")
	local m = mock.load("strategies/sma_cross.lua", { libdir = "strategies/lib", cash = 10000000 })
	m:start(mock.kst("2026-03-02 09:00"))
	m:bar("005930", 70000, mock.kst("2026-03-02 09:01"))
	m:fill(id, 10, 70000)            -- a fill from the "broker"
	m:calls("buy")                   -- what the strategy asked for

It implements the ctx of docs/strategy-api.md closely enough to drive a
strategy through a scenario: orders with ids and states, positions and
cash that fills update, buyable, KRX tick rounding, a fake clock with
every_day/after/every timers, and notifications (on_order, on_fill)
queued and delivered after the hook that caused them returns, as the
engine does. Fills never happen by themselves: the test calls m:fill().

Deliberately stricter than the engine in places, to catch strategy bugs:
prices and quantities must be true Lua integers (the engine also takes
100.0), unknown option keys are errors, and the tick/bar tables are
reused between calls, so a strategy that keeps them sees them change.

Each load gets a fresh environment (its own globals, its own copy of
the indicator library), so tests do not leak into each other.
]]

local M = {}
local Mock = {}
Mock.__index = Mock

------------------------------------------------------------------------
-- KRX rules and KST time (the same tables as engine/core/krx.c, ktime.c)
------------------------------------------------------------------------

local BANDS = { { 500000, 1000 }, { 200000, 500 }, { 50000, 100 }, { 20000, 50 }, { 5000, 10 }, { 2000, 5 }, { 0, 1 } }
local KST = 9 * 3600 * 1000
local DAY = 86400 * 1000

local function tick_size(p)
	for _, b in ipairs(BANDS) do
		if p >= b[1] then
			return b[2]
		end
	end
	return 1
end

local function round_price(p, up)
	if p < 1 then
		return 1
	end
	local t = tick_size(p)
	local down = p - p % t
	if not up or down == p then
		return down
	end
	local nxt = down + t
	if nxt % tick_size(nxt) == 0 then
		return nxt
	end
	return round_price(nxt, true)
end

M.tick_size = tick_size
function M.round_price(p, dir)
	return round_price(p, dir == "up")
end

local function days_from_civil(y, m, d)
	y = m <= 2 and y - 1 or y
	local era = (y >= 0 and y or y - 399) // 400
	local yoe = y - era * 400
	local doy = (153 * (m > 2 and m - 3 or m + 9) + 2) // 5 + d - 1
	local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
	return era * 146097 + doe - 719468
end

local function civil_from_days(z)
	z = z + 719468
	local era = (z >= 0 and z or z - 146096) // 146097
	local doe = z - era * 146097
	local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
	local y = yoe + era * 400
	local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
	local mp = (5 * doy + 2) // 153
	local d = doy - (153 * mp + 2) // 5 + 1
	local m = mp < 10 and mp + 3 or mp - 9
	return m <= 2 and y + 1 or y, m, d
end

-- mock.kst("2026-03-02 09:05[:30]") -> ms since epoch of that KST instant.
function M.kst(str)
	local y, mo, d, h, mi, sec = str:match("^(%d+)-(%d+)-(%d+) (%d+):(%d+):?(%d*)$")
	assert(y, "mock.kst: expected 'YYYY-MM-DD HH:MM[:SS]', got " .. tostring(str))
	local day = days_from_civil(tonumber(y), tonumber(mo), tonumber(d))
	local secs = tonumber(h) * 3600 + tonumber(mi) * 60 + (tonumber(sec) or 0)
	return day * DAY + secs * 1000 - KST
end

local function kst_day(ms)
	return (ms + KST) // DAY
end

local function kst_ms_of_day(ms)
	return (ms + KST) % DAY
end

local function weekday(day) -- 0 = Sunday; 1970-01-01 was a Thursday
	return (day + 4) % 7
end

local function parse_hhmm(s)
	if type(s) ~= "string" then
		return nil
	end
	local h, m, sec = s:match("^(%d%d):(%d%d):(%d%d)$")
	if not h then
		h, m = s:match("^(%d%d):(%d%d)$")
		sec = "0"
	end
	h, m, sec = tonumber(h), tonumber(m), tonumber(sec)
	if not h or h > 23 or m > 59 or sec > 59 then
		return nil
	end
	return ((h * 60 + m) * 60 + sec) * 1000
end

-- First weekday instant at ms_of_day that is >= from.
local function next_daily(from, ms_of_day)
	local day = kst_day(from)
	while true do
		local at = day * DAY + ms_of_day - KST
		local wd = weekday(day)
		if at >= from and wd ~= 0 and wd ~= 6 then
			return at
		end
		day = day + 1
	end
end

------------------------------------------------------------------------
-- argument checks (errors are raised at the strategy's call site)
------------------------------------------------------------------------

local function argerr(fn, msg)
	error(string.format("ctx:%s: %s", fn, msg), 3)
end

local function check_int(fn, name, v, min)
	if math.type(v) ~= "integer" then
		argerr(fn, string.format("%s must be an integer, got %s (%s)", name, tostring(v), math.type(v) or type(v)))
	end
	if v < min then
		argerr(fn, string.format("%s must be >= %d, got %d", name, min, v))
	end
end

local function check_sym(fn, sym)
	if type(sym) ~= "string" or sym == "" then
		argerr(fn, "symbol must be a non-empty string, got " .. tostring(sym))
	end
end

local function check_keys(fn, t, allowed)
	if t == nil then
		return
	end
	if type(t) ~= "table" then
		argerr(fn, "options must be a table, got " .. type(t))
	end
	for k in pairs(t) do
		if not allowed[k] then
			argerr(fn, "unknown option " .. tostring(k))
		end
	end
end

------------------------------------------------------------------------
-- the fake engine
------------------------------------------------------------------------

local OPEN = { submitted = true, accepted = true, partially_filled = true }

local function order_view(o)
	return {
		id = o.id,
		symbol = o.symbol,
		side = o.side,
		type = o.type,
		price = o.price,
		qty = o.qty,
		filled_qty = o.filled_qty,
		remaining = OPEN[o.status] and o.qty - o.filled_qty or 0,
		avg_fill_price = o.filled_qty > 0 and (o.filled_value + o.filled_qty // 2) // o.filled_qty or 0,
		status = o.status,
		reason = o.reason,
	}
end

function Mock:fee_of(value)
	return value * self.fee_ppm // 1000000
end

function Mock:upper_limit(sym)
	if self.upper[sym] then
		return self.upper[sym]
	end
	local base = self.prev_close[sym] or self.last[sym]
	if not base then
		return nil
	end
	return round_price(base + base * 3 // 10, false)
end

function Mock:reserve_of(o)
	if o.side ~= "buy" or not OPEN[o.status] then
		return 0
	end
	local price = o.price or self:upper_limit(o.symbol) or 0
	local value = (o.qty - o.filled_qty) * price
	return value + self:fee_of(value)
end

function Mock:available_cash()
	local r = 0
	for _, o in pairs(self.orders) do
		r = r + self:reserve_of(o)
	end
	return self.cash - r
end

function Mock:pos(sym)
	local p = self.positions[sym]
	if not p then
		p = { qty = 0, cost = 0 }
		self.positions[sym] = p
	end
	return p
end

function Mock:offered(sym)
	local q = 0
	for _, o in pairs(self.orders) do
		if o.symbol == sym and o.side == "sell" and OPEN[o.status] then
			q = q + o.qty - o.filled_qty
		end
	end
	return q
end

function Mock:record(op, fields)
	fields.op = op
	fields.time = self.now
	self.log_calls[#self.log_calls + 1] = fields
	return fields
end

-- Queue fn to run after the current hook returns (engine re-entrancy rule).
function Mock:later(fn)
	self.queue[#self.queue + 1] = fn
end

function Mock:hook(name, ...)
	if self.halted then
		return
	end
	local fn = self.s[name]
	if fn then
		fn(self.ctx, ...)
	end
end

function Mock:pump()
	while #self.queue > 0 and not self.pumping do
		self.pumping = true
		local fn = table.remove(self.queue, 1)
		fn()
		self.pumping = false
	end
end

function Mock:notify_order(o)
	self:hook("on_order", order_view(o))
end

function Mock:set_status(o, status, reason)
	o.status = status
	o.reason = reason
	self:notify_order(o)
end

function Mock:place(fn, side, sym, qty, opts)
	check_sym(fn, sym)
	check_int(fn, "qty", qty, 1)
	check_keys(fn, opts, { price = true })
	local price = opts and opts.price
	if price ~= nil then
		check_int(fn, "price", price, 1)
	end
	local id = self.next_id
	self.next_id = id + 1
	local o = {
		id = id,
		symbol = sym,
		side = side,
		type = price and "limit" or "market",
		price = price,
		qty = qty,
		filled_qty = 0,
		filled_value = 0,
		status = "submitted",
	}
	self:record(side, { id = id, symbol = sym, qty = qty, price = price, type = o.type })
	-- The engine's pre-trade checks, reduced to the ones strategies meet.
	local why
	if price and price % tick_size(price) ~= 0 then
		why = string.format("price %d is not a multiple of the tick %d", price, tick_size(price))
	elseif side == "sell" and qty > self:pos(sym).qty - self:offered(sym) then
		why = "not enough shares available"
	elseif side == "buy" then
		local p = price or self:upper_limit(sym) or 0
		if qty * p + self:fee_of(qty * p) > self:available_cash() then
			why = "not enough cash"
		end
	end
	self.orders[id] = o
	if why then
		o.status = "rejected"
		o.reason = why
		self:later(function()
			self:notify_order(o)
		end)
	elseif self.auto_accept then
		self:later(function()
			if o.status == "submitted" then
				self:set_status(o, "accepted")
			end
		end)
	end
	return id
end

function Mock:own_open(id)
	local o = self.orders[id]
	if not o then
		return nil, "no such order"
	end
	if not OPEN[o.status] then
		return nil, "order is " .. o.status
	end
	if o.pending then
		return nil, "a " .. o.pending .. " is already pending"
	end
	return o
end

function Mock:new_ctx(name, params, state)
	local m = self
	local ctx = { name = name, params = params, state = state }

	function ctx.buy(_, sym, qty, opts)
		return m:place("buy", "buy", sym, qty, opts)
	end

	function ctx.sell(_, sym, qty, opts)
		return m:place("sell", "sell", sym, qty, opts)
	end

	function ctx.cancel(_, id)
		check_int("cancel", "id", id, 1)
		local o, why = m:own_open(id)
		m:record("cancel", { id = id, ok = o ~= nil, reason = why })
		if not o then
			return false, why
		end
		o.pending = "cancel"
		m:later(function()
			o.pending = nil
			if OPEN[o.status] then
				m:set_status(o, "cancelled")
			end
		end)
		return true
	end

	function ctx.modify(_, id, change)
		check_int("modify", "id", id, 1)
		if type(change) ~= "table" or (change.price == nil and change.qty == nil) then
			argerr("modify", "expected a table with price and/or qty")
		end
		check_keys("modify", change, { price = true, qty = true })
		if change.price ~= nil then
			check_int("modify", "price", change.price, 1)
		end
		if change.qty ~= nil then
			check_int("modify", "qty", change.qty, 1)
		end
		local o, why = m:own_open(id)
		if o and o.type == "market" and change.price then
			o, why = nil, "a market order has no price to change"
		end
		if o and change.qty and change.qty > o.qty - o.filled_qty then
			o, why = nil, "qty is more than the remaining quantity"
		end
		m:record("modify", { id = id, price = change.price, qty = change.qty, ok = o ~= nil, reason = why })
		if not o then
			return false, why
		end
		o.pending = "modify"
		m:later(function()
			o.pending = nil
			if not OPEN[o.status] then
				return
			end
			local p = change.price
			if p and p % tick_size(p) ~= 0 then
				o.reason = "price not on a tick"
			else
				o.price = p or o.price
				if change.qty then
					o.qty = o.filled_qty + change.qty
				end
				o.reason = nil
			end
			m:notify_order(o)
		end)
		return true
	end

	function ctx.position(_, sym)
		check_sym("position", sym)
		local p = m:pos(sym)
		local avg = p.qty > 0 and (p.cost + p.qty // 2) // p.qty or 0
		return { qty = p.qty, available = p.qty - m:offered(sym), avg_price = avg }
	end

	function ctx.cash()
		return m:available_cash()
	end

	function ctx.equity()
		local e = m.cash
		for sym, p in pairs(m.positions) do
			e = e + p.qty * (m.last[sym] or 0)
		end
		return e
	end

	function ctx.buyable(_, sym, price)
		check_sym("buyable", sym)
		if price ~= nil then
			check_int("buyable", "price", price, 1)
		else
			price = m:upper_limit(sym)
			if not price then
				return 0
			end
		end
		local cash = m:available_cash()
		local q = cash * 1000000 // (price * (1000000 + m.fee_ppm))
		while q > 0 and q * price + m:fee_of(q * price) > cash do
			q = q - 1
		end
		while (q + 1) * price + m:fee_of((q + 1) * price) <= cash do
			q = q + 1
		end
		return q
	end

	function ctx.last_price(_, sym)
		return m.last[sym]
	end

	function ctx.open_orders(_, sym)
		local ids = {}
		for id, o in pairs(m.orders) do
			if OPEN[o.status] and (sym == nil or o.symbol == sym) then
				ids[#ids + 1] = id
			end
		end
		table.sort(ids)
		local out = {}
		for i, id in ipairs(ids) do
			out[i] = order_view(m.orders[id])
		end
		return out
	end

	function ctx.tick_size(_, price)
		check_int("tick_size", "price", price, 1)
		return tick_size(price)
	end

	function ctx.round_price(_, price, dir)
		check_int("round_price", "price", price, -math.maxinteger)
		if dir ~= nil and dir ~= "up" and dir ~= "down" then
			argerr("round_price", 'direction must be "up" or "down"')
		end
		return round_price(price, dir == "up")
	end

	function ctx.now()
		return m.now
	end

	function ctx.date(_, ms)
		local y, mo, d = civil_from_days(kst_day(ms or m.now))
		return string.format("%04d-%02d-%02d", y, mo, d)
	end

	function ctx.clock(_, ms)
		local s = kst_ms_of_day(ms or m.now) // 1000
		return string.format("%02d:%02d:%02d", s // 3600, s // 60 % 60, s % 60)
	end

	local function add_timer(t)
		m.timer_seq = m.timer_seq + 1
		t.id = m.timer_seq
		t.seq = m.timer_seq
		m.timers[t.id] = t
		return t.id
	end

	function ctx.every_day(_, hhmm, fn)
		local at = parse_hhmm(hhmm)
		if not at then
			argerr("every_day", 'time must be "HH:MM" or "HH:MM:SS", got ' .. tostring(hhmm))
		end
		if type(fn) ~= "function" then
			argerr("every_day", "expected a function")
		end
		return add_timer({ kind = "daily", at = at, due = next_daily(m.now, at), fn = fn })
	end

	function ctx.after(_, ms, fn)
		check_int("after", "ms", ms, 0)
		if type(fn) ~= "function" then
			argerr("after", "expected a function")
		end
		return add_timer({ kind = "once", due = m.now + ms, fn = fn })
	end

	function ctx.every(_, ms, fn)
		check_int("every", "ms", ms, 1)
		if type(fn) ~= "function" then
			argerr("every", "expected a function")
		end
		return add_timer({ kind = "every", period = ms, due = m.now + ms, fn = fn })
	end

	function ctx.cancel_timer(_, id)
		if m.timers[id] then
			m.timers[id] = nil
			return true
		end
		return false
	end

	function ctx.close_all()
		m:record("close_all", {})
		local ids = {}
		for id, o in pairs(m.orders) do
			if OPEN[o.status] then
				ids[#ids + 1] = id
			end
		end
		table.sort(ids)
		for _, id in ipairs(ids) do
			local o = m.orders[id]
			o.pending = nil
			m:later(function()
				if OPEN[o.status] then
					m:set_status(o, "cancelled")
				end
			end)
		end
		-- The engine sells what the cancels free up; the mock simply
		-- records one market sell per position.
		local syms = {}
		for sym, p in pairs(m.positions) do
			if p.qty > 0 then
				syms[#syms + 1] = sym
			end
		end
		table.sort(syms)
		for _, sym in ipairs(syms) do
			local id = m.next_id
			m.next_id = id + 1
			local qty = m.positions[sym].qty
			m.orders[id] = { id = id, symbol = sym, side = "sell", type = "market", qty = qty, filled_qty = 0,
					 filled_value = 0, status = "submitted" }
			m:record("sell", { id = id, symbol = sym, qty = qty, type = "market", via = "close_all" })
		end
	end

	function ctx.halt(_, reason)
		m:record("halt", { reason = reason })
		m.halted = tostring(reason)
		for _, o in pairs(m.orders) do
			if OPEN[o.status] then
				o.status = "cancelled"
			end
		end
	end

	function ctx.log(_, ...)
		local parts = {}
		for i = 1, select("#", ...) do
			parts[i] = tostring((select(i, ...)))
		end
		m.logs[#m.logs + 1] = table.concat(parts, " ")
	end

	return ctx
end

------------------------------------------------------------------------
-- loading a strategy in a fresh sandbox-like environment
------------------------------------------------------------------------

local function copy(t)
	local c = {}
	for k, v in pairs(t) do
		c[k] = type(v) == "table" and copy(v) or v
	end
	return c
end

local function make_env(m, libdir)
	local env = {}
	for _, k in ipairs({ "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print", "rawequal",
			     "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type",
			     "xpcall", "_VERSION", "collectgarbage" }) do
		env[k] = _G[k]
	end
	env.string = copy(string)
	env.table = copy(table)
	env.math = copy(math)
	env.utf8 = copy(utf8)
	env.coroutine = copy(coroutine)
	env.os = {
		time = function(t)
			if t == nil then
				return m.now // 1000
			end
			return os.time(t)
		end,
		date = os.date,
		clock = os.clock,
	}
	env.load = function(chunk, name, _, e)
		return load(chunk, name, "t", e or env)
	end
	local loaded = {}
	env.require = function(name)
		if type(name) ~= "string" or not name:match("^[%w_]+$") then
			error("require: bad module name " .. tostring(name), 2)
		end
		if loaded[name] == nil then
			local chunk, err = loadfile(libdir .. "/" .. name .. ".lua", "t", env)
			if not chunk then
				error("require: " .. err, 2)
			end
			local v = chunk(name)
			loaded[name] = v == nil and true or v
		end
		return loaded[name]
	end
	env._G = env
	return env
end

--[[
mock.load(path, opts) -> m. opts:
	libdir   strategies/lib (default: next to path, in lib/)
	params   overrides merged over s.params
	cash     starting cash (default 10,000,000)
	now      clock before start (default 2026-03-02 08:00 KST, a Monday)
	fee_ppm  commission in parts per million of the value (default 150)
	auto_accept  orders move to "accepted" after the hook (default true)
	state    ctx.state to start from (default {})
]]
function M.load(path, opts)
	opts = opts or {}
	local m = setmetatable({
		now = opts.now or M.kst("2026-03-02 08:00"),
		cash = opts.cash or 10000000,
		fee_ppm = opts.fee_ppm or 150,
		auto_accept = opts.auto_accept ~= false,
		positions = {},
		last = {},
		prev_close = {},
		upper = {},
		orders = {},
		next_id = 1,
		log_calls = {},
		logs = {},
		queue = {},
		timers = {},
		timer_seq = 0,
		tick_view = {},
		bar_view = {},
	}, Mock)
	local libdir = opts.libdir or (path:match("^(.*)/[^/]*$") or ".") .. "/lib"
	local env = make_env(m, libdir)
	local chunk, err = loadfile(path, "t", env)
	if not chunk then
		error("mock.load: " .. err, 2)
	end
	local s = chunk()
	assert(type(s) == "table", "mock.load: " .. path .. " did not return a table")
	m.s = s
	m.env = env
	local params = copy(s.params or {})
	for k, v in pairs(opts.params or {}) do
		params[k] = v
	end
	local name = s.name or path:match("([^/]*)%.lua$")
	m.ctx = m:new_ctx(name, params, opts.state or {})
	return m
end

------------------------------------------------------------------------
-- driving the strategy
------------------------------------------------------------------------

-- Fire every timer due at or before t, in (due, creation) order, with the
-- clock at each timer's due time; then set the clock to t.
function Mock:advance(t)
	assert(math.type(t) == "integer", "advance: time must be an integer")
	while true do
		local best
		for _, tm in pairs(self.timers) do
			if tm.due <= t and (not best or tm.due < best.due or (tm.due == best.due and tm.seq < best.seq)) then
				best = tm
			end
		end
		if not best then
			break
		end
		self.now = math.max(self.now, best.due)
		if best.kind == "once" then
			self.timers[best.id] = nil
		elseif best.kind == "every" then
			best.due = best.due + best.period
		else
			best.due = next_daily(best.due + 1, best.at)
		end
		if not self.halted then
			best.fn(self.ctx)
		end
		self:pump()
	end
	if t > self.now then
		self.now = t
	end
end

function Mock:start(t)
	if t then
		self.now = t
	end
	self:hook("on_start")
	self:pump()
end

function Mock:stop()
	self:hook("on_stop")
	self:pump()
end

function Mock:set_last(sym, price)
	self.last[sym] = price
end

-- tick(sym, price, time [, { volume =, bid =, ask = }])
function Mock:tick(sym, price, t, extra)
	self:advance(t or self.now)
	extra = extra or {}
	self.last[sym] = price
	local v = self.tick_view
	v.symbol, v.price, v.time = sym, price, self.now
	v.volume, v.bid, v.ask = extra.volume or 1, extra.bid, extra.ask
	self:hook("on_tick", v)
	self:pump()
end

-- bar(sym, close, time [, { open =, high =, low =, volume = }])
function Mock:bar(sym, close, t, extra)
	self:advance(t or self.now)
	extra = extra or {}
	self.last[sym] = close
	local v = self.bar_view
	v.symbol, v.close, v.time = sym, close, self.now
	v.open, v.high, v.low = extra.open or close, extra.high or close, extra.low or close
	v.volume = extra.volume or 1
	self:hook("on_bar", v)
	self:pump()
end

function Mock:market_open()
	self:hook("on_market_open")
	self:pump()
end

function Mock:market_close()
	self:hook("on_market_close")
	self:pump()
end

-- A fill from the broker: updates order, position and cash, then delivers
-- on_fill and on_order (in that order, as the engine does).
function Mock:fill(id, qty, price, extra)
	local o = assert(self.orders[id], "fill: no order " .. tostring(id))
	assert(OPEN[o.status], "fill: order " .. id .. " is " .. o.status)
	assert(qty >= 1 and qty <= o.qty - o.filled_qty, "fill: bad qty")
	extra = extra or {}
	local value = qty * price
	local fee = extra.fee or self:fee_of(value)
	local tax = extra.tax or 0
	local p = self:pos(o.symbol)
	if o.side == "buy" then
		p.qty = p.qty + qty
		p.cost = p.cost + value
		self.cash = self.cash - value - fee
	else
		-- cost leaves at the average price so avg_price stays the same
		p.cost = p.qty - qty > 0 and p.cost * (p.qty - qty) // p.qty or 0
		p.qty = p.qty - qty
		self.cash = self.cash + value - fee - tax
	end
	o.filled_qty = o.filled_qty + qty
	o.filled_value = o.filled_value + value
	o.status = o.filled_qty == o.qty and "filled" or "partially_filled"
	self.last[o.symbol] = self.last[o.symbol] or price
	local f = { order_id = id, symbol = o.symbol, side = o.side, qty = qty, price = price, fee = fee, tax = tax,
		    time = self.now }
	self:later(function()
		self:hook("on_fill", f)
		self:notify_order(o)
	end)
	self:pump()
end

-- Broker-side end of an order (e.g. the end-of-day expiry).
function Mock:expire(id, reason)
	local o = assert(self.orders[id], "expire: no order")
	self:later(function()
		if OPEN[o.status] then
			self:set_status(o, "cancelled", reason)
		end
	end)
	self:pump()
end

function Mock:set_cash(c)
	self.cash = c
end

function Mock:set_position(sym, qty, avg_price)
	local p = self:pos(sym)
	p.qty, p.cost = qty, qty * avg_price
end

-- Calls the strategy made, optionally only those of one op ("buy", "sell",
-- "cancel", "modify", "close_all", "halt").
function Mock:calls(op)
	local out = {}
	for _, c in ipairs(self.log_calls) do
		if op == nil or c.op == op then
			out[#out + 1] = c
		end
	end
	return out
end

function Mock:order(id)
	local o = self.orders[id]
	return o and order_view(o)
end

function Mock:timer_count()
	local n = 0
	for _ in pairs(self.timers) do
		n = n + 1
	end
	return n
end

return M
