--[[
escape.lua - a strategy that tries one way out of the sandbox in on_start.

params.attack names the attempt. Every attempt must raise an error inside
the guest (so the strategy is halted with that message); an attempt that
returns normally logs "ESCAPED <name>" and the strategy keeps running,
which the test sees as a failure.
]]

local s = { name = "escape", params = { attack = "" } }

local attacks = {}

function attacks.io_open() return io.open("/etc/passwd") end
function attacks.os_execute() return os.execute("true") end
function attacks.os_getenv() return os.getenv("HOME") end
function attacks.os_exit() return os.exit(1) end
function attacks.os_remove() return os.remove("/tmp/kis-engine-escape-test") end
function attacks.require_abs() return require("/etc/passwd") end
function attacks.require_dotdot() return require("../../etc/x") end
function attacks.require_os() return require("os") end
function attacks.require_io() return require("io") end
function attacks.require_debug() return require("debug") end
function attacks.dofile() return dofile("/etc/passwd") end
function attacks.loadfile() return loadfile("/etc/passwd") end
function attacks.string_dump() return load(string.dump(function() return 1 end)) end
function attacks.binary_chunk()
	-- The header of a Lua 5.4 binary chunk: load() must refuse it
	-- (mode "t") before looking any further.
	return assert(load("\27Lua\84\0\25\147\13\10\26\10\4\8\8"))
end
function attacks.binary_chunk_mode_b()
	-- Asking for binary mode explicitly must not help either.
	return assert(load("\27Lua\84\0\25\147\13\10\26\10\4\8\8", "x", "b"))
end
function attacks.binary_reader()
	-- The same through a reader function, one piece at a time.
	local parts = { "\27", "Lua\84\0\25\147\13\10\26\10\4\8\8" }
	local i = 0
	return assert(load(function() i = i + 1 return parts[i] end))
end
function attacks.debug() return debug.getregistry() end
function attacks.package() return package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system") end
function attacks.string_meta_dump() return getmetatable("").__index.dump(print) end
function attacks.memory_rep() return #string.rep("x", 1e9) end
function attacks.memory_table()
	local t, i = {}, 0
	while true do
		i = i + 1
		t[i] = i
	end
end
function attacks.memory_concat()
	local x = "0123456789abcdef"
	while true do x = x .. x end
end

function s.on_start(ctx)
	local a = attacks[ctx.params.attack]
	if not a then
		error("escape.lua: no attack named '" .. tostring(ctx.params.attack) .. "'")
	end
	a()
	ctx:log("ESCAPED " .. ctx.params.attack)
end

return s
