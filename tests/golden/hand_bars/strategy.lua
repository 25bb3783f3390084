-- Golden case hand_bars: fixed orders on fixed minute bars (see EXPECTED.md).
local s = { name = "golden_bars", symbols = { "000660" }, params = {} }

local SYM = "000660"
local n = 0
local buy_id, sell_id, expired_sell_rest = nil, nil, 0

function s.on_bar(ctx, b)
	n = n + 1
	if n == 1 then
		ctx:buy(SYM, 80) -- rejected: 80 x upper limit 13,020 is more than the cash
		buy_id = ctx:buy(SYM, 50) -- fills 30 + 15 + 5 on bars 2, 3, 4
	elseif n == 7 then
		-- The day change expired the rest of the limit sell: sell it at market.
		assert(expired_sell_rest == 10, "expected 10 shares back from the expired sell, got " .. expired_sell_rest)
		ctx:sell(SYM, expired_sell_rest)
	end
end

function s.on_order(ctx, o)
	if o.id == buy_id and o.status == "filled" then
		sell_id = ctx:sell(SYM, 50, { price = 10200 }) -- 40 fill on bar 5, 10 expire
		ctx:buy(SYM, 20, { price = 9900 }) -- never reached on day 1: expires
	elseif o.id == sell_id and o.status == "cancelled" then
		expired_sell_rest = o.qty - o.filled_qty -- remaining is 0 once cancelled
	end
end

return s
