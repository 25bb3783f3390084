-- Benchmark config: strategies/sma_cross.lua trading every symbol in the
-- data (so every tick reaches Lua). bench/run.sh passes the data with --data.
return {
	strategies = { { file = "strategies/sma_cross.lua", symbols = "*" } },
}
