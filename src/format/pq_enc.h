/* pq_enc.h — Parquet value and level encoders (format layer; used by pq_writer.c).
 *
 * Each encoder appends one page section to a StrBuf (SPECS.md §1.5, Encodings.md):
 *
 *   pq_enc_plain.c  PLAIN: fixed-width little-endian copies, booleans bit-packed LSB-first,
 *                   BYTE_ARRAY as u32 LE length + bytes, FIXED_LEN_BYTE_ARRAY raw bytes
 *   pq_enc_rle.c    RLE/bit-packed hybrid runs (levels, dictionary indices, v2 booleans)
 *                   and the bulk bit-packer shared with the delta encoder
 *   pq_enc_delta.c  DELTA_BINARY_PACKED for int32/int64 (blocks of 128, 4 miniblocks)
 *   pq_enc_bss.c    BYTE_STREAM_SPLIT for 4- and 8-byte values
 *
 * The encoders take whole arrays and loop without callbacks: the writer calls each once
 * per page. Errors: ERR_NOMEM only. Thread contract: stateless; any thread.
 */
#ifndef TARN_FORMAT_PQ_ENC_H
#define TARN_FORMAT_PQ_ENC_H

#include "base/colvec.h"
#include "base/strbuf.h"

/* Bits needed for values up to max_value (0 for 0). */
int pq_bit_width(uint64_t max_value);

/* Bit-pack n values (n a multiple of 8) of `bit_width` bits LSB-first into dst, which has
 * room for n * bit_width / 8 bytes. */
void pq_bitpack_u32(const uint32_t *values, size_t n, int bit_width, uint8_t *dst);
void pq_bitpack_u64(const uint64_t *values, size_t n, int bit_width, uint8_t *dst);

/* Append RLE/bit-packed hybrid runs of values[0..n) (each < 2^bit_width, bit_width 0..32),
 * without any length prefix or bit-width byte. */
TN_MUST_CHECK ErrCode pq_enc_rle(StrBuf *out, const uint32_t *values, size_t n, int bit_width,
                                 Err *err);

/* The same for byte-sized inputs (definition levels, booleans as 0/1 bytes). */
TN_MUST_CHECK ErrCode pq_enc_rle_u8(StrBuf *out, const uint8_t *values, size_t n, int bit_width,
                                    Err *err);

/* PLAIN encodings. `width` is the value size in bytes for the fixed kinds. */
TN_MUST_CHECK ErrCode pq_enc_plain_fixed(StrBuf *out, const void *values, size_t n, size_t width,
                                         Err *err);
TN_MUST_CHECK ErrCode pq_enc_plain_bool(StrBuf *out, const uint8_t *values, size_t n, Err *err);
/* Byte arrays given as a heap plus n+1 end offsets: value i is heap[offs[i]..offs[i+1]). */
TN_MUST_CHECK ErrCode pq_enc_plain_bytes(StrBuf *out, const uint8_t *heap, const uint32_t *offs,
                                         size_t n, Err *err);

/* DELTA_BINARY_PACKED of n int32 or int64 values. */
TN_MUST_CHECK ErrCode pq_enc_delta_i32(StrBuf *out, const int32_t *values, size_t n, Err *err);
TN_MUST_CHECK ErrCode pq_enc_delta_i64(StrBuf *out, const int64_t *values, size_t n, Err *err);

/* BYTE_STREAM_SPLIT of n values of `width` bytes. */
TN_MUST_CHECK ErrCode pq_enc_bss(StrBuf *out, const void *values, size_t n, size_t width, Err *err);

#endif
