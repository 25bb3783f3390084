return { live = { cancel_at_close = "yes" } }
