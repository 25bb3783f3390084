return { cash = "1000000" }
