return { strategies = { { file = "s.lua", risk = { max_open_order = 1 } } } }
