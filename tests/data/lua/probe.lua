--[[
probe.lua - a strategy whose hook bodies come from params, so a C test can
keep a short Lua snippet next to the assertions about it.

Each params.<hook> is Lua source run as that hook's body, with `ctx` and
`arg` (the tick, bar, fill or order) in scope. An empty string means the
hook does nothing. ctx.state.out is a scratch list the snippets may fill.
]]
local s = {
	name = "probe",
	symbols = { "005930" },
	params = {
		on_start = "",
		on_tick = "",
		on_bar = "",
		on_fill = "",
		on_order = "",
		on_market_open = "",
		on_market_close = "",
		on_stop = "",
	},
}

local compiled = {}

local function body(ctx, hook)
	local f = compiled[hook]
	if f == nil then
		local src = ctx.params[hook]
		if src == "" then
			f = false
		else
			f = assert(load("local ctx, arg = ... " .. src, "=" .. hook, "t"))
		end
		compiled[hook] = f
	end
	return f
end

for hook in pairs(s.params) do
	s[hook] = function(ctx, arg)
		local f = body(ctx, hook)
		if f then
			return f(ctx, arg)
		end
	end
end

return s
