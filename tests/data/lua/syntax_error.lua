-- syntax_error.lua - does not compile (line 3).
local s = { name = "syntax_error" }
local x = = 1
return s
