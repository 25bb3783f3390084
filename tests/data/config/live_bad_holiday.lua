return { live = { holidays = { "2026-03-03", "2026-02-30" } } }
