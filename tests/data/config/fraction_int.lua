return { lua = { seed = 1.5 } }
