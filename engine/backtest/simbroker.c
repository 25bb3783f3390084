/*
 * simbroker.c - the matching engine behind the simulated broker.
 *
 * Resting orders are kept per symbol in placement order, so matching an
 * event touches only that symbol's orders, and volume is shared first come,
 * first served.
 */
#include "simbroker.h"

#include <stdlib.h>
#include <string.h>

#include "krx.h"
#include "ktime.h"

struct sim_order {
	int64_t id;
	enum order_side side;
	enum order_type type;
	int64_t price;
	int64_t remaining;
	int64_t eligible_from; /* placement time + latency */
	int32_t session_day;   /* KST day whose session it may trade in; -1 until that day's data starts */
	int32_t placed_day;
};

struct sim_book {
	struct sim_order *o;
	int n, cap;
};

struct simbroker {
	struct simbroker_config cfg;
	struct broker_sink sink;
	struct sim_book *books; /* indexed by symbol id */
	int32_t nbooks;
	int64_t now;
	int32_t day;
	int open;
};

void simbroker_config_default(struct simbroker_config *cfg)
{
	cfg->slippage_ticks = 0;
	cfg->latency_ms = 0;
	cfg->participation_ppm = 1000000;
}

int simbroker_new(const struct simbroker_config *cfg, struct broker_sink sink, struct simbroker **out)
{
	if (cfg && (cfg->slippage_ticks < 0 || cfg->latency_ms < 0 || cfg->participation_ppm <= 0 ||
	            cfg->participation_ppm > 1000000))
		return KE_EINVAL;
	struct simbroker *sb = calloc(1, sizeof(*sb));
	if (!sb)
		return KE_ENOMEM;
	if (cfg)
		sb->cfg = *cfg;
	else
		simbroker_config_default(&sb->cfg);
	sb->sink = sink;
	sb->day = -1;
	*out = sb;
	return KE_OK;
}

void simbroker_free(struct simbroker *sb)
{
	if (!sb)
		return;
	for (int32_t i = 0; i < sb->nbooks; i++)
		free(sb->books[i].o);
	free(sb->books);
	free(sb);
}

static void emit(struct simbroker *sb, enum broker_event_kind kind, int64_t id, int64_t qty, int64_t price,
                 const char *reason)
{
	struct broker_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.order_id = id;
	ev.time = sb->now;
	ev.qty = qty;
	ev.price = price;
	if (reason) {
		size_t n = strlen(reason);
		if (n >= sizeof(ev.reason))
			n = sizeof(ev.reason) - 1;
		memcpy(ev.reason, reason, n);
	}
	sb->sink.emit(sb->sink.ctx, &ev);
}

static struct sim_book *book_for(struct simbroker *sb, int32_t sym, int create)
{
	if (sym < 0)
		return NULL;
	if (sym >= sb->nbooks) {
		if (!create)
			return NULL;
		int32_t n = sym + 16;
		struct sim_book *nb = realloc(sb->books, (size_t)n * sizeof(*nb));
		if (!nb)
			return NULL;
		memset(nb + sb->nbooks, 0, (size_t)(n - sb->nbooks) * sizeof(*nb));
		sb->books = nb;
		sb->nbooks = n;
	}
	return &sb->books[sym];
}

static void book_remove(struct simbroker *sb, struct sim_book *b, int i)
{
	memmove(&b->o[i], &b->o[i + 1], (size_t)(b->n - i - 1) * sizeof(b->o[0]));
	b->n--;
	sb->open--;
}

static struct sim_order *find(struct simbroker *sb, const struct order *o, struct sim_book **bout, int *iout)
{
	struct sim_book *b = book_for(sb, o->sym, 0);
	if (!b)
		return NULL;
	for (int i = 0; i < b->n; i++) {
		if (b->o[i].id == o->id) {
			*bout = b;
			*iout = i;
			return &b->o[i];
		}
	}
	return NULL;
}

/* Orders placed at or after the close (or on a weekend) wait for the next session. */
static int32_t session_day_of(int64_t t)
{
	int32_t day = ktime_kst_day(t);
	int wd = ktime_weekday(day);
	if (wd == 0 || wd == 6 || ktime_kst_ms_of_day(t) >= KRX_CLOSE_MS)
		return -1;
	return day;
}

static int sb_place(void *self, const struct order *o)
{
	struct simbroker *sb = self;
	struct sim_book *b = book_for(sb, o->sym, 1);
	if (!b)
		return KE_ENOMEM;
	if (b->n == b->cap) {
		int ncap = b->cap ? b->cap * 2 : 8;
		struct sim_order *no = realloc(b->o, (size_t)ncap * sizeof(*no));
		if (!no)
			return KE_ENOMEM;
		b->o = no;
		b->cap = ncap;
	}
	struct sim_order *so = &b->o[b->n++];
	so->id = o->id;
	so->side = o->side;
	so->type = o->type;
	so->price = o->price;
	so->remaining = o->qty - o->filled_qty;
	so->eligible_from = sb->now + sb->cfg.latency_ms;
	so->placed_day = ktime_kst_day(sb->now);
	so->session_day = session_day_of(sb->now);
	sb->open++;
	emit(sb, BEV_ACCEPTED, o->id, 0, 0, NULL);
	return KE_OK;
}

static int sb_cancel(void *self, const struct order *o)
{
	struct simbroker *sb = self;
	struct sim_book *b;
	int i;
	struct sim_order *so = find(sb, o, &b, &i);
	if (!so) {
		emit(sb, BEV_CANCEL_REJECTED, o->id, 0, 0, "the order is no longer open at the venue");
		return KE_OK;
	}
	int64_t rest = so->remaining;
	book_remove(sb, b, i);
	emit(sb, BEV_CANCELLED, o->id, rest, 0, "cancelled on request");
	return KE_OK;
}

static int sb_modify(void *self, const struct order *o, int64_t new_price, int64_t new_remaining)
{
	struct simbroker *sb = self;
	struct sim_book *b;
	int i;
	struct sim_order *so = find(sb, o, &b, &i);
	if (!so) {
		emit(sb, BEV_MODIFY_REJECTED, o->id, 0, 0, "the order is no longer open at the venue");
		return KE_OK;
	}
	if (new_remaining > so->remaining) {
		emit(sb, BEV_MODIFY_REJECTED, o->id, 0, 0, "the quantity can only be reduced");
		return KE_OK;
	}
	struct sim_order m = *so;
	if (new_price > 0)
		m.price = new_price;
	if (new_remaining > 0)
		m.remaining = new_remaining;
	/* A modified order loses its time priority, as at the exchange. */
	m.eligible_from = sb->now + sb->cfg.latency_ms;
	book_remove(sb, b, i);
	b->o[b->n++] = m;
	sb->open++;
	emit(sb, BEV_MODIFIED, o->id, m.remaining, m.price, NULL);
	return KE_OK;
}

struct broker simbroker_broker(struct simbroker *sb)
{
	struct broker b = {sb, sb_place, sb_modify, sb_cancel};
	return b;
}

void simbroker_advance(struct simbroker *sb, int64_t now)
{
	if (now > sb->now)
		sb->now = now;
	int32_t day = ktime_kst_day(sb->now);
	if (day == sb->day)
		return;
	sb->day = day;
	for (int32_t s = 0; s < sb->nbooks; s++) {
		struct sim_book *b = &sb->books[s];
		for (int i = 0; i < b->n;) {
			struct sim_order *so = &b->o[i];
			if (so->session_day < 0 && day > so->placed_day && ktime_weekday(day) != 0 &&
			    ktime_weekday(day) != 6)
				so->session_day = day; /* its session: the first weekday after placement */
			if (so->session_day >= 0 && so->session_day < day) {
				int64_t id = so->id, rest = so->remaining;
				book_remove(sb, b, i);
				emit(sb, BEV_CANCELLED, id, rest, 0, "expired: a day order not filled by the close");
				continue;
			}
			i++;
		}
	}
}

/* Price at which order so trades against a print or bar, or 0 for none.
 * open/low/high describe the event (a print has open = low = high). */
static int64_t match_price(const struct simbroker *sb, const struct sim_order *so, int64_t open, int64_t low,
                           int64_t high)
{
	if (so->type == ORDER_MARKET)
		return krx_add_ticks(open, so->side == SIDE_BUY ? sb->cfg.slippage_ticks : -sb->cfg.slippage_ticks);
	if (so->side == SIDE_BUY)
		return low <= so->price ? (open < so->price ? open : so->price) : 0;
	return high >= so->price ? (open > so->price ? open : so->price) : 0;
}

static void match(struct simbroker *sb, int32_t sym, int64_t time, int64_t open, int64_t low, int64_t high,
                  int64_t volume)
{
	struct sim_book *b = book_for(sb, sym, 0);
	if (!b || b->n == 0 || volume <= 0 || !krx_in_session(time))
		return;
	int32_t day = ktime_kst_day(time);
	/* floor(volume * participation): split so that it cannot overflow. */
	int64_t budget =
	    volume / 1000000 * sb->cfg.participation_ppm + volume % 1000000 * sb->cfg.participation_ppm / 1000000;
	for (int i = 0; i < b->n && budget > 0;) {
		struct sim_order *so = &b->o[i];
		int64_t px;
		if (time < so->eligible_from || so->session_day != day ||
		    (px = match_price(sb, so, open, low, high)) <= 0) {
			i++;
			continue;
		}
		int64_t q = so->remaining < budget ? so->remaining : budget;
		budget -= q;
		so->remaining -= q;
		int64_t id = so->id;
		if (so->remaining == 0)
			book_remove(sb, b, i);
		else
			i++;
		emit(sb, BEV_FILL, id, q, px, NULL);
	}
}

void simbroker_on_tick(struct simbroker *sb, const struct tick *t)
{
	match(sb, t->sym, t->time, t->price, t->price, t->price, t->volume);
}

void simbroker_on_bar(struct simbroker *sb, const struct bar *b)
{
	match(sb, b->sym, b->time, b->open, b->low, b->high, b->volume);
}

int simbroker_open_count(const struct simbroker *sb)
{
	return sb->open;
}
