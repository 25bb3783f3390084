return { live = { cancel_at_close = false, cancel_on_stop = true, status_every_s = 0, log_json = true,
                  holidays = { "2026-03-03", "2026-03-04" } } }
