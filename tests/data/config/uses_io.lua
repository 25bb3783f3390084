-- uses_io.lua - a config cannot reach files.
local f = io.open("/etc/passwd")
return { out = f:read("l") }
