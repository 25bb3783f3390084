return { kis = { env = "mock", app_key = "PSsecret" } }
