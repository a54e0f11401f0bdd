/* envoy_gen_test.c — unit tests for stream/envoy_gen: determinism (same options same bytes,
 * another seed or start other bytes), exact event counts, every line parsed by
 * stream/envoy_parse with no rejects and in start_time order inside the range, realism
 * (routes, namespaces, clients, diurnal curve, status mix), the four incidents showing up in
 * their windows with counts that match the generator's exactly, option checks, and memory.
 */
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "base/hashmap.h"
#include "stream/envoy_gen.h"
#include "stream/envoy_gen_data.h"
#include "stream/envoy_parse.h"
#include "test_util.h"

#define BUF_BYTES ((size_t)1 << 20)

static EnvoyGen *new_gen(Mem *mem, int64_t n_events, int32_t n_days, uint64_t seed)
{
    EnvoyGenOptions opts = envoy_gen_default_options();
    opts.n_events = n_events;
    opts.n_days = n_days;
    opts.seed = seed;
    EnvoyGen *gen = NULL;
    Err err;
    assert_ok(envoy_gen_new(mem, &opts, &gen, &err), &err);
    return gen;
}

/* Hash of the whole output, its length and its line count. */
typedef struct Digest {
    uint64_t hash;
    size_t n_bytes;
    size_t n_lines;
} Digest;

static Digest digest_of(const EnvoyGenOptions *opts, Mem *mem, char *buf)
{
    EnvoyGen *gen = NULL;
    Err err;
    assert_ok(envoy_gen_new(mem, opts, &gen, &err), &err);
    Digest d = {UINT64_C(1469598103934665603), 0, 0};
    while (!envoy_gen_done(gen)) {
        size_t len = envoy_gen_fill(gen, buf, BUF_BYTES, &err);
        assert_true(len > 0);
        assert_int_equal(buf[len - 1], '\n');
        for (size_t i = 0; i < len; i++) {
            d.hash = (d.hash ^ (unsigned char)buf[i]) * UINT64_C(1099511628211);
            d.n_lines += buf[i] == '\n';
        }
        d.n_bytes += len;
    }
    assert_int_equal(envoy_gen_fill(gen, buf, BUF_BYTES, &err), 0);
    assert_int_equal(envoy_gen_n_written(gen), opts->n_events);
    envoy_gen_free(gen);
    return d;
}

static void envoy_gen_routes_match_the_incident_indexes(void **state)
{
    (void)state;
    assert_int_equal(gen_n_routes, 30);
    assert_string_equal(gen_routes[GEN_ROUTE_FRONTEND].name, "frontend");
    assert_string_equal(gen_routes[GEN_ROUTE_CATALOG].name, "catalog");
    assert_string_equal(gen_routes[GEN_ROUTE_LOGIN].name, "login");
    assert_string_equal(gen_routes[GEN_ROUTE_PAYMENTS].name, "payments");
    for (size_t r = 0; r < gen_n_routes; r++) {
        assert_true(gen_routes[r].n_endpoints >= 1 && gen_routes[r].n_endpoints <= 8);
        assert_true(gen_routes[r].n_pods >= 1 && gen_routes[r].n_pods <= 4);
    }
}

static void envoy_gen_is_deterministic(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    char *buf = mem_alloc(&mem, BUF_BYTES, NULL);
    assert_non_null(buf);
    EnvoyGenOptions opts = envoy_gen_default_options();
    opts.n_events = 20000;
    Digest a = digest_of(&opts, &mem, buf);
    Digest b = digest_of(&opts, &mem, buf);
    assert_int_equal(a.hash, b.hash);
    assert_int_equal(a.n_bytes, b.n_bytes);
    assert_int_equal(a.n_lines, 20000);
    opts.seed = 2;
    Digest c = digest_of(&opts, &mem, buf);
    assert_int_not_equal(a.hash, c.hash);
    assert_int_equal(c.n_lines, 20000);
    opts.seed = 1;
    opts.start_us += DATETIME_MICROS_PER_DAY;
    Digest d = digest_of(&opts, &mem, buf);
    assert_int_not_equal(a.hash, d.hash);
    /* a small buffer gives the same bytes as a big one */
    opts = envoy_gen_default_options();
    opts.n_events = 20000;
    EnvoyGen *gen = NULL;
    Err err;
    assert_ok(envoy_gen_new(&mem, &opts, &gen, &err), &err);
    Digest e = {UINT64_C(1469598103934665603), 0, 0};
    while (!envoy_gen_done(gen)) {
        size_t len = envoy_gen_fill(gen, buf, ENVOY_GEN_MAX_LINE_BYTES + 100, &err);
        assert_true(len > 0);
        for (size_t i = 0; i < len; i++) {
            e.hash = (e.hash ^ (unsigned char)buf[i]) * UINT64_C(1099511628211);
        }
    }
    assert_int_equal(e.hash, a.hash);
    assert_int_equal(envoy_gen_fill(gen, buf, ENVOY_GEN_MAX_LINE_BYTES - 1, &err), 0);
    envoy_gen_free(gen);
    mem_free(&mem, buf);
    assert_int_equal(mem_used(&mem), 0);
}

static void envoy_gen_writes_exactly_n_events(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    char *buf = mem_alloc(&mem, BUF_BYTES, NULL);
    assert_non_null(buf);
    static const struct {
        int64_t n_events;
        int32_t n_days;
    } cases[] = {{0, 1}, {1, 1}, {7, 1}, {1439, 1}, {1441, 1}, {5000, 3}, {3, 30}};
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        EnvoyGenOptions opts = envoy_gen_default_options();
        opts.n_events = cases[i].n_events;
        opts.n_days = cases[i].n_days;
        Digest d = digest_of(&opts, &mem, buf);
        assert_int_equal(d.n_lines, (size_t)cases[i].n_events);
    }
    mem_free(&mem, buf);
}

/* What the tests look at, gathered from the parsed columns batch by batch. */
typedef struct Stats {
    EnvoyGen *gen;
    const EnvoyGenIncident *incidents;
    int64_t start_us;
    int64_t end_us;
    int64_t last_ts;
    size_t n_rows;
    size_t n_rejects;
    size_t by_status_class[6]; /* 0xx .. 5xx */
    size_t n_200;
    size_t n_no_route;
    size_t n_direct; /* client_ip from downstream_remote_address */
    size_t n_ipv6;
    size_t n_upstream_dash;
    size_t n_peak;  /* 13:00 .. 17:00 */
    size_t n_night; /* 01:00 .. 05:00 */
    HashMap clients;
    HashMap routes;
    HashMap namespaces;
    HashMap methods;
    /* incidents */
    size_t stuffing_rows;         /* from the attacker IPs */
    size_t stuffing_401;          /* of those, POST /login 401 */
    size_t stuffing_outside;      /* attacker rows outside the window */
    size_t login_401_outside_ips; /* POST /login 401 in the window from others */
    size_t scan_rows;
    size_t scan_404;
    size_t scan_outside;
    HashMap scan_paths;
    size_t slow_rows; /* shop/catalog in the latency window */
    int64_t slow_duration_sum;
    size_t catalog_rows; /* outside the window */
    int64_t catalog_duration_sum;
    size_t failing_rows; /* shop/payments 503/504 on the failing host in the window */
    size_t payments_rows_outside;
    size_t payments_5xx_outside;
    char stuffing_ips[256];
} Stats;

static const ColStr *str_at(const ColVec *cols, EnvoyColumn col, size_t row)
{
    const ColStr *value = &((const ColStr *)cols[col].values)[row];
    return colvec_is_null(&cols[col], row) ? NULL : value;
}

static bool str_is(const ColStr *value, const char *text)
{
    return value && value->len == strlen(text) && memcmp(value->ptr, text, value->len) == 0;
}

static int64_t i64_at(const ColVec *cols, EnvoyColumn col, size_t row)
{
    if (cols[col].type.id == COL_INT32)
        return ((const int32_t *)cols[col].values)[row];
    return ((const int64_t *)cols[col].values)[row];
}

static void count_key(HashMap *map, const ColStr *value)
{
    Err err;
    if (!value)
        return;
    uint64_t n = 0;
    hashmap_get(map, value->ptr, value->len, &n);
    assert_ok(hashmap_put(map, value->ptr, value->len, n + 1, &err), &err);
}

static bool in_window(const EnvoyGenIncident *inc, int64_t ts)
{
    return ts >= inc->start_us && ts < inc->end_us;
}

static bool is_stuffer(const Stats *stats, const ColStr *ip)
{
    if (!ip)
        return false;
    char needle[64];
    snprintf(needle, sizeof needle, ",%.*s,", (int)ip->len, ip->ptr);
    return strstr(stats->stuffing_ips, needle) != NULL;
}

static void account_incidents(Stats *s, const ColVec *cols, size_t row, int64_t ts)
{
    const EnvoyGenIncident *inc = s->incidents;
    const ColStr *ip = str_at(cols, ENVOY_COL_CLIENT_IP, row);
    int64_t code = i64_at(cols, ENVOY_COL_RESPONSE_CODE, row);
    bool is_login_401 = str_is(str_at(cols, ENVOY_COL_PATH, row), "/login") &&
                        str_is(str_at(cols, ENVOY_COL_METHOD, row), "POST") && code == 401;
    if (is_stuffer(s, ip)) {
        s->stuffing_rows++;
        s->stuffing_401 += is_login_401;
        s->stuffing_outside += !in_window(&inc[ENVOY_GEN_CREDENTIAL_STUFFING], ts);
    } else if (is_login_401 && in_window(&inc[ENVOY_GEN_CREDENTIAL_STUFFING], ts)) {
        s->login_401_outside_ips++;
    }
    if (str_is(ip, inc[ENVOY_GEN_PATH_SCAN].client_ips)) {
        s->scan_rows++;
        s->scan_404 += code == 404;
        s->scan_outside += !in_window(&inc[ENVOY_GEN_PATH_SCAN], ts);
        count_key(&s->scan_paths, str_at(cols, ENVOY_COL_PATH, row));
    }
    const ColStr *route = str_at(cols, ENVOY_COL_ROUTE, row);
    const ColStr *ns = str_at(cols, ENVOY_COL_ROUTE_NAMESPACE, row);
    bool is_client_traffic = !str_is(str_at(cols, ENVOY_COL_USER_AGENT, row), "kube-probe/1.31") &&
                             !str_is(str_at(cols, ENVOY_COL_USER_AGENT, row), "Prometheus/2.54.1");
    if (str_is(ns, "shop") && str_is(route, "catalog") && is_client_traffic) {
        int64_t duration = i64_at(cols, ENVOY_COL_RESPONSE_TIME_MS, row);
        if (in_window(&inc[ENVOY_GEN_LATENCY_REGRESSION], ts)) {
            s->slow_rows++;
            s->slow_duration_sum += duration;
        } else if (code == 200) {
            s->catalog_rows++;
            s->catalog_duration_sum += duration;
        }
    }
    if (str_is(ns, "shop") && str_is(route, "payments") && is_client_traffic) {
        bool is_fail =
                (code == 503 || code == 504) && str_is(str_at(cols, ENVOY_COL_UPSTREAM_HOST, row),
                                                       inc[ENVOY_GEN_UPSTREAM_5XX].upstream_host);
        if (in_window(&inc[ENVOY_GEN_UPSTREAM_5XX], ts)) {
            s->failing_rows += is_fail;
        } else {
            s->payments_rows_outside++;
            s->payments_5xx_outside += code >= 500;
        }
    }
}

static void account_row(Stats *s, const ColVec *cols, size_t row)
{
    int64_t ts = ((const int64_t *)cols[ENVOY_COL_EVENT_TIME].values)[row];
    assert_true(ts >= s->last_ts); /* non-decreasing start_time */
    assert_true(ts >= s->start_us && ts < s->end_us);
    s->last_ts = ts;
    s->n_rows++;
    int64_t code = i64_at(cols, ENVOY_COL_RESPONSE_CODE, row);
    assert_true(code >= 0 && code < 600);
    s->by_status_class[code / 100]++;
    s->n_200 += code == 200;
    s->n_no_route += colvec_is_null(&cols[ENVOY_COL_ROUTE_NAME], row);
    s->n_upstream_dash += colvec_is_null(&cols[ENVOY_COL_UPSTREAM_SERVICE_TIME_MS], row);
    const ColStr *ip = str_at(cols, ENVOY_COL_CLIENT_IP, row);
    assert_non_null(ip);
    s->n_ipv6 += memchr(ip->ptr, ':', ip->len) != NULL;
    int64_t hour = (ts - datetime_trunc(ts, DATETIME_DAY)) / DATETIME_MICROS_PER_HOUR;
    s->n_peak += hour >= 13 && hour < 17;
    s->n_night += hour >= 1 && hour < 5;
    count_key(&s->clients, ip);
    count_key(&s->routes, str_at(cols, ENVOY_COL_ROUTE, row));
    count_key(&s->namespaces, str_at(cols, ENVOY_COL_ROUTE_NAMESPACE, row));
    count_key(&s->methods, str_at(cols, ENVOY_COL_METHOD, row));
    account_incidents(s, cols, row, ts);
}

/* Parse every line in buf[0, len) into the batch, accounting each full batch. */
static void parse_buffer(Stats *s, EnvoyBatch *batch, const char *buf, size_t len, bool is_last)
{
    const char *p = buf;
    const char *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        assert_non_null(nl);
        Err err;
        if (envoy_batch_add_line(batch, p, (size_t)(nl - p), &err) != ERR_OK) {
            s->n_rejects++;
            fail_msg("generated line rejected: %s: %.*s", err.msg, (int)(nl - p), p);
        }
        p = nl + 1;
        if (envoy_batch_is_full(batch) || (is_last && p == end)) {
            const ColVec *cols = envoy_batch_columns(batch);
            for (size_t row = 0; row < envoy_batch_n_rows(batch); row++) {
                account_row(s, cols, row);
            }
            envoy_batch_reset(batch);
        }
    }
}

static void gather(Stats *s, Mem *mem, int64_t n_events, int32_t n_days, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    hashmap_init(&s->clients, mem);
    hashmap_init(&s->routes, mem);
    hashmap_init(&s->namespaces, mem);
    hashmap_init(&s->methods, mem);
    hashmap_init(&s->scan_paths, mem);
    EnvoyGen *gen = new_gen(mem, n_events, n_days, seed);
    s->incidents = envoy_gen_incidents(gen);
    s->start_us = ENVOY_GEN_DEFAULT_START_US;
    s->end_us = s->start_us + n_days * DATETIME_MICROS_PER_DAY;
    s->last_ts = INT64_MIN;
    snprintf(s->stuffing_ips, sizeof s->stuffing_ips, ",%s,",
             s->incidents[ENVOY_GEN_CREDENTIAL_STUFFING].client_ips);
    EnvoyBatch *batch = NULL;
    Err err;
    assert_ok(envoy_batch_new(mem, 4096, &batch, &err), &err);
    char *buf = mem_alloc(mem, BUF_BYTES, NULL);
    assert_non_null(buf);
    while (!envoy_gen_done(gen)) {
        size_t len = envoy_gen_fill(gen, buf, BUF_BYTES, &err);
        parse_buffer(s, batch, buf, len, envoy_gen_done(gen));
    }
    mem_free(mem, buf);
    envoy_batch_free(batch);
    s->gen = gen; /* keeps s->incidents valid until release() */
}

static void release(Stats *s)
{
    envoy_gen_free(s->gen);
    hashmap_fini(&s->clients);
    hashmap_fini(&s->routes);
    hashmap_fini(&s->namespaces);
    hashmap_fini(&s->methods);
    hashmap_fini(&s->scan_paths);
}

static void envoy_gen_output_parses_and_looks_like_traffic(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Stats s;
    gather(&s, &mem, 100000, 1, 1);
    assert_int_equal(s.n_rows, 100000);
    assert_int_equal(s.n_rejects, 0);
    assert_true(hashmap_count(&s.clients) > 2000);
    assert_int_equal(hashmap_count(&s.routes), 30);
    assert_int_equal(hashmap_count(&s.namespaces), 5);
    assert_true(hashmap_count(&s.methods) >= 5);
    assert_true(s.n_200 > s.n_rows / 2);
    assert_true(s.by_status_class[3] > 500);
    assert_true(s.by_status_class[4] > 1000);
    assert_true(s.by_status_class[5] > 50 && s.by_status_class[5] < s.n_rows / 20);
    assert_true(s.by_status_class[0] > 0); /* DC */
    assert_true(s.n_no_route > 0 && s.n_no_route < s.n_rows / 100);
    assert_true(s.n_upstream_dash > 0 && s.n_upstream_dash < s.n_rows / 20);
    assert_true(s.n_ipv6 > 1000);
    assert_true(s.n_peak > 4 * s.n_night); /* diurnal curve */
    release(&s);
}

static void envoy_gen_injects_the_incidents(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Stats s;
    gather(&s, &mem, 100000, 1, 1);
    const EnvoyGenIncident *inc = s.incidents;
    for (int kind = 0; kind < ENVOY_GEN_N_INCIDENTS; kind++) {
        assert_int_equal(inc[kind].kind, kind);
        assert_int_equal(inc[kind].end_us - inc[kind].start_us, 20 * DATETIME_MICROS_PER_MINUTE);
        assert_true(inc[kind].start_us >= s.start_us && inc[kind].end_us <= s.end_us);
    }
    assert_string_equal(inc[ENVOY_GEN_CREDENTIAL_STUFFING].name, "credential_stuffing");
    /* credential stuffing: hundreds of POST /login 401s from six IPs, only in the window */
    assert_int_equal(s.stuffing_rows, inc[ENVOY_GEN_CREDENTIAL_STUFFING].n_events);
    assert_int_equal(s.stuffing_outside, 0);
    assert_true(s.stuffing_401 > 300);
    assert_true(s.stuffing_401 > 0.9 * (double)s.stuffing_rows);
    assert_true(s.stuffing_401 > 20 * s.login_401_outside_ips);
    /* path scan: one IP, hundreds of distinct paths, all 404, only in the window */
    assert_int_equal(s.scan_rows, inc[ENVOY_GEN_PATH_SCAN].n_events);
    assert_true(s.scan_rows > 200);
    assert_int_equal(s.scan_404, s.scan_rows);
    assert_int_equal(s.scan_outside, 0);
    assert_int_equal(hashmap_count(&s.scan_paths), s.scan_rows);
    /* latency regression: shop/catalog ten times slower in its window */
    assert_int_equal(s.slow_rows, inc[ENVOY_GEN_LATENCY_REGRESSION].n_events);
    assert_true(s.slow_rows > 100);
    double slow_mean = (double)s.slow_duration_sum / (double)s.slow_rows;
    double normal_mean = (double)s.catalog_duration_sum / (double)s.catalog_rows;
    assert_true(slow_mean > 5 * normal_mean);
    /* upstream 5xx: most shop/payments requests fail on one host in the window */
    assert_int_equal(s.failing_rows, inc[ENVOY_GEN_UPSTREAM_5XX].n_events);
    assert_true(s.failing_rows > 30);
    assert_true(s.payments_5xx_outside < s.payments_rows_outside / 50 + 1);
    release(&s);
}

static void envoy_gen_spreads_days_and_keeps_order(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Stats s;
    gather(&s, &mem, 30000, 7, 42); /* order and range are asserted per row */
    assert_int_equal(s.n_rows, 30000);
    assert_true(s.last_ts > s.start_us + 6 * DATETIME_MICROS_PER_DAY);
    assert_true(s.scan_rows > 0 && s.stuffing_rows > 0);
    release(&s);
    assert_int_equal(mem_used(&mem), 0);
}

static void envoy_gen_checks_its_options(void **state)
{
    (void)state;
    Err err;
    EnvoyGen *gen = NULL;
    EnvoyGenOptions opts = envoy_gen_default_options();
    assert_int_equal(opts.n_events, 100000);
    assert_int_equal(opts.n_days, 1);
    assert_int_equal(opts.seed, 1);
    char text[DATETIME_FORMAT_CAP];
    datetime_format(opts.start_us, DATETIME_RFC3339_TRIM, text, sizeof text);
    assert_string_equal(text, "2026-11-01T00:00:00Z");
    opts.n_events = -1;
    assert_int_equal(envoy_gen_new(NULL, &opts, &gen, &err), ERR_INVALID);
    assert_string_equal(err.msg, "number of events -1 must not be negative");
    opts = envoy_gen_default_options();
    opts.n_days = 0;
    assert_int_equal(envoy_gen_new(NULL, &opts, &gen, &err), ERR_INVALID);
    assert_string_equal(err.msg, "number of days 0 is out of range 1..3660");
    opts.n_days = ENVOY_GEN_MAX_DAYS + 1;
    assert_int_equal(envoy_gen_new(NULL, &opts, &gen, &err), ERR_INVALID);
    opts = envoy_gen_default_options();
    opts.start_us = INT64_MIN / 2;
    assert_int_equal(envoy_gen_new(NULL, &opts, &gen, &err), ERR_INVALID);
    assert_string_equal(err.msg, "start time is outside the years 0000..9989");
    assert_null(gen);
    envoy_gen_free(NULL);
}

static void envoy_gen_fails_cleanly_without_memory(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    EnvoyGenOptions opts = envoy_gen_default_options();
    opts.n_events = 10;
    for (long n = 1;; n++) {
        mem_fail_at(&mem, n);
        EnvoyGen *gen = NULL;
        Err err;
        ErrCode rc = envoy_gen_new(&mem, &opts, &gen, &err);
        if (rc == ERR_OK) {
            mem_fail_at(&mem, 0);
            envoy_gen_free(gen);
            break;
        }
        assert_int_equal(rc, ERR_NOMEM);
        assert_null(gen);
        assert_int_equal(mem_used(&mem), 0);
    }
    EnvoyGen *gen = new_gen(&mem, 10, 1, 1);
    char buf[ENVOY_GEN_MAX_LINE_BYTES * 2];
    Err err;
    err_init(&err);
    mem_fail_at(&mem, 1); /* the first minute's scratch */
    while (envoy_gen_fill(gen, buf, sizeof buf, &err) > 0) {
    }
    assert_false(envoy_gen_done(gen));
    assert_int_equal(err.code, ERR_NOMEM);
    envoy_gen_free(gen);
    assert_int_equal(mem_used(&mem), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(envoy_gen_routes_match_the_incident_indexes),
            cmocka_unit_test(envoy_gen_is_deterministic),
            cmocka_unit_test(envoy_gen_writes_exactly_n_events),
            cmocka_unit_test(envoy_gen_output_parses_and_looks_like_traffic),
            cmocka_unit_test(envoy_gen_injects_the_incidents),
            cmocka_unit_test(envoy_gen_spreads_days_and_keeps_order),
            cmocka_unit_test(envoy_gen_checks_its_options),
            cmocka_unit_test(envoy_gen_fails_cleanly_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
