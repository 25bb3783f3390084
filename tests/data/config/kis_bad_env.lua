return { kis = { env = "paper" } }
