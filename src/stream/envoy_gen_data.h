/* envoy_gen_data.h — the static world of the synthetic traffic generator (stream layer;
 * private to envoy_gen.c, defined in envoy_gen_data.c).
 *
 * Tables only, no state: the HTTPRoutes with their hosts, endpoints (method, path template,
 * weight, typical sizes) and latency profiles, in popularity order (envoy_gen.c gives rank r
 * a Zipf weight); the response outcomes with their flags and details; user agents; the
 * words path templates draw from; and the path scanner's word lists.
 *
 * Path templates expand {id} (a popular-biased integer), {page} (1..20), {word}, {uuid},
 * {model}, {size}, {hash} (8 hex digits), {metric} and {ver}; everything else is copied.
 */
#ifndef TARN_STREAM_ENVOY_GEN_DATA_H
#define TARN_STREAM_ENVOY_GEN_DATA_H

#include "base/tn.h"

/* A string with its length, for memcpy-only formatting. */
typedef struct GenStr {
    const char *ptr;
    uint32_t len;
} GenStr;

#define GEN_STR(literal)             \
    {                                \
        literal, sizeof(literal) - 1 \
    }

typedef struct GenEndpoint {
    GenStr method;
    const char *path;    /* template, see above */
    uint16_t weight;     /* relative, within the route */
    uint8_t rule;        /* HTTPRoute rule index (0 or 1) */
    uint32_t resp_bytes; /* median response body */
    uint32_t req_bytes;  /* median request body; 0 = none */
} GenEndpoint;

typedef struct GenRouteDef {
    const char *ns;
    const char *name;
    const char *host;
    uint16_t median_ms; /* median duration of a successful request */
    uint8_t sigma_x100; /* lognormal sigma x 100 */
    uint8_t n_pods;     /* upstream endpoints, 10.244.<route>.<10 + i>:port */
    uint16_t port;
    const GenEndpoint *endpoints;
    uint8_t n_endpoints;
} GenRouteDef;

/* Route indexes the incidents use. */
enum {
    GEN_ROUTE_FRONTEND = 0, /* default/frontend: the path scanner's target */
    GEN_ROUTE_CATALOG = 1,  /* shop/catalog: the latency regression */
    GEN_ROUTE_LOGIN = 10,   /* auth/login: credential stuffing */
    GEN_ROUTE_PAYMENTS = 12 /* shop/payments: the upstream 5xx burst */
};

extern const GenRouteDef gen_routes[];
extern const size_t gen_n_routes;

/* A response outcome: code, flags, details and how the response came about. */
typedef enum GenOrigin {
    GEN_ORIGIN_UPSTREAM,  /* the upstream answered */
    GEN_ORIGIN_NO_ROUTE,  /* NR: no route matched; no cluster, host or route name */
    GEN_ORIGIN_NO_HOST,   /* UH / UO: Envoy answered before picking or reaching a host */
    GEN_ORIGIN_CONNECT,   /* UF: connecting to the chosen host failed */
    GEN_ORIGIN_TIMEOUT,   /* UT: the upstream did not answer within the route timeout */
    GEN_ORIGIN_DOWNSTREAM /* DC: the client went away; code 0 */
} GenOrigin;

typedef struct GenOutcome {
    uint16_t code;
    GenStr flags;
    GenStr details;
    GenOrigin origin;
    uint16_t weight_read;  /* per 10000, GET-like requests */
    uint16_t weight_write; /* per 10000, POST/PUT/PATCH/DELETE */
} GenOutcome;

extern const GenOutcome gen_outcomes[];
extern const size_t gen_n_outcomes;

/* User agents with their share of clients (per 1000). */
typedef struct GenUserAgent {
    GenStr text;
    uint16_t weight;
} GenUserAgent;

extern const GenUserAgent gen_user_agents[];
extern const size_t gen_n_user_agents;

/* Fixed agents of the probe, scraper and attacker traffic. */
extern const GenStr gen_ua_probe;
extern const GenStr gen_ua_prometheus;
extern const GenStr gen_ua_scanner;

/* Words for templates. */
extern const GenStr gen_words[];
extern const size_t gen_n_words;
extern const GenStr gen_models[];
extern const size_t gen_n_models;
extern const GenStr gen_metrics[];
extern const size_t gen_n_metrics;

/* The path scanner probes scan_dirs[i] + scan_files[j] (distinct for i, j). */
extern const GenStr gen_scan_dirs[];
extern const size_t gen_n_scan_dirs;
extern const GenStr gen_scan_files[];
extern const size_t gen_n_scan_files;

#endif
