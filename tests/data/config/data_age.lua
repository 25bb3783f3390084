-- data_age.lua - max_data_age_ms per strategy: set, and left out (0 = off).
return {
	strategies = {
		{ file = "a.lua", max_data_age_ms = 5000 },
		{ file = "b.lua" },
		"c.lua",
		{ file = "d.lua", max_data_age_ms = 0 },
	},
}
