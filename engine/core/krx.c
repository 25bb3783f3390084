/*
 * krx.c - KRX tick sizes, daily price limits and session hours.
 */
#include "krx.h"

#include "ktime.h"

/* Lower bound of each band and its tick, unified for KOSPI and KOSDAQ
 * since 2023-01-25 (shared/kis-protocol.md section 7). */
static const struct {
	int64_t from;
	int64_t tick;
} krx_bands[] = {
    {500000, 1000}, {200000, 500}, {50000, 100}, {20000, 50}, {5000, 10}, {2000, 5}, {0, 1},
};

int64_t krx_tick_size(int64_t price)
{
	for (size_t i = 0; i < sizeof(krx_bands) / sizeof(krx_bands[0]); i++)
		if (price >= krx_bands[i].from)
			return krx_bands[i].tick;
	return 1;
}

int krx_price_valid(int64_t price)
{
	return price > 0 && price % krx_tick_size(price) == 0;
}

int64_t krx_round_price(int64_t price, int dir)
{
	if (price < 1)
		return 1;
	int64_t tick = krx_tick_size(price);
	int64_t down = price - price % tick;
	if (dir <= 0 || down == price)
		return down;
	/* Rounding up can cross into the next band, whose ticks are coarser:
	 * 49,990 + 10 is 50,000, which is valid in the 100-won band. */
	int64_t up = down + tick;
	return krx_price_valid(up) ? up : krx_round_price(up, 1);
}

int64_t krx_add_ticks(int64_t price, int n)
{
	price = krx_round_price(price, 0);
	for (; n > 0; n--)
		price = krx_round_price(price + krx_tick_size(price), 1);
	for (; n < 0; n++) {
		if (price <= 1)
			return 1;
		/* The tick below a band boundary is the lower band's tick. */
		price = krx_round_price(price - krx_tick_size(price - 1), -1);
	}
	return price;
}

void krx_price_limits(int64_t prev_close, int64_t *lower, int64_t *upper)
{
	/* 30% of the base, in integers: base * 3 / 10, upper truncated down and
	 * lower rounded up to a valid tick. */
	int64_t up = prev_close + prev_close * 3 / 10;
	int64_t lo = prev_close - prev_close * 3 / 10;
	*upper = krx_round_price(up, -1);
	*lower = krx_round_price(lo, 1);
}

int krx_in_session(int64_t time_ms)
{
	int wd = ktime_weekday(ktime_kst_day(time_ms));
	if (wd == 0 || wd == 6)
		return 0;
	int64_t tod = ktime_kst_ms_of_day(time_ms);
	return tod >= KRX_OPEN_MS && tod <= KRX_CLOSE_MS;
}
