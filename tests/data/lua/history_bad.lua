-- test_history.c: s.history with an unknown kind (params.which picks the mistake).
return { name = "bad", symbols = { "005930" }, history = { ["1w"] = 3 } }
