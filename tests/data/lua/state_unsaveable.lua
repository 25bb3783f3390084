-- live_run.sh: a ctx.state that cannot be saved (a function in it); buys once.
local s = { name = "unsaveable", symbols = { "005930" }, params = {} }
function s.on_start(ctx) ctx.state.f = print end
function s.on_tick(ctx, t)
  if not ctx.state.bought then ctx.state.bought = true ctx:buy("005930", 1) end
end
return s
