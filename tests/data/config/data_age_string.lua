return { strategies = { { file = "s.lua", max_data_age_ms = "5000" } } }
