/*
 * bench_csvfeed.c - throughput of the market data CSV reader.
 *
 * Reads every record of the files given on the command line and prints
 * rows, seconds and rows per second (wall clock, and the process's CPU
 * time, which a busy or virtual machine disturbs less). -r N reads each
 * file N times and also prints the best pass. Build by hand, e.g.
 *   gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I include bench/bench_csvfeed.c \
 *       engine/backtest/csvfeed.c engine/core/ktime.c -o /tmp/bench_csvfeed
 *   kis-datagen ticks --symbols 005930,000660,035420 --total 10000000 --out /tmp/ticks10m.csv
 *   /tmp/bench_csvfeed -r 5 /tmp/ticks10m.csv
 * The first pass may measure the disk rather than the parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csvfeed.h"

static double clock_sec(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass over path; 0 on success. */
static int one_pass(const char *path, long long *rows, double *wall, double *cpu)
{
	char err[512];
	struct csvfeed *f;
	double w0 = clock_sec(CLOCK_MONOTONIC), c0 = clock_sec(CLOCK_PROCESS_CPUTIME_ID);
	if (csvfeed_open(path, &f, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct md_record rec;
	long long n = 0;
	int64_t check = 0; /* keeps the compiler from dropping the work */
	int rc;
	while ((rc = csvfeed_next(f, &rec, err, sizeof(err))) == 1) {
		n++;
		check += rec.price + rec.close + rec.volume + (rec.time & 0xff) + rec.symbol[5];
	}
	csvfeed_close(f);
	*wall = clock_sec(CLOCK_MONOTONIC) - w0;
	*cpu = clock_sec(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	*rows = n;
	printf("%s: %lld rows, %.3f s, %.2f M rows/s (cpu %.3f s, %.2f M rows/s) [check %lld]\n", path, n, *wall,
	       *wall > 0 ? (double)n / *wall / 1e6 : 0.0, *cpu, *cpu > 0 ? (double)n / *cpu / 1e6 : 0.0,
	       (long long)check);
	return 0;
}

int main(int argc, char **argv)
{
	int repeat = 1, i = 1;
	if (argc > 2 && !strcmp(argv[1], "-r")) {
		repeat = atoi(argv[2]);
		i = 3;
	}
	if (i >= argc || repeat < 1) {
		fprintf(stderr, "usage: bench_csvfeed [-r N] FILE...\n");
		return 2;
	}
	for (; i < argc; i++) {
		double best = 0, best_cpu = 0;
		long long rows = 0;
		for (int k = 0; k < repeat; k++) {
			double wall, cpu;
			if (one_pass(argv[i], &rows, &wall, &cpu))
				return 1;
			if (k == 0 || wall < best)
				best = wall;
			if (k == 0 || cpu < best_cpu)
				best_cpu = cpu;
		}
		if (repeat > 1)
			printf("%s: best of %d: %.2f M rows/s wall, %.2f M rows/s cpu\n", argv[i], repeat,
			       best > 0 ? (double)rows / best / 1e6 : 0.0,
			       best_cpu > 0 ? (double)rows / best_cpu / 1e6 : 0.0);
	}
	return 0;
}
