/* pq_bench.c — the tarn side of bench/parquet (driven by bench/parquet/run.mjs).
 *
 *   pq_bench write OUT.parquet [--rows N] [--codec C] [--threads T] [--seed S]
 *       Generates Envoy-like access-log rows (the columns of DESIGN.md §5) batch by batch
 *       and writes them with pq_writer. Only the writer's time is measured (generation of
 *       each batch is excluded). Prints one JSON object: rows, seconds, rows_per_s,
 *       file_bytes, peak_rss_kb.
 *   pq_bench read FILE [--threads T]
 *       Decodes every column of every row group with pq_reader (row groups claimed by T
 *       threads from a shared counter, as the executor's scan will) and computes the
 *       minimum of every column, the same work the DuckDB side does with
 *       SELECT min(col), ... . Prints rows, seconds, rows_per_s, peak_rss_kb and a
 *       checksum of the minimums.
 *
 * The data is deterministic for a seed: ~30 routes with Zipf-like popularity, a few
 * thousand client IPs, 20 user agents, mostly-200 status codes with 4xx/5xx tails,
 * lognormal-ish latencies, unique request ids, time increasing with jitter over a day.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/arena.h"
#include "base/colvec.h"
#include "format/pq_reader.h"
#include "format/pq_writer.h"

#define BENCH_BATCH_ROWS 65536
#define N_ROUTES         30
#define N_COLS           20

typedef struct Rng {
    uint64_t state;
} Rng;

static uint64_t rng_next(Rng *rng)
{
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_unit(Rng *rng)
{
    return (double)(rng_next(rng) >> 11) / 9007199254740992.0;
}

/* Zipf-like pick in [0, n): low indices are much more popular. */
static uint32_t rng_zipf(Rng *rng, uint32_t n)
{
    double u = rng_unit(rng);
    return (uint32_t)((double)n * u * u * u) % n;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static const char *const methods[] = {"GET",  "GET",  "GET", "GET",    "GET",   "GET", "GET",
                                      "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
static const char *const namespaces[] = {"shop", "payments", "identity", "media", "ml"};
static const char *const route_names[N_ROUTES] = {
        "frontend",  "api",      "checkout", "cart",      "catalog",  "search",
        "login",     "token",    "profile",  "images",    "video",    "thumbs",
        "predict",   "embed",    "rank",     "orders",    "invoices", "refunds",
        "users",     "sessions", "reviews",  "inventory", "shipping", "tracking",
        "recommend", "feedback", "metrics",  "webhooks",  "admin",    "health"};
static const char *const agents[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 Safari/17.2",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) Mobile/15E148",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Go-http-client/2.0",
        "okhttp/4.12.0",
        "kube-probe/1.29",
        "Prometheus/2.48.1",
        "axios/1.6.2",
        "node-fetch/1.0",
        "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
        "grpc-go/1.60.1",
        "Wget/1.21.4",
        "PostmanRuntime/7.36.0",
        "k6/0.48.0",
        "Apache-HttpClient/4.5.14",
        "Dalvik/2.1.0 (Linux; U; Android 14)",
        "Slackbot 1.0"};
static const char *const flags[] = {"-", "-", "-",  "-",  "-",  "-",  "-",
                                    "-", "-", "UF", "UO", "NR", "UT", "DC"};

typedef struct Batch {
    ColVec cols[N_COLS];
} Batch;

static const PqColumnSpec specs[N_COLS] = {
        {"event_time", {COL_TIMESTAMPTZ, 0, 0, 0}, false, 1, PQ_CHOOSE_AUTO, false, 0},
        {"method", {COL_STRING, 0, 0, 0}, false, 2, PQ_CHOOSE_AUTO, false, 0},
        {"path", {COL_STRING, 0, 0, 0}, false, 3, PQ_CHOOSE_AUTO, false, 0},
        {"protocol", {COL_STRING, 0, 0, 0}, false, 4, PQ_CHOOSE_AUTO, false, 0},
        {"response_code", {COL_INT32, 0, 0, 0}, false, 5, PQ_CHOOSE_AUTO, false, 0},
        {"response_flags", {COL_STRING, 0, 0, 0}, false, 6, PQ_CHOOSE_AUTO, false, 0},
        {"response_code_details", {COL_STRING, 0, 0, 0}, false, 7, PQ_CHOOSE_AUTO, false, 0},
        {"bytes_received", {COL_INT64, 0, 0, 0}, false, 8, PQ_CHOOSE_AUTO, false, 0},
        {"bytes_sent", {COL_INT64, 0, 0, 0}, false, 9, PQ_CHOOSE_AUTO, false, 0},
        {"response_time_ms", {COL_INT32, 0, 0, 0}, false, 10, PQ_CHOOSE_AUTO, false, 0},
        {"upstream_service_time_ms", {COL_INT32, 0, 0, 0}, true, 11, PQ_CHOOSE_AUTO, false, 0},
        {"client_ip", {COL_STRING, 0, 0, 0}, false, 12, PQ_CHOOSE_AUTO, false, 0},
        {"user_agent", {COL_STRING, 0, 0, 0}, false, 13, PQ_CHOOSE_AUTO, false, 0},
        {"request_id", {COL_STRING, 0, 0, 0}, false, 14, PQ_CHOOSE_AUTO, false, 0},
        {"authority", {COL_STRING, 0, 0, 0}, false, 15, PQ_CHOOSE_AUTO, false, 0},
        {"upstream_host", {COL_STRING, 0, 0, 0}, false, 16, PQ_CHOOSE_AUTO, false, 0},
        {"upstream_cluster", {COL_STRING, 0, 0, 0}, false, 17, PQ_CHOOSE_AUTO, false, 0},
        {"route_name", {COL_STRING, 0, 0, 0}, false, 18, PQ_CHOOSE_AUTO, false, 0},
        {"route_namespace", {COL_STRING, 0, 0, 0}, false, 19, PQ_CHOOSE_AUTO, false, 0},
        {"route", {COL_STRING, 0, 0, 0}, false, 20, PQ_CHOOSE_AUTO, false, 0},
};

static ColStr arena_str(Arena *arena, const char *text, size_t len)
{
    char *copy = arena_strndup(arena, text, len);
    return (ColStr){(uint32_t)(copy ? len : 0), copy ? copy : ""};
}

static ColStr const_str(const char *text)
{
    return (ColStr){(uint32_t)strlen(text), text};
}

static ColStr fmt_str(Arena *arena, const char *fmt, ...) TN_PRINTF(2, 3);

static ColStr fmt_str(Arena *arena, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return arena_str(arena, buf, n < 0 ? 0 : TN_MIN((size_t)n, sizeof buf - 1));
}

/* Fill `batch` with n rows starting at row index `first_row`. */
static ErrCode gen_batch(Arena *arena, Rng *rng, int64_t first_row, size_t n, int64_t start_us,
                         Batch *batch, Err *err)
{
    for (int c = 0; c < N_COLS; c++) {
        ErrCode rc =
                colvec_alloc(arena, specs[c].type, n, specs[c].is_nullable, &batch->cols[c], err);
        if (rc != ERR_OK)
            return rc;
    }
    int64_t *event_time = batch->cols[0].values;
    int32_t *code = batch->cols[4].values;
    int64_t *received = batch->cols[7].values;
    int64_t *sent = batch->cols[8].values;
    int32_t *latency = batch->cols[9].values;
    int32_t *upstream_ms = batch->cols[10].values;
    ColStr *s[N_COLS];
    for (int c = 0; c < N_COLS; c++) {
        s[c] = batch->cols[c].values;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t row = first_row + (int64_t)i;
        uint32_t route = rng_zipf(rng, N_ROUTES);
        const char *ns = namespaces[route % TN_ARRAY_LEN(namespaces)];
        /* ~23 requests per second over a day for 2M rows, with jitter */
        event_time[i] = start_us + row * 43200 + (int64_t)(rng_next(rng) % 40000);
        s[1][i] = const_str(methods[rng_next(rng) % TN_ARRAY_LEN(methods)]);
        uint64_t r = rng_next(rng);
        switch (r % 4) {
        case 0:
            s[2][i] = fmt_str(arena, "/%s/v1/items/%u", route_names[route],
                              (unsigned)(r >> 8) % 50000);
            break;
        case 1:
            s[2][i] = fmt_str(arena, "/%s/v1/users/%u/orders", route_names[route],
                              (unsigned)(r >> 8) % 20000);
            break;
        default:
            s[2][i] = fmt_str(arena, "/%s/v1/list", route_names[route]);
            break;
        }
        s[3][i] = const_str(r % 10 < 7 ? "HTTP/1.1" : "HTTP/2");
        uint32_t status_pick = (uint32_t)(rng_next(rng) % 1000);
        code[i] = status_pick < 900   ? 200
                  : status_pick < 930 ? 201
                  : status_pick < 950 ? 304
                  : status_pick < 970 ? 404
                  : status_pick < 980 ? 401
                  : status_pick < 990 ? 500
                  : status_pick < 996 ? 503
                                      : 429;
        const char *flag = code[i] >= 500 ? flags[9 + rng_next(rng) % 5] : flags[0];
        s[5][i] = const_str(flag);
        s[6][i] = const_str(code[i] >= 500 && flag[0] != '-'
                                    ? "upstream_reset_before_response_started"
                                    : "via_upstream");
        received[i] = 200 + (int64_t)(rng_next(rng) % 4000);
        sent[i] = 500 + (int64_t)(rng_next(rng) % 200000);
        double u = rng_unit(rng);
        latency[i] = (int32_t)(5 + 40.0 * u * u * u * 30.0);
        if (flag[0] == '-') {
            upstream_ms[i] = latency[i] > 2 ? latency[i] - 2 : 0;
        } else {
            colvec_set_valid(batch->cols[10].validity, i, false);
            upstream_ms[i] = 0;
        }
        uint32_t client = (uint32_t)(rng_zipf(rng, 4000));
        s[11][i] =
                fmt_str(arena, "10.%u.%u.%u", client >> 16 & 255, client >> 8 & 255, client & 255);
        s[12][i] = const_str(agents[rng_zipf(rng, TN_ARRAY_LEN(agents))]);
        uint64_t id_hi = rng_next(rng), id_lo = rng_next(rng);
        s[13][i] = fmt_str(arena, "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(id_hi >> 32),
                           (unsigned)(id_hi >> 16) & 0xffff, (unsigned)id_hi & 0xfff,
                           (unsigned)(id_lo >> 52) & 0xfff,
                           (unsigned long long)(id_lo & 0xffffffffffffULL));
        s[14][i] = fmt_str(arena, "%s.example.com", ns);
        s[15][i] = fmt_str(arena, "10.244.%u.%u:8080", route, (unsigned)(r >> 40) % 3 + 10);
        s[16][i] = fmt_str(arena, "httproute/%s/%s/rule/0", ns, route_names[route]);
        s[17][i] = fmt_str(arena, "httproute/%s/%s/rule/0/match/0/%s_example_com", ns,
                           route_names[route], ns);
        s[18][i] = const_str(ns);
        s[19][i] = const_str(route_names[route]);
    }
    return ERR_OK;
}

static const char *arg_value(int argc, char **argv, const char *name, const char *fallback)
{
    for (int i = 0; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    }
    return fallback;
}

static int bench_write(int argc, char **argv)
{
    const char *path = argv[2];
    int64_t n_rows = strtoll(arg_value(argc, argv, "--rows", "2000000"), NULL, 10);
    int n_threads = (int)strtol(arg_value(argc, argv, "--threads", "2"), NULL, 10);
    uint64_t seed = strtoull(arg_value(argc, argv, "--seed", "42"), NULL, 10);
    CompressCodec codec;
    if (!compress_codec_parse(arg_value(argc, argv, "--codec", "zstd"), &codec)) {
        fprintf(stderr, "pq_bench: unknown codec\n");
        return 2;
    }
    Err err;
    err_init(&err);
    Mem mem;
    mem_init(&mem, NULL, "bench", 0);
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    opts.codec = codec;
    opts.n_threads = n_threads;
    const char *rg_rows = arg_value(argc, argv, "--row-group-rows", NULL);
    if (rg_rows)
        opts.row_group_rows = strtoll(rg_rows, NULL, 10);
    PqWriter *writer = NULL;
    double write_seconds = 0;
    double t0 = now_seconds();
    ErrCode rc = pq_writer_open(&mem, path, specs, N_COLS, &opts, &writer, &err);
    write_seconds += now_seconds() - t0;
    Arena batch_arena;
    arena_init(&batch_arena, &mem, 1 << 20);
    Rng rng = {seed};
    const int64_t start_us = 1735689600LL * 1000000; /* 2025-01-01T00:00:00Z */
    for (int64_t row = 0; rc == ERR_OK && row < n_rows; row += BENCH_BATCH_ROWS) {
        size_t n = (size_t)TN_MIN((int64_t)BENCH_BATCH_ROWS, n_rows - row);
        Batch batch;
        arena_recycle(&batch_arena);
        rc = gen_batch(&batch_arena, &rng, row, n, start_us, &batch, &err);
        if (rc != ERR_OK)
            break;
        t0 = now_seconds();
        rc = pq_writer_write(writer, batch.cols, &err);
        write_seconds += now_seconds() - t0;
    }
    arena_fini(&batch_arena);
    if (rc != ERR_OK) {
        pq_writer_abort(writer);
        fprintf(stderr, "pq_bench: %s\n", err.msg);
        return 1;
    }
    Arena stats_arena;
    arena_init(&stats_arena, &mem, 0);
    PqFileStats stats;
    t0 = now_seconds();
    rc = pq_writer_close(writer, &stats_arena, &stats, &err);
    write_seconds += now_seconds() - t0;
    if (rc != ERR_OK) {
        fprintf(stderr, "pq_bench: %s\n", err.msg);
        return 1;
    }
    printf("{\"rows\":%lld,\"seconds\":%.4f,\"rows_per_s\":%.0f,\"file_bytes\":%lld,"
           "\"row_groups\":%d,\"peak_rss_kb\":%ld}\n",
           (long long)stats.n_rows, write_seconds, (double)stats.n_rows / write_seconds,
           (long long)stats.file_bytes, stats.n_row_groups, peak_rss_kb());
    arena_fini(&stats_arena);
    return 0;
}

/* Per-column minimum, folded into a checksum so the work cannot be skipped. */
typedef struct ReadShared {
    PqReader *reader;
    Mem *mem;
    atomic_int next_rg;
    atomic_ullong checksum;
    atomic_int failed;
    Err err;
} ReadShared;

static uint64_t column_min_hash(const ColVec *vec)
{
    const ColVec *src = vec->codes ? vec->dict : vec;
    size_t n = src->n_rows;
    uint64_t h = 0;
    if (colvec_is_bytes(src->type)) {
        const ColStr *values = src->values;
        ColStr best = {0, NULL};
        for (size_t i = 0; i < n; i++) {
            if (!vec->codes && colvec_is_null(vec, i))
                continue;
            if (!best.ptr) {
                best = values[i];
                continue;
            }
            size_t len = TN_MIN(best.len, values[i].len);
            int c = memcmp(values[i].ptr, best.ptr, len);
            if (c < 0 || (c == 0 && values[i].len < best.len))
                best = values[i];
        }
        for (uint32_t i = 0; best.ptr && i < best.len; i++) {
            h = h * 31 + (uint8_t)best.ptr[i];
        }
        return h;
    }
    if (colvec_value_width(src->type) == 8) {
        const int64_t *values = src->values;
        int64_t best = INT64_MAX;
        for (size_t i = 0; i < n; i++) {
            int64_t v = values[i];
            if (!vec->codes && vec->validity && colvec_is_null(vec, i))
                continue;
            best = v < best ? v : best;
        }
        return (uint64_t)best;
    }
    const int32_t *values = src->values;
    int32_t best = INT32_MAX;
    for (size_t i = 0; i < n; i++) {
        int32_t v = values[i];
        if (!vec->codes && vec->validity && colvec_is_null(vec, i))
            continue;
        best = v < best ? v : best;
    }
    return (uint64_t)(uint32_t)best;
}

static void *read_worker(void *arg)
{
    ReadShared *shared = arg;
    Arena arena;
    arena_init(&arena, shared->mem, 1 << 20);
    int32_t n_rg = pq_reader_n_row_groups(shared->reader);
    int32_t n_cols = pq_reader_n_columns(shared->reader);
    Err err;
    err_init(&err);
    for (;;) {
        int rg = atomic_fetch_add(&shared->next_rg, 1);
        if (rg >= n_rg || atomic_load(&shared->failed))
            break;
        for (int32_t col = 0; col < n_cols; col++) {
            if (pq_reader_column(shared->reader, col)->unsupported)
                continue;
            ColVec vec;
            ErrCode rc = pq_reader_read_column(shared->reader, rg, col, &arena, &vec, &err);
            if (rc != ERR_OK) {
                if (!atomic_exchange(&shared->failed, 1))
                    shared->err = err;
                break;
            }
            atomic_fetch_add(&shared->checksum, column_min_hash(&vec) * (uint64_t)(col + 1));
            arena_recycle(&arena); /* keep the blocks: no page faults per column */
        }
    }
    arena_fini(&arena);
    return NULL;
}

static int bench_read(int argc, char **argv)
{
    const char *path = argv[2];
    int n_threads = (int)strtol(arg_value(argc, argv, "--threads", "2"), NULL, 10);
    n_threads = TN_MAX(1, TN_MIN(n_threads, 64));
    Err err;
    err_init(&err);
    Mem mem;
    mem_init(&mem, NULL, "bench", 0);
    double t0 = now_seconds();
    PqReader *reader = NULL;
    if (pq_reader_open(&mem, path, &reader, &err) != ERR_OK) {
        fprintf(stderr, "pq_bench: %s\n", err.msg);
        return 1;
    }
    ReadShared shared = {.reader = reader, .mem = &mem};
    atomic_init(&shared.next_rg, 0);
    atomic_init(&shared.checksum, 0);
    atomic_init(&shared.failed, 0);
    pthread_t threads[64];
    for (int t = 0; t < n_threads; t++) {
        pthread_create(&threads[t], NULL, read_worker, &shared);
    }
    for (int t = 0; t < n_threads; t++) {
        pthread_join(threads[t], NULL);
    }
    double seconds = now_seconds() - t0;
    int64_t n_rows = pq_reader_n_rows(reader);
    pq_reader_close(reader);
    if (atomic_load(&shared.failed)) {
        fprintf(stderr, "pq_bench: %s\n", shared.err.msg);
        return 1;
    }
    printf("{\"rows\":%lld,\"seconds\":%.4f,\"rows_per_s\":%.0f,\"peak_rss_kb\":%ld,"
           "\"checksum\":\"%llx\"}\n",
           (long long)n_rows, seconds, (double)n_rows / seconds, peak_rss_kb(),
           (unsigned long long)atomic_load(&shared.checksum));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "write") == 0)
        return bench_write(argc, argv);
    if (argc >= 3 && strcmp(argv[1], "read") == 0)
        return bench_read(argc, argv);
    fprintf(stderr, "usage: pq_bench write OUT.parquet [--rows N] [--codec C] [--threads T] "
                    "[--seed S] [--row-group-rows N]\n"
                    "       pq_bench read FILE [--threads T]\n");
    return 2;
}
