-- requires_helper.lua - requires helper_mod twice: the body runs once.
local a = require("helper_mod")
local b = require("helper_mod")
local s = { name = "requires_helper" }
function s.on_start(ctx)
	ctx:log(string.format("answer=%d loads=%d same=%s", a.answer, a.loads(), tostring(a == b)))
end
return s
