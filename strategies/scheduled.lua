--[[
scheduled.lua - buy in the morning, flatten in the afternoon, every day.

What it does
	Every trading day at buy_at (KST) it buys `qty` shares of each symbol
	at market; at flat_at it calls ctx:close_all(), which cancels its open
	orders and sells every position at market. Both run on the engine
	clock with ctx:every_day, so a backtest fires them at the simulated
	time, before the first event at or after it (days without data get no
	timers).

	The day of the last buy is kept in ctx.state, so a live run restarted
	after buy_at does not buy a second time that day.

Params
	qty = 10           shares of each symbol bought each day
	buy_at = "09:05"   "HH:MM" or "HH:MM:SS", KST
	flat_at = "15:15"  must be after buy_at

Data
	Intraday ticks or minute bars (daily bars have one event per day, so
	both timers would fire just before it). Symbols come from s.symbols;
	with s.symbols removed it buys every symbol seen so far, in code
	order.
]]

local s = {
	name = "scheduled",
	symbols = { "005930" },
	params = { qty = 10, buy_at = "09:05", flat_at = "15:15" },
}

local seen, seen_list = {}, {}
local qty -- params.qty, checked

local function hhmm_seconds(v, key)
	local str = tostring(v)
	local h, m, sec = str:match("^(%d%d):(%d%d):(%d%d)$")
	if not h then
		h, m = str:match("^(%d%d):(%d%d)$")
		sec = "0"
	end
	h, m, sec = tonumber(h), tonumber(m), tonumber(sec)
	if not h or h > 23 or m > 59 or sec > 59 then
		error(string.format('scheduled: params.%s must be "HH:MM" or "HH:MM:SS", got %s', key, tostring(v)), 0)
	end
	return h * 3600 + m * 60 + sec
end

local function symbols()
	if s.symbols then
		return s.symbols
	end
	table.sort(seen_list)
	return seen_list
end

local function morning_buy(ctx)
	local today = ctx:date()
	if ctx.state.bought_on == today then
		return
	end
	ctx.state.bought_on = today
	for _, sym in ipairs(symbols()) do
		ctx:log("scheduled buy", sym, qty)
		ctx:buy(sym, qty)
	end
end

local function afternoon_flat(ctx)
	ctx:log("scheduled close_all")
	ctx:close_all()
end

function s.on_start(ctx)
	local p = ctx.params
	qty = math.tointeger(p.qty)
	if not qty or qty < 1 then
		error("scheduled: params.qty must be a positive integer", 0)
	end
	if hhmm_seconds(p.buy_at, "buy_at") >= hhmm_seconds(p.flat_at, "flat_at") then
		error("scheduled: params.buy_at must be before params.flat_at", 0)
	end
	ctx:every_day(p.buy_at, morning_buy)
	ctx:every_day(p.flat_at, afternoon_flat)
end

local function note(sym)
	if not seen[sym] then
		seen[sym] = true
		seen_list[#seen_list + 1] = sym
	end
end

function s.on_tick(ctx, t)
	note(t.symbol)
end

function s.on_bar(ctx, b)
	note(b.symbol)
end

function s.on_order(ctx, o)
	if o.status == "rejected" then
		ctx:log("scheduled", o.side, o.symbol, "rejected:", o.reason)
	end
end

return s
