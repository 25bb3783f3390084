return { to = "2026-02-30" }
