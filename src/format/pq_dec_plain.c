/* pq_dec_plain.c — PLAIN decoding (see pq_dec.h; Encodings.md "Plain").
 *
 * Fixed-width values are a bounds check plus memcpy (tarn runs on little-endian hosts
 * only, as the byte layout of ColVec assumes). BYTE_ARRAY values are walked length by
 * length; each length is checked against the bytes left, and the ColStr points at the
 * bytes in place, which is what makes uncompressed string pages zero copy.
 */
#include <string.h>

#include "format/pq_dec.h"

#define JULIAN_UNIX_EPOCH 2440588LL
#define US_PER_DAY        86400000000LL

static ErrCode short_input(const char *what, size_t need, size_t len, size_t n, Err *err)
{
    return err_set(err, ERR_CORRUPT,
                   "plain %s values need %zu bytes for %zu values but %zu are present", what, need,
                   n, len);
}

ErrCode pq_plain_decode_fixed(const uint8_t *data, size_t len, size_t width, void *out, size_t n,
                              Err *err)
{
    size_t need;
    if (!size_mul(n, width, &need) || need > len)
        return short_input(width == 4 ? "4-byte" : "8-byte", n * width, len, n, err);
    if (need)
        memcpy(out, data, need);
    return ERR_OK;
}

ErrCode pq_plain_decode_bool(const uint8_t *data, size_t len, uint8_t *out, size_t n, Err *err)
{
    if ((n + 7) / 8 > len)
        return short_input("boolean", (n + 7) / 8, len, n, err);
    size_t full = n / 8;
    for (size_t byte_idx = 0; byte_idx < full; byte_idx++) {
        uint8_t b = data[byte_idx];
        uint8_t *o = out + byte_idx * 8;
        for (int bit = 0; bit < 8; bit++) {
            o[bit] = (b >> bit) & 1;
        }
    }
    for (size_t i = full * 8; i < n; i++) {
        out[i] = (data[i >> 3] >> (i & 7)) & 1;
    }
    return ERR_OK;
}

ErrCode pq_plain_decode_int96_us(const uint8_t *data, size_t len, int64_t *out, size_t n, Err *err)
{
    size_t need;
    if (!size_mul(n, 12, &need) || need > len)
        return short_input("int96", n * 12, len, n, err);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = data + i * 12;
        uint64_t nanos = load_u64le(p);
        int64_t julian = (int32_t)load_u32le(p + 8);
        /* Wrap-around arithmetic: garbage in gives garbage out, never undefined behaviour. */
        uint64_t us = (uint64_t)(julian - JULIAN_UNIX_EPOCH) * (uint64_t)US_PER_DAY +
                      (uint64_t)((int64_t)nanos / 1000);
        out[i] = (int64_t)us;
    }
    return ERR_OK;
}

ErrCode pq_plain_decode_byte_array(const uint8_t *data, size_t len, ColStr *out, size_t n, Err *err)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (len - pos < 4)
            return err_set(err, ERR_CORRUPT,
                           "plain byte array value %zu of %zu: length prefix at offset %zu "
                           "passes the end (%zu bytes)",
                           i, n, pos, len);
        uint32_t value_len = load_u32le(data + pos);
        pos += 4;
        if (value_len > len - pos)
            return err_set(err, ERR_CORRUPT,
                           "plain byte array value %zu of %zu at offset %zu has length %u but "
                           "only %zu bytes are left",
                           i, n, pos - 4, value_len, len - pos);
        out[i].len = value_len;
        out[i].ptr = (const char *)data + pos;
        pos += value_len;
    }
    return ERR_OK;
}

ErrCode pq_plain_decode_flba(const uint8_t *data, size_t len, uint32_t type_len, ColStr *out,
                             size_t n, Err *err)
{
    size_t need;
    if (!size_mul(n, type_len, &need) || need > len)
        return short_input("fixed-length byte array", n * type_len, len, n, err);
    for (size_t i = 0; i < n; i++) {
        out[i].len = type_len;
        out[i].ptr = (const char *)data + i * type_len;
    }
    return ERR_OK;
}
