--[[
check_summary.lua - compare fields of a kis-engine summary.json with
expected values, for the e2e scripts (no python, no jq: plain lua5.4).

	lua5.4 check_summary.lua SUMMARY.json EXPECTED.txt
	lua5.4 check_summary.lua SUMMARY.json --get PATH

EXPECTED.txt has one "path value" per line; blank lines and lines starting
with # are skipped. A path is dot-separated: "fills",
"strategies.1.status" (arrays are 1-based). The value is compared as:
	integer    exactly (summary integers are written as raw int64 text)
	~number    as a float, to a relative 1e-9
	null       the JSON null
	anything else: the string, exactly (the rest of the line)
Prints one line per check; exits 1 on the first mismatch.
]]

local function fail(msg)
	io.stderr:write("check_summary: ", msg, "\n")
	os.exit(1)
end

local NULL = setmetatable({}, { __tostring = function() return "null" end })

-- A small strict JSON reader: objects, arrays, strings, numbers (integers
-- kept as Lua integers), true/false/null.
local function parse_json(text)
	local pos = 1
	local function ws()
		pos = text:find("[^ \t\r\n]", pos) or #text + 1
	end
	local value
	local function str()
		local out, i = {}, pos + 1
		while true do
			local c = text:sub(i, i)
			if c == "" then fail("unterminated string") end
			if c == '"' then break end
			if c == "\\" then
				local e = text:sub(i + 1, i + 1)
				local map = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
				if map[e] then
					out[#out + 1] = map[e]
					i = i + 2
				elseif e == "u" then
					out[#out + 1] = utf8.char(tonumber(text:sub(i + 2, i + 5), 16))
					i = i + 6
				else
					fail("bad escape at " .. i)
				end
			else
				out[#out + 1] = c
				i = i + 1
			end
		end
		pos = i + 1
		return table.concat(out)
	end
	function value()
		ws()
		local c = text:sub(pos, pos)
		if c == "{" then
			local t = {}
			pos = pos + 1
			ws()
			if text:sub(pos, pos) == "}" then
				pos = pos + 1
				return t
			end
			while true do
				ws()
				if text:sub(pos, pos) ~= '"' then fail("expected a key at " .. pos) end
				local k = str()
				ws()
				if text:sub(pos, pos) ~= ":" then fail("expected ':' at " .. pos) end
				pos = pos + 1
				t[k] = value()
				ws()
				local d = text:sub(pos, pos)
				pos = pos + 1
				if d == "}" then return t end
				if d ~= "," then fail("expected ',' or '}' at " .. (pos - 1)) end
			end
		elseif c == "[" then
			local t = {}
			pos = pos + 1
			ws()
			if text:sub(pos, pos) == "]" then
				pos = pos + 1
				return t
			end
			while true do
				t[#t + 1] = value()
				ws()
				local d = text:sub(pos, pos)
				pos = pos + 1
				if d == "]" then return t end
				if d ~= "," then fail("expected ',' or ']' at " .. (pos - 1)) end
			end
		elseif c == '"' then
			return str()
		elseif text:find("^true", pos) then
			pos = pos + 4
			return true
		elseif text:find("^false", pos) then
			pos = pos + 5
			return false
		elseif text:find("^null", pos) then
			pos = pos + 4
			return NULL
		else
			local num = text:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
			if not num or num == "" then fail("unexpected character at " .. pos) end
			pos = pos + #num
			return math.tointeger(tonumber(num)) or tonumber(num)
		end
	end
	local v = value()
	ws()
	if pos <= #text then fail("trailing text at " .. pos) end
	return v
end

local function lookup(root, path)
	local v = root
	for part in path:gmatch("[^.]+") do
		if type(v) ~= "table" or v == NULL then return nil end
		local idx = math.tointeger(tonumber(part))
		if idx then v = v[idx] else v = v[part] end
	end
	return v
end

local summary_path, expected_path = arg[1], arg[2]
if not summary_path or not expected_path then
	fail("usage: lua5.4 check_summary.lua SUMMARY.json EXPECTED.txt | --get PATH")
end
local f = io.open(summary_path, "r") or fail("cannot open " .. summary_path)
local root = parse_json(f:read("a"))
f:close()

if expected_path == "--get" then
	local v = lookup(root, arg[3] or fail("--get needs a path"))
	if v == nil then fail("no field " .. arg[3]) end
	print(tostring(v))
	os.exit(0)
end

local n = 0
for line in io.lines(expected_path) do
	if line:find("%S") and not line:find("^%s*#") then
		local path, want = line:match("^%s*(%S+)%s+(.-)%s*$")
		if not path then fail("bad expected line: " .. line) end
		local got = lookup(root, path)
		local ok
		if want == "null" then
			ok = got == NULL
		elseif want:sub(1, 1) == "~" then
			local w = tonumber(want:sub(2))
			ok = type(got) == "number" and math.abs(got - w) <= 1e-9 * math.max(1, math.abs(w))
		elseif math.tointeger(tonumber(want)) and want:match("^-?%d+$") then
			ok = math.type(got) == "integer" and got == math.tointeger(tonumber(want))
		else
			ok = got == want
		end
		if not ok then
			fail(string.format("%s: %s: expected %s, got %s", summary_path, path, want, tostring(got)))
		end
		print(string.format("  summary %-28s = %s  ok", path, want))
		n = n + 1
	end
end
if n == 0 then fail("no checks in " .. expected_path) end
