-- counter.lua - a well-behaved bystander: counts the ticks it sees and
-- reports the count in on_stop, so a test can check that another
-- strategy's failure did not disturb it.
local s = { name = "counter" }

function s.on_tick(ctx, t)
	ctx.state.n = (ctx.state.n or 0) + 1
end

function s.on_stop(ctx)
	ctx:log("counter saw " .. (ctx.state.n or 0) .. " ticks")
end

return s
