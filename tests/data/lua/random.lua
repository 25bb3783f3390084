-- random.lua - logs the first draws of math.random; params.reseed first
-- calls math.randomseed() without arguments, as a careless strategy might.
local s = { name = "random", params = { reseed = false } }

function s.on_start(ctx)
	if ctx.params.reseed then
		math.randomseed()
	end
	local out = {}
	for i = 1, 8 do
		out[i] = math.random(1, 1000000000)
	end
	ctx:log("draws " .. table.concat(out, ","))
end

return s
