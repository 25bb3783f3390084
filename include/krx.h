/*
 * krx.h - KRX market rules: tick sizes, daily price limits and session hours.
 *
 * Tick sizes follow the table unified for KOSPI and KOSDAQ on 2023-01-25.
 * Daily limits are +/-30% of the previous close, upper rounded down and
 * lower rounded up to a valid tick.
 */
#ifndef KRX_H
#define KRX_H

#include <stdint.h>

/* Regular session, KST, both ends inclusive (the closing auction prints at 15:30). */
#define KRX_OPEN_MS  (9LL * 3600 * 1000)
#define KRX_CLOSE_MS (15LL * 3600 * 1000 + 30LL * 60 * 1000)

/* Tick size of the band that price falls in (price > 0). */
int64_t krx_tick_size(int64_t price);

/* True if price > 0 and a multiple of its band's tick. */
int krx_price_valid(int64_t price);

/* Nearest valid price at or below (dir < 0) or at or above (dir > 0) price. */
int64_t krx_round_price(int64_t price, int dir);

/* Move price by n ticks (n may be negative), crossing bands correctly.
 * Never returns less than the smallest valid price (1). */
int64_t krx_add_ticks(int64_t price, int n);

/* Daily price band around prev_close (> 0). */
void krx_price_limits(int64_t prev_close, int64_t *lower, int64_t *upper);

/* True on a weekday between 09:00:00.000 and 15:30:00.000 KST inclusive. */
int krx_in_session(int64_t time_ms);

#endif
