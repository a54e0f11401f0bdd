/* pq_dec_delta.c — DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY decoding
 * (see pq_dec.h; Encodings.md "Delta Encoding", "Delta-length byte array", "Delta Strings").
 *
 * DELTA_BINARY_PACKED layout:
 *
 *   header  ULEB block_size (multiple of 128) | ULEB miniblocks per block | ULEB total count
 *           | zigzag ULEB first value
 *   block   zigzag ULEB min_delta | one bit-width byte per miniblock | miniblocks, each
 *           (block_size / miniblocks) values of that width packed LSB first
 *
 * value[i] = value[i-1] + min_delta + packed[i], in wrap-around 64-bit arithmetic (int32
 * columns truncate, which gives the same result mod 2^32). The last block may stop early:
 * its remaining miniblocks are absent though their width bytes are present, so the
 * section ends at the end of the miniblock holding the last value. Sizes are checked
 * against the input before use: block_size <= 2^20 (far beyond any writer), bit widths
 * <= 64, each miniblock's bytes present.
 */
#include <string.h>

#include "format/pq_dec.h"

#define DELTA_MAX_BLOCK_SIZE (1u << 20)

typedef struct DeltaIn {
    const uint8_t *data;
    size_t len;
    size_t pos;
} DeltaIn;

static bool uleb(DeltaIn *in, uint64_t *out)
{
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (in->pos >= in->len)
            return false;
        uint8_t byte = in->data[in->pos++];
        if (shift < 64)
            value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = value;
            return true;
        }
    }
    return false;
}

static uint64_t unzigzag(uint64_t v)
{
    return (v >> 1) ^ (0 - (v & 1));
}

/* Bits [bit, bit+width) of p (width <= 64); p has `avail` readable bytes and the bits are
 * within them. */
static uint64_t get_bits(const uint8_t *p, size_t avail, uint64_t bit, unsigned width)
{
    size_t byte = (size_t)(bit >> 3);
    unsigned shift = (unsigned)(bit & 7);
    uint8_t buf[16] = {0};
    const uint8_t *src = p + byte;
    if (avail - byte < 16) {
        memcpy(buf, src, avail - byte);
        src = buf;
    }
    uint64_t lo;
    memcpy(&lo, src, 8);
    uint64_t value = lo >> shift;
    if (shift + width > 64)
        value |= (uint64_t)src[8] << (64 - shift);
    return width == 64 ? value : value & ((1ULL << width) - 1);
}

/* Fast path for miniblock widths <= 32: unpack 64 deltas at a time with the RLE decoder's
 * per-width unpacker, then run the prefix sum. Returns the last value. */
static uint64_t add_packed(const uint8_t *p, size_t mini_bytes, int width, uint64_t min_delta,
                           uint64_t value, size_t take, uint64_t *out64, uint32_t *out32)
{
    uint32_t deltas[64];
    for (size_t at = 0; at < take; at += 64) {
        size_t chunk = TN_MIN((size_t)64, take - at);
        size_t groups = (chunk + 7) / 8;
        size_t byte_at = at / 8 * (size_t)width;
        pq_unpack32(p + byte_at, mini_bytes - byte_at, deltas, groups, width);
        if (out64) {
            for (size_t i = 0; i < chunk; i++) {
                value += min_delta + deltas[i];
                out64[at + i] = value;
            }
        } else {
            for (size_t i = 0; i < chunk; i++) {
                value += min_delta + deltas[i];
                out32[at + i] = (uint32_t)value;
            }
        }
    }
    return value;
}

static ErrCode corrupt(const DeltaIn *in, const char *what, Err *err)
{
    return err_set(err, ERR_CORRUPT, "delta-binary-packed %s at offset %zu", what, in->pos);
}

/* Decode into uint64 slots of out64 or uint32 slots of out32 (one of them non-NULL). */
static ErrCode delta_decode(const uint8_t *data, size_t len, uint64_t *out64, uint32_t *out32,
                            size_t n, size_t *consumed, Err *err)
{
    DeltaIn in = {data, len, 0};
    uint64_t block_size, n_mini, total, first;
    if (!uleb(&in, &block_size) || !uleb(&in, &n_mini) || !uleb(&in, &total) || !uleb(&in, &first))
        return corrupt(&in, "header truncated", err);
    if (block_size == 0 || block_size % 128 != 0 || block_size > DELTA_MAX_BLOCK_SIZE ||
        n_mini == 0 || block_size % n_mini != 0 || (block_size / n_mini) % 32 != 0)
        return err_set(err, ERR_CORRUPT,
                       "delta-binary-packed block size %llu with %llu miniblocks is invalid",
                       (unsigned long long)block_size, (unsigned long long)n_mini);
    if (total != n)
        return err_set(err, ERR_CORRUPT,
                       "delta-binary-packed header holds %llu values, the page needs %zu",
                       (unsigned long long)total, n);
    const uint64_t per_mini = block_size / n_mini;
    uint64_t value = unzigzag(first);
    size_t done = 0;
    if (n > 0) {
        if (out64)
            out64[0] = value;
        else
            out32[0] = (uint32_t)value;
        done = 1;
    }
    while (done < n) {
        uint64_t min_delta_z;
        if (!uleb(&in, &min_delta_z))
            return corrupt(&in, "block header truncated", err);
        uint64_t min_delta = unzigzag(min_delta_z);
        if (n_mini > in.len - in.pos)
            return corrupt(&in, "miniblock bit widths truncated", err);
        const uint8_t *widths = in.data + in.pos;
        in.pos += n_mini;
        for (uint64_t m = 0; m < n_mini && done < n; m++) {
            unsigned width = widths[m];
            if (width > 64)
                return err_set(err, ERR_CORRUPT,
                               "delta-binary-packed miniblock bit width %u exceeds 64", width);
            size_t mini_bytes = (size_t)(per_mini * width / 8);
            if (mini_bytes > in.len - in.pos)
                return corrupt(&in, "miniblock truncated", err);
            const uint8_t *p = in.data + in.pos;
            size_t take = (size_t)TN_MIN((uint64_t)(n - done), per_mini);
            if (width <= 32) {
                value = add_packed(p, mini_bytes, (int)width, min_delta, value, take,
                                   out64 ? out64 + done : NULL, out32 ? out32 + done : NULL);
            } else {
                for (size_t i = 0; i < take; i++) {
                    value += min_delta + get_bits(p, mini_bytes, (uint64_t)i * width, width);
                    if (out64)
                        out64[done + i] = value;
                    else
                        out32[done + i] = (uint32_t)value;
                }
            }
            done += take;
            in.pos += mini_bytes;
        }
    }
    *consumed = in.pos;
    return ERR_OK;
}

ErrCode pq_delta_decode_i64(const uint8_t *data, size_t len, int64_t *out, size_t n,
                            size_t *consumed, Err *err)
{
    return delta_decode(data, len, (uint64_t *)out, NULL, n, consumed, err);
}

ErrCode pq_delta_decode_i32(const uint8_t *data, size_t len, int32_t *out, size_t n,
                            size_t *consumed, Err *err)
{
    return delta_decode(data, len, NULL, (uint32_t *)out, n, consumed, err);
}

ErrCode pq_delta_length_decode(Arena *arena, const uint8_t *data, size_t len, ColStr *out, size_t n,
                               Err *err)
{
    int32_t *lengths = arena_alloc(arena, (n ? n : 1) * sizeof(int32_t));
    if (!lengths)
        return arena_error(arena, err);
    size_t pos;
    ErrCode rc = pq_delta_decode_i32(data, len, lengths, n, &pos, err);
    if (rc != ERR_OK) {
        err_prefix(err, "delta-length byte array lengths");
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        if (lengths[i] < 0 || (size_t)lengths[i] > len - pos)
            return err_set(err, ERR_CORRUPT,
                           "delta-length byte array value %zu has length %d but %zu bytes are "
                           "left at offset %zu",
                           i, lengths[i], len - pos, pos);
        out[i].len = (uint32_t)lengths[i];
        out[i].ptr = (const char *)data + pos;
        pos += (size_t)lengths[i];
    }
    return ERR_OK;
}

ErrCode pq_delta_byte_array_decode(Arena *arena, const uint8_t *data, size_t len, ColStr *out,
                                   size_t n, Err *err)
{
    int32_t *prefix = arena_alloc(arena, (n ? n : 1) * sizeof(int32_t));
    if (!prefix)
        return arena_error(arena, err);
    size_t pos;
    ErrCode rc = pq_delta_decode_i32(data, len, prefix, n, &pos, err);
    if (rc != ERR_OK) {
        err_prefix(err, "delta byte array prefix lengths");
        return rc;
    }
    rc = pq_delta_length_decode(arena, data + pos, len - pos, out, n, err);
    if (rc != ERR_OK) {
        err_prefix(err, "delta byte array suffixes at offset %zu", pos);
        return rc;
    }
    /* Each value is prefix bytes of the previous value + its suffix. A value that only
     * borrows (empty suffix) or only adds (prefix 0) needs no copy: it points at the bytes
     * it equals. Copies are what can amplify a small page (long shared prefixes), so their
     * total is capped per page. */
    const char *prev = "";
    uint32_t prev_len = 0;
    size_t copied = 0;
    for (size_t i = 0; i < n; i++) {
        if (prefix[i] < 0 || (uint32_t)prefix[i] > prev_len)
            return err_set(err, ERR_CORRUPT,
                           "delta byte array value %zu has prefix length %d but the previous "
                           "value has %u bytes",
                           i, prefix[i], prev_len);
        if (out[i].len == 0) {
            out[i].ptr = prev; /* the first prefix[i] bytes of the previous value */
            out[i].len = (uint32_t)prefix[i];
        } else if (prefix[i] > 0) {
            size_t total = (size_t)prefix[i] + out[i].len;
            copied += total;
            if (total > UINT32_MAX || copied > PQ_DELTA_BYTE_ARRAY_MAX_BYTES)
                return err_set(err, ERR_CORRUPT,
                               "delta byte array values expand past %zu bytes at value %zu",
                               (size_t)PQ_DELTA_BYTE_ARRAY_MAX_BYTES, i);
            char *buf = arena_alloc(arena, total);
            if (!buf)
                return arena_error(arena, err);
            memcpy(buf, prev, (size_t)prefix[i]);
            memcpy(buf + prefix[i], out[i].ptr, out[i].len);
            out[i].ptr = buf;
            out[i].len = (uint32_t)total;
        }
        prev = out[i].ptr;
        prev_len = out[i].len;
    }
    return ERR_OK;
}
