-- live_history.sh and test_history.c: logs the bars it was given before its start.
local s = { name = "hist", symbols = { "005930" }, history = { ["1d"] = 10, ["1m"] = 30 }, params = {} }
function s.on_start(ctx)
  local d = ctx:history("005930", "1d")
  local m = ctx:history("005930", "1m")
  local parts = {}
  for _, b in ipairs(d) do parts[#parts + 1] = ctx:date(b.time) .. "=" .. b.close end
  ctx:log(string.format("HIST daily=%d minute=%d %s", #d, #m, table.concat(parts, " ")))
  local last2 = ctx:history("005930", "1d", 2)
  ctx:log("LAST2 " .. #last2)
end
return s
