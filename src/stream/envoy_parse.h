/* envoy_parse.h — Envoy access-log lines into column vectors (stream layer).
 *
 * The ingest hot path for analytics.httproute_raw (DESIGN.md §5): `tarn load`, the
 * /ingest/envoy endpoint and the event log feed access-log lines one at a time into an
 * EnvoyBatch, which appends one row per accepted line to ENVOY_N_COLS flat column vectors
 * (base/colvec.h) ready for the Parquet / Iceberg writers. A line that cannot be parsed is
 * rejected with a reason and leaves the batch as it was, so the caller can route it to
 * analytics._rejected and go on with the next line.
 *
 * Two formats, detected per line by the first byte after leading blanks:
 *   '{'  Envoy Gateway's default JSON access log (one flat JSON object per line). Keys are
 *        mapped as in envoy_columns below; unknown keys and nested values are skipped;
 *        a duplicate key's last value wins. Numbers may be JSON numbers or strings ("123");
 *        "-", null and (for numbers) "" are NULL; a non-integer or out-of-range number is
 *        a reject. Strings are unescaped (\uXXXX incl. surrogate pairs to UTF-8); an invalid
 *        escape or invalid UTF-8 anywhere in the line is a reject.
 *   '['  Envoy's default text format:
 *        [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%"
 *        %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
 *        %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 *        "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"
 *        ("-" is NULL; response_code_details, upstream_cluster and route_name are NULL).
 *   anything else is a reject.
 * Derived columns: client_ip is the first address of x-forwarded-for (trimmed), else the
 * host part of downstream_remote_address ("10.0.0.1:5432" -> "10.0.0.1", "[::1]:80" ->
 * "::1"); route_namespace and route come from a route_name shaped
 * "httproute/<ns>/<name>/rule/..." (NULL otherwise). event_time (start_time, RFC 3339, any
 * offset) is required: a line without a valid one is rejected.
 *
 * Memory: the column vectors are allocated once for `capacity_rows` rows; string bytes are
 * copied into the batch's arena. envoy_batch_reset empties the batch for the next round
 * and keeps its memory (arena_recycle), so a steady ingest loop allocates nothing.
 * Thread contract: one thread at a time per batch; separate batches are independent.
 */
#ifndef TARN_STREAM_ENVOY_PARSE_H
#define TARN_STREAM_ENVOY_PARSE_H

#include "base/colvec.h"

/* Columns of analytics.httproute_raw, in table order. */
typedef enum EnvoyColumn {
    ENVOY_COL_EVENT_TIME,               /* timestamptz, required  <- start_time */
    ENVOY_COL_METHOD,                   /* string                 <- method */
    ENVOY_COL_PATH,                     /* string                 <- x-envoy-origin-path */
    ENVOY_COL_PROTOCOL,                 /* string                 <- protocol */
    ENVOY_COL_RESPONSE_CODE,            /* int                    <- response_code */
    ENVOY_COL_RESPONSE_FLAGS,           /* string                 <- response_flags */
    ENVOY_COL_RESPONSE_CODE_DETAILS,    /* string                 <- response_code_details */
    ENVOY_COL_BYTES_RECEIVED,           /* long                   <- bytes_received */
    ENVOY_COL_BYTES_SENT,               /* long                   <- bytes_sent */
    ENVOY_COL_RESPONSE_TIME_MS,         /* int                    <- duration */
    ENVOY_COL_UPSTREAM_SERVICE_TIME_MS, /* int   <- x-envoy-upstream-service-time */
    ENVOY_COL_CLIENT_IP,                /* string <- x-forwarded-for / downstream_remote_address */
    ENVOY_COL_USER_AGENT,               /* string                 <- user-agent */
    ENVOY_COL_REQUEST_ID,               /* string                 <- x-request-id */
    ENVOY_COL_AUTHORITY,                /* string                 <- :authority */
    ENVOY_COL_UPSTREAM_HOST,            /* string                 <- upstream_host */
    ENVOY_COL_UPSTREAM_CLUSTER,         /* string                 <- upstream_cluster */
    ENVOY_COL_ROUTE_NAME,               /* string                 <- route_name */
    ENVOY_COL_ROUTE_NAMESPACE,          /* string, from route_name */
    ENVOY_COL_ROUTE,                    /* string, from route_name */
    ENVOY_N_COLS
} EnvoyColumn;

typedef struct EnvoyColumnDef {
    const char *name; /* column name in analytics.httproute_raw */
    ColTypeInfo type; /* COL_TIMESTAMPTZ, COL_STRING, COL_INT32 or COL_INT64 */
    bool is_nullable; /* false only for event_time */
} EnvoyColumnDef;

/* The schema, indexed by EnvoyColumn. Immutable. */
extern const EnvoyColumnDef envoy_columns[ENVOY_N_COLS];

/* Longest line accepted (bytes, before the optional trailing \r); longer ones are rejected
 * with ERR_INVALID. Keeps one row's string bytes within a 32-bit ColStr length and bounds
 * the memory a single hostile line can take. */
#define ENVOY_MAX_LINE_BYTES (1u << 20)

typedef struct EnvoyBatch EnvoyBatch;

/* A new empty batch that holds up to `capacity_rows` rows (1 .. 16M), charged to `mem`
 * (may be NULL; borrowed, must outlive the batch). *out is caller-owned: free it with
 * envoy_batch_free. Errors: ERR_INVALID (capacity out of range), ERR_NOMEM. */
TN_MUST_CHECK ErrCode envoy_batch_new(Mem *mem, size_t capacity_rows, EnvoyBatch **out, Err *err);

/* Parse one line (`len` bytes, no trailing newline; one trailing \r is ignored) and append
 * it as a row. ERR_OK: one row appended. ERR_INVALID: nothing appended; err->msg is the
 * reject reason naming the key or column and the 0-based byte offset in the line, e.g.
 * `response_code: "abc" is not an integer (byte 57)`. ERR_LIMIT: the batch is full
 * (nothing appended; check envoy_batch_is_full first). ERR_NOMEM: the string arena's
 * budget refused (nothing appended). `line` is borrowed for the call only. */
TN_MUST_CHECK ErrCode envoy_batch_add_line(EnvoyBatch *batch, const char *line, size_t len,
                                           Err *err);

/* Rows appended since the last reset, and the capacity given to envoy_batch_new. */
size_t envoy_batch_n_rows(const EnvoyBatch *batch);
size_t envoy_batch_capacity(const EnvoyBatch *batch);

/* True when n_rows == capacity: flush, then envoy_batch_reset, before adding more. */
bool envoy_batch_is_full(const EnvoyBatch *batch);

/* Bytes of string data copied into the batch since the last reset (a flush trigger for
 * callers that bound a batch by size as well as rows). */
size_t envoy_batch_string_bytes(const EnvoyBatch *batch);

/* The ENVOY_N_COLS vectors, indexed by EnvoyColumn, each with n_rows = envoy_batch_n_rows:
 * flat (no dictionary), a validity bitmap on every nullable column (event_time has none),
 * NULL slots zeroed, strings pointing into the batch's arena. Borrowed: valid until the
 * next envoy_batch_add_line, envoy_batch_reset or envoy_batch_free on this batch. */
const ColVec *envoy_batch_columns(const EnvoyBatch *batch);

/* Empty the batch, keeping its vectors and arena blocks for reuse. Invalidates every
 * pointer from envoy_batch_columns. */
void envoy_batch_reset(EnvoyBatch *batch);

/* Free the batch and everything it holds; NULL is a no-op. */
void envoy_batch_free(EnvoyBatch *batch);

#endif
