/* envoy_parse_fuzz.c — libFuzzer target for the Envoy access-log parser (stream/envoy_parse).
 * The input is split at newlines and every line is fed to envoy_batch_add_line (a batch of
 * 8 rows, reset when full). Each line must be accepted (one more row) or rejected with
 * ERR_INVALID and a reason (no row); an accepted row must have an
 * event_time and only valid UTF-8 in its string columns, with NULL slots zeroed. Anything
 * else stops the fuzzer. */
#include <stdlib.h>
#include <string.h>

#include "stream/envoy_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool utf8_valid(const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned lead = p[i];
        size_t n = lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
        if (n == 0 || lead > 0xf4 || i + n > len)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
        }
        if ((lead == 0xe0 && p[i + 1] < 0xa0) || (lead == 0xed && p[i + 1] > 0x9f) ||
            (lead == 0xf0 && p[i + 1] < 0x90) || (lead == 0xf4 && p[i + 1] > 0x8f))
            return false;
        i += n;
    }
    return true;
}

static void check_row(const EnvoyBatch *batch, size_t row)
{
    const ColVec *cols = envoy_batch_columns(batch);
    if (colvec_is_null(&cols[ENVOY_COL_EVENT_TIME], row))
        abort();
    for (int col = 0; col < ENVOY_N_COLS; col++) {
        if (envoy_columns[col].type.id != COL_STRING)
            continue;
        const ColStr *value = &((const ColStr *)cols[col].values)[row];
        if (colvec_is_null(&cols[col], row)) {
            if (value->len != 0 || value->ptr)
                abort();
        } else if (!utf8_valid((const unsigned char *)value->ptr, value->len)) {
            abort();
        }
    }
}

static void feed_line(EnvoyBatch *batch, const char *line, size_t len)
{
    if (envoy_batch_is_full(batch))
        envoy_batch_reset(batch);
    size_t before = envoy_batch_n_rows(batch);
    Err err;
    ErrCode rc = envoy_batch_add_line(batch, line, len, &err);
    if (rc == ERR_OK) {
        if (envoy_batch_n_rows(batch) != before + 1)
            abort();
        check_row(batch, before);
        return;
    }
    if (rc != ERR_INVALID || envoy_batch_n_rows(batch) != before || err.msg[0] == '\0')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Mem mem;
    mem_init(&mem, NULL, "fuzz", 0);
    EnvoyBatch *batch = NULL;
    Err err;
    if (envoy_batch_new(&mem, 8, &batch, &err) != ERR_OK)
        abort();
    const char *p = (const char *)data;
    const char *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        feed_line(batch, p, (size_t)(line_end - p));
        p = nl ? nl + 1 : end;
    }
    envoy_batch_free(batch);
    if (mem_used(&mem) != 0)
        abort();
    return 0;
}
