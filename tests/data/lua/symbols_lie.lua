--[[
symbols_lie.lua - s.symbols whose metamethods pretend it lists "005930"
while the raw table is empty. Either the host believes the list (and the
strategy gets 005930 only) or it refuses it; it must not subscribe the
strategy to nothing, which means every symbol.
]]
return {
	name = "symbols_lie",
	symbols = setmetatable({}, {
		__len = function() return 1 end,
		__index = function(t, i) return "005930" end,
	}),
	on_tick = function(ctx, t) ctx:log("symbols_lie saw " .. t.symbol) end,
}
