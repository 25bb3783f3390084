-- Golden case hand_session: orders around the session's edges (see EXPECTED.md).
local s = { name = "golden_session", symbols = { "005930" }, params = {} }

local SYM = "005930"
local n = 0

function s.on_tick(ctx, t)
	n = n + 1
	if n == 1 then
		ctx:buy(SYM, 5) -- Fri 15:29:59: fills on the 15:30:00 closing print
	elseif n == 2 then
		ctx:buy(SYM, 3) -- Fri 15:30:00: belongs to the next session (Monday)
	elseif n == 3 then
		ctx:sell(SYM, 5, { price = 70000 }) -- Fri 15:45 (after hours): next session too
	end
end

return s
