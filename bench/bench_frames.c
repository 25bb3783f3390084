/*
 * bench_frames.c - cost of reading H0STCNT0 data frames: the two-record
 * example of kis-protocol.md §5.8, split and read into kis_trade records N
 * times (kis_frame_split + kis_frame_trades, as the WebSocket client does
 * per frame). Prints frames/s and records/s.
 *
 *   gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude bench/bench_frames.c \
 *       engine/kis/kis_frame.c engine/core/ke_common.c -lcjson -o /tmp/bench_frames
 *   /tmp/bench_frames [N]      default N = 5000000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kis_frame.h"

static const char FRAME[] =
    "0|H0STCNT0|002|005930^093015^71200^2^1200^1.71^70950.12^70500^71300^70400^71200^71100^15^3124567^"
    "221687654300^10234^11890^1656^118.23^1402311^1658000^1^53.10^41.20^090000^2^700^092811^5^-100^090312^2^"
    "800^20260302^20^N^35120^80233^812345^1203456^0.05^2987650^104.58^0^^70500^005930^093015^71100^2^1100^"
    "1.57^70950.15^70500^71300^70400^71200^71100^3^3124570^221687867600^10235^11890^1655^118.23^1402314^"
    "1658000^5^53.10^41.20^090000^2^600^092811^5^-200^090312^2^700^20260302^20^N^35120^80230^812345^1203453^"
    "0.05^2987650^104.58^0^^70500";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 5000000;
	if (n <= 0) {
		fprintf(stderr, "usage: bench_frames [N > 0]\n");
		return 2;
	}
	size_t len = strlen(FRAME);
	struct kis_trade t[KIS_FRAME_MAX_RECORDS];
	char err[160];
	int64_t records = 0, check = 0;

	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		struct kis_data_frame f;
		int got = 0;
		if (kis_frame_split(FRAME, len, &f, err, sizeof(err)) != KE_OK ||
		    kis_frame_trades(&f, t, KIS_FRAME_MAX_RECORDS, &got, err, sizeof(err)) != KE_OK) {
			fprintf(stderr, "bench_frames: %s\n", err);
			return 1;
		}
		records += got;
		for (int r = 0; r < got; r++)
			check += t[r].volume; /* keeps the work observable */
	}
	double dt = now_s() - t0;

	/* 15 + 3 shares per frame. */
	if (check != (int64_t)n * 18) {
		fprintf(stderr, "bench_frames: wrong volume sum %lld\n", (long long)check);
		return 1;
	}
	printf("H0STCNT0 (%zu bytes, 2 records): %ld frames in %.3f s: %.2f M frames/s, %.2f M records/s, "
	       "%.0f ns/frame, %.0f MB/s\n",
	       len, n, dt, (double)n / dt / 1e6, (double)records / dt / 1e6, dt / (double)n * 1e9,
	       (double)n * (double)len / dt / 1e6);
	return 0;
}
