return { cash = "lots" }
