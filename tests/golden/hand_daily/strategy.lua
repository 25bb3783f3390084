-- Golden case hand_daily: fixed orders on fixed daily bars (see EXPECTED.md).
local s = { name = "golden_daily", symbols = { "035420" }, params = {} }

local SYM = "035420"
local n = 0

function s.on_bar(ctx, b)
	n = n + 1
	if n == 1 then
		ctx:buy(SYM, 20) -- fills at the 12-29 open
	elseif n == 2 then
		ctx:buy(SYM, 31) -- rejected: 31 x 65,200 (upper limit of the 12-26 close) > cash
		ctx:buy(SYM, 30) -- accepted on the previous close's limit, fills at the 12-30 open
	elseif n == 3 then
		ctx:sell(SYM, 25) -- fills 2025-12-31: tax 0.15%
	elseif n == 4 then
		ctx:sell(SYM, 25) -- placed 12-31, fills 2026-01-02: tax 0.20%
	elseif n == 5 then
		ctx:buy(SYM, 10, { price = 53500 }) -- 01-05: low 53,400 reaches it, fills at min(open, limit)
		ctx:buy(SYM, 5, { price = 50000 }) -- never reached: expires when 01-06 starts
	end
end

return s
