/* envoy_parse_int.h — state shared by the Envoy access-log parser's parts (stream layer).
 *
 * envoy_parse.c owns the batch (column vectors, string heap, row commit, derived columns
 * and the helpers below); envoy_parse_json.c and envoy_parse_text.c each turn one line
 * into an EnvoyRow. A part never touches the column vectors: it fills the row, and
 * envoy_parse.c appends the row only when the whole line parsed, so a reject leaves the
 * batch exactly as it was.
 *
 * String heap: before a line is parsed, the batch reserves `len` bytes of its arena for it
 * and hands the parser a write cursor (EnvoyLine.out). Every string a parser keeps is
 * written there, unescaped. Unescaping never lengthens a JSON string (\uXXXX is 6 bytes
 * for at most 3 of UTF-8, a surrogate pair 12 for 4) and text fields are copied verbatim,
 * so a line's strings always fit in its reservation, and a writer may store up to 8 bytes
 * at `out` whenever it reads 8 bytes of the line at an offset at least as far along (the
 * output never runs ahead of the input). On accept the cursor's final position becomes the
 * heap's; on reject the reservation is simply reused by the next line.
 */
#ifndef TARN_STREAM_ENVOY_PARSE_INT_H
#define TARN_STREAM_ENVOY_PARSE_INT_H

#include "stream/envoy_parse.h"

/* One line's values before it becomes a row. A column holds a value when its bit is set in
 * `present`; ints[] holds event_time (µs) and the integer columns, strs[] the string
 * columns (pointing into the string heap). The xff and remote spans feed client_ip. */
typedef struct EnvoyRow {
    uint32_t present;
    bool has_xff;
    bool has_remote;
    ColStr xff;    /* x-forwarded-for as given */
    ColStr remote; /* downstream_remote_address as given */
    int64_t ints[ENVOY_N_COLS];
    ColStr strs[ENVOY_N_COLS];
} EnvoyRow;

typedef struct EnvoyLine {
    const char *text; /* the line, borrowed */
    size_t len;       /* without the trailing \r */
    char *out;        /* string heap write cursor (see the file comment) */
    EnvoyRow row;
} EnvoyLine;

/* Parse one JSON object line / one default-format text line into line->row.
 * ERR_INVALID with the reject reason; nothing else. */
TN_MUST_CHECK ErrCode envoy_parse_json(EnvoyLine *line, Err *err);
TN_MUST_CHECK ErrCode envoy_parse_text(EnvoyLine *line, Err *err);

/* Record a reject in err: the formatted reason followed by " (byte <offset>)", code
 * ERR_INVALID. envoy_reject is the same as an expression of value ERR_INVALID, so callers
 * `return envoy_reject(...)` (and static analysis sees the constant). */
void envoy_reject_msg(Err *err, size_t offset, const char *fmt, ...) TN_PRINTF(3, 4);
#define envoy_reject(err, offset, ...) (envoy_reject_msg((err), (offset), __VA_ARGS__), ERR_INVALID)

/* Write `len` bytes of `text` into buf (cap >= 64) for a message: printable ASCII as is, a
 * backslash doubled, other bytes as \xNN, cut to 40 bytes with "..." when longer. */
void envoy_quote(const char *text, size_t len, char *buf, size_t cap);

/* Outcome of reading an integer from text. */
typedef enum EnvoyIntStatus {
    ENVOY_INT_OK,
    ENVOY_INT_NOT_INTEGER, /* not an optional '-' followed by 1..n decimal digits */
    ENVOY_INT_RANGE,       /* an integer outside [lo, hi] */
} EnvoyIntStatus;

/* Parse `len` bytes as a decimal integer (optional '-', digits only) within [lo, hi]. */
EnvoyIntStatus envoy_int_parse(const char *text, size_t len, int64_t lo, int64_t hi, int64_t *out);

/* Store `text` (value or key text of the offending token, for the message) as the integer
 * column `col`: "-" and "" are NULL. On a bad number, rejects naming `key` and the
 * offset. `is_quoted` says whether the value came as a JSON string (quoted in messages). */
TN_MUST_CHECK ErrCode envoy_row_set_int(EnvoyRow *row, EnvoyColumn col, const char *key,
                                        const char *text, size_t len, bool is_quoted, size_t offset,
                                        Err *err);

/* Parse `text` as RFC 3339 into event_time; "-" and "" leave it NULL. Rejects naming
 * `key` and the offset. */
TN_MUST_CHECK ErrCode envoy_row_set_time(EnvoyRow *row, const char *key, const char *text,
                                         size_t len, size_t offset, Err *err);

/* Store a string column; "-" is NULL. */
TN_INLINE void envoy_row_set_str(EnvoyRow *row, EnvoyColumn col, const char *ptr, size_t len)
{
    if (len == 1 && ptr[0] == '-') {
        row->present &= ~(1u << col);
        return;
    }
    row->present |= 1u << col;
    row->strs[col].ptr = ptr;
    row->strs[col].len = (uint32_t)len;
}

TN_INLINE void envoy_row_set_null(EnvoyRow *row, EnvoyColumn col)
{
    row->present &= ~(1u << col);
}

/* Index of the first byte of an 8-byte little-endian word whose mask bit (0x80 of the
 * byte) is set; mask must be non-zero. */
TN_INLINE unsigned envoy_first_flagged_byte(uint64_t mask)
{
    return (unsigned)__builtin_ctzll(mask) >> 3;
}

/* Length of a valid UTF-8 sequence starting at p (a byte >= 0x80), or 0 when the bytes
 * at p (at most end - p of them) are not one: overlong forms, surrogates and code points
 * above U+10FFFF are invalid. */
size_t envoy_utf8_seq_len(const unsigned char *p, const unsigned char *end);

/* True when [p, end) is valid UTF-8 (ASCII fast path). */
bool envoy_utf8_valid(const unsigned char *p, const unsigned char *end, size_t *bad_offset);

#endif
