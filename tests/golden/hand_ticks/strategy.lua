-- Golden case hand_ticks: fixed orders on fixed ticks (see EXPECTED.md).
local s = { name = "golden_ticks", symbols = { "005930" }, params = {} }

local SYM = "005930"
local n = 0
local market_id, lim_a, lim_b

function s.on_tick(ctx, t)
	n = n + 1
	if n == 2 then
		market_id = ctx:buy(SYM, 10) -- market: fills on tick 3
	elseif n == 4 then
		lim_a = ctx:buy(SYM, 5, { price = 69000 })
	elseif n == 6 then
		local ok, err = ctx:modify(lim_a, { price = 69800, qty = 3 })
		assert(ok, err)
	elseif n == 8 then
		lim_b = ctx:buy(SYM, 4, { price = 69000 })
	elseif n == 9 then
		local ok, err = ctx:cancel(lim_b)
		assert(ok, err)
	elseif n == 12 then
		ctx:sell(SYM, 100) -- more than held: rejected by the pre-trade check
	end
end

function s.on_fill(ctx, f)
	if f.order_id == market_id then
		ctx:sell(SYM, 10, { price = 71000 })
	end
end

return s
