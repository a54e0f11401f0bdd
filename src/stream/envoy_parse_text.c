/* envoy_parse_text.c — one line of Envoy's default text access-log format into an EnvoyRow
 * (stream layer; called by envoy_parse.c, see envoy_parse_int.h for the row and the heap).
 *
 * The format (Envoy's default when no format is configured):
 *
 *   [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%"
 *   %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
 *   %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 *   "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"
 *
 * e.g. [2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100
 *      "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations"
 *      "tcp://10.0.2.1:80"
 *
 * Fields are separated by single spaces (runs of blanks are accepted). Envoy writes "-" for
 * an absent value; it is NULL here. The request line splits at its first and last space
 * (method, path, protocol), so a path with spaces survives. Envoy does not escape quotes
 * inside quoted values, so a quoted field ends at the first '"' followed by blanks and the
 * next field's opening '"' (the request line and the last field: by a blank or the end of
 * the line). Whatever follows the upstream host (custom formats often append fields) is
 * ignored. The whole line must be valid UTF-8; strings are copied verbatim into the
 * heap. Field names in reject reasons are the JSON keys of the same values.
 */
#include <string.h>

#include "stream/envoy_parse_int.h"

typedef struct TextCursor {
    const char *start; /* the line */
    const char *p;     /* next byte to read */
    const char *end;
    char *out; /* heap cursor */
    EnvoyRow *row;
    Err *err;
} TextCursor;

static size_t offset_at(const TextCursor *cur, const char *p)
{
    return (size_t)(p - cur->start);
}

static ErrCode fail_expected(TextCursor *cur, const char *expected)
{
    size_t offset = offset_at(cur, cur->p);
    if (cur->p >= cur->end)
        return envoy_reject(cur->err, offset,
                            "truncated text log line: expected %s but the line ended", expected);
    char shown[64];
    envoy_quote(cur->p, 1, shown, sizeof shown);
    return envoy_reject(cur->err, offset, "invalid text log line: expected %s, found '%s'",
                        expected, shown);
}

/* Separator before the next field: one or more blanks. */
static ErrCode skip_blanks(TextCursor *cur, const char *next_field)
{
    const char *p = cur->p;
    while (p < cur->end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    if (p == cur->p || p == cur->end) {
        cur->p = p;
        return fail_expected(cur, next_field);
    }
    cur->p = p;
    return ERR_OK;
}

/* Copy [p, p+len) into the heap and return the copy. */
static const char *keep(TextCursor *cur, const char *p, size_t len)
{
    char *copy = cur->out;
    memcpy(copy, p, len);
    if (!(len == 1 && p[0] == '-')) {
        cur->out += len; /* "-" is NULL: nothing kept */
    }
    return copy;
}

static void keep_str(TextCursor *cur, EnvoyColumn col, const char *p, size_t len)
{
    envoy_row_set_str(cur->row, col, keep(cur, p, len), len);
}

/* A bare token up to the next blank (or the end). */
static void read_token(TextCursor *cur, const char **tok, size_t *len)
{
    const char *p = cur->p;
    while (p < cur->end && *p != ' ' && *p != '\t') {
        p++;
    }
    *tok = cur->p;
    *len = (size_t)(p - cur->p);
    cur->p = p;
}

/* A quoted field: cur->p at the opening quote. Envoy does not escape quotes inside values,
 * so the closing quote is found by what follows it: blanks and the next field's opening
 * quote, or the end of the line, when `is_last` is false (a user agent may hold `" x"`); a
 * blank or the end of the line for the last field. */
static ErrCode read_quoted(TextCursor *cur, const char *what, bool is_last, const char **value,
                           size_t *len)
{
    if (cur->p >= cur->end || *cur->p != '"')
        return fail_expected(cur, what);
    const char *open = cur->p + 1;
    const char *q = open;
    for (;;) {
        q = memchr(q, '"', (size_t)(cur->end - q));
        if (!q) {
            cur->p = cur->end;
            return fail_expected(cur, "a closing '\"'");
        }
        const char *after = q + 1;
        if (is_last && (after == cur->end || *after == ' ' || *after == '\t'))
            break;
        while (!is_last && after < cur->end && (*after == ' ' || *after == '\t')) {
            after++;
        }
        if (!is_last && (after == cur->end || (after > q + 1 && *after == '"')))
            break; /* at the end, the next field reports itself missing */
        q++;
    }
    *value = open;
    *len = (size_t)(q - open);
    cur->p = q + 1;
    return ERR_OK;
}

/* "METHOD PATH PROTOCOL": split at the first and the last space. */
static ErrCode read_request_line(TextCursor *cur)
{
    const char *value = NULL;
    size_t len = 0;
    ErrCode rc = read_quoted(cur, "'\"' before the request line", true, &value, &len);
    if (rc != ERR_OK)
        return rc;
    const char *first_space = memchr(value, ' ', len);
    const char *last_space = memrchr(value, ' ', len);
    if (!first_space || last_space == first_space)
        return envoy_reject(cur->err, offset_at(cur, value - 1),
                            "invalid text log line: the request line is not \"METHOD PATH "
                            "PROTOCOL\"");
    keep_str(cur, ENVOY_COL_METHOD, value, (size_t)(first_space - value));
    keep_str(cur, ENVOY_COL_PATH, first_space + 1, (size_t)(last_space - first_space - 1));
    keep_str(cur, ENVOY_COL_PROTOCOL, last_space + 1, (size_t)(value + len - last_space - 1));
    return ERR_OK;
}

typedef struct TextField {
    EnvoyColumn col;
    const char *key;
} TextField;

/* The six bare fields after the request line: code, flags, bytes in and out, duration and
 * upstream service time. All but the flags are integers. */
static ErrCode read_bare_fields(TextCursor *cur)
{
    static const TextField fields[] = {
            {ENVOY_COL_RESPONSE_CODE, "response_code"},
            {ENVOY_COL_RESPONSE_FLAGS, "response_flags"},
            {ENVOY_COL_BYTES_RECEIVED, "bytes_received"},
            {ENVOY_COL_BYTES_SENT, "bytes_sent"},
            {ENVOY_COL_RESPONSE_TIME_MS, "duration"},
            {ENVOY_COL_UPSTREAM_SERVICE_TIME_MS, "x-envoy-upstream-service-time"},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(fields); i++) {
        ErrCode rc = skip_blanks(cur, fields[i].key);
        if (rc != ERR_OK)
            return rc;
        const char *tok;
        size_t len;
        read_token(cur, &tok, &len);
        if (fields[i].col == ENVOY_COL_RESPONSE_FLAGS) {
            keep_str(cur, ENVOY_COL_RESPONSE_FLAGS, tok, len);
            continue;
        }
        rc = envoy_row_set_int(cur->row, fields[i].col, fields[i].key, tok, len, false,
                               offset_at(cur, tok), cur->err);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* The five quoted fields at the end. */
static ErrCode read_quoted_tail(TextCursor *cur)
{
    static const char *const keys[] = {"x-forwarded-for", "user-agent", "x-request-id",
                                       ":authority", "upstream_host"};
    static const EnvoyColumn cols[] = {ENVOY_COL_CLIENT_IP, ENVOY_COL_USER_AGENT,
                                       ENVOY_COL_REQUEST_ID, ENVOY_COL_AUTHORITY,
                                       ENVOY_COL_UPSTREAM_HOST};
    for (size_t i = 0; i < TN_ARRAY_LEN(keys); i++) {
        ErrCode rc = skip_blanks(cur, keys[i]);
        if (rc != ERR_OK)
            return rc;
        const char *value = NULL;
        size_t len = 0;
        rc = read_quoted(cur, keys[i], i + 1 == TN_ARRAY_LEN(keys), &value, &len);
        if (rc != ERR_OK)
            return rc;
        if (cols[i] != ENVOY_COL_CLIENT_IP) {
            keep_str(cur, cols[i], value, len);
            continue;
        }
        const char *kept = keep(cur, value, len);
        cur->row->has_xff = !(len == 1 && value[0] == '-');
        cur->row->xff = (ColStr){(uint32_t)len, kept};
    }
    return ERR_OK;
}

ErrCode envoy_parse_text(EnvoyLine *line, Err *err)
{
    TextCursor cur = {
            .start = line->text,
            .p = line->text,
            .end = line->text + line->len,
            .out = line->out,
            .row = &line->row,
            .err = err,
    };
    size_t bad_offset;
    if (!envoy_utf8_valid((const unsigned char *)cur.start, (const unsigned char *)cur.end,
                          &bad_offset))
        return envoy_reject(err, bad_offset, "invalid UTF-8 in a text log line");
    while (*cur.p == ' ' || *cur.p == '\t') {
        cur.p++;
    }
    const char *time_start = cur.p + 1; /* past the '[' envoy_batch_add_line found */
    const char *close = memchr(time_start, ']', (size_t)(cur.end - time_start));
    if (!close) {
        cur.p = cur.end;
        return fail_expected(&cur, "']' after the start time");
    }
    ErrCode rc = envoy_row_set_time(cur.row, "start_time", time_start, (size_t)(close - time_start),
                                    offset_at(&cur, time_start), err);
    if (rc != ERR_OK)
        return rc;
    cur.p = close + 1;
    rc = skip_blanks(&cur, "the request line");
    if (rc == ERR_OK) {
        rc = read_request_line(&cur);
    }
    if (rc == ERR_OK) {
        rc = read_bare_fields(&cur);
    }
    if (rc == ERR_OK) {
        rc = read_quoted_tail(&cur);
    }
    if (rc != ERR_OK)
        return rc;
    line->out = cur.out;
    return ERR_OK;
}
