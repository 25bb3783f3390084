return { strategies = { { file = "s.lua", params = { f = function() end } } } }
