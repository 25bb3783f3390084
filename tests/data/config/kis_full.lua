-- every kis key, for test_config
return {
  kis = {
    env = "real",
    base_url = "http://127.0.0.1:29443",
    ws_url = "ws://127.0.0.1:31000",
    ca_file = "/etc/kis/ca.pem",
    secrets_file = "/etc/kis/secrets.env",
    token_cache_dir = "/var/cache/kis",
    rate_per_sec = 5,
    order_timeout_ms = 3000,
    query_timeout_ms = 8000,
    poll_ms = 1500,
    hashkey = true,
  },
}
