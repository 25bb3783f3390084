return { kis = { hashkey = "yes" } }
