--[[
buy_and_hold.lua - buy once, hold to the end. The benchmark to beat.

What it does
	At start it splits pct of its cash into equal budgets, one per symbol
	of s.symbols. On the first price of each symbol (tick or bar) it buys
	as many shares as the budget and the cash allow, with a limit order
	about 1% above that price, rounded up to a valid tick. It never sells.

	Why a limit order: a market buy reserves cash at the day's upper
	price limit (+30%, as KIS does), so a market order for "all the cash"
	would be cut to about 1/1.3 of it. A limit 1% above the last price
	reserves only at its own price and still fills at once in a normal
	market (it fills at the best ask, not at the limit).

	The quantity is min(budget // limit price, ctx:buyable(sym, limit)),
	so the commission is always covered. If the order ends without being
	filled completely (rejected, or cancelled at the end of the day
	because the price ran away), the rest of the budget is tried again on
	a price at least params.retry_ms later (so a burst of prices before
	the session opens does not use up every attempt), at most
	params.attempts orders per symbol.

	Progress is kept in ctx.state, so a restarted live run does not buy
	twice.

Params
	pct = 1.0       share of the starting cash to invest (0 < pct <= 1)
	premium_bp = 100  limit price above the last price, in basis points (1%)
	attempts = 3    most orders per symbol
	retry_ms = 60000  wait after a rejected or cancelled order
	slots = 1       only when s.symbols is removed (every symbol in the
	                data): the number of equal budgets

Data
	Anything with prices: ticks or bars, any number of symbols listed in
	s.symbols.
]]

local s = {
	name = "buy_and_hold",
	symbols = { "005930" },
	params = { pct = 1.0, premium_bp = 100, attempts = 3, retry_ms = 60000, slots = 1 },
}

local budget -- KRW per symbol, fixed at start

function s.on_start(ctx)
	local p = ctx.params
	local pct = tonumber(p.pct)
	if not pct or pct <= 0 or pct > 1 then
		error("buy_and_hold: params.pct must be in (0, 1]", 0)
	end
	local slots = s.symbols and #s.symbols or math.tointeger(p.slots)
	if not slots or slots < 1 then
		error("buy_and_hold: params.slots must be a positive integer", 0)
	end
	ctx.state.syms = ctx.state.syms or {}
	-- A restart keeps the budget of the first start; cash has been spent since.
	if not ctx.state.budget then
		ctx.state.budget = math.floor(ctx:cash() * pct / slots)
	end
	budget = ctx.state.budget
	ctx:log("buy_and_hold budget per symbol", budget, "symbols", slots)
end

-- Per symbol in ctx.state.syms[sym]: spent (KRW incl. fees), orders
-- (placed so far), open (id of the working order or false), retry_at
-- (ms, no new order before), done.
local function sym_state(ctx, sym)
	local st = ctx.state.syms[sym]
	if not st then
		st = { spent = 0, orders = 0, open = false, retry_at = 0, done = false }
		ctx.state.syms[sym] = st
	end
	return st
end

local function on_price(ctx, sym, price)
	local st = sym_state(ctx, sym)
	if st.done or st.open or ctx:now() < st.retry_at then
		return
	end
	if st.orders >= ctx.params.attempts then
		st.done = true
		ctx:log("buy_and_hold", sym, "giving up after", st.orders, "orders")
		return
	end
	local premium = math.tointeger(ctx.params.premium_bp) or 100
	-- ceil(price * (10000 + premium) / 10000) in integers, then up to a tick.
	local limit = ctx:round_price((price * (10000 + premium) + 9999) // 10000, "up")
	local left = budget - st.spent
	local qty = math.min(left // limit, ctx:buyable(sym, limit))
	if qty < 1 then
		st.done = true
		ctx:log("buy_and_hold", sym, "budget", left, "buys nothing at", limit)
		return
	end
	st.orders = st.orders + 1
	st.open = ctx:buy(sym, qty, { price = limit })
	ctx:log("buy_and_hold", sym, "buy", qty, "at", limit)
end

function s.on_tick(ctx, t)
	on_price(ctx, t.symbol, t.price)
end

function s.on_bar(ctx, b)
	on_price(ctx, b.symbol, b.close)
end

function s.on_fill(ctx, f)
	if f.side == "buy" then
		local st = sym_state(ctx, f.symbol)
		st.spent = st.spent + f.qty * f.price + f.fee + f.tax
	end
end

function s.on_order(ctx, o)
	if o.side ~= "buy" then
		return
	end
	local st = sym_state(ctx, o.symbol)
	if st.open ~= o.id then
		return
	end
	if o.status == "filled" then
		st.open, st.done = false, true
	elseif o.status == "cancelled" or o.status == "rejected" then
		st.open = false
		st.retry_at = ctx:now() + (math.tointeger(ctx.params.retry_ms) or 0)
		ctx:log("buy_and_hold", o.symbol, "order", o.id, o.status, o.reason or "", "- will retry")
	end
end

return s
