/*
 * bench_csvfeed.c - throughput of the market data CSV reader.
 *
 * Reads every record of the files given on the command line and prints
 * rows, seconds and rows per second. Build by hand, e.g.
 *   gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I include bench/bench_csvfeed.c \
 *       engine/backtest/csvfeed.c engine/core/ktime.c -o /tmp/bench_csvfeed
 *   kis-datagen ticks --symbols 005930,000660,035420 --total 10000000 --out /tmp/ticks10m.csv
 *   /tmp/bench_csvfeed /tmp/ticks10m.csv
 * Run it twice: the first pass may measure the disk rather than the parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "csvfeed.h"

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_csvfeed FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char err[512];
		struct csvfeed *f;
		double t0 = now_sec();
		if (csvfeed_open(argv[i], &f, err, sizeof(err)) != KE_OK) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		struct md_record rec;
		long long rows = 0;
		int64_t check = 0; /* keeps the compiler from dropping the work */
		int rc;
		while ((rc = csvfeed_next(f, &rec, err, sizeof(err))) == 1) {
			rows++;
			check += rec.price + rec.close + rec.volume + (rec.time & 0xff);
		}
		csvfeed_close(f);
		double dt = now_sec() - t0;
		if (rc < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		printf("%s: %lld rows, %.3f s, %.2f M rows/s (checksum %lld)\n", argv[i], rows, dt,
		       dt > 0 ? (double)rows / dt / 1e6 : 0.0, (long long)check);
	}
	return 0;
}
