-- test_lstate.c: ctx.state written in on_start from params.kind, then saved
-- and restored by the engine; on_tick logs what it finds.
local s = { name = "keeper", symbols = { "005930" }, params = { kind = "plain" } }
function s.on_start(ctx)
  local k = ctx.params.kind
  if k == "restore" then return end -- the state came from the journal
  if k == "plain" then
    ctx.state.n = (ctx.state.n or 0) + 1
    ctx.state.bytes = "a\"b\\c\n\0\255"
    ctx.state.list = { 10, -20, 3.5, true, false, { deep = "yes" } }
    ctx.state[7] = 0.1
    ctx.state.big = math.maxinteger
    ctx.state.small = math.mininteger
    ctx.state.two = 2.0
  elseif k == "function" then ctx.state.f = print
  elseif k == "cycle" then ctx.state.me = ctx.state
  elseif k == "shared" then local t = {} ctx.state.a = t ctx.state.b = t
  elseif k == "nan" then ctx.state.x = { y = 0/0 }
  elseif k == "floatkey" then ctx.state[1.5] = 1
  elseif k == "meta" then ctx.state.m = setmetatable({}, {})
  elseif k == "notable" then ctx.state = 5
  elseif k == "deep" then local t = ctx.state for _ = 1, 40 do t.d = {} t = t.d end
  end
end
function s.on_tick(ctx, t)
  local st = ctx.state
  ctx:log(string.format("n=%s bytes=%q l2=%s l3=%s l3type=%s l5=%s deep=%s k7=%s big=%s small=%s two=%s",
    tostring(st.n), st.bytes or "", tostring(st.list and st.list[2]), tostring(st.list and st.list[3]),
    math.type(st.list and st.list[3] or 0), tostring(st.list and st.list[5]),
    tostring(st.list and st.list[6] and st.list[6].deep), tostring(st[7] == 0.1), tostring(st.big == math.maxinteger),
    tostring(st.small == math.mininteger), math.type(st.two or 0)))
end
return s
