-- test_history.c: s.history asks for no bars at all.
return { name = "zero", symbols = { "005930" }, history = { ["1d"] = 0 } }
