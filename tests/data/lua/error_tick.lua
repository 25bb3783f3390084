-- error_tick.lua - on_tick raises an error on every call (line 7).
local s = { name = "error_tick" }

function s.on_tick(ctx, t)
	ctx.state.calls = (ctx.state.calls or 0) + 1
	ctx:log("error_tick call " .. ctx.state.calls)
	error("boom at call " .. ctx.state.calls)
end

return s
