/*
 * datagen.c - kis-datagen: seeded generator of realistic KRX market data.
 *
 * Output is a pure function of the command line: the random numbers come
 * from our own xoshiro256** and every price is an integer moved in whole
 * KRX ticks, so a seed gives the same bytes on any machine and compiler
 * (no floating point anywhere, no libm, no time zone, no locale).
 *
 * Each symbol has its own random stream seeded from (seed, code), so adding
 * a symbol to --symbols does not change the others' prices. Bars and daily
 * bars are aggregated from exactly the trades the ticks mode prints for the
 * same options, so the three outputs of one seed agree with each other.
 *
 * Everything streams: per symbol we hold one day's state and one upcoming
 * trade, and the symbols are merged in time order, so --total 100000000
 * needs no more memory than --total 10.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ke_common.h"
#include "krng.h"
#include "krx.h"
#include "ktime.h"

#define DG_MAX_SYMBOLS 64
#define DG_SESSION_MIN 380 /* continuous trading 09:00..15:20 */
#define DG_CONT_END_MS (KRX_OPEN_MS + DG_SESSION_MIN * 60000LL)
#define DG_MAX_TPD     10000000
#define DG_AVG_SIZE    200 /* rough mean shares per trade, scales the auctions */

enum dg_mode { DG_TICKS, DG_BARS, DG_DAILY };
enum dg_print { P_OPEN, P_CONT, P_CLOSE };

struct trade {
	int32_t day;
	int kind; /* enum dg_print */
	int64_t t, price, volume, bid, ask;
};

/* One symbol's walk: the state of its current day plus the next trade. */
struct sym {
	char code[KE_SYMBOL_MAX];
	struct krng rng;
	int64_t anchor; /* starting price; the open gap leans gently back to it */
	int64_t prev_close, lower, upper, upper_bid, bid;
	int32_t day;
	long days_done;
	uint32_t cont_done; /* continuous trades made today */
	uint32_t minute;    /* session minute of the last continuous trade */
	uint64_t var16;     /* variance per trade, won^2, 16.16 fixed point */
	uint64_t jump_p32;  /* jump probability per trade, 0.32 fixed point */
	int64_t sig_won;    /* today's daily sigma */
	int64_t vol_pct;    /* today's volume level, percent */
	int64_t day_start;  /* KST midnight of day, epoch ms */
	struct trade cur;   /* the upcoming trade */
	int has_cur;

	/* Bar aggregation state. */
	int32_t bar_day;
	int bar_j;
	int64_t last_px;
};

struct opts {
	enum dg_mode mode;
	const char *out_path;
	uint64_t seed;
	int32_t from_day, to_day; /* to_day < 0: no end date */
	long days;                /* < 0: unlimited */
	uint64_t total;           /* 0: unlimited */
	uint32_t tpd;
	int bar_minutes;
	int nsym;
	struct sym *syms;
};

struct out {
	FILE *fp;
	char buf[1 << 16];
	size_t n;
	int failed;
	int32_t day; /* day whose text is cached below */
	char date[11];
};

struct gen {
	struct opts o;
	uint64_t wcum[DG_SESSION_MIN + 1]; /* cumulative trade intensity per minute */
	int nbars;                         /* continuous bars per day (closing bar extra) */
	struct out out;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int64_t start_price(const char *code)
{
	if (!strcmp(code, "005930"))
		return 70000;
	if (!strcmp(code, "000660"))
		return 180000;
	if (!strcmp(code, "035420"))
		return 200000;
	/* Spread other codes over the price bands KRX stocks live in. */
	static const int64_t lo[] = {2000, 10000, 50000, 200000};
	uint64_t h = fnv1a(code);
	int64_t base = lo[h % 4];
	return krx_round_price(base + (int64_t)((h >> 8) % (uint64_t)(base * 4)), 0);
}

static int32_t next_weekday(int32_t day)
{
	while (ktime_weekday(day) == 0 || ktime_weekday(day) == 6)
		day++;
	return day;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The valid price nearest to p (ties go up). */
static int64_t round_near(int64_t p)
{
	int64_t lo = krx_round_price(p, -1), hi = krx_round_price(p, 1);
	return p - lo < hi - p ? lo : hi;
}

/* Quote around a print at p: ask = bid + one tick, p at one of them. */
static void quote_around(const struct sym *s, struct trade *t)
{
	if (t->price < s->upper) {
		t->bid = t->price;
		t->ask = krx_add_ticks(t->price, 1);
	} else {
		t->bid = krx_add_ticks(t->price, -1);
		t->ask = t->price;
	}
}

/* A trade size: mostly odd lots of a few shares, sometimes thousands. */
static int64_t trade_size(struct sym *s)
{
	uint32_t c = krng_below(&s->rng, 100);
	int64_t v;
	if (c < 50)
		v = 1 + krng_below(&s->rng, 10);
	else if (c < 80)
		v = 10 + krng_below(&s->rng, 90);
	else if (c < 95)
		v = 100 + krng_below(&s->rng, 900);
	else
		v = 1000 + krng_below(&s->rng, 4000);
	v = v * s->vol_pct / 100;
	return v < 1 ? 1 : v;
}

static void sym_begin_day(struct gen *g, struct sym *s)
{
	struct krng *r = &s->rng;
	krx_price_limits(s->prev_close, &s->lower, &s->upper);
	s->upper_bid = krx_add_ticks(s->upper, -1);
	if (s->upper_bid < s->lower)
		s->upper_bid = s->lower;

	/* Overnight gap in won: a bell-ish sum of four uniforms (sd ~ 0.35 of
	 * a 1.8% day), a pull of 1/150 of the way back to the anchor so long
	 * runs stay in a plausible range, and now and then a news gap. */
	int64_t sig = s->prev_close * 18 / 1000 + 1;
	int64_t a = sig * 3 / 10 + 1;
	int64_t gap = 0;
	for (int i = 0; i < 4; i++)
		gap += (int64_t)krng_below(r, (uint32_t)(2 * a + 1)) - a;
	gap += (s->anchor - s->prev_close) / 150;
	if (krng_below(r, 50) == 0)
		gap += (krng_below(r, 2) ? 1 : -1) * sig * (1 + krng_below(r, 3));
	int64_t open = clamp64(round_near(s->prev_close + gap), s->lower, s->upper);

	/* Today's sigma: 1.0% .. 2.0% of the open. The walk spreads its
	 * variance evenly over the continuous trades; as trades crowd the open
	 * and the close, so does the volatility. */
	s->sig_won = open * (10 + krng_below(r, 11)) / 1000 + 1;
	s->vol_pct = 60 + krng_below(r, 101);
	uint32_t ncont = g->o.tpd - 2;
	s->var16 = 0;
	s->jump_p32 = 0;
	if (ncont > 0) {
		s->var16 = (uint64_t)(s->sig_won * s->sig_won) * 65536 / ncont;
		/* About one day in 25 has a jump somewhere in it. */
		s->jump_p32 = (1ULL << 32) / ((uint64_t)ncont * 25);
	}
	s->day_start = ktime_day_start(s->day);
	s->cont_done = 0;
	s->minute = 0;

	struct trade *t = &s->cur;
	t->day = s->day;
	t->kind = P_OPEN;
	t->t = s->day_start + KRX_OPEN_MS;
	t->price = open;
	t->volume = (int64_t)(20 + krng_below(r, 41)) * DG_AVG_SIZE * s->vol_pct / 100;
	quote_around(s, t);
	s->bid = t->bid;
}

static void sym_continuous(struct gen *g, struct sym *s)
{
	struct krng *r = &s->rng;
	/* Trade times: point i of n falls at a random place in the i-th n-th
	 * of the day's cumulative intensity, then maps back to a clock time
	 * through the per-minute weights. The times ascend without sorting,
	 * crowd where the weights are high, and quiet minutes stay empty on
	 * some days and not on others. Weights carry 16 fraction bits. */
	uint64_t n = g->o.tpd - 2, idx = s->cont_done - 1, all = g->wcum[DG_SESSION_MIN] << 16;
	uint64_t lo = idx * all / n, hi = (idx + 1) * all / n;
	uint64_t u = lo + (hi > lo ? krng_next(r) % (hi - lo) : 0);
	while (u >= g->wcum[s->minute + 1] << 16)
		s->minute++;
	uint64_t w0 = g->wcum[s->minute] << 16, w = (g->wcum[s->minute + 1] << 16) - w0;
	int64_t off = (int64_t)((u - w0) * 60000 / w);

	/* A trade moves the bid by m micro-steps of +/-1 tick, each taken with
	 * probability q, so its variance m * q * tick^2 is the trade's share of
	 * the day's variance at whatever tick size the price is at now. */
	int64_t tick = krx_tick_size(s->bid);
	uint64_t qall = s->var16 / (uint64_t)(tick * tick);
	uint64_t m = qall / 65536 + 1, q16 = qall / m;
	if (m > 4096)
		m = 4096, q16 = 65536;
	int64_t step = 0;
	for (uint64_t i = 0; i < m; i++) {
		uint64_t x = krng_next(r);
		if ((x & 0xffff) < q16)
			step += (x >> 32) & 1 ? 1 : -1;
	}
	if (s->jump_p32 && (krng_next(r) >> 32) < s->jump_p32)
		step += (krng_below(r, 2) ? 1 : -1) * s->sig_won * (2 + krng_below(r, 3)) / tick;
	s->bid = clamp64(krx_add_ticks(s->bid, (int)clamp64(step, -100000, 100000)), s->lower, s->upper_bid);

	struct trade *t = &s->cur;
	t->kind = P_CONT;
	t->t = s->day_start + KRX_OPEN_MS + s->minute * 60000LL + off;
	t->bid = s->bid;
	t->ask = krx_add_ticks(s->bid, 1);
	/* Buyers lift the ask on upticks, sellers hit the bid on downticks. */
	uint32_t at_ask = step > 0 ? 70 : step < 0 ? 30 : 50;
	t->price = krng_below(r, 100) < at_ask ? t->ask : t->bid;
	t->volume = trade_size(s);
}

/* Advances s->cur to the symbol's next trade; clears has_cur at the end. */
static void sym_advance(struct gen *g, struct sym *s)
{
	struct trade *t = &s->cur;
	if (t->kind == P_CLOSE) {
		s->prev_close = t->price;
		s->days_done++;
		s->day = next_weekday(s->day + 1);
		if ((g->o.days >= 0 && s->days_done >= g->o.days) || (g->o.to_day >= 0 && s->day > g->o.to_day)) {
			s->has_cur = 0;
			return;
		}
		sym_begin_day(g, s);
		return;
	}
	if (s->cont_done < g->o.tpd - 2) {
		s->cont_done++;
		sym_continuous(g, s);
		return;
	}
	/* Closing auction: one print at 15:30 sharp, a tick or so from the
	 * last trade, with the day's biggest volume. */
	struct krng *r = &s->rng;
	t->kind = P_CLOSE;
	t->t = s->day_start + KRX_CLOSE_MS;
	t->price = clamp64(krx_add_ticks(s->bid, (int)krng_below(r, 3) - 1), s->lower, s->upper);
	t->volume = (int64_t)(40 + krng_below(r, 81)) * DG_AVG_SIZE * s->vol_pct / 100;
	quote_around(s, t);
}

static void out_flush(struct out *o)
{
	if (o->n && !o->failed && fwrite(o->buf, 1, o->n, o->fp) != o->n)
		o->failed = errno ? errno : EIO;
	o->n = 0;
}

static char *put_str(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static char *put_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

static char *put_date(struct out *o, char *p, int32_t day)
{
	if (day != o->day) {
		ktime_format_date(day, o->date, sizeof(o->date));
		o->day = day;
	}
	return put_str(p, o->date, 10);
}

/* "2026-03-02T09:00:00.123+09:00"; ms = false drops ".123". */
static char *put_time(struct out *o, char *p, int32_t day, int64_t t, int ms)
{
	int64_t tod = ktime_kst_ms_of_day(t);
	p = put_date(o, p, day);
	*p++ = 'T';
	p = put2(p, (int)(tod / 3600000));
	*p++ = ':';
	p = put2(p, (int)(tod / 60000 % 60));
	*p++ = ':';
	p = put2(p, (int)(tod / 1000 % 60));
	if (ms) {
		int f = (int)(tod % 1000);
		*p++ = '.';
		*p++ = (char)('0' + f / 100);
		p = put2(p, f % 100);
	}
	return put_str(p, "+09:00", 6);
}

/* Makes room for one row (rows are far shorter than 256 bytes). */
static char *out_row(struct out *o)
{
	if (o->n + 256 > sizeof(o->buf))
		out_flush(o);
	return o->buf + o->n;
}

static void out_end_row(struct out *o, char *p)
{
	*p++ = '\n';
	o->n = (size_t)(p - o->buf);
}

static void write_tick(struct gen *g, const struct sym *s)
{
	const struct trade *t = &s->cur;
	char *p = out_row(&g->out);
	p = put_time(&g->out, p, t->day, t->t, 1);
	*p++ = ',';
	p = put_str(p, s->code, strlen(s->code));
	*p++ = ',';
	p = put_u64(p, (uint64_t)t->price);
	*p++ = ',';
	p = put_u64(p, (uint64_t)t->volume);
	*p++ = ',';
	p = put_u64(p, (uint64_t)t->bid);
	*p++ = ',';
	p = put_u64(p, (uint64_t)t->ask);
	out_end_row(&g->out, p);
}

struct bar {
	int32_t day;
	int64_t t; /* end of the bar */
	int64_t open, high, low, close, volume;
};

static void write_bar(struct gen *g, const struct sym *s, const struct bar *b)
{
	char *p = out_row(&g->out);
	if (g->o.mode == DG_DAILY)
		p = put_date(&g->out, p, b->day);
	else
		p = put_time(&g->out, p, b->day, b->t, 0);
	*p++ = ',';
	p = put_str(p, s->code, strlen(s->code));
	const int64_t v[5] = {b->open, b->high, b->low, b->close, b->volume};
	for (int i = 0; i < 5; i++) {
		*p++ = ',';
		p = put_u64(p, (uint64_t)v[i]);
	}
	out_end_row(&g->out, p);
}

/* Which bar of its day a trade belongs to; the closing print is alone in
 * the last one. Daily mode has a single bar per day. */
static int bar_of(const struct gen *g, const struct trade *t)
{
	if (g->o.mode == DG_DAILY)
		return 0;
	if (t->kind == P_CLOSE)
		return g->nbars;
	return (int)((ktime_kst_ms_of_day(t->t) - KRX_OPEN_MS) / (g->o.bar_minutes * 60000LL));
}

static int64_t bar_end(const struct gen *g, int32_t day, int j)
{
	int64_t e = j >= g->nbars ? KRX_CLOSE_MS : KRX_OPEN_MS + (j + 1) * g->o.bar_minutes * 60000LL;
	if (e > DG_CONT_END_MS && j < g->nbars)
		e = DG_CONT_END_MS;
	return ktime_day_start(day) + e;
}

/* The symbol's next bar, or 0 when its data is exhausted. Minutes with no
 * trade still get a bar (flat at the last price, volume 0) so that every
 * day has the same bars. */
static int sym_next_bar(struct gen *g, struct sym *s, struct bar *b)
{
	int last = g->o.mode == DG_DAILY ? 0 : g->nbars;
	if (s->bar_j > last) {
		if (!s->has_cur)
			return 0;
		s->bar_day = s->cur.day;
		s->bar_j = 0;
	}
	int have = 0;
	b->day = s->bar_day;
	b->t = bar_end(g, s->bar_day, s->bar_j);
	b->volume = 0;
	while (s->has_cur && s->cur.day == s->bar_day && bar_of(g, &s->cur) == s->bar_j) {
		const struct trade *t = &s->cur;
		if (!have) {
			b->open = b->high = b->low = t->price;
			have = 1;
		}
		b->high = t->price > b->high ? t->price : b->high;
		b->low = t->price < b->low ? t->price : b->low;
		b->close = t->price;
		b->volume += t->volume;
		sym_advance(g, s);
	}
	if (!have)
		b->open = b->high = b->low = b->close = s->last_px;
	s->last_px = b->close;
	s->bar_j++;
	return 1;
}

static int run(struct gen *g)
{
	struct opts *o = &g->o;
	struct bar *bars = calloc((size_t)o->nsym, sizeof(*bars));
	int *live = calloc((size_t)o->nsym, sizeof(*live));
	if (!bars || !live) {
		free(bars);
		free(live);
		fprintf(stderr, "kis-datagen: out of memory\n");
		return 1;
	}
	for (int i = 0; i < o->nsym; i++) {
		struct sym *s = &o->syms[i];
		s->bar_j = INT32_MAX / 2; /* forces a fresh day on the first bar */
		s->has_cur = 1;
		sym_begin_day(g, s);
		if (o->mode != DG_TICKS)
			live[i] = sym_next_bar(g, s, &bars[i]);
	}
	fputs(o->mode == DG_TICKS  ? "time,symbol,price,volume,bid,ask\n"
	      : o->mode == DG_BARS ? "time,symbol,open,high,low,close,volume\n"
	                           : "date,symbol,open,high,low,close,volume\n",
	      g->out.fp);
	for (uint64_t rows = 0; !o->total || rows < o->total; rows++) {
		/* Earliest next row; ties go to the symbol listed first. A linear
		 * scan is cheapest for the handful of symbols a file holds. */
		int best = -1;
		int64_t bt = 0;
		for (int i = 0; i < o->nsym; i++) {
			int ok = o->mode == DG_TICKS ? o->syms[i].has_cur : live[i];
			int64_t t = o->mode == DG_TICKS ? o->syms[i].cur.t : bars[i].t;
			if (ok && (best < 0 || t < bt)) {
				best = i;
				bt = t;
			}
		}
		if (best < 0)
			break;
		struct sym *s = &o->syms[best];
		if (o->mode == DG_TICKS) {
			write_tick(g, s);
			sym_advance(g, s);
		} else {
			write_bar(g, s, &bars[best]);
			live[best] = sym_next_bar(g, s, &bars[best]);
		}
	}
	out_flush(&g->out);
	free(bars);
	free(live);
	if (g->out.failed || fflush(g->out.fp) != 0 || ferror(g->out.fp)) {
		fprintf(stderr, "kis-datagen: write failed: %s\n", strerror(g->out.failed ? g->out.failed : errno));
		return 1;
	}
	return 0;
}

static void usage(FILE *fp)
{
	fputs("usage: kis-datagen ticks|bars|daily [options]\n"
	      "  --symbols LIST       comma-separated codes (default 005930)\n"
	      "  --from YYYY-MM-DD    first day; a weekend moves to Monday (default 2026-03-02)\n"
	      "  --to YYYY-MM-DD      last day, inclusive\n"
	      "  --days N             number of weekdays (default 20 unless --to or --total)\n"
	      "  --ticks-per-day N    tick rows per symbol per day, >= 2 (default 1000)\n"
	      "  --total N            stop after N data rows (spans as many days as needed)\n"
	      "  --bar-minutes N      bar length for 'bars', 1..380 (default 1)\n"
	      "  --seed N             random seed (default 1)\n"
	      "  --out FILE           output file (default standard output)\n"
	      "  --help               this text\n"
	      "Weekdays only (no holiday calendar). Same options, same bytes, on any machine.\n",
	      fp);
}

static int bad(const char *fmt, const char *arg)
{
	fputs("kis-datagen: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(see kis-datagen --help)\n", stderr);
	return 2;
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_symbols(struct opts *o, const char *list, struct sym *syms)
{
	int n = 0;
	const char *p = list;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len >= KE_SYMBOL_MAX || n == DG_MAX_SYMBOLS)
			return -1;
		for (size_t i = 0; i < len; i++)
			if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'A' && p[i] <= 'Z') ||
			      (p[i] >= 'a' && p[i] <= 'z')))
				return -1;
		memset(&syms[n], 0, sizeof(syms[n]));
		memcpy(syms[n].code, p, len);
		syms[n].code[len] = '\0';
		for (int i = 0; i < n; i++)
			if (!strcmp(syms[i].code, syms[n].code))
				return -1;
		n++;
		if (!e)
			break;
		p = e + 1;
	}
	o->nsym = n;
	return 0;
}

static int generate(int argc, char **argv, struct gen *g, struct sym *syms)
{
	static const struct option longopts[] = {
	    {"symbols", required_argument, NULL, 's'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 'T'},
	    {"days", required_argument, NULL, 'd'},
	    {"ticks-per-day", required_argument, NULL, 't'},
	    {"total", required_argument, NULL, 'n'},
	    {"bar-minutes", required_argument, NULL, 'b'},
	    {"seed", required_argument, NULL, 'S'},
	    {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct opts *o = &g->o;
	o->seed = 1;
	o->tpd = 1000;
	o->bar_minutes = 1;
	o->days = -1;
	o->to_day = -1;
	o->syms = syms;
	const char *symbols = "005930", *from = "2026-03-02";
	int c;
	uint64_t v;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': symbols = optarg; break;
		case 'f': from = optarg; break;
		case 'T':
			if (ktime_parse_date(optarg, &o->to_day) != KE_OK)
				return bad("--to: expected a date YYYY-MM-DD, got '%s'", optarg);
			break;
		case 'd':
			if (parse_u64(optarg, 1, 1000000, &v))
				return bad("--days: expected 1..1000000, got '%s'", optarg);
			o->days = (long)v;
			break;
		case 't':
			if (parse_u64(optarg, 2, DG_MAX_TPD, &v))
				return bad("--ticks-per-day: expected 2..10000000, got '%s'", optarg);
			o->tpd = (uint32_t)v;
			break;
		case 'n':
			if (parse_u64(optarg, 1, UINT64_MAX, &v))
				return bad("--total: expected a positive number, got '%s'", optarg);
			o->total = v;
			break;
		case 'b':
			if (parse_u64(optarg, 1, DG_SESSION_MIN, &v))
				return bad("--bar-minutes: expected 1..380, got '%s'", optarg);
			o->bar_minutes = (int)v;
			break;
		case 'S':
			if (parse_u64(optarg, 0, UINT64_MAX, &v))
				return bad("--seed: expected a number, got '%s'", optarg);
			o->seed = v;
			break;
		case 'o': o->out_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return bad("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return bad("expected one mode, ticks, bars or daily%s", "");
	const char *mode = argv[optind];
	if (!strcmp(mode, "ticks"))
		o->mode = DG_TICKS;
	else if (!strcmp(mode, "bars"))
		o->mode = DG_BARS;
	else if (!strcmp(mode, "daily"))
		o->mode = DG_DAILY;
	else
		return bad("unknown mode '%s' (expected ticks, bars or daily)", mode);
	if (parse_symbols(o, symbols, syms))
		return bad("--symbols: expected distinct codes of 1-15 letters or digits, at most 64, got '%s'",
		           symbols);
	if (ktime_parse_date(from, &o->from_day) != KE_OK)
		return bad("--from: expected a date YYYY-MM-DD, got '%s'", from);
	o->from_day = next_weekday(o->from_day);
	if (o->days < 0 && o->to_day < 0 && !o->total)
		o->days = 20;
	if (o->to_day >= 0 && o->to_day < o->from_day)
		return bad("--to is before the first weekday of --from%s", "");

	/* U-shaped intensity over the 380 minutes: 13x the midday rate at the
	 * open, 8x into the close (integers: d runs over -379..379). */
	g->wcum[0] = 0;
	for (int m = 0; m < DG_SESSION_MIN; m++) {
		int64_t d = 2 * m - (DG_SESSION_MIN - 1);
		int64_t w = 100 + (m < DG_SESSION_MIN / 2 ? 1200 : 700) * d * d / (379 * 379);
		g->wcum[m + 1] = g->wcum[m] + (uint64_t)w;
	}
	g->nbars = (DG_SESSION_MIN + o->bar_minutes - 1) / o->bar_minutes;
	for (int i = 0; i < o->nsym; i++) {
		struct sym *s = &syms[i];
		krng_seed(&s->rng, o->seed * 0x9e3779b97f4a7c15ULL ^ fnv1a(s->code));
		s->anchor = start_price(s->code);
		s->prev_close = s->anchor;
		s->day = o->from_day;
	}
	g->out.day = INT32_MIN;
	g->out.fp = stdout;
	if (o->out_path && !(g->out.fp = fopen(o->out_path, "w"))) {
		fprintf(stderr, "kis-datagen: %s: %s\n", o->out_path, strerror(errno));
		return 1;
	}
	int rc = run(g);
	if (g->out.fp != stdout && fclose(g->out.fp) != 0 && rc == 0) {
		fprintf(stderr, "kis-datagen: %s: %s\n", o->out_path, strerror(errno));
		rc = 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct gen *g = calloc(1, sizeof(*g));
	struct sym *syms = calloc(DG_MAX_SYMBOLS, sizeof(*syms));
	int rc = 1;
	if (g && syms)
		rc = generate(argc, argv, g, syms);
	else
		fprintf(stderr, "kis-datagen: out of memory\n");
	free(g);
	free(syms);
	return rc;
}
