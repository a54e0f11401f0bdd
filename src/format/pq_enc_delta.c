/* pq_enc_delta.c — DELTA_BINARY_PACKED (Encodings.md §5) for INT32 and INT64.
 *
 * Layout: header = ULEB block size (128) | ULEB miniblocks per block (4) | ULEB total value
 * count | zigzag ULEB first value. Then per block of up to 128 deltas: zigzag ULEB min
 * delta | 4 bit-width bytes | the miniblocks of 32 (delta - min delta) values bit-packed.
 * Miniblocks past the last value are omitted (their width bytes are 0); the last one
 * present is zero padded to 32 values. Deltas wrap around in the column's own width, so
 * INT32 widths never exceed 32 bits (Arrow rejects wider ones for INT32).
 */
#include "format/pq_enc.h"
#include "format/thrift_enc.h"

#define DELTA_BLOCK      128
#define DELTA_MINIBLOCKS 4
#define DELTA_MINI       (DELTA_BLOCK / DELTA_MINIBLOCKS)

/* One block of m deltas (already reduced to the column width, sign-extended into int64). */
static uint8_t *delta_block(uint8_t *dst, const int64_t *deltas, size_t m, bool is_64)
{
    int64_t min_delta = deltas[0];
    for (size_t i = 1; i < m; i++) {
        min_delta = deltas[i] < min_delta ? deltas[i] : min_delta;
    }
    uint64_t adj[DELTA_BLOCK] = {0};
    for (size_t i = 0; i < m; i++) {
        uint64_t a = (uint64_t)deltas[i] - (uint64_t)min_delta;
        adj[i] = is_64 ? a : (uint32_t)a;
    }
    dst += thrift_enc_zigzag(dst, min_delta);
    uint8_t *widths = dst;
    dst += DELTA_MINIBLOCKS;
    for (size_t mb = 0; mb < DELTA_MINIBLOCKS; mb++) {
        widths[mb] = 0;
        size_t lo = mb * DELTA_MINI;
        if (lo >= m)
            continue;
        uint64_t max_adj = 0;
        for (size_t i = lo; i < lo + DELTA_MINI; i++) {
            max_adj |= adj[i];
        }
        int bw = pq_bit_width(max_adj);
        widths[mb] = (uint8_t)bw;
        pq_bitpack_u64(adj + lo, DELTA_MINI, bw, dst);
        dst += (size_t)bw * DELTA_MINI / 8;
    }
    return dst;
}

TN_INLINE ErrCode delta_encode(StrBuf *out, const void *values, size_t n, bool is_64, Err *err)
{
    size_t worst = 40 + (n / DELTA_BLOCK + 1) * (10 + DELTA_MINIBLOCKS + DELTA_BLOCK * 8);
    ErrCode rc = strbuf_reserve(out, worst, err);
    if (rc != ERR_OK)
        return rc;
    const int32_t *v32 = values;
    const int64_t *v64 = values;
    uint8_t *base = (uint8_t *)out->data + out->len;
    uint8_t *dst = base;
    dst += thrift_enc_uvarint(dst, DELTA_BLOCK);
    dst += thrift_enc_uvarint(dst, DELTA_MINIBLOCKS);
    dst += thrift_enc_uvarint(dst, n);
    dst += thrift_enc_zigzag(dst, n == 0 ? 0 : (is_64 ? v64[0] : v32[0]));
    int64_t deltas[DELTA_BLOCK];
    for (size_t i = 1; i < n; i += DELTA_BLOCK) {
        size_t m = TN_MIN(DELTA_BLOCK, n - i);
        for (size_t k = 0; k < m; k++) {
            if (is_64) {
                deltas[k] = (int64_t)((uint64_t)v64[i + k] - (uint64_t)v64[i + k - 1]);
            } else {
                deltas[k] = (int32_t)((uint32_t)v32[i + k] - (uint32_t)v32[i + k - 1]);
            }
        }
        dst = delta_block(dst, deltas, m, is_64);
    }
    out->len += (size_t)(dst - base);
    return ERR_OK;
}

ErrCode pq_enc_delta_i32(StrBuf *out, const int32_t *values, size_t n, Err *err)
{
    return delta_encode(out, values, n, false, err);
}

ErrCode pq_enc_delta_i64(StrBuf *out, const int64_t *values, size_t n, Err *err)
{
    return delta_encode(out, values, n, true, err);
}
