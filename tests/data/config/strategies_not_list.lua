return { strategies = { file = "strategies/sma_cross.lua" } }
