--[[
mean_reversion.lua - buy dips below a Bollinger-style band with limit
orders, sell back at the mean.

What it does, per symbol
	It keeps the last `window` prices. While it holds nothing, it keeps one
	limit buy of `qty` shares at mean - k * stdev, rounded down to a valid
	tick. As the band moves, it moves the order's price with ctx:modify, at
	most once per `modify_every_ms`. A buy that has waited `max_wait_ms`
	without filling completely is cancelled; the next price places a fresh
	one at the current band.

	Once the buy is done (filled, or cancelled after a partial fill) it
	offers every share with a limit sell at the mean (take profit), rounded
	up to a tick and never below the average entry price plus one won, and
	moves that price with the mean under the same rate limit.

	Stop: if the price falls to stop_pct percent below the average entry
	price, it cancels its open orders in the symbol and sells every share
	at market (shares held by the take-profit order are sold once its
	cancel is confirmed). After the position is flat it starts over.

	Orders it finds open at start (a restarted live run) are adopted: a
	limit buy as the working buy, a limit sell as the take profit, a
	market sell as a stop in progress.

	Timeouts and the stop are checked when a price arrives: with no prices
	nothing changes.

Params
	window = 20            prices in the rolling window
	k = 2.0                band width in standard deviations
	qty = 10               shares per entry
	modify_every_ms = 5000 least time between two price changes of an order
	max_wait_ms = 600000   cancel a buy not filled after this long (10 min)
	stop_pct = 3.0         stop loss, percent below the average entry price
	retry_ms = 60000       no new order in the symbol for this long after a
	                       rejection (the stop is retried after it too)
	source = "auto"        "bar", "tick", or the first kind seen per symbol

Data
	Ticks suit it best (the band follows every trade, limit orders rest in
	the book between prices); minute bars work too. It needs some
	volatility: on a flat series stdev is 0 and the buy sits at the mean.
]]

local ind = require("indicators")

local s = {
	name = "mean_reversion",
	symbols = { "005930" },
	params = {
		window = 20,
		k = 2.0,
		qty = 10,
		modify_every_ms = 5000,
		max_wait_ms = 600000,
		stop_pct = 3.0,
		retry_ms = 60000,
		source = "auto",
	},
}

local P = {} -- validated params
local books = {} -- symbol -> book (see book_of)
local roles = {} -- order id -> { sym =, role = "buy" | "tp" | "stop" }

local function int_param(p, key, min)
	local v = math.tointeger(p[key])
	if not v or v < min then
		error(string.format("mean_reversion: params.%s must be an integer >= %d, got %s", key, min,
			tostring(p[key])), 0)
	end
	return v
end

local function book_of(sym)
	local b = books[sym]
	if not b then
		-- buy / tp: { id, price, placed, modified, cancelling }; stops: id -> true
		b = { w = ind.window(P.window), source = P.source, buy = nil, tp = nil, stops = {}, nstops = 0,
		      stopping = false, cool_until = 0 }
		books[sym] = b
	end
	return b
end

local function track(sym, b, role, id, price, now)
	roles[id] = { sym = sym, role = role }
	if role == "stop" then
		b.stops[id] = true
		b.nstops = b.nstops + 1
		return
	end
	local rec = { id = id, price = price, placed = now, modified = now, cancelling = false }
	if role == "buy" then
		b.buy = rec
	else
		b.tp = rec
	end
end

function s.on_start(ctx)
	local p = ctx.params
	P.window = int_param(p, "window", 2)
	P.qty = int_param(p, "qty", 1)
	P.modify_every_ms = int_param(p, "modify_every_ms", 0)
	P.max_wait_ms = int_param(p, "max_wait_ms", 1)
	P.retry_ms = int_param(p, "retry_ms", 0)
	P.k = tonumber(p.k)
	P.stop_pct = tonumber(p.stop_pct)
	if not P.k or P.k < 0 then
		error("mean_reversion: params.k must be a number >= 0", 0)
	end
	if not P.stop_pct or P.stop_pct <= 0 or P.stop_pct >= 100 then
		error("mean_reversion: params.stop_pct must be in (0, 100)", 0)
	end
	P.source = p.source or "auto"
	if P.source ~= "auto" and P.source ~= "bar" and P.source ~= "tick" then
		error('mean_reversion: params.source must be "auto", "bar" or "tick"', 0)
	end

	local now = ctx:now()
	for _, o in ipairs(ctx:open_orders()) do
		local b = book_of(o.symbol)
		if o.side == "buy" and o.type == "limit" then
			track(o.symbol, b, "buy", o.id, o.price, now)
		elseif o.side == "sell" and o.type == "limit" then
			track(o.symbol, b, "tp", o.id, o.price, now)
		elseif o.side == "sell" then
			track(o.symbol, b, "stop", o.id, nil, now)
			b.stopping = true
		end
	end
end

-- Move a working limit order to price, if it differs and the rate limit allows.
local function follow(ctx, rec, price, now)
	if rec.cancelling or price == rec.price or now - rec.modified < P.modify_every_ms then
		return
	end
	if ctx:modify(rec.id, { price = price }) then
		rec.modified = now
		rec.price = price -- on_order corrects it if the change is refused
	end
end

-- Stop in progress: sell what is free at market; when flat and with no
-- order left, start over.
local function continue_stop(ctx, sym, b)
	local pos = ctx:position(sym)
	if pos.qty == 0 and not b.buy and not b.tp and b.nstops == 0 then
		b.stopping = false
		ctx:log("mean_reversion", sym, "stop done")
		return
	end
	if pos.available > 0 and b.nstops == 0 and ctx:now() >= b.cool_until then
		track(sym, b, "stop", ctx:sell(sym, pos.available), nil, ctx:now())
	end
end

local function start_stop(ctx, sym, b, price, entry)
	ctx:log("mean_reversion", sym, "stop at", price, "entry", entry)
	b.stopping = true
	for _, rec in ipairs({ b.buy or false, b.tp or false }) do
		if rec and not rec.cancelling and ctx:cancel(rec.id) then
			rec.cancelling = true
		end
	end
	continue_stop(ctx, sym, b)
end

local function on_price(ctx, sym, price, kind)
	local b = book_of(sym)
	if b.source == "auto" then
		b.source = kind
	end
	if b.source ~= kind then
		return
	end
	b.w:push(price)
	local now = ctx:now()
	local pos = ctx:position(sym)

	if b.stopping then
		continue_stop(ctx, sym, b)
		return
	end
	-- price <= avg * (1 - stop_pct / 100), scaled by 100 so that whole or
	-- half percentages compare exactly.
	if pos.qty > 0 and price * 100 <= pos.avg_price * (100 - P.stop_pct) then
		start_stop(ctx, sym, b, price, pos.avg_price)
		return
	end
	if not b.w:full() then
		return
	end
	local mean, sd = b.w:mean(), b.w:stdev()

	if b.buy then
		if b.buy.cancelling then
			return
		end
		if now - b.buy.placed >= P.max_wait_ms then
			if ctx:cancel(b.buy.id) then
				b.buy.cancelling = true
				ctx:log("mean_reversion", sym, "buy", b.buy.id, "timed out")
			end
		elseif pos.qty == 0 and mean - P.k * sd >= 1 then
			follow(ctx, b.buy, ctx:round_price(math.floor(mean - P.k * sd), "down"), now)
		end
		return
	end

	if pos.qty > 0 then
		local tp = ctx:round_price(math.ceil(math.max(mean, pos.avg_price + 1)), "up")
		if b.tp then
			follow(ctx, b.tp, tp, now)
		elseif pos.available > 0 and now >= b.cool_until then
			track(sym, b, "tp", ctx:sell(sym, pos.available, { price = tp }), tp, now)
		end
		return
	end

	if b.tp or now < b.cool_until then
		return
	end
	local band = mean - P.k * sd
	if band < 1 then
		return
	end
	local target = ctx:round_price(math.floor(band), "down")
	if ctx:buyable(sym, target) < P.qty then
		b.cool_until = now + P.retry_ms
		ctx:log("mean_reversion", sym, "cash too short for", P.qty, "at", target)
		return
	end
	track(sym, b, "buy", ctx:buy(sym, P.qty, { price = target }), target, now)
end

function s.on_tick(ctx, t)
	on_price(ctx, t.symbol, t.price, "tick")
end

function s.on_bar(ctx, bar)
	on_price(ctx, bar.symbol, bar.close, "bar")
end

function s.on_order(ctx, o)
	local r = roles[o.id]
	if not r then
		return
	end
	local b = books[r.sym]
	local terminal = o.status == "filled" or o.status == "cancelled" or o.status == "rejected"
	if o.status == "rejected" then
		-- No new order of any kind before retry_ms: retrying from here would
		-- loop (each rejection answers at once with another on_order).
		b.cool_until = ctx:now() + P.retry_ms
		ctx:log("mean_reversion", r.sym, r.role, o.id, "rejected:", o.reason)
	end
	if r.role == "stop" then
		if terminal then
			roles[o.id] = nil
			b.stops[o.id] = nil
			b.nstops = b.nstops - 1
		end
	else
		local rec = r.role == "buy" and b.buy or b.tp
		if rec and rec.id == o.id then
			if terminal then
				if r.role == "buy" then
					b.buy = nil
				else
					b.tp = nil
				end
				roles[o.id] = nil
			elseif o.price then
				rec.price = o.price
			end
		end
	end
	if b.stopping and terminal then
		continue_stop(ctx, r.sym, b)
	end
end

function s.on_fill(ctx, f)
	ctx:log("mean_reversion", f.symbol, f.side, f.qty, "@", f.price)
end

return s
