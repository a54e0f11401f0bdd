/* pq_enc_plain.c — PLAIN encoding (Encodings.md "Plain"): values back to back.
 * Fixed-width values are copied as they are (tarn builds for little-endian hosts, where
 * the in-memory layout of int32/int64/float/double already is Parquet's); booleans are
 * bit-packed LSB-first; byte arrays get a u32 LE length prefix each.
 */
#include <string.h>

#include "format/pq_enc.h"

ErrCode pq_enc_plain_fixed(StrBuf *out, const void *values, size_t n, size_t width, Err *err)
{
    if (n == 0)
        return ERR_OK;
    return strbuf_append(out, values, n * width, err);
}

ErrCode pq_enc_plain_bool(StrBuf *out, const uint8_t *values, size_t n, Err *err)
{
    size_t n_bytes = (n + 7) / 8;
    ErrCode rc = strbuf_reserve(out, n_bytes, err);
    if (rc != ERR_OK)
        return rc;
    uint8_t *dst = (uint8_t *)out->data + out->len;
    size_t full = n / 8;
    for (size_t i = 0; i < full; i++) {
        const uint8_t *v = values + i * 8;
        dst[i] = (uint8_t)(v[0] | v[1] << 1 | v[2] << 2 | v[3] << 3 | v[4] << 4 | v[5] << 5 |
                           v[6] << 6 | v[7] << 7);
    }
    if (full < n_bytes) {
        uint8_t byte = 0;
        for (size_t i = full * 8; i < n; i++) {
            byte |= (uint8_t)(values[i] << (i & 7));
        }
        dst[full] = byte;
    }
    out->len += n_bytes;
    return ERR_OK;
}

ErrCode pq_enc_plain_bytes(StrBuf *out, const uint8_t *heap, const uint32_t *offs, size_t n,
                           Err *err)
{
    size_t total = (size_t)(offs[n] - offs[0]) + 4 * n;
    ErrCode rc = strbuf_reserve(out, total, err);
    if (rc != ERR_OK)
        return rc;
    uint8_t *dst = (uint8_t *)out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        uint32_t len = offs[i + 1] - offs[i];
        store_u32le(dst, len);
        if (len > 0) {
            memcpy(dst + 4, heap + offs[i], len);
        }
        dst += 4 + len;
    }
    out->len += total;
    return ERR_OK;
}
