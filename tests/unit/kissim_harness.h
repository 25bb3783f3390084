/*
 * kissim_harness.h - kis-sim started and stopped by a test, and the engine's
 * KIS client on a libuv loop pointed at it. Shared by test_kis_client.c and
 * test_kis_broker.c (header-only: each test program includes it once).
 *
 * Ports come from the pid and a per-program base, so test programs running
 * in parallel do not collide. The market clock of the client follows the
 * replay (kis-sim --speed 1 from a fixed start), so "today" is the replayed
 * date.
 */
#ifndef KISSIM_HARNESS_H
#define KISSIM_HARNESS_H

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "kis_client.h"
#include "ktime.h"
#include "simacct.h"

#ifndef KE_BINARY_DIR
#define KE_BINARY_DIR "build"
#endif
#ifndef KE_SOURCE_DIR
#define KE_SOURCE_DIR "."
#endif

/* What a failed test leaves behind, killed by ksim_teardown (cmocka jumps
 * out of a failing test, past its own ksim_stop). */
struct ksim_guard {
	pid_t pid;
	char dir[64];
};

static inline int ksim_setup(void **state)
{
	*state = calloc(1, sizeof(struct ksim_guard));
	return *state ? 0 : -1;
}

static inline void ksim_rm_tree(const char *dir);

static inline int ksim_teardown(void **state)
{
	struct ksim_guard *g = *state;
	if (g && g->pid > 0) {
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
	}
	if (g && g->dir[0])
		ksim_rm_tree(g->dir);
	free(g);
	return 0;
}

struct ksim {
	struct ksim_guard *guard;
	pid_t pid;
	int rest_port, ws_port;
	char base_url[64];
	char ws_url[64];
	char dir[64]; /* scratch: token cache, faults files, logs */
	char cache_dir[128];
	int64_t start_ms;    /* market time at launch */
	int64_t launched_ns; /* CLOCK_MONOTONIC at launch */
	struct simacct_account acct;
	struct kis_credentials cred;
};

static inline void ksim_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static inline int64_t ksim_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int ksim_port_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

/* A port nobody listens on now: the kernel picks it, so test programs run
 * in parallel never meet (the tiny window before kis-sim binds it is the
 * only risk, and kis-sim then fails loudly). */
static inline int ksim_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		fail_msg("cannot find a free port");
	close(fd);
	return ntohs(a.sin_port);
}

/* The replay's market clock: start + elapsed wall time (speed 1). */
static inline int64_t ksim_market_ms(void *ud)
{
	const struct ksim *s = ud;
	return s->start_ms + (ksim_mono_ns() - s->launched_ns) / 1000000;
}

/* extra: more kis-sim arguments, NULL-terminated (may be NULL). state: the
 * test's ksim_guard. */
static inline void ksim_start(struct ksim *s, void **state, const char *env, const char *start,
                              const char *const *extra)
{
	memset(s, 0, sizeof(*s));
	s->guard = *state;
	s->rest_port = ksim_free_port();
	do
		s->ws_port = ksim_free_port();
	while (s->ws_port == s->rest_port);
	snprintf(s->base_url, sizeof(s->base_url), "http://127.0.0.1:%d", s->rest_port);
	snprintf(s->ws_url, sizeof(s->ws_url), "ws://127.0.0.1:%d", s->ws_port);
	snprintf(s->dir, sizeof(s->dir), "/tmp/kissim-XXXXXX");
	if (!mkdtemp(s->dir))
		fail_msg("mkdtemp failed");
	snprintf(s->guard->dir, sizeof(s->guard->dir), "%s", s->dir);
	snprintf(s->cache_dir, sizeof(s->cache_dir), "%s/cache", s->dir);
	struct simacct_list l;
	simacct_default(&l);
	s->acct = l.acct[0];
	memset(&s->cred, 0, sizeof(s->cred));
	snprintf(s->cred.app_key, sizeof(s->cred.app_key), "%s", s->acct.app_key);
	snprintf(s->cred.app_secret, sizeof(s->cred.app_secret), "%s", s->acct.app_secret);
	snprintf(s->cred.cano, sizeof(s->cred.cano), "%s", s->acct.cano);
	snprintf(s->cred.prdt, sizeof(s->cred.prdt), "%s", s->acct.prdt);
	snprintf(s->cred.hts_id, sizeof(s->cred.hts_id), "%s", s->acct.hts_id);
	if (ktime_parse_iso(start, strlen(start), 0, &s->start_ms) != KE_OK)
		fail_msg("bad start %s", start);
	char rp[16], wp[16];
	snprintf(rp, sizeof(rp), "%d", s->rest_port);
	snprintf(wp, sizeof(wp), "%d", s->ws_port);
	const char *argv[40] = {"kis-sim",
	                        "--data",
	                        KE_SOURCE_DIR "/backtest-data/sample_ticks.csv",
	                        "--speed",
	                        "1",
	                        "--start",
	                        start,
	                        "--env",
	                        env,
	                        "--rest-port",
	                        rp,
	                        "--ws-port",
	                        wp};
	int argc = 13;
	for (int i = 0; extra && extra[i] && argc < 39; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	s->launched_ns = ksim_mono_ns();
	s->pid = fork();
	if (s->pid < 0)
		fail_msg("fork failed");
	if (s->pid == 0) {
		/* If the test dies (an ASan abort skips every teardown), so does its
		 * server: an orphan would hold ctest's output pipe open. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(KE_BINARY_DIR "/kis-sim", (char *const *)argv);
		_exit(127);
	}
	s->guard->pid = s->pid;
	for (int i = 0; i < 400 && !(ksim_port_open(s->rest_port) && ksim_port_open(s->ws_port)); i++) {
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->guard->pid = 0;
			fail_msg("kis-sim exited at start (port %d taken?)", s->rest_port);
		}
		ksim_sleep_ms(25);
	}
	if (!ksim_port_open(s->rest_port))
		fail_msg("kis-sim did not start on port %d", s->rest_port);
}

static inline void ksim_rm_tree(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static inline void ksim_stop(struct ksim *s)
{
	int st = 0;
	kill(s->pid, SIGTERM);
	waitpid(s->pid, &st, 0);
	s->guard->pid = 0;
	ksim_rm_tree(s->dir);
	s->guard->dir[0] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("kis-sim did not stop cleanly (status %d)", st);
}

/* ---- plain libcurl for kis-sim's own endpoints (not the client under test) ---- */

struct ksim_buf {
	char *p;
	size_t n;
};

static inline size_t ksim_on_body(char *p, size_t size, size_t n, void *ud)
{
	struct ksim_buf *b = ud;
	size_t k = size * n;
	char *q = realloc(b->p, b->n + k + 1);
	if (!q)
		return 0;
	memcpy(q + b->n, p, k);
	b->p = q;
	b->n += k;
	b->p[b->n] = '\0';
	return k;
}

/* GET /_sim/state as a cJSON document (caller frees). */
static cJSON *ksim_state(const struct ksim *s)
{
	char url[128];
	snprintf(url, sizeof(url), "%s/_sim/state", s->base_url);
	struct ksim_buf b = {0};
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, ksim_on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK || !b.p)
		fail_msg("GET /_sim/state failed");
	cJSON *j = cJSON_Parse(b.p);
	free(b.p);
	if (!j)
		fail_msg("/_sim/state is not JSON");
	return j;
}

/* A number at a dotted path ("auth.tokens_issued"). */
static inline int64_t ksim_state_num(const struct ksim *s, const char *path)
{
	cJSON *root = ksim_state(s);
	const cJSON *j = root;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *tok = strtok(buf, "."); tok && j; tok = strtok(NULL, "."))
		j = cJSON_GetObjectItemCaseSensitive(j, tok);
	if (!cJSON_IsNumber(j))
		fail_msg("/_sim/state has no number at %s", path);
	int64_t v = (int64_t)j->valuedouble;
	cJSON_Delete(root);
	return v;
}

/* POST /_sim/faults with a JSON document. */
static inline void ksim_faults(const struct ksim *s, const char *json)
{
	char url[128];
	snprintf(url, sizeof(url), "%s/_sim/faults", s->base_url);
	struct ksim_buf b = {0};
	CURL *h = curl_easy_init();
	struct curl_slist *hd = curl_slist_append(NULL, "content-type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, ksim_on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	curl_slist_free_all(hd);
	if (rc != CURLE_OK || code != 200)
		fail_msg("POST /_sim/faults failed (%ld): %s", code, b.p ? b.p : "");
	free(b.p);
}

/* ---- the client under test ---- */

static inline void ksim_client_config(struct ksim *s, struct kis_client_config *cfg)
{
	kis_client_config_default(cfg, KIS_ENV_MOCK);
	cfg->base_url = s->base_url;
	cfg->ws_url = s->ws_url;
	cfg->cache_dir = s->cache_dir;
	cfg->market_ms = ksim_market_ms;
	cfg->market_ud = s;
}

static struct kis_client *ksim_client(struct ksim *s, uv_loop_t *loop, const struct kis_client_config *cfg)
{
	struct kis_client *c = NULL;
	char err[512] = "";
	int rc = kis_client_new(loop, cfg, &s->cred, &c, err, sizeof(err));
	if (rc != KE_OK)
		fail_msg("kis_client_new: %d %s", rc, err);
	return c;
}

static void ksim_on_tick(uv_timer_t *t)
{
	(void)t;
}

static void ksim_on_tick_closed(uv_handle_t *h)
{
	free(h);
}

/* Run one turn of the loop, never blocking longer than 5 ms: a callback
 * that ran from a timer does not end UV_RUN_ONCE's poll by itself, so a
 * ticking timer keeps the waiting loops below responsive. */
static inline void ksim_turn(uv_loop_t *loop)
{
	uv_timer_t *t = malloc(sizeof(*t));
	if (!t)
		fail_msg("out of memory");
	uv_timer_init(loop, t);
	uv_timer_start(t, ksim_on_tick, 5, 0);
	uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)t, ksim_on_tick_closed);
	uv_run(loop, UV_RUN_NOWAIT);
}

/* Run the loop until *flag is set or ms pass. */
static inline int ksim_run_until(uv_loop_t *loop, const int *flag, long ms)
{
	int64_t end = ksim_mono_ns() + (int64_t)ms * 1000000;
	while (!*flag && ksim_mono_ns() < end)
		ksim_turn(loop);
	return *flag;
}

/* Close the client and drain the loop (ASan then sees every free). */
static inline void ksim_client_close(struct kis_client *c, uv_loop_t *loop)
{
	kis_client_close(c);
	uv_run(loop, UV_RUN_DEFAULT);
}

#endif
