/* envoy_parse_json.c — one Envoy Gateway JSON access-log line into an EnvoyRow (stream
 * layer; called by envoy_parse.c, see envoy_parse_int.h for the row and the string heap).
 *
 * A single-pass, hand-written scanner for one flat JSON object; no DOM, no allocation:
 *
 *   object  := ws '{' ws ( member ( ws ',' ws member )* )? ws '}' ws
 *   member  := string ws ':' ws value
 *
 * Keys are unescaped into the heap reservation, looked up (switch on length, then one
 * memcmp; lookup_key), and the space is given back. A known key's value is converted for
 * its column: strings are unescaped straight into the heap and kept (string columns, and
 * x-forwarded-for / downstream_remote_address for client_ip), or read as an integer or a
 * timestamp and dropped. Unknown keys' values, nested objects and arrays included, are
 * validated and skipped (skip_value; nesting is capped at MAX_DEPTH so a hostile line
 * cannot exhaust the stack). The whole line is validated as JSON either way: an error
 * anywhere rejects the line, with the byte offset of the offending token.
 *
 * String scanning is SIMD: sixteen bytes (SSE2, on x86-64) or eight (SWAR, elsewhere and
 * for the tail) are loaded, stored to the output unconditionally and tested at once for
 * '"', '\\', control bytes (< 0x20) and non-ASCII (>= 0x80); only those four stop the fast
 * loop. Non-ASCII bytes are validated as UTF-8 sequences,
 * escapes are decoded (\uXXXX with surrogate pairs to UTF-8). The unconditional 8-byte
 * store is safe by the heap invariant in envoy_parse_int.h: the output never runs ahead of
 * the input.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "stream/envoy_parse_int.h"

/* Deepest nesting skipped inside an unknown key's value. */
#define MAX_DEPTH 64

typedef enum FieldKind {
    FIELD_TIME,   /* start_time -> event_time */
    FIELD_STRING, /* a string column */
    FIELD_INT,    /* an int or long column */
    FIELD_XFF,    /* x-forwarded-for, kept for client_ip */
    FIELD_REMOTE, /* downstream_remote_address, kept for client_ip */
} FieldKind;

typedef struct JsonKey {
    const char *name;
    FieldKind kind;
    EnvoyColumn col;
} JsonKey;

/* Envoy Gateway's default keys that feed a column. Everything else is skipped. */
static const JsonKey key_start_time = {"start_time", FIELD_TIME, ENVOY_COL_EVENT_TIME};
static const JsonKey key_method = {"method", FIELD_STRING, ENVOY_COL_METHOD};
static const JsonKey key_path = {"x-envoy-origin-path", FIELD_STRING, ENVOY_COL_PATH};
static const JsonKey key_protocol = {"protocol", FIELD_STRING, ENVOY_COL_PROTOCOL};
static const JsonKey key_code = {"response_code", FIELD_INT, ENVOY_COL_RESPONSE_CODE};
static const JsonKey key_flags = {"response_flags", FIELD_STRING, ENVOY_COL_RESPONSE_FLAGS};
static const JsonKey key_details = {"response_code_details", FIELD_STRING,
                                    ENVOY_COL_RESPONSE_CODE_DETAILS};
static const JsonKey key_received = {"bytes_received", FIELD_INT, ENVOY_COL_BYTES_RECEIVED};
static const JsonKey key_sent = {"bytes_sent", FIELD_INT, ENVOY_COL_BYTES_SENT};
static const JsonKey key_duration = {"duration", FIELD_INT, ENVOY_COL_RESPONSE_TIME_MS};
static const JsonKey key_upstream_time = {"x-envoy-upstream-service-time", FIELD_INT,
                                          ENVOY_COL_UPSTREAM_SERVICE_TIME_MS};
static const JsonKey key_xff = {"x-forwarded-for", FIELD_XFF, ENVOY_COL_CLIENT_IP};
static const JsonKey key_remote = {"downstream_remote_address", FIELD_REMOTE, ENVOY_COL_CLIENT_IP};
static const JsonKey key_user_agent = {"user-agent", FIELD_STRING, ENVOY_COL_USER_AGENT};
static const JsonKey key_request_id = {"x-request-id", FIELD_STRING, ENVOY_COL_REQUEST_ID};
static const JsonKey key_authority = {":authority", FIELD_STRING, ENVOY_COL_AUTHORITY};
static const JsonKey key_upstream_host = {"upstream_host", FIELD_STRING, ENVOY_COL_UPSTREAM_HOST};
static const JsonKey key_cluster = {"upstream_cluster", FIELD_STRING, ENVOY_COL_UPSTREAM_CLUSTER};
static const JsonKey key_route_name = {"route_name", FIELD_STRING, ENVOY_COL_ROUTE_NAME};

static const JsonKey *match(const JsonKey *key, const char *text, size_t len)
{
    return memcmp(key->name, text, len) == 0 ? key : NULL;
}

/* The column a key feeds, or NULL to skip it. Keys of one length are told apart by one
 * distinguishing byte before the full compare. */
static const JsonKey *lookup_key(const char *text, size_t len)
{
    switch (len) {
    case 6:
        return match(&key_method, text, len);
    case 8:
        return match(text[0] == 'p' ? &key_protocol : &key_duration, text, len);
    case 10:
        switch (text[0]) {
        case 's':
            return match(&key_start_time, text, len);
        case 'b':
            return match(&key_sent, text, len);
        case 'u':
            return match(&key_user_agent, text, len);
        case 'r':
            return match(&key_route_name, text, len);
        case ':':
            return match(&key_authority, text, len);
        default:
            return NULL;
        }
    case 12:
        return match(&key_request_id, text, len);
    case 13:
        return match(text[0] == 'r' ? &key_code : &key_upstream_host, text, len);
    case 14:
        return match(text[0] == 'r' ? &key_flags : &key_received, text, len);
    case 15:
        return match(&key_xff, text, len);
    case 16:
        return match(&key_cluster, text, len);
    case 19:
        return match(&key_path, text, len);
    case 21:
        return match(&key_details, text, len);
    case 25:
        return match(&key_remote, text, len);
    case 29:
        return match(&key_upstream_time, text, len);
    default:
        return NULL;
    }
}

typedef struct JsonCursor {
    const unsigned char *start; /* the line */
    const unsigned char *p;     /* next byte to read */
    const unsigned char *end;
    Err *err;
} JsonCursor;

static size_t offset_of(const JsonCursor *cur, const unsigned char *p)
{
    return (size_t)(p - cur->start);
}

/* Bytes that end the fast string loop: '"', '\\', controls and non-ASCII. */
static bool is_string_special(unsigned char ch)
{
    return ch == '"' || ch == '\\' || ch < 0x20 || ch >= 0x80;
}

#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* High bit set in each byte of `word` that is special (see is_string_special). Each term
 * can flag false positives only above a true hit (borrows run upwards), so the lowest
 * flagged byte is always exact. */
TN_INLINE uint64_t special_mask(uint64_t word)
{
    uint64_t quote = word ^ (ONES * '"');
    uint64_t backslash = word ^ (ONES * '\\');
    uint64_t hits = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) |
                    ((word - ONES * 0x20) & ~word) | word;
    return hits & HIGHS;
}

static ErrCode fail_expected(JsonCursor *cur, const char *expected)
{
    size_t offset = offset_of(cur, cur->p);
    if (cur->p >= cur->end)
        return envoy_reject(cur->err, offset, "truncated JSON: expected %s but the line ended",
                            expected);
    char shown[64];
    envoy_quote((const char *)cur->p, 1, shown, sizeof shown);
    return envoy_reject(cur->err, offset, "invalid JSON: expected %s, found '%s'", expected, shown);
}

TN_INLINE void skip_ws(JsonCursor *cur)
{
    const unsigned char *p = cur->p;
    while (p < cur->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    cur->p = p;
}

static int hex_value(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch |= 0x20;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* The four hex digits after "\u" at p (p[0] = '\\'), or -1. */
static int32_t read_u_escape(const unsigned char *p, const unsigned char *end)
{
    if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
        return -1;
    int32_t value = 0;
    for (int i = 2; i < 6; i++) {
        int digit = hex_value(p[i]);
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

static char *put_utf8(char *w, uint32_t cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xc0 | cp >> 6);
        *w++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xe0 | cp >> 12);
        *w++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *w++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *w++ = (char)(0xf0 | cp >> 18);
        *w++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *w++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *w++ = (char)(0x80 | (cp & 0x3f));
    }
    return w;
}

/* Decode the escape at cur->p (a backslash) into *w; advances both. */
static ErrCode decode_escape(JsonCursor *cur, char **w)
{
    const unsigned char *p = cur->p;
    if (cur->end - p < 2) {
        cur->p = cur->end;
        return fail_expected(cur, "an escape character");
    }
    static const char simple_from[] = "\"\\/bfnrt";
    static const char simple_to[] = "\"\\/\b\f\n\r\t";
    const char *simple = p[1] ? strchr(simple_from, p[1]) : NULL;
    if (simple) {
        *(*w)++ = simple_to[simple - simple_from];
        cur->p = p + 2;
        return ERR_OK;
    }
    if (p[1] != 'u') {
        char shown[64];
        envoy_quote((const char *)p, 2, shown, sizeof shown);
        return envoy_reject(cur->err, offset_of(cur, p), "invalid JSON: invalid escape \"%s\"",
                            shown);
    }
    int32_t unit = read_u_escape(p, cur->end);
    if (unit < 0)
        return envoy_reject(cur->err, offset_of(cur, p),
                            "invalid JSON: \\u must be followed by four hex digits");
    uint32_t cp = (uint32_t)unit;
    size_t used = 6;
    if (unit >= 0xdc00 && unit <= 0xdfff)
        return envoy_reject(cur->err, offset_of(cur, p),
                            "invalid JSON: \\u%04x is a lone low surrogate", (unsigned)unit);
    if (unit >= 0xd800 && unit <= 0xdbff) {
        int32_t low = read_u_escape(p + 6, cur->end);
        if (low < 0xdc00 || low > 0xdfff)
            return envoy_reject(cur->err, offset_of(cur, p),
                                "invalid JSON: \\u%04x is a high surrogate without a low one",
                                (unsigned)unit);
        cp = 0x10000 + (((uint32_t)unit - 0xd800) << 10) + ((uint32_t)low - 0xdc00);
        used = 12;
    }
    *w = put_utf8(*w, cp);
    cur->p = p + used;
    return ERR_OK;
}

#if defined(__SSE2__)
/* Mask of the bytes in 16 that end the fast loop; a signed compare below 0x20 also catches
 * bytes >= 0x80. */
TN_INLINE unsigned special_mask16(__m128i bytes)
{
    __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')),
                                             _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))),
                                _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(hits);
}
#endif

/* The general string loop: continues a string at p (output at w, string start at out)
 * through escapes, UTF-8 and the line's tail. */
static ErrCode scan_string_rest(JsonCursor *cur, const unsigned char *p, char *out, char *w,
                                size_t *len_out)
{
    const unsigned char *end = cur->end;
    for (;;) {
        while (end - p >= 8) {
            uint64_t word;
            memcpy(&word, p, 8);
            memcpy(w, &word, 8);
            uint64_t mask = special_mask(word);
            if (mask) {
                unsigned skip = envoy_first_flagged_byte(mask);
                p += skip;
                w += skip;
                break;
            }
            p += 8;
            w += 8;
        }
        while (p < end && !is_string_special(*p)) {
            *w++ = (char)*p++;
        }
        if (p == end) {
            cur->p = p;
            return fail_expected(cur, "the closing '\"' of a string");
        }
        unsigned char ch = *p;
        if (ch == '"') {
            cur->p = p + 1;
            *len_out = (size_t)(w - out);
            return ERR_OK;
        }
        if (ch == '\\') {
            cur->p = p;
            ErrCode rc = decode_escape(cur, &w);
            if (rc != ERR_OK)
                return rc;
            p = cur->p;
            continue;
        }
        if (ch < 0x20)
            return envoy_reject(cur->err, offset_of(cur, p),
                                "invalid JSON: control byte 0x%02x inside a string", ch);
        size_t n = envoy_utf8_seq_len(p, end);
        if (n == 0)
            return envoy_reject(cur->err, offset_of(cur, p), "invalid UTF-8 in a string");
        memcpy(w, p, n);
        w += n;
        p += n;
    }
}

/* Scan a string whose opening quote is at cur->p, writing its unescaped bytes at `out`;
 * on ERR_OK cur->p is past the closing quote and *len_out the unescaped length. Inline:
 * plain ASCII strings (nearly all) end in the 16-byte loop here without a call
 * (an optimization; scan_string_rest handles everything). */
TN_INLINE ErrCode scan_string(JsonCursor *cur, char *out, size_t *len_out)
{
    const unsigned char *p = cur->p + 1;
    char *w = out;
#if defined(__SSE2__)
    while (cur->end - p >= 16) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)p);
        _mm_storeu_si128((__m128i *)(void *)w, bytes);
        unsigned mask = special_mask16(bytes);
        if (mask) {
            unsigned skip = (unsigned)__builtin_ctz(mask);
            p += skip;
            w += skip;
            if (TN_LIKELY(*p == '"')) {
                cur->p = p + 1;
                *len_out = (size_t)(w - out);
                return ERR_OK;
            }
            break;
        }
        p += 16;
        w += 16;
    }
#endif
    return scan_string_rest(cur, p, out, w, len_out);
}

/* Scan a JSON number at cur->p; *is_integer is false when it has a fraction or exponent. */
static ErrCode scan_number(JsonCursor *cur, bool *is_integer)
{
    const unsigned char *p = cur->p;
    const unsigned char *end = cur->end;
    const unsigned char *start = p;
    if (p < end && *p == '-') {
        p++;
    }
    if (p == end || *p < '0' || *p > '9')
        goto bad;
    if (*p == '0') {
        p++;
    } else {
        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
    }
    *is_integer = true;
    if (p < end && *p == '.') {
        p++;
        if (p == end || *p < '0' || *p > '9')
            goto bad;
        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
        *is_integer = false;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) {
            p++;
        }
        if (p == end || *p < '0' || *p > '9')
            goto bad;
        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
        *is_integer = false;
    }
    cur->p = p;
    return ERR_OK;
bad:
    cur->p = p;
    if (p == end)
        return fail_expected(cur, "the rest of a number");
    return envoy_reject(cur->err, offset_of(cur, start), "invalid JSON: malformed number");
}

/* "true", "false" or "null" at cur->p; *literal_len_out is its length. */
static ErrCode scan_literal(JsonCursor *cur, size_t *literal_len_out)
{
    static const char *const literals[] = {"true", "false", "null"};
    for (size_t i = 0; i < TN_ARRAY_LEN(literals); i++) {
        size_t len = strlen(literals[i]);
        if (literals[i][0] != *cur->p)
            continue;
        if ((size_t)(cur->end - cur->p) < len) {
            cur->p = cur->end;
            return fail_expected(cur, literals[i]);
        }
        if (memcmp(cur->p, literals[i], len) != 0)
            return fail_expected(cur, literals[i]);
        cur->p += len;
        *literal_len_out = len;
        return ERR_OK;
    }
    return fail_expected(cur, "a value");
}

static ErrCode skip_value(JsonCursor *cur, char *scratch, int depth);

/* Skip the members of an object or the elements of an array opened at cur->p. */
static ErrCode skip_container(JsonCursor *cur, char *scratch, int depth)
{
    bool is_object = *cur->p == '{';
    unsigned char close = is_object ? '}' : ']';
    if (depth >= MAX_DEPTH)
        return envoy_reject(cur->err, offset_of(cur, cur->p),
                            "invalid JSON: nested deeper than %d levels", MAX_DEPTH);
    cur->p++;
    skip_ws(cur);
    if (cur->p < cur->end && *cur->p == close) {
        cur->p++;
        return ERR_OK;
    }
    for (;;) {
        ErrCode rc;
        if (is_object) {
            if (cur->p >= cur->end || *cur->p != '"')
                return fail_expected(cur, "'\"' to start a key");
            size_t len;
            rc = scan_string(cur, scratch, &len);
            if (rc != ERR_OK)
                return rc;
            skip_ws(cur);
            if (cur->p >= cur->end || *cur->p != ':')
                return fail_expected(cur, "':' after a key");
            cur->p++;
            skip_ws(cur);
        }
        rc = skip_value(cur, scratch, depth + 1);
        if (rc != ERR_OK)
            return rc;
        skip_ws(cur);
        if (cur->p < cur->end && *cur->p == ',') {
            cur->p++;
            skip_ws(cur);
            continue;
        }
        if (cur->p < cur->end && *cur->p == close) {
            cur->p++;
            return ERR_OK;
        }
        return fail_expected(cur, is_object ? "',' or '}'" : "',' or ']'");
    }
}

/* Validate and skip any value; `scratch` receives unescaped strings (heap reservation). */
static ErrCode skip_value(JsonCursor *cur, char *scratch, int depth)
{
    if (cur->p >= cur->end)
        return fail_expected(cur, "a value");
    unsigned char ch = *cur->p;
    if (ch == '"') {
        size_t len;
        return scan_string(cur, scratch, &len);
    }
    if (ch == '{' || ch == '[')
        return skip_container(cur, scratch, depth);
    if (ch == '-' || (ch >= '0' && ch <= '9')) {
        bool is_integer;
        return scan_number(cur, &is_integer);
    }
    size_t len;
    return scan_literal(cur, &len);
}

/* A known key's value: convert it for the key's column. `out` is the heap cursor. */
static ErrCode read_field(JsonCursor *cur, const JsonKey *key, char **out, EnvoyRow *row)
{
    const unsigned char *value_start = cur->p;
    size_t offset = offset_of(cur, value_start);
    unsigned char ch = value_start < cur->end ? *value_start : 0;
    const char *text;
    size_t len;
    bool is_quoted = ch == '"';
    ErrCode rc;
    if (is_quoted) {
        rc = scan_string(cur, *out, &len);
        text = *out;
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
        bool is_integer;
        rc = scan_number(cur, &is_integer);
        if (rc == ERR_OK && !is_integer && key->kind == FIELD_INT) {
            char shown[64];
            envoy_quote((const char *)value_start, (size_t)(cur->p - value_start), shown,
                        sizeof shown);
            return envoy_reject(cur->err, offset, "%s: %s is not an integer", key->name, shown);
        }
        text = (const char *)value_start;
        len = (size_t)(cur->p - value_start);
    } else if (ch == '{' || ch == '[') {
        return envoy_reject(cur->err, offset, "%s: expected a %s, found %s", key->name,
                            key->kind == FIELD_INT ? "number" : "string",
                            ch == '{' ? "an object" : "an array");
    } else if (ch == 'n' || ch == 't' || ch == 'f') {
        rc = scan_literal(cur, &len);
        text = (const char *)value_start;
        if (rc == ERR_OK && ch == 'n') {
            envoy_row_set_null(row, key->col);
            if (key->kind == FIELD_XFF) {
                row->has_xff = false;
            }
            if (key->kind == FIELD_REMOTE) {
                row->has_remote = false;
            }
            return ERR_OK;
        }
        if (rc == ERR_OK && (key->kind == FIELD_INT || key->kind == FIELD_TIME))
            return envoy_reject(cur->err, offset, "%s: expected a %s, found %.*s", key->name,
                                key->kind == FIELD_INT ? "number" : "timestamp string", (int)len,
                                text);
    } else {
        return fail_expected(cur, "a value");
    }
    if (rc != ERR_OK)
        return rc;
    switch (key->kind) {
    case FIELD_TIME:
        if (!is_quoted)
            return envoy_reject(cur->err, offset, "%s: expected an RFC 3339 timestamp string",
                                key->name);
        return envoy_row_set_time(row, key->name, text, len, offset, cur->err);
    case FIELD_INT:
        return envoy_row_set_int(row, key->col, key->name, text, len, is_quoted, offset, cur->err);
    case FIELD_STRING:
    case FIELD_XFF:
    case FIELD_REMOTE:
        break;
    }
    /* Kept as a string: a number or boolean keeps its text. Copy unquoted text into the
     * heap (it is never longer than the input it came from). */
    if (!is_quoted) {
        memcpy(*out, text, len);
    }
    const char *kept = *out;
    bool is_dash = len == 1 && kept[0] == '-';
    if (key->kind == FIELD_STRING) {
        envoy_row_set_str(row, key->col, kept, len);
    } else if (key->kind == FIELD_XFF) {
        row->has_xff = !is_dash;
        row->xff = (ColStr){(uint32_t)len, kept};
    } else {
        row->has_remote = !is_dash;
        row->remote = (ColStr){(uint32_t)len, kept};
    }
    if (!is_dash) {
        *out += len;
    }
    return ERR_OK;
}

/* One member: key, ':', value. */
static ErrCode read_member(JsonCursor *cur, EnvoyLine *line)
{
    if (cur->p >= cur->end || *cur->p != '"')
        return fail_expected(cur, "'\"' to start a key");
    size_t key_len;
    ErrCode rc = scan_string(cur, line->out, &key_len);
    if (rc != ERR_OK)
        return rc;
    const JsonKey *key = lookup_key(line->out, key_len);
    skip_ws(cur);
    if (cur->p >= cur->end || *cur->p != ':')
        return fail_expected(cur, "':' after a key");
    cur->p++;
    skip_ws(cur);
    if (!key)
        return skip_value(cur, line->out, 0);
    return read_field(cur, key, &line->out, &line->row);
}

ErrCode envoy_parse_json(EnvoyLine *line, Err *err)
{
    JsonCursor cur = {
            .start = (const unsigned char *)line->text,
            .p = (const unsigned char *)line->text,
            .end = (const unsigned char *)line->text + line->len,
            .err = err,
    };
    skip_ws(&cur);
    cur.p++; /* the '{' envoy_batch_add_line found */
    skip_ws(&cur);
    if (cur.p < cur.end && *cur.p == '}') {
        cur.p++;
    } else {
        for (;;) {
            ErrCode rc = read_member(&cur, line);
            if (rc != ERR_OK)
                return rc;
            skip_ws(&cur);
            if (cur.p < cur.end && *cur.p == ',') {
                cur.p++;
                skip_ws(&cur);
                continue;
            }
            if (cur.p < cur.end && *cur.p == '}') {
                cur.p++;
                break;
            }
            return fail_expected(&cur, "',' or '}'");
        }
    }
    skip_ws(&cur);
    if (cur.p < cur.end)
        return envoy_reject(err, offset_of(&cur, cur.p),
                            "invalid JSON: unexpected text after the object");
    return ERR_OK;
}
