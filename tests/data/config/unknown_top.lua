return { cahs = 1000000 }
