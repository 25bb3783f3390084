return { strategies = { { name = "no file" } } }
