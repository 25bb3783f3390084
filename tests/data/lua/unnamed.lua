-- unnamed.lua - no s.name: the strategy is named after its file.
local s = {}
function s.on_start(ctx) ctx:log("my name is " .. ctx.name) end
return s
