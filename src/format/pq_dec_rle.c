/* pq_dec_rle.c — RLE/bit-packed hybrid decoding (see pq_dec.h; Encodings.md
 * "Run Length Encoding / Bit-Packing Hybrid").
 *
 * Layout (the 4-byte length prefix, where there is one, is stripped by the caller):
 *
 *   run header  ULEB128 h
 *   h & 1 == 0  RLE run: h >> 1 repeats of one value stored in ceil(bit_width / 8) bytes LE
 *               (a value with bits set above bit_width is corrupt)
 *   h & 1 == 1  bit-packed run: (h >> 1) groups of 8 values, bit_width bytes per group,
 *               values packed LSB first
 *
 * Bit-packed groups are unpacked by unpack8(), always inlined into one loop per bit width
 * (the switch in unpack_groups), so shifts and masks are constants. unpack8 loads 8 bytes
 * unaligned at each value's first byte; that reads up to 7 bytes past a group, so groups
 * that end within 8 bytes of the input's end are first copied into a zero-padded buffer.
 * A run longer than the values still wanted is cut short (writers pad the last group). Each
 * run consumes at least its header byte, so decoding always terminates.
 */
#include <string.h>

#include "format/pq_dec.h"

TN_INLINE void unpack8(const uint8_t *in, uint32_t *out, const int width)
{
    const uint64_t mask = width == 32 ? 0xffffffffULL : ((1ULL << width) - 1);
    for (int i = 0; i < 8; i++) {
        const unsigned bit = (unsigned)(i * width);
        uint64_t word;
        memcpy(&word, in + (bit >> 3), 8);
        out[i] = (uint32_t)((word >> (bit & 7)) & mask);
    }
}

TN_INLINE void unpack_groups_w(const uint8_t *in, size_t avail, uint32_t *out, size_t groups,
                               const int width)
{
    size_t g = 0;
    /* Fast path: at least 8 readable bytes follow the group's last value byte. */
    for (; g < groups && (g + 1) * (size_t)width + 8 <= avail; g++) {
        unpack8(in + g * (size_t)width, out + g * 8, width);
    }
    for (; g < groups; g++) {
        uint8_t buf[48] = {0};
        memcpy(buf, in + g * (size_t)width, (size_t)width);
        unpack8(buf, out + g * 8, width);
    }
}

#define UNPACK_CASE(w)                              \
    case w:                                         \
        unpack_groups_w(in, avail, out, groups, w); \
        return;

/* Unpack `groups` groups of 8 values; in[0..avail) is readable and avail >= groups*width. */
void pq_unpack32(const uint8_t *in, size_t avail, uint32_t *out, size_t groups, int width)
{
    switch (width) {
        UNPACK_CASE(1)
        UNPACK_CASE(2)
        UNPACK_CASE(3)
        UNPACK_CASE(4)
        UNPACK_CASE(5)
        UNPACK_CASE(6)
        UNPACK_CASE(7)
        UNPACK_CASE(8)
        UNPACK_CASE(9)
        UNPACK_CASE(10)
        UNPACK_CASE(11)
        UNPACK_CASE(12)
        UNPACK_CASE(13)
        UNPACK_CASE(14)
        UNPACK_CASE(15)
        UNPACK_CASE(16)
        UNPACK_CASE(17)
        UNPACK_CASE(18)
        UNPACK_CASE(19)
        UNPACK_CASE(20)
        UNPACK_CASE(21)
        UNPACK_CASE(22)
        UNPACK_CASE(23)
        UNPACK_CASE(24)
        UNPACK_CASE(25)
        UNPACK_CASE(26)
        UNPACK_CASE(27)
        UNPACK_CASE(28)
        UNPACK_CASE(29)
        UNPACK_CASE(30)
        UNPACK_CASE(31)
        UNPACK_CASE(32)
    default:
        memset(out, 0, groups * 8 * sizeof *out);
        return;
    }
}

static bool read_uleb(const uint8_t *data, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*pos >= len)
            return false;
        uint8_t byte = data[(*pos)++];
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = value;
            return true;
        }
    }
    return false;
}

/* The shared decoder body; IS_U8 picks byte output (levels) or uint32 output. */
TN_INLINE ErrCode rle_decode(const uint8_t *data, size_t len, int width, void *out_any, size_t n,
                             const bool is_u8, Err *err)
{
    uint8_t *out8 = out_any;
    uint32_t *out32 = out_any;
    if (width < 0 || width > (is_u8 ? 8 : 32))
        return err_set(err, ERR_CORRUPT, "rle bit width %d out of range", width);
    if (width == 0) {
        /* Every value is 0 (a one-entry dictionary or max level 0); runs carry nothing. */
        memset(out_any, 0, n * (is_u8 ? 1 : sizeof(uint32_t)));
        return ERR_OK;
    }
    size_t pos = 0, done = 0;
    const size_t value_bytes = ((size_t)width + 7) / 8;
    while (done < n) {
        size_t run_at = pos;
        uint64_t header;
        if (!read_uleb(data, len, &pos, &header))
            return err_set(err, ERR_CORRUPT, "rle data ends at offset %zu after %zu of %zu values",
                           run_at, done, n);
        if (!(header & 1)) {
            uint64_t count = header >> 1;
            if (value_bytes > len - pos)
                return err_set(err, ERR_CORRUPT, "rle run value at offset %zu is truncated", pos);
            uint32_t value = 0;
            for (size_t b = 0; b < value_bytes; b++) {
                value |= (uint32_t)data[pos + b] << (8 * b);
            }
            if (width < 32 && value >> width)
                return err_set(err, ERR_CORRUPT,
                               "rle run value %u at offset %zu does not fit bit width %d", value,
                               pos, width);
            pos += value_bytes;
            size_t take = count < n - done ? (size_t)count : n - done;
            if (is_u8) {
                memset(out8 + done, (int)value, take);
            } else {
                for (size_t i = 0; i < take; i++) {
                    out32[done + i] = value;
                }
            }
            done += take;
            continue;
        }
        uint64_t groups = header >> 1;
        if (groups > (len - pos) / (size_t)width)
            return err_set(err, ERR_CORRUPT,
                           "bit-packed run at offset %zu needs %llu groups of %d bytes but only "
                           "%zu bytes are left",
                           run_at, (unsigned long long)groups, width, len - pos);
        size_t want = n - done;
        size_t full = TN_MIN((size_t)groups, want / 8);
        const uint8_t *in = data + pos;
        if (!is_u8) {
            pq_unpack32(in, len - pos, out32 + done, full, width);
        } else {
            uint32_t tmp[64];
            for (size_t g = 0; g < full; g += 8) {
                size_t chunk = TN_MIN((size_t)8, full - g);
                pq_unpack32(in + g * (size_t)width, len - pos - g * (size_t)width, tmp, chunk,
                            width);
                for (size_t i = 0; i < chunk * 8; i++) {
                    out8[done + g * 8 + i] = (uint8_t)tmp[i];
                }
            }
        }
        done += full * 8;
        if (full < groups && done < n) {
            /* A partial last group: unpack it aside and keep what is wanted. */
            uint32_t tmp[8];
            pq_unpack32(in + full * (size_t)width, len - pos - full * (size_t)width, tmp, 1, width);
            size_t take = TN_MIN((size_t)8, n - done);
            for (size_t i = 0; i < take; i++) {
                if (is_u8)
                    out8[done + i] = (uint8_t)tmp[i];
                else
                    out32[done + i] = tmp[i];
            }
            done += take;
        }
        pos += (size_t)groups * (size_t)width;
    }
    return ERR_OK;
}

ErrCode pq_rle_decode_u32(const uint8_t *data, size_t len, int bit_width, uint32_t *out, size_t n,
                          Err *err)
{
    return rle_decode(data, len, bit_width, out, n, false, err);
}

ErrCode pq_rle_decode_u8(const uint8_t *data, size_t len, int bit_width, uint8_t *out, size_t n,
                         Err *err)
{
    return rle_decode(data, len, bit_width, out, n, true, err);
}

ErrCode pq_dict_indices_decode(const uint8_t *data, size_t len, uint32_t *out, size_t n,
                               uint32_t *max_code, Err *err)
{
    if (n == 0) {
        *max_code = 0;
        return ERR_OK;
    }
    if (len < 1)
        return err_set(err, ERR_CORRUPT, "dictionary indices lack their bit-width byte");
    int width = data[0];
    if (width > 32)
        return err_set(err, ERR_CORRUPT, "dictionary index bit width %d exceeds 32", width);
    ErrCode rc = pq_rle_decode_u32(data + 1, len - 1, width, out, n, err);
    if (rc != ERR_OK)
        return rc;
    /* Bits set anywhere bound the largest index from above; only when that bound is not
     * already below the dictionary size does the caller need the exact maximum. An OR over
     * 64-bit words is cheap enough to run on every page. */
    uint64_t bits = 0;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        uint64_t pair;
        memcpy(&pair, out + i, 8);
        bits |= pair;
    }
    uint32_t any = (uint32_t)bits | (uint32_t)(bits >> 32);
    for (; i < n; i++) {
        any |= out[i];
    }
    *max_code = any;
    return ERR_OK;
}
