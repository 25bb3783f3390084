-- toplevel_error.lua - the file fails while it is being loaded (line 3).
local s = { name = "toplevel_error" }
error("top level boom")
return s
