/*
 * risk.c - pre-trade limits.
 *
 * A refusal carries a sentence a person can act on: which limit, the
 * numbers compared (with thousands separators) and whose limit it was.
 */
#include "risk.h"

#include <stdio.h>

#include "ke_common.h"

#define RISK_WINDOW_MS 60000

/* Writes the reason (when there is room) and returns KE_ELIMIT. */
static int refuse(char *reason, size_t reason_len, const char *what, const char *scope)
{
	if (reason && reason_len > 0) {
		if (scope && scope[0])
			snprintf(reason, reason_len, "%s (%s)", what, scope);
		else
			snprintf(reason, reason_len, "%s", what);
	}
	return KE_ELIMIT;
}

int risk_check(const struct risk_limits *lim, const struct risk_state *st, const struct risk_order_info *info,
               const char *scope, char *reason, size_t reason_len)
{
	char a[KE_KRW_BUF], b[KE_KRW_BUF], what[KE_REASON_MAX];
	if (reason && reason_len > 0)
		reason[0] = '\0';
	if (!lim || !info)
		return KE_EINVAL;
	/* A limit <= 0 means none: a negative one is a configuration slip that
	 * must not silently refuse every order. */
	if (lim->max_order_value > 0 && info->order_value > lim->max_order_value) {
		snprintf(what, sizeof(what), "order value %s KRW exceeds max_order_value %s KRW",
		         ke_format_krw(a, info->order_value), ke_format_krw(b, lim->max_order_value));
		return refuse(reason, reason_len, what, scope);
	}
	if (lim->max_position_value > 0 && info->is_buy && info->position_value_after > lim->max_position_value) {
		snprintf(what, sizeof(what),
		         "position value after this buy %s KRW would exceed max_position_value %s KRW",
		         ke_format_krw(a, info->position_value_after), ke_format_krw(b, lim->max_position_value));
		return refuse(reason, reason_len, what, scope);
	}
	if (lim->max_open_orders > 0 && (int64_t)info->open_orders + 1 > lim->max_open_orders) {
		snprintf(what, sizeof(what), "%s open orders already: one more would exceed max_open_orders %s",
		         ke_format_krw(a, info->open_orders), ke_format_krw(b, lim->max_open_orders));
		return refuse(reason, reason_len, what, scope);
	}
	if (lim->max_orders_per_minute > 0) {
		int recent = st ? risk_orders_last_minute(st, info->now) : 0;
		if ((int64_t)recent + 1 > lim->max_orders_per_minute) {
			snprintf(
			    what, sizeof(what),
			    "%s orders sent in the last 60 seconds: one more would exceed max_orders_per_minute %s",
			    ke_format_krw(a, recent), ke_format_krw(b, lim->max_orders_per_minute));
			return refuse(reason, reason_len, what, scope);
		}
	}
	return KE_OK;
}

void risk_note_order(struct risk_state *st, int64_t now)
{
	if (!st)
		return;
	/* A state that is not zeroed or was damaged restarts rather than
	 * writing out of bounds. */
	if (st->head < 0 || st->head >= RISK_RATE_WINDOW_MAX || st->count < 0 || st->count > RISK_RATE_WINDOW_MAX)
		st->head = st->count = 0;
	st->sent[st->head] = now;
	st->head = (st->head + 1) % RISK_RATE_WINDOW_MAX;
	if (st->count < RISK_RATE_WINDOW_MAX)
		st->count++;
}

int risk_orders_last_minute(const struct risk_state *st, int64_t now)
{
	if (!st || st->head < 0 || st->head >= RISK_RATE_WINDOW_MAX || st->count <= 0 ||
	    st->count > RISK_RATE_WINDOW_MAX)
		return 0;
	/* Exactly 60 s ago is outside: a limit of N allows N orders in any
	 * window of 60 s that is open at its start. Every entry is looked at,
	 * so notes made out of time order are still counted right. */
	int n = 0;
	for (int i = 0; i < st->count; i++) {
		int k = (st->head - 1 - i + RISK_RATE_WINDOW_MAX) % RISK_RATE_WINDOW_MAX;
		if (st->sent[k] > now - RISK_WINDOW_MS)
			n++;
	}
	return n;
}

int risk_daily_loss_hit(const struct risk_limits *lim, int64_t day_start_equity, int64_t equity)
{
	if (!lim || lim->daily_loss_limit <= 0 || equity >= day_start_equity)
		return 0;
	/* day_start_equity > equity here; the difference overflows only when it
	 * is beyond any limit. */
	if (equity < 0 && day_start_equity > INT64_MAX + equity)
		return 1;
	return day_start_equity - equity >= lim->daily_loss_limit;
}
