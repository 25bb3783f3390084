--[[
sma_cross.lua - moving average crossover, long only.

What it does
	For each symbol it keeps a fast and a slow simple moving average of
	the price. When the fast average crosses above the slow one and the
	strategy holds none of the symbol (and has no order open in it), it
	buys `qty` shares at market. When the fast average crosses below the
	slow one it cancels any open buy in the symbol and sells every
	available share at market.

	A cross is a change of sign of (fast - slow) between two consecutive
	prices once both averages are ready; the first ready price only sets
	the starting side, so the strategy never buys just because the fast
	average happens to start above the slow one.

Params
	fast = 5        fast SMA length (prices)
	slow = 20       slow SMA length (prices); must be greater than fast
	qty = 10        shares bought on each upward cross
	source = "auto" "bar" (closes), "tick" (trade prices), or "auto": the
	                first kind of data seen for a symbol is used and the
	                other ignored, so feeding both does not count a
	                price twice

Data
	Bars (minute or daily closes) or ticks. Lengths count prices, so on
	ticks fast = 5 means the last five trades: use longer lengths there.
	Trades one symbol by default; set s.symbols to trade several, each
	with its own averages.
]]

local ind = require("indicators")

local s = {
	name = "sma_cross",
	symbols = { "005930" },
	params = { fast = 5, slow = 20, qty = 10, source = "auto" },
}

local books = {} -- symbol -> { fast =, slow =, side =, source = }

local function check_params(p)
	local fast, slow, qty = math.tointeger(p.fast), math.tointeger(p.slow), math.tointeger(p.qty)
	if not fast or fast < 1 or not slow or slow < 1 then
		error("sma_cross: params.fast and params.slow must be positive integers", 0)
	end
	if fast >= slow then
		error(string.format("sma_cross: params.fast (%d) must be less than params.slow (%d)", fast, slow), 0)
	end
	if not qty or qty < 1 then
		error("sma_cross: params.qty must be a positive integer", 0)
	end
	local src = p.source or "auto"
	if src ~= "auto" and src ~= "bar" and src ~= "tick" then
		error('sma_cross: params.source must be "auto", "bar" or "tick"', 0)
	end
	return fast, slow, qty, src
end

local fast_n, slow_n, qty, source

function s.on_start(ctx)
	fast_n, slow_n, qty, source = check_params(ctx.params)
	ctx:log(string.format("sma_cross fast=%d slow=%d qty=%d source=%s", fast_n, slow_n, qty, source))
end

local function book_of(sym, kind)
	local b = books[sym]
	if b == nil then
		-- "auto" settles on the first kind of data seen for the symbol.
		b = { fast = ind.sma(fast_n), slow = ind.sma(slow_n), side = nil, source = source == "auto" and kind or source }
		books[sym] = b
	end
	if b.source ~= kind then
		return nil
	end
	return b
end

local function on_price(ctx, sym, price, kind)
	local b = book_of(sym, kind)
	if not b then
		return
	end
	local f = b.fast:push(price)
	local sl = b.slow:push(price)
	if not sl then
		return
	end
	-- side: 1 fast above, -1 below; equal keeps the previous side so that
	-- touching without crossing is not a signal.
	local side = b.side
	if f > sl then
		side = 1
	elseif f < sl then
		side = -1
	end
	local prev = b.side
	b.side = side
	if prev == nil or side == prev or side == nil then
		return
	end

	if side == 1 then
		if ctx:position(sym).qty == 0 and #ctx:open_orders(sym) == 0 then
			ctx:log("cross up", sym, price, "buy", qty)
			ctx:buy(sym, qty)
		end
	else
		for _, o in ipairs(ctx:open_orders(sym)) do
			if o.side == "buy" then
				ctx:cancel(o.id)
			end
		end
		local avail = ctx:position(sym).available
		if avail > 0 then
			ctx:log("cross down", sym, price, "sell", avail)
			ctx:sell(sym, avail)
		end
	end
end

function s.on_bar(ctx, b)
	on_price(ctx, b.symbol, b.close, "bar")
end

function s.on_tick(ctx, t)
	on_price(ctx, t.symbol, t.price, "tick")
end

function s.on_order(ctx, o)
	if o.status == "rejected" then
		ctx:log("order", o.id, o.side, o.symbol, "rejected:", o.reason)
	end
end

return s
