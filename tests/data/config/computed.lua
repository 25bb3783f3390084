-- computed.lua - a config may compute its values with string, math and table.
local days = {}
for d = 2, 4 do
	days[#days + 1] = string.format("backtest-data/2026-03-%02d.csv", d)
end
local total = 3 * 10 ^ 7
return {
	cash = math.tointeger(total),
	data = days,
	strategies = { { file = "s.lua", params = { window = math.max(3, #days) } } },
	out = table.concat({ "out", "computed" }, "/"),
}
