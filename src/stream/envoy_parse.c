/* envoy_parse.c — the EnvoyBatch: column vectors, string heap, row commit, derived columns
 * (see envoy_parse.h; the line formats are in envoy_parse_json.c and envoy_parse_text.c).
 *
 * Per line: strip one trailing \r, check the length cap and the capacity, reserve `len`
 * bytes of string heap (envoy_parse_int.h says why that always suffices), detect the format
 * from the first non-blank byte, let the format's parser fill an EnvoyRow, then
 *   1. require event_time,
 *   2. derive client_ip (first x-forwarded-for entry, else downstream_remote_address's host)
 *      and route_namespace / route (from route_name) as spans into bytes already in the heap,
 *   3. append the row to the vectors (value slot and validity bit of every column, NULL
 *      slots zeroed) and advance the heap cursor past the bytes the row kept.
 * A reject stops before step 3, so the vectors and the heap are untouched.
 *
 * Memory: the vectors live in `vec_arena`, allocated once by envoy_batch_new for the
 * capacity. String bytes live in chunks of `chunk_bytes` (or one line's length when a line
 * is longer) carved from `heap_arena`; envoy_batch_reset recycles that arena, so a
 * steady loop reuses the same chunks. The only allocation in the per-line path is taking a
 * new chunk when the current one cannot hold the next line's reservation.
 */
#include "stream/envoy_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "stream/envoy_parse_int.h"

/* A string heap chunk: big enough that taking one is rare (about 2000 typical lines),
 * small enough that the tail wasted when a line does not fit is noise. Small batches (an
 * HTTP request's few lines) take chunks of 1 KiB per row, at least MIN_HEAP_CHUNK_BYTES. */
#define HEAP_CHUNK_BYTES     ((size_t)1 << 20)
#define MIN_HEAP_CHUNK_BYTES ((size_t)64 << 10)

#define MAX_CAPACITY_ROWS ((size_t)1 << 24)

#define COL_TS                \
    {                         \
        .id = COL_TIMESTAMPTZ \
    }
#define COL_STR          \
    {                    \
        .id = COL_STRING \
    }
#define COL_I32         \
    {                   \
        .id = COL_INT32 \
    }
#define COL_I64         \
    {                   \
        .id = COL_INT64 \
    }

const EnvoyColumnDef envoy_columns[ENVOY_N_COLS] = {
        [ENVOY_COL_EVENT_TIME] = {"event_time", COL_TS, false},
        [ENVOY_COL_METHOD] = {"method", COL_STR, true},
        [ENVOY_COL_PATH] = {"path", COL_STR, true},
        [ENVOY_COL_PROTOCOL] = {"protocol", COL_STR, true},
        [ENVOY_COL_RESPONSE_CODE] = {"response_code", COL_I32, true},
        [ENVOY_COL_RESPONSE_FLAGS] = {"response_flags", COL_STR, true},
        [ENVOY_COL_RESPONSE_CODE_DETAILS] = {"response_code_details", COL_STR, true},
        [ENVOY_COL_BYTES_RECEIVED] = {"bytes_received", COL_I64, true},
        [ENVOY_COL_BYTES_SENT] = {"bytes_sent", COL_I64, true},
        [ENVOY_COL_RESPONSE_TIME_MS] = {"response_time_ms", COL_I32, true},
        [ENVOY_COL_UPSTREAM_SERVICE_TIME_MS] = {"upstream_service_time_ms", COL_I32, true},
        [ENVOY_COL_CLIENT_IP] = {"client_ip", COL_STR, true},
        [ENVOY_COL_USER_AGENT] = {"user_agent", COL_STR, true},
        [ENVOY_COL_REQUEST_ID] = {"request_id", COL_STR, true},
        [ENVOY_COL_AUTHORITY] = {"authority", COL_STR, true},
        [ENVOY_COL_UPSTREAM_HOST] = {"upstream_host", COL_STR, true},
        [ENVOY_COL_UPSTREAM_CLUSTER] = {"upstream_cluster", COL_STR, true},
        [ENVOY_COL_ROUTE_NAME] = {"route_name", COL_STR, true},
        [ENVOY_COL_ROUTE_NAMESPACE] = {"route_namespace", COL_STR, true},
        [ENVOY_COL_ROUTE] = {"route", COL_STR, true},
};

_Static_assert(ENVOY_N_COLS <= 32, "EnvoyRow.present is a 32-bit mask");

struct EnvoyBatch {
    Mem *mem;            /* budget of the batch struct and both arenas; borrowed */
    size_t capacity;     /* rows the vectors hold */
    size_t n_rows;       /* rows appended since the last reset */
    size_t string_bytes; /* heap bytes kept by those rows */
    size_t chunk_bytes;  /* size of an ordinary string heap chunk */
    char *heap_cur;      /* next free byte of the current chunk */
    char *heap_end;      /* end of the current chunk */
    Arena vec_arena;     /* the vectors; lives as long as the batch */
    Arena heap_arena;    /* string chunks; recycled by envoy_batch_reset */
    ColVec cols[ENVOY_N_COLS];
};

/* ---- batch lifecycle ------------------------------------------------------------------ */

ErrCode envoy_batch_new(Mem *mem, size_t capacity_rows, EnvoyBatch **out, Err *err)
{
    if (capacity_rows == 0 || capacity_rows > MAX_CAPACITY_ROWS)
        return err_set(err, ERR_INVALID, "envoy batch capacity %zu is out of range 1..%zu",
                       capacity_rows, MAX_CAPACITY_ROWS);
    EnvoyBatch *batch = mem_calloc(mem, 1, sizeof *batch, err);
    if (!batch)
        return ERR_NOMEM;
    batch->mem = mem;
    batch->capacity = capacity_rows;
    arena_init(&batch->vec_arena, mem, 0);
    batch->chunk_bytes =
            TN_MIN(HEAP_CHUNK_BYTES, TN_MAX(MIN_HEAP_CHUNK_BYTES, capacity_rows << 10));
    arena_init(&batch->heap_arena, mem, batch->chunk_bytes);
    for (int col = 0; col < ENVOY_N_COLS; col++) {
        const EnvoyColumnDef *def = &envoy_columns[col];
        ErrCode rc = colvec_alloc(&batch->vec_arena, def->type, capacity_rows, def->is_nullable,
                                  &batch->cols[col], err);
        if (rc != ERR_OK) {
            envoy_batch_free(batch);
            return rc;
        }
        batch->cols[col].n_rows = 0;
    }
    *out = batch;
    return ERR_OK;
}

void envoy_batch_free(EnvoyBatch *batch)
{
    if (!batch)
        return;
    arena_fini(&batch->heap_arena);
    arena_fini(&batch->vec_arena);
    mem_free(batch->mem, batch);
}

void envoy_batch_reset(EnvoyBatch *batch)
{
    arena_recycle(&batch->heap_arena);
    batch->heap_cur = NULL;
    batch->heap_end = NULL;
    batch->n_rows = 0;
    batch->string_bytes = 0;
    for (int col = 0; col < ENVOY_N_COLS; col++) {
        batch->cols[col].n_rows = 0;
    }
}

size_t envoy_batch_n_rows(const EnvoyBatch *batch)
{
    return batch->n_rows;
}

size_t envoy_batch_capacity(const EnvoyBatch *batch)
{
    return batch->capacity;
}

bool envoy_batch_is_full(const EnvoyBatch *batch)
{
    return batch->n_rows >= batch->capacity;
}

size_t envoy_batch_string_bytes(const EnvoyBatch *batch)
{
    return batch->string_bytes;
}

const ColVec *envoy_batch_columns(const EnvoyBatch *batch)
{
    return batch->cols;
}

/* ---- helpers shared with the format parsers ------------------------------------------ */

void envoy_reject_msg(Err *err, size_t offset, const char *fmt, ...)
{
    char reason[ERR_MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    err_set(err, ERR_INVALID, "%s (byte %zu)", reason, offset);
}

void envoy_quote(const char *text, size_t len, char *buf, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t limit = TN_MIN(len, (size_t)40);
    size_t pos = 0;
    for (size_t i = 0; i < limit && pos + 8 < cap; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
            buf[pos++] = (char)ch;
        } else if (ch == '\\') {
            buf[pos++] = '\\';
            buf[pos++] = '\\';
        } else {
            buf[pos++] = '\\';
            buf[pos++] = 'x';
            buf[pos++] = hex[ch >> 4];
            buf[pos++] = hex[ch & 15];
        }
    }
    if (limit < len && pos + 4 <= cap) {
        memcpy(buf + pos, "...", 3);
        pos += 3;
    }
    buf[pos] = '\0';
}

EnvoyIntStatus envoy_int_parse(const char *text, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
    size_t pos = 0;
    bool is_negative = len > 0 && text[0] == '-';
    pos += is_negative;
    if (pos == len)
        return ENVOY_INT_NOT_INTEGER;
    uint64_t magnitude = 0;
    bool is_overflow = false;
    for (; pos < len; pos++) {
        unsigned digit = (unsigned)(unsigned char)text[pos] - '0';
        if (digit > 9)
            return ENVOY_INT_NOT_INTEGER;
        is_overflow |= __builtin_mul_overflow(magnitude, 10, &magnitude);
        is_overflow |= __builtin_add_overflow(magnitude, digit, &magnitude);
    }
    if (is_overflow)
        return ENVOY_INT_RANGE;
    int64_t value;
    if (is_negative) {
        if (magnitude > (uint64_t)INT64_MAX + 1)
            return ENVOY_INT_RANGE;
        value = (int64_t)(0 - magnitude);
    } else {
        if (magnitude > (uint64_t)INT64_MAX)
            return ENVOY_INT_RANGE;
        value = (int64_t)magnitude;
    }
    if (value < lo || value > hi)
        return ENVOY_INT_RANGE;
    *out = value;
    return ENVOY_INT_OK;
}

ErrCode envoy_row_set_int(EnvoyRow *row, EnvoyColumn col, const char *key, const char *text,
                          size_t len, bool is_quoted, size_t offset, Err *err)
{
    if (len == 0 || (len == 1 && text[0] == '-')) {
        envoy_row_set_null(row, col);
        return ERR_OK;
    }
    bool is_int32 = envoy_columns[col].type.id == COL_INT32;
    int64_t lo = is_int32 ? INT32_MIN : INT64_MIN;
    int64_t hi = is_int32 ? INT32_MAX : INT64_MAX;
    int64_t value;
    EnvoyIntStatus status = envoy_int_parse(text, len, lo, hi, &value);
    if (TN_LIKELY(status == ENVOY_INT_OK)) {
        row->present |= 1u << col;
        row->ints[col] = value;
        return ERR_OK;
    }
    char shown[64];
    envoy_quote(text, len, shown, sizeof shown);
    const char *quote = is_quoted ? "\"" : "";
    if (status == ENVOY_INT_RANGE)
        return envoy_reject(err, offset, "%s: %s%s%s is out of range for %s", key, quote, shown,
                            quote, is_int32 ? "int" : "long");
    return envoy_reject(err, offset, "%s: %s%s%s is not an integer", key, quote, shown, quote);
}

/* Digits text[pos .. pos + n) as a number, or -1 when one is not a digit. */
static int32_t fixed_digits(const char *text, int pos, int n)
{
    int32_t value = 0;
    for (int i = pos; i < pos + n; i++) {
        unsigned digit = (unsigned)(unsigned char)text[i] - '0';
        if (digit > 9)
            return -1;
        value = value * 10 + (int32_t)digit;
    }
    return value;
}

/* The exact form Envoy writes, "YYYY-MM-DDTHH:MM:SS.mmmZ", without the general parser's
 * cursor (an optimization: it is about a tenth of a line's parse time otherwise). Anything
 * else, and any field out of range, returns false for datetime_parse to handle, so results
 * and messages are datetime_parse's. */
static bool parse_envoy_time(const char *t, size_t len, int64_t *ts_us_out)
{
    if (len != 24 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' ||
        t[19] != '.' || t[23] != 'Z')
        return false;
    int32_t year = fixed_digits(t, 0, 4), month = fixed_digits(t, 5, 2);
    int32_t day = fixed_digits(t, 8, 2), hour = fixed_digits(t, 11, 2);
    int32_t minute = fixed_digits(t, 14, 2), second = fixed_digits(t, 17, 2);
    int32_t millis = fixed_digits(t, 20, 3);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 59 || millis < 0 ||
        day > datetime_days_in_month(year, month))
        return false;
    int64_t days = datetime_days_from_civil(year, month, day);
    *ts_us_out = days * DATETIME_MICROS_PER_DAY + hour * DATETIME_MICROS_PER_HOUR +
                 minute * DATETIME_MICROS_PER_MINUTE + second * DATETIME_MICROS_PER_SEC +
                 millis * INT64_C(1000);
    return true;
}

ErrCode envoy_row_set_time(EnvoyRow *row, const char *key, const char *text, size_t len,
                           size_t offset, Err *err)
{
    if (len == 0 || (len == 1 && text[0] == '-')) {
        envoy_row_set_null(row, ENVOY_COL_EVENT_TIME);
        return ERR_OK;
    }
    int64_t ts_us;
    Err parse_err;
    if (!parse_envoy_time(text, len, &ts_us) &&
        datetime_parse(text, len, &ts_us, NULL, &parse_err) != ERR_OK)
        return envoy_reject(err, offset, "%s: %s", key, parse_err.msg);
    row->present |= 1u << ENVOY_COL_EVENT_TIME;
    row->ints[ENVOY_COL_EVENT_TIME] = ts_us;
    return ERR_OK;
}

size_t envoy_utf8_seq_len(const unsigned char *p, const unsigned char *end)
{
    unsigned lead = p[0];
    size_t avail = (size_t)(end - p);
    if (lead < 0xc2 || lead > 0xf4)
        return 0; /* continuation byte, overlong 2-byte lead, or beyond U+10FFFF */
    if (lead < 0xe0) {
        return avail >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    }
    if (avail < 3 || (p[2] & 0xc0) != 0x80)
        return 0;
    if (lead < 0xf0) {
        unsigned lo = lead == 0xe0 ? 0xa0 : 0x80; /* no overlong 3-byte forms */
        unsigned hi = lead == 0xed ? 0x9f : 0xbf; /* no UTF-16 surrogates */
        return p[1] >= lo && p[1] <= hi ? 3 : 0;
    }
    if (avail < 4 || (p[3] & 0xc0) != 0x80)
        return 0;
    unsigned lo = lead == 0xf0 ? 0x90 : 0x80; /* no overlong 4-byte forms */
    unsigned hi = lead == 0xf4 ? 0x8f : 0xbf; /* nothing above U+10FFFF */
    return p[1] >= lo && p[1] <= hi ? 4 : 0;
}

bool envoy_utf8_valid(const unsigned char *p, const unsigned char *end, size_t *bad_offset)
{
    const unsigned char *start = p;
    while (p < end) {
        /* ASCII fast path, 8 bytes at a time (an optimization only) */
        while (end - p >= 8) {
            uint64_t word;
            memcpy(&word, p, 8);
            if (word & UINT64_C(0x8080808080808080))
                break;
            p += 8;
        }
        if (p == end)
            break;
        if (*p < 0x80) {
            p++;
            continue;
        }
        size_t n = envoy_utf8_seq_len(p, end);
        if (n == 0) {
            *bad_offset = (size_t)(p - start);
            return false;
        }
        p += n;
    }
    return true;
}

/* ---- derived columns and the row commit ---------------------------------------------- */

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* client_ip: the first x-forwarded-for entry, trimmed; else the host of the remote address
 * ("10.0.0.1:5432" -> "10.0.0.1", "[::1]:80" -> "::1", a bare address as it is). */
static void derive_client_ip(EnvoyRow *row)
{
    if (row->has_xff) {
        const char *p = row->xff.ptr;
        const char *comma = memchr(p, ',', row->xff.len);
        const char *end = comma ? comma : p + row->xff.len;
        while (p < end && is_blank(*p)) {
            p++;
        }
        while (end > p && is_blank(end[-1])) {
            end--;
        }
        if (end > p) {
            envoy_row_set_str(row, ENVOY_COL_CLIENT_IP, p, (size_t)(end - p));
            return;
        }
    }
    if (!row->has_remote)
        return;
    const char *p = row->remote.ptr;
    size_t len = row->remote.len;
    if (len > 0 && p[0] == '[') {
        const char *close = memchr(p, ']', len);
        if (close && close > p + 1) {
            envoy_row_set_str(row, ENVOY_COL_CLIENT_IP, p + 1, (size_t)(close - p - 1));
        }
        return;
    }
    const char *colon = memchr(p, ':', len);
    if (colon && !memchr(colon + 1, ':', len - (size_t)(colon + 1 - p))) {
        len = (size_t)(colon - p); /* host:port; several colons mean a bare IPv6 address */
    }
    if (len > 0) {
        envoy_row_set_str(row, ENVOY_COL_CLIENT_IP, p, len);
    }
}

/* route_namespace and route from "httproute/<ns>/<name>/rule/<n>..." (n a digit). */
static void derive_route(EnvoyRow *row)
{
    static const char prefix[] = "httproute/";
    const size_t prefix_len = sizeof prefix - 1;
    if (!(row->present & (1u << ENVOY_COL_ROUTE_NAME)))
        return;
    const char *p = row->strs[ENVOY_COL_ROUTE_NAME].ptr;
    const char *end = p + row->strs[ENVOY_COL_ROUTE_NAME].len;
    if ((size_t)(end - p) < prefix_len || memcmp(p, prefix, prefix_len) != 0)
        return;
    const char *ns = p + prefix_len;
    const char *ns_end = memchr(ns, '/', (size_t)(end - ns));
    if (!ns_end || ns_end == ns)
        return;
    const char *name = ns_end + 1;
    const char *name_end = memchr(name, '/', (size_t)(end - name));
    if (!name_end || name_end == name)
        return;
    static const char rule[] = "/rule/";
    const size_t rule_len = sizeof rule - 1;
    if ((size_t)(end - name_end) <= rule_len || memcmp(name_end, rule, rule_len) != 0 ||
        name_end[rule_len] < '0' || name_end[rule_len] > '9')
        return;
    envoy_row_set_str(row, ENVOY_COL_ROUTE_NAMESPACE, ns, (size_t)(ns_end - ns));
    envoy_row_set_str(row, ENVOY_COL_ROUTE, name, (size_t)(name_end - name));
}

static void commit_row(EnvoyBatch *batch, const EnvoyRow *row)
{
    size_t r = batch->n_rows;
    for (int col = 0; col < ENVOY_N_COLS; col++) {
        ColVec *vec = &batch->cols[col];
        bool is_present = (row->present >> col) & 1;
        ColType type = envoy_columns[col].type.id;
        if (type == COL_INT32) {
            ((int32_t *)vec->values)[r] = is_present ? (int32_t)row->ints[col] : 0;
        } else if (type == COL_INT64 || type == COL_TIMESTAMPTZ) {
            ((int64_t *)vec->values)[r] = is_present ? row->ints[col] : 0;
        } else {
            ((ColStr *)vec->values)[r] = is_present ? row->strs[col] : (ColStr){0, NULL};
        }
        if (vec->validity) {
            colvec_set_valid(vec->validity, r, is_present);
        }
        vec->n_rows = r + 1;
    }
    batch->n_rows = r + 1;
}

/* Make room for `len` bytes of string heap. */
static ErrCode reserve_heap(EnvoyBatch *batch, size_t len, Err *err)
{
    if ((size_t)(batch->heap_end - batch->heap_cur) >= len && batch->heap_cur)
        return ERR_OK;
    size_t chunk = TN_MAX(len, batch->chunk_bytes);
    char *block = arena_alloc(&batch->heap_arena, chunk);
    if (!block)
        return arena_error(&batch->heap_arena, err);
    batch->heap_cur = block;
    batch->heap_end = block + chunk;
    return ERR_OK;
}

ErrCode envoy_batch_add_line(EnvoyBatch *batch, const char *text, size_t len, Err *err)
{
    if (len > 0 && text[len - 1] == '\r') {
        len--;
    }
    if (batch->n_rows >= batch->capacity)
        return err_set(err, ERR_LIMIT, "envoy batch is full (%zu rows)", batch->capacity);
    if (len > ENVOY_MAX_LINE_BYTES)
        return err_set(err, ERR_INVALID, "line of %zu bytes is longer than the limit of %u", len,
                       ENVOY_MAX_LINE_BYTES);
    size_t first = 0;
    while (first < len && is_blank(text[first])) {
        first++;
    }
    if (first == len)
        return envoy_reject(err, first, "empty line");
    ErrCode rc = reserve_heap(batch, len, err);
    if (rc != ERR_OK)
        return rc;
    EnvoyLine line; /* not zeroed: the row is 480 bytes and `present` says what is set */
    line.text = text;
    line.len = len;
    line.out = batch->heap_cur;
    line.row.present = 0;
    line.row.has_xff = false;
    line.row.has_remote = false;
    if (text[first] == '{') {
        rc = envoy_parse_json(&line, err);
    } else if (text[first] == '[') {
        rc = envoy_parse_text(&line, err);
    } else {
        char shown[64];
        envoy_quote(text + first, 1, shown, sizeof shown);
        rc = envoy_reject(err, first,
                          "not an Envoy access log line: expected '{' (JSON) or '[' (text), "
                          "found '%s'",
                          shown);
    }
    if (rc != ERR_OK)
        return rc;
    if (!(line.row.present & (1u << ENVOY_COL_EVENT_TIME)))
        return envoy_reject(err, first, "start_time: missing (every record needs a start time)");
    derive_client_ip(&line.row);
    derive_route(&line.row);
    commit_row(batch, &line.row);
    batch->string_bytes += (size_t)(line.out - batch->heap_cur);
    batch->heap_cur = line.out;
    return ERR_OK;
}
