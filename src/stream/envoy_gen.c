/* envoy_gen.c — synthetic Envoy Gateway traffic (see envoy_gen.h; the static world of
 * routes, outcomes and agents is in envoy_gen_data.c).
 *
 * Time. The range [start, start + days) is cut into minutes. Minute m gets the weight
 *     w(m) = level(hour of day, weekday) x noise(seed, m) + incident extras active in m
 * where level is a raised cosine peaking at 15:30 UTC and bottoming out at 03:30 (6% of the
 * peak), weekends at 72%, and noise a per-minute +-10% from a hash of (seed, m). The
 * credential-stuffing and path-scan windows add their own traffic on top (a fixed share of
 * the average minute), so their bursts show in request rates too. envoy_gen_new sums the
 * weights once; streaming then gives minute m
 *     round(n_events x W(m) / W) - (events given to minutes before m)
 * events, W(m) the running sum and W the total, the last minute taking the remainder so
 * the count is exact. A minute's events get uniform millisecond offsets, radix-sorted, so
 * start_time never decreases.
 *
 * Events. Each is, by the minute's shares: a credential-stuffing attempt, a scanner probe,
 * a kube-probe health check (2%), a Prometheus scrape (1%), or ordinary traffic: a route
 * by Zipf rank (weight 1/(r+1)^1.1), an endpoint by weight, a client by a power law over
 * the client pool (index = n x u^3), an outcome by the method's table
 * (envoy_gen_data.c), a lognormal duration around the route's median (slower under load;
 * the normal deviate is Irwin-Hall of four uniforms, plenty for log data), an upstream
 * service time a little under the duration, or "-" when Envoy answered itself.
 *
 * Incidents (windows of min(20, minutes / 8) minutes at fixed fractions of the range,
 * so they are deterministic and inside it): credential stuffing at 12%, path scan at 42%,
 * latency regression (shop/catalog durations x10) at 58%, upstream 5xx (65% of
 * shop/payments requests fail on its first pod: 503 UF, 503 UO, 504 UT) at 66%.
 *
 * Output: each line is built in the caller's buffer with memcpy of precomputed key and
 * value strings and hand-written integer, timestamp and uuid formatting. All generated
 * strings are plain ASCII without '"' or '\\', so nothing needs escaping.
 *
 * Memory: the generator struct, an arena with the per-route strings, the client pool and
 * the incident strings, and a minute's offset arrays (grown by doubling; a few KB at
 * realistic rates). The RNG is xoshiro256** seeded through splitmix64; no global state.
 */
#include "stream/envoy_gen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/datetime.h"
#include "base/hash.h"
#include "stream/envoy_gen_data.h"

#define N_CLIENTS         5000
#define N_STUFFING_IPS    6
#define MAX_PODS          4
#define MAX_ENDPOINTS     8
#define MINUTE_MS         60000
#define INCIDENT_MINUTES  20
#define PROBE_SHARE       0.02
#define SCRAPE_SHARE      0.01
#define STUFFING_EXTRA    0.50 /* extra traffic in the stuffing window, x the average minute */
#define SCAN_EXTRA        0.35 /* extra traffic in the scan window, x the average minute */
#define FAILING_SHARE     0.65 /* of shop/payments requests during the 5xx incident */
#define LATENCY_FACTOR    10
#define ROUTE_TIMEOUT_MS  15000
#define GATEWAY_POD       "10.244.0.9"
#define PROBE_CLIENT      "10.244.0.1"
#define PROMETHEUS_CLIENT "10.244.7.23"

/* Where each incident's window starts, as a fraction of the range. */
static const double incident_at[ENVOY_GEN_N_INCIDENTS] = {
        [ENVOY_GEN_LATENCY_REGRESSION] = 0.58,
        [ENVOY_GEN_UPSTREAM_5XX] = 0.66,
        [ENVOY_GEN_CREDENTIAL_STUFFING] = 0.12,
        [ENVOY_GEN_PATH_SCAN] = 0.42,
};

static const char *const incident_names[ENVOY_GEN_N_INCIDENTS] = {
        [ENVOY_GEN_LATENCY_REGRESSION] = "latency_regression",
        [ENVOY_GEN_UPSTREAM_5XX] = "upstream_5xx",
        [ENVOY_GEN_CREDENTIAL_STUFFING] = "credential_stuffing",
        [ENVOY_GEN_PATH_SCAN] = "path_scan",
};

/* Networks the attackers come from (the client pool avoids these first octets). */
static const char *const stuffing_nets[N_STUFFING_IPS] = {
        "185.220.101.", "45.155.205.", "194.26.29.", "91.240.118.", "5.188.62.", "103.152.220.",
};
static const char scan_net[] = "193.32.162.";

/* Load balancer addresses Envoy sees for clients behind it. */
static const GenStr lb_addrs[] = {GEN_STR("10.0.1.21"), GEN_STR("10.0.2.37"), GEN_STR("10.0.3.12")};

typedef struct GenRng {
    uint64_t s[4];
} GenRng;

typedef struct GenRoute {
    const GenRouteDef *def;
    GenStr host;
    GenStr cluster[2];    /* "httproute/<ns>/<name>/rule/<r>" */
    GenStr route_name[2]; /* cluster + "/match/0/<host with _>" */
    GenStr pods[MAX_PODS];
    uint32_t endpoint_cum[MAX_ENDPOINTS];
} GenRoute;

typedef struct GenClient {
    GenStr ip;   /* what client_ip should come out as */
    GenStr xff;  /* x-forwarded-for value; len 0 = direct connection (null) */
    GenStr peer; /* the address Envoy sees, without the port ("[v6]" bracketed) */
    const GenStr *user_agent;
    bool is_http2;
} GenClient;

/* One event's values, filled by the pickers and written by write_line. */
typedef struct GenEvent {
    int64_t ts_ms;
    const GenRoute *route; /* NULL: no route matched */
    int rule;
    GenStr method;
    const char *path_template; /* expanded by write_path, or NULL to use `path` */
    GenStr path;
    const GenOutcome *outcome;
    const GenStr *upstream_host; /* NULL: none */
    GenStr failure_reason;       /* len 0: null */
    int64_t bytes_received;
    int64_t bytes_sent;
    int64_t duration_ms;
    int64_t upstream_ms; /* < 0: "-" */
    const GenClient *client;
    bool is_tls;
} GenEvent;

struct EnvoyGen {
    Mem *mem;
    EnvoyGenOptions opts;
    GenRng rng;
    Arena arena; /* routes' strings, clients, incident strings */
    GenRoute routes[64];
    double route_cum[64];
    uint32_t outcome_cum_read[32];
    uint32_t outcome_cum_write[32];
    GenClient *clients;
    GenClient stuffers[N_STUFFING_IPS];
    GenClient scanner;
    GenClient probe_client;
    GenClient prometheus_client;
    const GenOutcome *denied_401;  /* 401 via_upstream */
    const GenOutcome *ok_200;      /* 200 via_upstream */
    const GenOutcome *not_found;   /* 404 via_upstream */
    const GenOutcome *failures[3]; /* 503 UF, 503 UO, 504 UT */
    /* time */
    int64_t n_minutes;
    double total_weight;
    double avg_base_weight;
    double cum_weight;
    int64_t next_minute;
    int64_t assigned; /* events given to minutes so far */
    int64_t written;
    int64_t minute_start_us;
    double load; /* the current minute's diurnal level, 0..1 */
    double p_stuffing;
    double p_scan;
    bool in_latency;
    bool in_5xx;
    uint16_t *offsets; /* the current minute's sorted ms offsets */
    uint16_t *sort_tmp;
    size_t offsets_cap;
    size_t n_offsets;
    size_t next_offset;
    int64_t prefix_minute; /* timestamp text cache: "YYYY-MM-DDTHH:MM:" */
    char prefix[DATETIME_FORMAT_CAP];
    size_t prefix_len;
    /* incidents */
    EnvoyGenIncident incidents[ENVOY_GEN_N_INCIDENTS];
    int64_t window_first[ENVOY_GEN_N_INCIDENTS]; /* minutes [first, end) */
    int64_t window_end[ENVOY_GEN_N_INCIDENTS];
};

_Static_assert(MAX_ENDPOINTS >= 7, "the largest route has 7 endpoints");

/* ---- random numbers ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void rng_seed(GenRng *rng, uint64_t seed)
{
    uint64_t state = seed;
    for (int i = 0; i < 4; i++) {
        rng->s[i] = splitmix64(&state);
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

TN_INLINE uint64_t rng_next(GenRng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1). */
TN_INLINE double rng_unit(GenRng *rng)
{
    return (double)(rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n). */
TN_INLINE uint32_t rng_below(GenRng *rng, uint32_t n)
{
    return (uint32_t)(((rng_next(rng) >> 32) * (uint64_t)n) >> 32);
}

/* Roughly standard normal: Irwin-Hall of four uniforms, rescaled. */
static double rng_normal(GenRng *rng)
{
    double sum = rng_unit(rng) + rng_unit(rng) + rng_unit(rng) + rng_unit(rng);
    return (sum - 2.0) * 1.7320508075688772;
}

/* exp(N(log median, sigma)), at least `floor`. */
static int64_t rng_lognormal(GenRng *rng, double median, double sigma, int64_t floor)
{
    double value = median * exp(sigma * rng_normal(rng));
    int64_t rounded = (int64_t)value;
    return rounded < floor ? floor : rounded;
}

/* ---- building the world -------------------------------------------------------------- */

static GenStr arena_gstr(Arena *arena, const char *text)
{
    char *copy = arena_strdup(arena, text);
    return (GenStr){copy, copy ? (uint32_t)strlen(copy) : 0};
}

static ErrCode build_routes(EnvoyGen *gen, Err *err)
{
    if (gen_n_routes > TN_ARRAY_LEN(gen->routes))
        return err_set(err, ERR_INTERNAL, "generator route table too large");
    double total = 0;
    for (size_t r = 0; r < gen_n_routes; r++) {
        const GenRouteDef *def = &gen_routes[r];
        GenRoute *route = &gen->routes[r];
        route->def = def;
        route->host = arena_gstr(&gen->arena, def->host);
        char host_key[128];
        snprintf(host_key, sizeof host_key, "%s", def->host);
        for (char *p = host_key; *p; p++) {
            if (*p == '.') {
                *p = '_';
            }
        }
        for (int rule = 0; rule < 2; rule++) {
            char text[256];
            snprintf(text, sizeof text, "httproute/%s/%s/rule/%d", def->ns, def->name, rule);
            route->cluster[rule] = arena_gstr(&gen->arena, text);
            snprintf(text, sizeof text, "httproute/%s/%s/rule/%d/match/0/%s", def->ns, def->name,
                     rule, host_key);
            route->route_name[rule] = arena_gstr(&gen->arena, text);
        }
        for (int pod = 0; pod < def->n_pods && pod < MAX_PODS; pod++) {
            char text[64];
            snprintf(text, sizeof text, "10.244.%zu.%d:%u", r + 1, 10 + pod * 7, def->port);
            route->pods[pod] = arena_gstr(&gen->arena, text);
        }
        uint32_t cum = 0;
        for (int e = 0; e < def->n_endpoints && e < MAX_ENDPOINTS; e++) {
            cum += def->endpoints[e].weight;
            route->endpoint_cum[e] = cum;
        }
        total += 1.0 / pow((double)(r + 1), 1.1);
        gen->route_cum[r] = total;
    }
    for (size_t r = 0; r < gen_n_routes; r++) {
        gen->route_cum[r] /= total;
        if (!gen->routes[r].host.ptr || !gen->routes[r].route_name[1].ptr)
            return arena_error(&gen->arena, err);
    }
    return ERR_OK;
}

static void build_outcomes(EnvoyGen *gen)
{
    uint32_t read = 0, write = 0;
    for (size_t i = 0; i < gen_n_outcomes; i++) {
        const GenOutcome *o = &gen_outcomes[i];
        read += o->weight_read;
        write += o->weight_write;
        gen->outcome_cum_read[i] = read;
        gen->outcome_cum_write[i] = write;
        bool is_plain = o->flags.len == 1;
        if (o->code == 401) {
            gen->denied_401 = o;
        }
        if (o->code == 200) {
            gen->ok_200 = o;
        }
        if (o->code == 404 && is_plain) {
            gen->not_found = o;
        }
        if (o->code == 503 && memcmp(o->flags.ptr, "UF", 2) == 0) {
            gen->failures[0] = o;
        }
        if (o->code == 503 && memcmp(o->flags.ptr, "UO", 2) == 0) {
            gen->failures[1] = o;
        }
        if (o->code == 504) {
            gen->failures[2] = o;
        }
    }
}

/* A public-looking IPv4 address outside reserved, private and attacker networks. */
static void random_public_v4(GenRng *rng, char *buf, size_t cap)
{
    for (;;) {
        uint32_t addr = (uint32_t)rng_next(rng);
        unsigned a = addr >> 24, b = (addr >> 16) & 255;
        bool is_reserved = a == 0 || a == 10 || a == 127 || a >= 224 || (a == 100 && b >= 64) ||
                           (a == 169 && b == 254) || (a == 172 && b >= 16 && b < 32) ||
                           (a == 192 && b == 168);
        bool is_attacker_net =
                a == 5 || a == 45 || a == 91 || a == 103 || a == 185 || a == 193 || a == 194;
        if (is_reserved || is_attacker_net || (addr & 255) == 0)
            continue;
        snprintf(buf, cap, "%u.%u.%u.%u", a, b, (addr >> 8) & 255, addr & 255);
        return;
    }
}

static const GenStr *pick_user_agent(GenRng *rng)
{
    uint32_t total = 0;
    for (size_t i = 0; i < gen_n_user_agents; i++) {
        total += gen_user_agents[i].weight;
    }
    uint32_t x = rng_below(rng, total);
    for (size_t i = 0; i < gen_n_user_agents; i++) {
        if (x < gen_user_agents[i].weight)
            return &gen_user_agents[i].text;
        x -= gen_user_agents[i].weight;
    }
    return &gen_user_agents[0].text;
}

/* One pool client: 6% IPv6; 88% behind the load balancer (12% of those via a CDN hop). */
static void build_client(EnvoyGen *gen, GenClient *client)
{
    GenRng *rng = &gen->rng;
    char ip[64];
    bool is_v6 = rng_unit(rng) < 0.06;
    if (is_v6) {
        snprintf(ip, sizeof ip, "2a02:%x:%x:%x::%x", 0x1000 + rng_below(rng, 0xe000),
                 rng_below(rng, 0x10000), rng_below(rng, 0x10000), 1 + rng_below(rng, 0xfff));
    } else {
        random_public_v4(rng, ip, sizeof ip);
    }
    client->ip = arena_gstr(&gen->arena, ip);
    client->user_agent = pick_user_agent(rng);
    client->is_http2 = rng_unit(rng) < 0.55;
    if (rng_unit(rng) < 0.88) {
        char xff[128];
        if (rng_unit(rng) < 0.12) {
            snprintf(xff, sizeof xff, "%s, 172.70.%u.%u", ip, rng_below(rng, 256),
                     1 + rng_below(rng, 254));
        } else {
            snprintf(xff, sizeof xff, "%s", ip);
        }
        client->xff = arena_gstr(&gen->arena, xff);
        client->peer = lb_addrs[rng_below(rng, TN_ARRAY_LEN(lb_addrs))];
        return;
    }
    client->xff = (GenStr){NULL, 0};
    if (is_v6) {
        char peer[72];
        snprintf(peer, sizeof peer, "[%s]", ip);
        client->peer = arena_gstr(&gen->arena, peer);
    } else {
        client->peer = client->ip;
    }
}

/* A client with a fixed address and agent; `via_lb` puts it behind the load balancer. */
static void fixed_client(EnvoyGen *gen, GenClient *client, const char *ip, const GenStr *agent,
                         bool via_lb)
{
    client->ip = arena_gstr(&gen->arena, ip);
    client->user_agent = agent;
    client->is_http2 = false;
    client->xff = via_lb ? client->ip : (GenStr){NULL, 0};
    client->peer = via_lb ? lb_addrs[0] : client->ip;
}

static ErrCode build_clients(EnvoyGen *gen, Err *err)
{
    gen->clients = arena_alloc_array(&gen->arena, N_CLIENTS, sizeof(GenClient));
    if (!gen->clients)
        return arena_error(&gen->arena, err);
    for (size_t i = 0; i < N_CLIENTS; i++) {
        build_client(gen, &gen->clients[i]);
    }
    /* Attackers: python-requests, curl and a browser disguise. */
    static const size_t stuffer_agents[N_STUFFING_IPS] = {11, 7, 0, 11, 8, 0};
    for (size_t i = 0; i < N_STUFFING_IPS; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "%s%u", stuffing_nets[i], 2 + rng_below(&gen->rng, 252));
        fixed_client(gen, &gen->stuffers[i], ip, &gen_user_agents[stuffer_agents[i]].text, true);
    }
    char ip[32];
    snprintf(ip, sizeof ip, "%s%u", scan_net, 2 + rng_below(&gen->rng, 252));
    fixed_client(gen, &gen->scanner, ip, &gen_ua_scanner, true);
    fixed_client(gen, &gen->probe_client, PROBE_CLIENT, &gen_ua_probe, false);
    fixed_client(gen, &gen->prometheus_client, PROMETHEUS_CLIENT, &gen_ua_prometheus, false);
    if (!gen->scanner.ip.ptr || !gen->prometheus_client.ip.ptr ||
        !gen->clients[N_CLIENTS - 1].ip.ptr)
        return arena_error(&gen->arena, err);
    return ERR_OK;
}

/* ---- the time axis ------------------------------------------------------------------- */

/* Diurnal and weekly level of a minute, 0.06 .. 1. */
static double minute_level(const EnvoyGen *gen, int64_t minute)
{
    int64_t mid_us =
            gen->opts.start_us + minute * DATETIME_MICROS_PER_MINUTE + 30 * DATETIME_MICROS_PER_SEC;
    int64_t day = datetime_ts_to_days(mid_us);
    double hour =
            (double)(mid_us - day * DATETIME_MICROS_PER_DAY) / (double)DATETIME_MICROS_PER_HOUR;
    double shape = 0.5 + 0.5 * cos(2.0 * M_PI * (hour - 15.5) / 24.0);
    double level = 0.06 + 0.94 * shape * sqrt(shape);
    if (datetime_iso_day_of_week(day) >= 6) {
        level *= 0.72;
    }
    return level;
}

static double base_weight(const EnvoyGen *gen, int64_t minute)
{
    uint64_t h = hash_u64(gen->opts.seed * UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)minute);
    double noise = 0.9 + 0.2 * ((double)(h >> 11) * 0x1.0p-53);
    return minute_level(gen, minute) * noise;
}

static bool in_window(const EnvoyGen *gen, EnvoyGenIncidentKind kind, int64_t minute)
{
    return minute >= gen->window_first[kind] && minute < gen->window_end[kind];
}

static double extra_weight(const EnvoyGen *gen, EnvoyGenIncidentKind kind, int64_t minute)
{
    if (!in_window(gen, kind, minute))
        return 0;
    double share = kind == ENVOY_GEN_CREDENTIAL_STUFFING ? STUFFING_EXTRA : SCAN_EXTRA;
    return share * gen->avg_base_weight;
}

static void place_incidents(EnvoyGen *gen)
{
    int64_t length = TN_MAX(1, TN_MIN((int64_t)INCIDENT_MINUTES, gen->n_minutes / 8));
    for (int kind = 0; kind < ENVOY_GEN_N_INCIDENTS; kind++) {
        int64_t first = (int64_t)(incident_at[kind] * (double)gen->n_minutes);
        first = TN_MIN(first, gen->n_minutes - length);
        gen->window_first[kind] = first;
        gen->window_end[kind] = first + length;
        EnvoyGenIncident *inc = &gen->incidents[kind];
        inc->kind = (EnvoyGenIncidentKind)kind;
        inc->name = incident_names[kind];
        inc->start_us = gen->opts.start_us + first * DATETIME_MICROS_PER_MINUTE;
        inc->end_us = inc->start_us + length * DATETIME_MICROS_PER_MINUTE;
    }
}

static ErrCode describe_incidents(EnvoyGen *gen, Err *err)
{
    EnvoyGenIncident *inc = gen->incidents;
    inc[ENVOY_GEN_LATENCY_REGRESSION].route = "shop/catalog";
    inc[ENVOY_GEN_UPSTREAM_5XX].route = "shop/payments";
    inc[ENVOY_GEN_UPSTREAM_5XX].upstream_host = gen->routes[GEN_ROUTE_PAYMENTS].pods[0].ptr;
    inc[ENVOY_GEN_CREDENTIAL_STUFFING].route = "auth/login";
    inc[ENVOY_GEN_CREDENTIAL_STUFFING].path = "/login";
    inc[ENVOY_GEN_PATH_SCAN].route = "default/frontend";
    char ips[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < N_STUFFING_IPS; i++) {
        int n = snprintf(ips + len, sizeof ips - len, "%s%s", i ? "," : "",
                         gen->stuffers[i].ip.ptr);
        len += n > 0 ? (size_t)n : 0;
    }
    inc[ENVOY_GEN_CREDENTIAL_STUFFING].client_ips = arena_strdup(&gen->arena, ips);
    inc[ENVOY_GEN_PATH_SCAN].client_ips = gen->scanner.ip.ptr;
    if (!inc[ENVOY_GEN_CREDENTIAL_STUFFING].client_ips)
        return arena_error(&gen->arena, err);
    return ERR_OK;
}

static void plan_minutes(EnvoyGen *gen)
{
    double base_total = 0;
    for (int64_t m = 0; m < gen->n_minutes; m++) {
        base_total += base_weight(gen, m);
    }
    gen->avg_base_weight = base_total / (double)gen->n_minutes;
    double total = base_total;
    for (int64_t m = 0; m < gen->n_minutes; m++) {
        total += extra_weight(gen, ENVOY_GEN_CREDENTIAL_STUFFING, m) +
                 extra_weight(gen, ENVOY_GEN_PATH_SCAN, m);
    }
    gen->total_weight = total;
}

/* Sort the minute's offsets: LSD radix sort, two 8-bit passes. */
static void sort_offsets(uint16_t *values, uint16_t *tmp, size_t n)
{
    if (n < 2)
        return; /* also keeps NULL arrays of an empty minute away from memcpy */
    for (int shift = 0; shift < 16; shift += 8) {
        size_t counts[257] = {0};
        for (size_t i = 0; i < n; i++) {
            counts[((values[i] >> shift) & 255) + 1]++;
        }
        for (int b = 0; b < 256; b++) {
            counts[b + 1] += counts[b];
        }
        for (size_t i = 0; i < n; i++) {
            tmp[counts[(values[i] >> shift) & 255]++] = values[i];
        }
        memcpy(values, tmp, n * sizeof *values);
    }
}

static ErrCode grow_offsets(EnvoyGen *gen, size_t need, Err *err)
{
    if (need <= gen->offsets_cap)
        return ERR_OK;
    size_t cap = TN_MAX(need, gen->offsets_cap * 2);
    uint16_t *offsets = mem_realloc(gen->mem, gen->offsets, cap * sizeof *offsets, err);
    if (!offsets)
        return ERR_NOMEM;
    gen->offsets = offsets;
    uint16_t *tmp = mem_realloc(gen->mem, gen->sort_tmp, cap * sizeof *tmp, err);
    if (!tmp)
        return ERR_NOMEM;
    gen->sort_tmp = tmp;
    gen->offsets_cap = cap;
    return ERR_OK;
}

/* Move to the next minute: its event count, sorted offsets and incident shares. On
 * ERR_NOMEM nothing changes, so a later call can retry the same minute. */
static ErrCode start_minute(EnvoyGen *gen, Err *err)
{
    int64_t m = gen->next_minute;
    double stuffing = extra_weight(gen, ENVOY_GEN_CREDENTIAL_STUFFING, m);
    double scan = extra_weight(gen, ENVOY_GEN_PATH_SCAN, m);
    double weight = base_weight(gen, m) + stuffing + scan;
    double cum_weight = gen->cum_weight + weight;
    int64_t n = gen->opts.n_events;
    int64_t target = n;
    if (m + 1 < gen->n_minutes) {
        target = llround((double)n * (cum_weight / gen->total_weight));
        target = TN_MAX(gen->assigned, TN_MIN(target, n));
    }
    size_t count = (size_t)(target - gen->assigned);
    ErrCode rc = grow_offsets(gen, count, err);
    if (rc != ERR_OK)
        return rc;
    gen->next_minute = m + 1;
    gen->cum_weight = cum_weight;
    gen->assigned = target;
    for (size_t i = 0; i < count; i++) {
        gen->offsets[i] = (uint16_t)rng_below(&gen->rng, MINUTE_MS);
    }
    sort_offsets(gen->offsets, gen->sort_tmp, count);
    gen->n_offsets = count;
    gen->next_offset = 0;
    gen->minute_start_us = gen->opts.start_us + m * DATETIME_MICROS_PER_MINUTE;
    gen->load = minute_level(gen, m);
    gen->p_stuffing = stuffing / weight;
    gen->p_scan = scan / weight;
    gen->in_latency = in_window(gen, ENVOY_GEN_LATENCY_REGRESSION, m);
    gen->in_5xx = in_window(gen, ENVOY_GEN_UPSTREAM_5XX, m);
    return ERR_OK;
}

/* ---- lifecycle ----------------------------------------------------------------------- */

EnvoyGenOptions envoy_gen_default_options(void)
{
    return (EnvoyGenOptions){
            .n_events = ENVOY_GEN_DEFAULT_EVENTS,
            .n_days = ENVOY_GEN_DEFAULT_DAYS,
            .start_us = ENVOY_GEN_DEFAULT_START_US,
            .seed = ENVOY_GEN_DEFAULT_SEED,
    };
}

static ErrCode check_options(const EnvoyGenOptions *opts, Err *err)
{
    if (opts->n_events < 0)
        return err_set(err, ERR_INVALID, "number of events %lld must not be negative",
                       (long long)opts->n_events);
    if (opts->n_days < 1 || opts->n_days > ENVOY_GEN_MAX_DAYS)
        return err_set(err, ERR_INVALID, "number of days %d is out of range 1..%d",
                       (int)opts->n_days, ENVOY_GEN_MAX_DAYS);
    /* years 0..9999 keep the timestamps RFC 3339 */
    int64_t lo = datetime_days_from_civil(0, 1, 1) * DATETIME_MICROS_PER_DAY;
    int64_t hi =
            (datetime_days_from_civil(10000, 1, 1) - ENVOY_GEN_MAX_DAYS) * DATETIME_MICROS_PER_DAY;
    if (opts->start_us < lo || opts->start_us >= hi)
        return err_set(err, ERR_INVALID, "start time is outside the years 0000..9989");
    return ERR_OK;
}

ErrCode envoy_gen_new(Mem *mem, const EnvoyGenOptions *opts, EnvoyGen **out, Err *err)
{
    ErrCode rc = check_options(opts, err);
    if (rc != ERR_OK)
        return rc;
    EnvoyGen *gen = mem_calloc(mem, 1, sizeof *gen, err);
    if (!gen)
        return ERR_NOMEM;
    gen->mem = mem;
    gen->opts = *opts;
    rng_seed(&gen->rng, opts->seed);
    arena_init(&gen->arena, mem, 0);
    gen->n_minutes = (int64_t)opts->n_days * 1440;
    gen->prefix_minute = INT64_MIN;
    build_outcomes(gen);
    rc = build_routes(gen, err);
    if (rc == ERR_OK) {
        rc = build_clients(gen, err);
    }
    if (rc == ERR_OK) {
        place_incidents(gen);
        rc = describe_incidents(gen, err);
    }
    if (rc != ERR_OK) {
        envoy_gen_free(gen);
        return rc;
    }
    plan_minutes(gen);
    *out = gen;
    return ERR_OK;
}

void envoy_gen_free(EnvoyGen *gen)
{
    if (!gen)
        return;
    mem_free(gen->mem, gen->offsets);
    mem_free(gen->mem, gen->sort_tmp);
    arena_fini(&gen->arena);
    mem_free(gen->mem, gen);
}

bool envoy_gen_done(const EnvoyGen *gen)
{
    return gen->written >= gen->opts.n_events;
}

int64_t envoy_gen_n_written(const EnvoyGen *gen)
{
    return gen->written;
}

const EnvoyGenIncident *envoy_gen_incidents(const EnvoyGen *gen)
{
    return gen->incidents;
}

/* ---- choosing an event --------------------------------------------------------------- */

static const GenRoute *pick_route(EnvoyGen *gen)
{
    double u = rng_unit(&gen->rng);
    size_t r = 0;
    while (r + 1 < gen_n_routes && u >= gen->route_cum[r]) {
        r++;
    }
    return &gen->routes[r];
}

static const GenEndpoint *pick_endpoint(EnvoyGen *gen, const GenRoute *route)
{
    const GenRouteDef *def = route->def;
    uint32_t x = rng_below(&gen->rng, route->endpoint_cum[def->n_endpoints - 1]);
    int e = 0;
    while (x >= route->endpoint_cum[e]) {
        e++;
    }
    return &def->endpoints[e];
}

static const GenOutcome *pick_outcome(EnvoyGen *gen, bool is_read)
{
    const uint32_t *cum = is_read ? gen->outcome_cum_read : gen->outcome_cum_write;
    uint32_t x = rng_below(&gen->rng, cum[gen_n_outcomes - 1]);
    size_t i = 0;
    while (x >= cum[i]) {
        i++;
    }
    return &gen_outcomes[i];
}

/* Response body size for an outcome. */
static int64_t body_bytes(EnvoyGen *gen, const GenOutcome *outcome, uint32_t median)
{
    switch (outcome->origin) {
    case GEN_ORIGIN_UPSTREAM:
        break;
    case GEN_ORIGIN_NO_ROUTE:
    case GEN_ORIGIN_DOWNSTREAM:
        return 0;
    case GEN_ORIGIN_NO_HOST:
        return 19; /* "no healthy upstream" */
    case GEN_ORIGIN_CONNECT:
        return 91; /* "upstream connect error or disconnect/reset before headers..." */
    case GEN_ORIGIN_TIMEOUT:
        return 24; /* "upstream request timeout" */
    }
    uint16_t code = outcome->code;
    if (code == 204 || code == 304 || median == 0)
        return 0;
    if (code >= 300 && code < 400)
        return 40 + rng_below(&gen->rng, 120);
    if (code >= 400)
        return 20 + rng_below(&gen->rng, 230);
    return rng_lognormal(&gen->rng, median, 0.35, 1);
}

/* Duration and upstream time from the outcome's origin and a base latency. */
static void set_timing(EnvoyGen *gen, GenEvent *ev, double median, double sigma)
{
    GenRng *rng = &gen->rng;
    switch (ev->outcome->origin) {
    case GEN_ORIGIN_UPSTREAM: {
        double scale = ev->outcome->code >= 500 ? 1.6 : ev->outcome->code >= 400 ? 0.5 : 1.0;
        ev->duration_ms = rng_lognormal(rng, median * scale * (1.0 + 0.3 * gen->load), sigma, 0);
        int64_t overhead = rng_below(rng, 2) + ev->duration_ms / 40;
        ev->upstream_ms = TN_MAX(ev->duration_ms - overhead, 0);
        return;
    }
    case GEN_ORIGIN_NO_ROUTE:
    case GEN_ORIGIN_NO_HOST:
        ev->duration_ms = rng_below(rng, 2);
        break;
    case GEN_ORIGIN_CONNECT:
        ev->duration_ms = 1 + rng_below(rng, 30);
        break;
    case GEN_ORIGIN_TIMEOUT:
        ev->duration_ms = ROUTE_TIMEOUT_MS + rng_below(rng, 25);
        break;
    case GEN_ORIGIN_DOWNSTREAM:
        ev->duration_ms = rng_lognormal(rng, median * 3, sigma, 1);
        break;
    }
    ev->upstream_ms = -1;
}

static void set_upstream(EnvoyGen *gen, GenEvent *ev)
{
    const GenRoute *route = ev->route;
    ev->upstream_host = NULL;
    ev->failure_reason = (GenStr){NULL, 0};
    switch (ev->outcome->origin) {
    case GEN_ORIGIN_NO_ROUTE:
        ev->route = NULL;
        return;
    case GEN_ORIGIN_NO_HOST:
        return;
    case GEN_ORIGIN_CONNECT:
        ev->failure_reason = (GenStr)GEN_STR("delayed connect error: 111");
        break;
    case GEN_ORIGIN_UPSTREAM:
    case GEN_ORIGIN_TIMEOUT:
    case GEN_ORIGIN_DOWNSTREAM:
        break;
    }
    ev->upstream_host = &route->pods[rng_below(&gen->rng, route->def->n_pods)];
}

static void ordinary_event(EnvoyGen *gen, GenEvent *ev)
{
    GenRng *rng = &gen->rng;
    const GenRoute *route = pick_route(gen);
    const GenEndpoint *endpoint = pick_endpoint(gen, route);
    uint32_t client = (uint32_t)((double)N_CLIENTS * pow(rng_unit(rng), 3.0));
    ev->client = &gen->clients[TN_MIN(client, N_CLIENTS - 1)];
    ev->route = route;
    ev->rule = endpoint->rule;
    ev->method = endpoint->method;
    ev->path_template = endpoint->path;
    ev->is_tls = ev->client->is_http2 || rng_unit(rng) < 0.6;
    bool is_read = endpoint->method.len == 3 && endpoint->method.ptr[0] == 'G';
    ev->outcome = pick_outcome(gen, is_read);
    bool is_failing = gen->in_5xx && route == &gen->routes[GEN_ROUTE_PAYMENTS] &&
                      rng_unit(rng) < FAILING_SHARE;
    if (is_failing) {
        uint32_t pick = rng_below(rng, 4);
        ev->outcome = gen->failures[pick < 2 ? 0 : pick - 1];
    }
    double median = route->def->median_ms;
    bool is_slow = gen->in_latency && route == &gen->routes[GEN_ROUTE_CATALOG];
    if (is_slow) {
        median *= LATENCY_FACTOR;
    }
    set_timing(gen, ev, median, route->def->sigma_x100 / 100.0);
    set_upstream(gen, ev);
    if (is_slow && ev->route) /* a no-route answer does not show the route */
        gen->incidents[ENVOY_GEN_LATENCY_REGRESSION].n_events++;
    if (is_failing) {
        ev->upstream_host = &route->pods[0];
        gen->incidents[ENVOY_GEN_UPSTREAM_5XX].n_events++;
    }
    ev->bytes_received = endpoint->req_bytes ? rng_lognormal(rng, endpoint->req_bytes, 0.5, 1) : 0;
    ev->bytes_sent = body_bytes(gen, ev->outcome, endpoint->resp_bytes);
}

static void stuffing_event(EnvoyGen *gen, GenEvent *ev)
{
    GenRng *rng = &gen->rng;
    ev->route = &gen->routes[GEN_ROUTE_LOGIN];
    ev->rule = 0;
    ev->method = (GenStr)GEN_STR("POST");
    ev->path = (GenStr)GEN_STR("/login");
    ev->client = &gen->stuffers[rng_below(rng, N_STUFFING_IPS)];
    ev->is_tls = true;
    ev->outcome = rng_unit(rng) < 0.965 ? gen->denied_401 : gen->ok_200;
    set_timing(gen, ev, gen_routes[GEN_ROUTE_LOGIN].median_ms, 0.3);
    set_upstream(gen, ev);
    ev->bytes_received = 58 + rng_below(rng, 30);
    ev->bytes_sent = ev->outcome->code == 401 ? 41 : 560;
    gen->incidents[ENVOY_GEN_CREDENTIAL_STUFFING].n_events++;
}

static void scan_event(EnvoyGen *gen, GenEvent *ev)
{
    ev->route = &gen->routes[GEN_ROUTE_FRONTEND];
    ev->rule = 0;
    ev->method = (GenStr)GEN_STR("GET");
    ev->path_template = NULL; /* write_path builds the probe's path */
    ev->client = &gen->scanner;
    ev->is_tls = true;
    ev->outcome = gen->not_found;
    set_timing(gen, ev, 2, 0.4);
    set_upstream(gen, ev);
    ev->bytes_received = 0;
    ev->bytes_sent = 153;
    gen->incidents[ENVOY_GEN_PATH_SCAN].n_events++;
}

/* kube-probe health checks and Prometheus scrapes, straight from inside the cluster. */
static void system_event(EnvoyGen *gen, GenEvent *ev, bool is_probe)
{
    GenRng *rng = &gen->rng;
    ev->route = &gen->routes[rng_below(rng, (uint32_t)gen_n_routes)];
    ev->rule = 0;
    ev->method = (GenStr)GEN_STR("GET");
    ev->path = is_probe ? (GenStr)GEN_STR("/healthz") : (GenStr)GEN_STR("/metrics");
    ev->client = is_probe ? &gen->probe_client : &gen->prometheus_client;
    ev->is_tls = false;
    ev->outcome = gen->ok_200;
    set_timing(gen, ev, is_probe ? 1 : 6, 0.5);
    set_upstream(gen, ev);
    ev->bytes_received = 0;
    ev->bytes_sent = is_probe ? 2 : rng_lognormal(rng, 24000, 0.5, 100);
}

/* ---- writing a line ------------------------------------------------------------------ */

#define PUT_LIT(w, literal)                          \
    do {                                             \
        memcpy((w), (literal), sizeof(literal) - 1); \
        (w) += sizeof(literal) - 1;                  \
    } while (0)

TN_INLINE char *put_str(char *w, GenStr s)
{
    memcpy(w, s.ptr, s.len);
    return w + s.len;
}

static char *put_u64(char *w, uint64_t value)
{
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n > 0) {
        *w++ = digits[--n];
    }
    return w;
}

static char *put_i64(char *w, int64_t value)
{
    if (value < 0) {
        *w++ = '-';
        return put_u64(w, 0 - (uint64_t)value);
    }
    return put_u64(w, (uint64_t)value);
}

static char *put_2digits(char *w, unsigned value)
{
    *w++ = (char)('0' + value / 10);
    *w++ = (char)('0' + value % 10);
    return w;
}

static const char hex_digits[] = "0123456789abcdef";

static char *put_hex(char *w, uint64_t bits, int n_digits)
{
    for (int i = n_digits - 1; i >= 0; i--) {
        *w++ = hex_digits[(bits >> (4 * i)) & 15];
    }
    return w;
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ", the prefix cached per minute. */
static char *put_timestamp(EnvoyGen *gen, char *w, int64_t ts_ms)
{
    int64_t minute = ts_ms >= 0 ? ts_ms / MINUTE_MS : -((-ts_ms + MINUTE_MS - 1) / MINUTE_MS);
    if (minute != gen->prefix_minute) {
        char text[DATETIME_FORMAT_CAP];
        size_t len = datetime_format(minute * MINUTE_MS * 1000, DATETIME_RFC3339_MILLIS, text,
                                     sizeof text);
        gen->prefix_len = len - 7; /* drop "00.000Z" */
        memcpy(gen->prefix, text, gen->prefix_len);
        gen->prefix_minute = minute;
    }
    memcpy(w, gen->prefix, gen->prefix_len);
    w += gen->prefix_len;
    unsigned in_minute = (unsigned)(ts_ms - minute * MINUTE_MS);
    w = put_2digits(w, in_minute / 1000);
    *w++ = '.';
    *w++ = (char)('0' + in_minute % 1000 / 100);
    w = put_2digits(w, in_minute % 100);
    *w++ = 'Z';
    return w;
}

/* A version 4 uuid. */
static char *put_uuid(GenRng *rng, char *w)
{
    uint64_t hi = rng_next(rng);
    uint64_t lo = rng_next(rng);
    w = put_hex(w, hi >> 32, 8);
    *w++ = '-';
    w = put_hex(w, hi >> 16, 4);
    *w++ = '-';
    w = put_hex(w, 0x4000 | (hi & 0x0fff), 4);
    *w++ = '-';
    w = put_hex(w, 0x8000 | ((lo >> 48) & 0x3fff), 4);
    *w++ = '-';
    return put_hex(w, lo, 12);
}

static char *put_pick(GenRng *rng, char *w, const GenStr *choices, size_t n)
{
    return put_str(w, choices[rng_below(rng, (uint32_t)n)]);
}

/* Expand a path template (see envoy_gen_data.h). */
static char *put_template(GenRng *rng, char *w, const char *tpl)
{
    static const GenStr sizes[] = {GEN_STR("thumb"), GEN_STR("small"), GEN_STR("large")};
    while (*tpl) {
        if (*tpl != '{') {
            *w++ = *tpl++;
            continue;
        }
        const char *close = strchr(tpl, '}');
        size_t name_len = close ? (size_t)(close - tpl - 1) : 0;
        const char *name = tpl + 1;
        tpl = close ? close + 1 : tpl + strlen(tpl);
        if (name_len == 2 && name[0] == 'i') { /* {id}: popular ids come up more */
            double u = rng_unit(rng);
            w = put_u64(w, 1 + (uint64_t)(u * u * 99999.0));
        } else if (name_len == 4 && name[0] == 'p') {
            w = put_u64(w, 1 + rng_below(rng, 20));
        } else if (name_len == 4 && name[0] == 'w') {
            w = put_pick(rng, w, gen_words, gen_n_words);
        } else if (name_len == 4 && name[0] == 'u') {
            w = put_uuid(rng, w);
        } else if (name_len == 5 && name[0] == 'm') {
            w = put_pick(rng, w, gen_models, gen_n_models);
        } else if (name_len == 4 && name[0] == 's') {
            w = put_pick(rng, w, sizes, TN_ARRAY_LEN(sizes));
        } else if (name_len == 4 && name[0] == 'h') {
            w = put_hex(w, rng_next(rng), 8);
        } else if (name_len == 6 && name[0] == 'm') {
            w = put_pick(rng, w, gen_metrics, gen_n_metrics);
        } else if (name_len == 3 && name[0] == 'v') {
            PUT_LIT(w, "0.");
            w = put_u64(w, 1 + rng_below(rng, 9));
            PUT_LIT(w, ".");
            w = put_u64(w, rng_below(rng, 5));
        }
    }
    return w;
}

/* The scanner's n-th probe: every dir x file pair once, then numbered backups. */
static char *put_scan_path(EnvoyGen *gen, char *w)
{
    int64_t n = gen->incidents[ENVOY_GEN_PATH_SCAN].n_events - 1;
    size_t pairs = gen_n_scan_dirs * gen_n_scan_files;
    if ((uint64_t)n < pairs) {
        w = put_str(w, gen_scan_dirs[(size_t)n % gen_n_scan_dirs]);
        return put_str(w, gen_scan_files[(size_t)n / gen_n_scan_dirs]);
    }
    PUT_LIT(w, "/backup-");
    w = put_u64(w, (uint64_t)n);
    PUT_LIT(w, ".tar.gz");
    return w;
}

static char *put_path(EnvoyGen *gen, char *w, const GenEvent *ev)
{
    if (ev->client == &gen->scanner)
        return put_scan_path(gen, w);
    if (ev->path_template)
        return put_template(&gen->rng, w, ev->path_template);
    return put_str(w, ev->path);
}

/* "key":"value" or "key":null. */
#define PUT_OPT(w, key_literal, value)   \
    do {                                 \
        PUT_LIT(w, key_literal);         \
        if ((value).len) {               \
            *(w)++ = '"';                \
            (w) = put_str((w), (value)); \
            *(w)++ = '"';                \
        } else {                         \
            PUT_LIT(w, "null");          \
        }                                \
    } while (0)

static char *write_line(EnvoyGen *gen, char *w, const GenEvent *ev)
{
    GenRng *rng = &gen->rng;
    const GenClient *client = ev->client;
    const GenRoute *route = ev->route;
    GenStr none = {NULL, 0};
    PUT_LIT(w, "{\"start_time\":\"");
    w = put_timestamp(gen, w, ev->ts_ms);
    PUT_LIT(w, "\",\"method\":\"");
    w = put_str(w, ev->method);
    PUT_LIT(w, "\",\"x-envoy-origin-path\":\"");
    w = put_path(gen, w, ev);
    PUT_LIT(w, "\",\"protocol\":\"");
    if (client->is_http2) {
        PUT_LIT(w, "HTTP/2");
    } else {
        PUT_LIT(w, "HTTP/1.1");
    }
    PUT_LIT(w, "\",\"response_code\":");
    w = put_u64(w, ev->outcome->code);
    PUT_LIT(w, ",\"response_flags\":\"");
    w = put_str(w, ev->outcome->flags);
    PUT_LIT(w, "\",\"response_code_details\":\"");
    w = put_str(w, ev->outcome->details);
    PUT_LIT(w, "\",\"connection_termination_details\":null");
    PUT_OPT(w, ",\"upstream_transport_failure_reason\":", ev->failure_reason);
    PUT_LIT(w, ",\"bytes_received\":");
    w = put_i64(w, ev->bytes_received);
    PUT_LIT(w, ",\"bytes_sent\":");
    w = put_i64(w, ev->bytes_sent);
    PUT_LIT(w, ",\"duration\":");
    w = put_i64(w, ev->duration_ms);
    PUT_LIT(w, ",\"x-envoy-upstream-service-time\":\"");
    if (ev->upstream_ms >= 0) {
        w = put_i64(w, ev->upstream_ms);
    } else {
        *w++ = '-';
    }
    PUT_OPT(w, "\",\"x-forwarded-for\":", client->xff);
    PUT_LIT(w, ",\"user-agent\":\"");
    w = put_str(w, *client->user_agent);
    PUT_LIT(w, "\",\"x-request-id\":\"");
    w = put_uuid(rng, w);
    PUT_LIT(w, "\",\":authority\":\"");
    if (route) {
        w = put_str(w, route->host);
    } else {
        PUT_LIT(w, "198.51.100.10"); /* no route: clients that address the gateway's IP */
    }
    PUT_LIT(w, "\"");
    PUT_OPT(w, ",\"upstream_host\":", ev->upstream_host ? *ev->upstream_host : none);
    PUT_OPT(w, ",\"upstream_cluster\":", route ? route->cluster[ev->rule] : none);
    PUT_LIT(w, ",\"upstream_local_address\":");
    if (ev->upstream_host) {
        PUT_LIT(w, "\"" GATEWAY_POD ":");
        w = put_u64(w, 32768 + rng_below(rng, 28000));
        *w++ = '"';
    } else {
        PUT_LIT(w, "null");
    }
    PUT_LIT(w, ",\"downstream_local_address\":\"" GATEWAY_POD ":");
    if (ev->is_tls) {
        PUT_LIT(w, "10443");
    } else {
        PUT_LIT(w, "10080");
    }
    PUT_LIT(w, "\",\"downstream_remote_address\":\"");
    w = put_str(w, client->peer);
    *w++ = ':';
    w = put_u64(w, 1024 + rng_below(rng, 64000));
    PUT_OPT(w, "\",\"requested_server_name\":", ev->is_tls && route ? route->host : none);
    PUT_OPT(w, ",\"route_name\":", route ? route->route_name[ev->rule] : none);
    PUT_LIT(w, "}\n");
    return w;
}

static char *write_event(EnvoyGen *gen, char *w)
{
    GenEvent ev = {.path_template = NULL};
    int64_t offset_ms = gen->offsets[gen->next_offset++];
    int64_t ts_us = gen->minute_start_us + offset_ms * 1000;
    ev.ts_ms = ts_us >= 0 ? ts_us / 1000 : -((-ts_us + 999) / 1000);
    double u = rng_unit(&gen->rng);
    if (u < gen->p_stuffing) {
        stuffing_event(gen, &ev);
    } else if ((u -= gen->p_stuffing) < gen->p_scan) {
        scan_event(gen, &ev);
    } else if ((u -= gen->p_scan) < PROBE_SHARE) {
        system_event(gen, &ev, true);
    } else if (u - PROBE_SHARE < SCRAPE_SHARE) {
        system_event(gen, &ev, false);
    } else {
        ordinary_event(gen, &ev);
    }
    return write_line(gen, w, &ev);
}

size_t envoy_gen_fill(EnvoyGen *gen, char *buf, size_t cap, Err *err)
{
    size_t used = 0;
    while (gen->written < gen->opts.n_events && cap - used >= ENVOY_GEN_MAX_LINE_BYTES) {
        if (gen->next_offset == gen->n_offsets) {
            if (start_minute(gen, err) != ERR_OK)
                break;
            continue;
        }
        char *end = write_event(gen, buf + used);
        used = (size_t)(end - buf);
        gen->written++;
    }
    return used;
}
