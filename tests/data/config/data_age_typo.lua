return { strategies = { "t.lua", { file = "s.lua", max_data_age = 5000 } } }
