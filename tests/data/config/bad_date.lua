return { from = "2026-13-01" }
