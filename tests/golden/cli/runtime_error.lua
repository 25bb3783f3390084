-- Raises an error on the third tick (after buying on the first): the run
-- must finish with exit status 1 and the strategy marked halted.
local s = { name = "runtime_error", symbols = { "005930" } }
local n = 0
function s.on_tick(ctx, t)
	n = n + 1
	if n == 1 then
		ctx:buy("005930", 1)
	elseif n == 3 then
		local missing = nil
		return missing.field -- attempt to index a nil value
	end
end
return s
