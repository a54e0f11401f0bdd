/* pq_dec.h — Parquet value and level decoders (format layer; used by pq_reader.c).
 *
 * One file per encoding family (Encodings.md, SPECS.md §1.5):
 *   pq_dec_plain.c  PLAIN: fixed-width little-endian values, bit-packed booleans, INT96
 *                   timestamps, length-prefixed BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
 *   pq_dec_rle.c    RLE/bit-packed hybrid: levels, RLE booleans, dictionary indices;
 *                   bit-packed runs are unpacked 8 values at a time by a loop specialised
 *                   for each bit width 1..32
 *   pq_dec_delta.c  DELTA_BINARY_PACKED (int32/int64), DELTA_LENGTH_BYTE_ARRAY,
 *                   DELTA_BYTE_ARRAY
 *   pq_dec_bss.c    BYTE_STREAM_SPLIT for any value width
 *
 * Every decoder takes its input as data[0..len), decodes exactly `n` values into the
 * caller's array (room for n values) and checks every read against `len`: running out of
 * input, an impossible run or bit width, a length past the end is ERR_CORRUPT with what
 * was being decoded and the byte offset within `data`. Callers add the page context.
 * Byte-string outputs (ColStr) point into `data` unless the decoder says otherwise.
 * Thread contract: stateless; any thread.
 */
#ifndef TARN_FORMAT_PQ_DEC_H
#define TARN_FORMAT_PQ_DEC_H

#include "base/colvec.h"

/* ---- PLAIN ---- */

/* n values of `width` bytes (4 or 8), copied as they are (little-endian hosts). */
TN_MUST_CHECK ErrCode pq_plain_decode_fixed(const uint8_t *data, size_t len, size_t width,
                                            void *out, size_t n, Err *err);

/* n booleans, bit-packed LSB first, to bytes 0/1. */
TN_MUST_CHECK ErrCode pq_plain_decode_bool(const uint8_t *data, size_t len, uint8_t *out, size_t n,
                                           Err *err);

/* n INT96 legacy timestamps (8 bytes nanoseconds of day, 4 bytes Julian day) to
 * microseconds since the Unix epoch. */
TN_MUST_CHECK ErrCode pq_plain_decode_int96_us(const uint8_t *data, size_t len, int64_t *out,
                                               size_t n, Err *err);

/* n BYTE_ARRAY values (u32 LE length + bytes); ColStr point into data. */
TN_MUST_CHECK ErrCode pq_plain_decode_byte_array(const uint8_t *data, size_t len, ColStr *out,
                                                 size_t n, Err *err);

/* n FIXED_LEN_BYTE_ARRAY values of type_len bytes; ColStr point into data. */
TN_MUST_CHECK ErrCode pq_plain_decode_flba(const uint8_t *data, size_t len, uint32_t type_len,
                                           ColStr *out, size_t n, Err *err);

/* ---- RLE / bit-packed hybrid ---- */

/* n values of bit_width (0..32) from runs in data[0..len) (no length prefix). */
TN_MUST_CHECK ErrCode pq_rle_decode_u32(const uint8_t *data, size_t len, int bit_width,
                                        uint32_t *out, size_t n, Err *err);

/* Same for bit_width 0..8 into bytes (definition levels, RLE booleans). */
TN_MUST_CHECK ErrCode pq_rle_decode_u8(const uint8_t *data, size_t len, int bit_width, uint8_t *out,
                                       size_t n, Err *err);

/* Dictionary indices of a data page: one byte bit width, then runs. *max_code is an upper
 * bound of the indices decoded (their bitwise OR, >= the largest; 0 when n is 0), for the
 * caller's check against the dictionary size: below it, every index is valid; otherwise
 * the caller checks the indices one by one. */
TN_MUST_CHECK ErrCode pq_dict_indices_decode(const uint8_t *data, size_t len, uint32_t *out,
                                             size_t n, uint32_t *max_code, Err *err);

/* Unpack `groups` groups of 8 bit-packed values of `width` (1..32; 0 gives zeros), LSB
 * first, from in[0..avail) (avail >= groups * width) into out[0..groups*8). Shared by the
 * RLE hybrid and DELTA_BINARY_PACKED decoders. */
void pq_unpack32(const uint8_t *in, size_t avail, uint32_t *out, size_t groups, int width);

/* ---- DELTA ---- */

/* DELTA_BINARY_PACKED: the header's value count must equal n. *consumed is the bytes up to
 * the end of the miniblock holding the last value (where a following section starts). */
TN_MUST_CHECK ErrCode pq_delta_decode_i64(const uint8_t *data, size_t len, int64_t *out, size_t n,
                                          size_t *consumed, Err *err);
TN_MUST_CHECK ErrCode pq_delta_decode_i32(const uint8_t *data, size_t len, int32_t *out, size_t n,
                                          size_t *consumed, Err *err);

/* DELTA_LENGTH_BYTE_ARRAY: ColStr point into data; scratch for the lengths comes from
 * `arena`. */
TN_MUST_CHECK ErrCode pq_delta_length_decode(Arena *arena, const uint8_t *data, size_t len,
                                             ColStr *out, size_t n, Err *err);

/* Most bytes one DELTA_BYTE_ARRAY page may expand to by copying shared prefixes: a
 * hostile page of tiny values each reusing a long prefix could otherwise ask for gigabytes. */
#define PQ_DELTA_BYTE_ARRAY_MAX_BYTES ((size_t)1 << 30)

/* DELTA_BYTE_ARRAY: a value is the first prefix-length bytes of the previous value plus its
 * suffix. Values that need both are rebuilt into bytes allocated in `arena`; the others
 * point at the suffix in `data` or at the previous value's bytes (borrowed like `data`).
 * Errors: ERR_CORRUPT (bad lengths, or expansion past PQ_DELTA_BYTE_ARRAY_MAX_BYTES). */
TN_MUST_CHECK ErrCode pq_delta_byte_array_decode(Arena *arena, const uint8_t *data, size_t len,
                                                 ColStr *out, size_t n, Err *err);

/* ---- BYTE_STREAM_SPLIT ---- */

/* n values of `width` bytes from `width` streams of len/width bytes each (len must be a
 * multiple of width and hold at least n values) into out[0..n*width). */
TN_MUST_CHECK ErrCode pq_bss_decode(const uint8_t *data, size_t len, size_t width, uint8_t *out,
                                    size_t n, Err *err);

#endif
