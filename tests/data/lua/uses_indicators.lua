-- uses_indicators.lua - loads the library from strategies/lib and uses it.
local ind = require("indicators")
local again = require("indicators")

local s = { name = "uses_indicators" }

function s.on_start(ctx)
	local sma = ind.sma(3)
	sma:push(10)
	sma:push(20)
	local v = sma:push(60)
	-- (10 + 20 + 60) / 3 = 30
	ctx:log("sma3=" .. tostring(v) .. " cached=" .. tostring(ind == again))
end

return s
