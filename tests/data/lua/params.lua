-- params.lua - declares params with defaults and logs what ctx.params holds.
local s = { name = "params", params = { fast = 5, slow = 20, label = "sma" } }

function s.on_start(ctx)
	local p = ctx.params
	ctx:log(string.format("params fast=%s slow=%s label=%s", tostring(p.fast), tostring(p.slow), tostring(p.label)))
end

return s
