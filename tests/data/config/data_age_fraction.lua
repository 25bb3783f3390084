return { strategies = { { file = "s.lua", max_data_age_ms = 1.5 } } }
