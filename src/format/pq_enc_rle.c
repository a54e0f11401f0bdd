/* pq_enc_rle.c — the RLE/bit-packed hybrid encoding (Encodings.md "Run Length Encoding /
 * Bit-Packing Hybrid") and the bulk bit-packer.
 *
 * Runs: header ULEB128 `count << 1` then the value in ceil(bit_width / 8) LE bytes (RLE
 * run), or `groups << 1 | 1` then groups * 8 values bit-packed LSB-first (literal run).
 * Only the final literal run may be padded, so the encoder works on whole arrays:
 *
 *   scan for runs of equal values; a run of >= 8 becomes an RLE run, after lending the
 *   pending literals the few values (< 8) they need to reach a multiple of 8; shorter
 *   runs join the pending literals; at the end the literals are flushed, zero padded.
 *
 * The bit-packer packs 8 values at a time through a 64-bit (u32 input) or 128-bit (u64
 * input, delta encoding) accumulator; 8 values of w bits are exactly w bytes.
 */
#include <string.h>

#include "format/pq_enc.h"
#include "format/thrift_enc.h"

int pq_bit_width(uint64_t max_value)
{
    return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value);
}

TN_INLINE void pack8_u32(const uint32_t *v, int bit_width, uint8_t *dst)
{
    uint64_t acc = 0;
    int bits = 0;
    for (int k = 0; k < 8; k++) {
        acc |= (uint64_t)v[k] << bits;
        bits += bit_width;
        while (bits >= 8) {
            *dst++ = (uint8_t)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
}

void pq_bitpack_u32(const uint32_t *values, size_t n, int bit_width, uint8_t *dst)
{
    if (bit_width == 0)
        return;
    if (bit_width == 1) {
        for (size_t i = 0; i < n; i += 8) {
            const uint32_t *v = values + i;
            *dst++ = (uint8_t)(v[0] | v[1] << 1 | v[2] << 2 | v[3] << 3 | v[4] << 4 | v[5] << 5 |
                               v[6] << 6 | v[7] << 7);
        }
        return;
    }
    for (size_t i = 0; i < n; i += 8) {
        pack8_u32(values + i, bit_width, dst);
        dst += bit_width;
    }
}

void pq_bitpack_u64(const uint64_t *values, size_t n, int bit_width, uint8_t *dst)
{
    if (bit_width == 0)
        return;
    for (size_t i = 0; i < n; i += 8) {
        unsigned __int128 acc = 0;
        int bits = 0;
        for (int k = 0; k < 8; k++) {
            acc |= (unsigned __int128)values[i + k] << bits;
            bits += bit_width;
            while (bits >= 8) {
                *dst++ = (uint8_t)acc;
                acc >>= 8;
                bits -= 8;
            }
        }
    }
}

TN_INLINE uint32_t value_at(const void *values, size_t i, bool is_u8)
{
    return is_u8 ? ((const uint8_t *)values)[i] : ((const uint32_t *)values)[i];
}

/* Literal run of values[start..start+count), zero padded to a multiple of 8. `dst` has room. */
TN_INLINE uint8_t *emit_literals(uint8_t *dst, const void *values, size_t start, size_t count,
                                 int bit_width, bool is_u8)
{
    size_t groups = (count + 7) / 8;
    dst += thrift_enc_uvarint(dst, (uint64_t)groups << 1 | 1);
    uint32_t tmp[8];
    for (size_t g = 0; g < groups; g++) {
        size_t base = start + g * 8;
        size_t take = TN_MIN(8, count - g * 8);
        if (!is_u8 && take == 8) {
            pack8_u32((const uint32_t *)values + base, bit_width, dst);
        } else {
            for (size_t k = 0; k < 8; k++) {
                tmp[k] = k < take ? value_at(values, base + k, is_u8) : 0;
            }
            pack8_u32(tmp, bit_width, dst);
        }
        dst += bit_width;
    }
    return dst;
}

TN_INLINE uint8_t *emit_repeat(uint8_t *dst, uint32_t value, size_t count, int bit_width)
{
    dst += thrift_enc_uvarint(dst, (uint64_t)count << 1);
    for (int b = 0; b < (bit_width + 7) / 8; b++) {
        *dst++ = (uint8_t)(value >> (8 * b));
    }
    return dst;
}

TN_INLINE ErrCode rle_encode(StrBuf *out, const void *values, size_t n, int bit_width, bool is_u8,
                             Err *err)
{
    /* Worst case: all literals (n/8+1 groups of bit_width bytes) plus one header per 8
     * values for alternating runs; each header <= 10 bytes, each RLE value <= 4. */
    size_t worst = (n / 8 + 2) * ((size_t)bit_width + 16) + 16;
    ErrCode rc = strbuf_reserve(out, worst, err);
    if (rc != ERR_OK)
        return rc;
    uint8_t *start_ptr = (uint8_t *)out->data + out->len;
    uint8_t *dst = start_ptr;
    size_t lit_start = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t v = value_at(values, i, is_u8);
        size_t j = i + 1;
        while (j < n && value_at(values, j, is_u8) == v) {
            j++;
        }
        size_t run = j - i;
        if (run >= 8) {
            size_t lit = i - lit_start;
            size_t pad = (8 - lit % 8) % 8;
            if (run - pad >= 8) {
                if (lit + pad > 0) {
                    dst = emit_literals(dst, values, lit_start, lit + pad, bit_width, is_u8);
                }
                dst = emit_repeat(dst, v, run - pad, bit_width);
                lit_start = j;
            }
        }
        i = j;
    }
    if (lit_start < n) {
        dst = emit_literals(dst, values, lit_start, n - lit_start, bit_width, is_u8);
    }
    out->len += (size_t)(dst - start_ptr);
    return ERR_OK;
}

ErrCode pq_enc_rle(StrBuf *out, const uint32_t *values, size_t n, int bit_width, Err *err)
{
    return rle_encode(out, values, n, bit_width, false, err);
}

ErrCode pq_enc_rle_u8(StrBuf *out, const uint8_t *values, size_t n, int bit_width, Err *err)
{
    return rle_encode(out, values, n, bit_width, true, err);
}
