--[[
loop_tick.lua - on_tick never returns by itself (params.mode says how).
The instruction budget must end each of these calls with an error.
]]
local s = { name = "loop_tick", params = { mode = "plain" } }

local function spin()
	while true do end
end

function s.on_tick(ctx, t)
	ctx.state.calls = (ctx.state.calls or 0) + 1
	ctx:log("loop call " .. ctx.state.calls)
	local mode = ctx.params.mode
	if mode == "plain" then
		spin()
	elseif mode == "pcall" then
		-- Catch the budget error and try again, forever.
		while true do pcall(spin) end
	elseif mode == "pcall_nested" then
		while true do
			pcall(function() while true do pcall(spin) end end)
		end
	elseif mode == "coroutine" then
		-- The same through coroutines: a failed resume returns false.
		while true do coroutine.resume(coroutine.create(spin)) end
	elseif mode == "gc" then
		-- A finalizer that never returns, run by a full collection.
		setmetatable({}, { __gc = spin })
		collectgarbage()
	elseif mode == "pattern" then
		-- A backtracking pattern: one C call, almost no VM instructions.
		string.find(string.rep("a", 20000), string.rep("a-", 12) .. "b")
	end
	ctx:log("loop returned")
end

return s
