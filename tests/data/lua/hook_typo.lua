-- hook_typo.lua - on_tik is a typo of on_tick: it must not be ignored.
local s = { name = "hook_typo" }
function s.on_tik(ctx, t) end
return s
