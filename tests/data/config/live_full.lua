return { live = { mode = "paper", feed_clock = true, journal = "/var/lib/kis-engine/journal.db" } }
