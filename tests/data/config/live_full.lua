return { live = { mode = "paper", feed_clock = true, journal = "/var/lib/kis-engine/journal.db", halt_file = "/run/kis-engine/HALT" } }
