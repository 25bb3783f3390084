-- Benchmark strategy: an empty on_tick, so a run measures the engine alone
-- (CSV parsing, merging, matching, the core and one Lua call per tick).
local s = { name = "empty" }
function s.on_tick(ctx, t) end
return s
