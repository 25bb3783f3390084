-- Not valid Lua: the run must not start (exit status 2).
local s = { name = "syntax_error" }
function s.on_tick(ctx, t)
	if t.price > 0 then
		ctx:buy("005930", 1)
	-- missing "end"
end
return s
