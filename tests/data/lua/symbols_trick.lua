--[[
symbols_trick.lua - s.symbols whose length metamethod hides its content:
luaL_len says 0 entries while the raw table holds a table at [1]. The
host must check the same entries it later subscribes, so this is a load
error, not a crash.
]]
return {
	name = "symbols_trick",
	symbols = setmetatable({ {} }, { __len = function() return 0 end }),
}
