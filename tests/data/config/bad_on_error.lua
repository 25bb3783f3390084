return { strategies = { { file = "s.lua", on_error = "ignore" } } }
