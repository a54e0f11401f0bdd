/* envoy_gen.h — synthetic Envoy Gateway access logs (stream layer; used by `tarn gen envoy`,
 * the demo and the tests).
 *
 * Writes JSON lines in Envoy Gateway's default access-log format (its keys in its order,
 * numbers as JSON numbers as Envoy's typed JSON writes them, null for absent values, "-"
 * for no response flags and for the upstream service time of locally generated responses)
 * describing traffic through one gateway: ~30 HTTPRoutes in the namespaces default, shop,
 * auth, monitoring and ml, Zipf route and client popularity, thousands of client IPs (most
 * behind a load balancer, so in x-forwarded-for), a diurnal load curve, per-route
 * lognormal latencies, realistic status / flag / detail mixes, user agents, request ids,
 * and four injected incidents in fixed windows of the range (envoy_gen_incidents).
 *
 * Output is a pure function of the options: the same options give the same bytes (on the
 * same build; the generator uses libm's exp, pow and cos). Events are in non-decreasing
 * start_time order over [start, start + days), exactly n_events of them.
 *
 * Speed: hand-written formatting into the caller's buffer, no printf per field; well over
 * 1M events/s on one core.
 * Thread contract: one thread at a time per generator; generators are independent.
 */
#ifndef TARN_STREAM_ENVOY_GEN_H
#define TARN_STREAM_ENVOY_GEN_H

#include "base/mem.h"

/* 2026-11-01T00:00:00Z, the default start: fixed, so default output is reproducible. */
#define ENVOY_GEN_DEFAULT_START_US INT64_C(1793491200000000)
#define ENVOY_GEN_DEFAULT_EVENTS   100000
#define ENVOY_GEN_DEFAULT_DAYS     1
#define ENVOY_GEN_DEFAULT_SEED     1
#define ENVOY_GEN_MAX_DAYS         3660

/* Longest line the generator writes, newline included; envoy_gen_fill needs at least this
 * much room to make progress. */
#define ENVOY_GEN_MAX_LINE_BYTES 2048

typedef struct EnvoyGenOptions {
    int64_t n_events; /* >= 0 */
    int32_t n_days;   /* 1 .. ENVOY_GEN_MAX_DAYS */
    int64_t start_us; /* first instant of the range, µs since the epoch */
    uint64_t seed;
} EnvoyGenOptions;

/* Options with every default above. */
EnvoyGenOptions envoy_gen_default_options(void);

typedef enum EnvoyGenIncidentKind {
    ENVOY_GEN_LATENCY_REGRESSION,  /* one route's durations x10 */
    ENVOY_GEN_UPSTREAM_5XX,        /* 503 UF / 503 UO / 504 UT from one upstream host */
    ENVOY_GEN_CREDENTIAL_STUFFING, /* POST /login 401s from a handful of IPs */
    ENVOY_GEN_PATH_SCAN,           /* one IP requesting distinct non-existent paths -> 404 */
    ENVOY_GEN_N_INCIDENTS
} EnvoyGenIncidentKind;

/* One injected incident. Strings are static or owned by the generator (valid until
 * envoy_gen_free). */
typedef struct EnvoyGenIncident {
    EnvoyGenIncidentKind kind;
    const char *name; /* "latency_regression", "upstream_5xx", ... */
    int64_t start_us; /* window [start_us, end_us) */
    int64_t end_us;
    const char *route;         /* "<namespace>/<name>" of the HTTPRoute involved */
    const char *upstream_host; /* the failing upstream (upstream_5xx), else NULL */
    const char *client_ips;    /* comma-separated attacker IPs (stuffing, scan), else NULL */
    const char *path;          /* "/login" for stuffing, else NULL */
    int64_t n_events;          /* events of this incident written so far (stuffing: the
                                  attempts; scan: the probes; latency and 5xx: the affected
                                  requests) */
} EnvoyGenIncident;

typedef struct EnvoyGen EnvoyGen;

/* A generator for `opts` (copied). *out is caller-owned (envoy_gen_free); allocations are
 * charged to `mem` (may be NULL; borrowed). Errors: ERR_INVALID (an option out of range,
 * naming it), ERR_NOMEM. */
TN_MUST_CHECK ErrCode envoy_gen_new(Mem *mem, const EnvoyGenOptions *opts, EnvoyGen **out,
                                    Err *err);

/* Write the next whole lines (each ending in '\n') into buf while at least
 * ENVOY_GEN_MAX_LINE_BYTES of `cap` remain; returns the bytes written, 0 once every event
 * has been written (or when cap is below ENVOY_GEN_MAX_LINE_BYTES). Cannot fail after
 * envoy_gen_new, except that ERR_NOMEM is recorded in *err and 0 returned when a minute's
 * scratch cannot grow (only for absurd event rates); check err->code when 0 comes back
 * before envoy_gen_done. */
size_t envoy_gen_fill(EnvoyGen *gen, char *buf, size_t cap, Err *err);

/* True once all n_events lines have been written. */
bool envoy_gen_done(const EnvoyGen *gen);

/* Lines written so far. */
int64_t envoy_gen_n_written(const EnvoyGen *gen);

/* The ENVOY_GEN_N_INCIDENTS incidents, indexed by kind; windows are fixed by
 * envoy_gen_new, counts grow as lines are written. Borrowed until envoy_gen_free. */
const EnvoyGenIncident *envoy_gen_incidents(const EnvoyGen *gen);

/* Free the generator; NULL is a no-op. */
void envoy_gen_free(EnvoyGen *gen);

#endif
