return { live = { mode = "backtest" } }
