/* avro_int.h — state shared by the Avro files (avro_schema.c, avro_codec.c, avro_block.c,
 * avro_file.c); not for use outside src/format/avro_*.c.
 *
 * AvroDecoder is a cursor over one buffer (a datum, or a container block) with the limits
 * that keep hostile input bounded: a nesting depth, and a budget of zero-byte items (an
 * array of nulls costs no bytes per item, so its count alone cannot be checked against the
 * bytes left). When `is_copying` is set, strings and bytes are copied into the arena
 * rather than pointing into the buffer (the reader's decompression buffer is reused for
 * the next block).
 */
#ifndef TARN_FORMAT_AVRO_INT_H
#define TARN_FORMAT_AVRO_INT_H

#include "format/avro.h"

typedef struct AvroDecoder {
    Arena *arena;
    const uint8_t *start; /* offsets in messages are from here */
    const uint8_t *p;
    const uint8_t *end;
    bool is_copying;
    size_t empty_budget; /* zero-byte items still allowed */
    int depth;
} AvroDecoder;

/* Decode one value of `schema` at dec->p, advancing it. Errors: ERR_CORRUPT with the byte
 * offset from dec->start, ERR_NOMEM. */
TN_MUST_CHECK ErrCode avro_decode_value(AvroDecoder *dec, const AvroSchema *schema, AvroValue *out,
                                        Err *err);

/* True when a value of `schema` can take zero bytes (null, zero-size fixed, a record of
 * such fields). */
bool avro_schema_can_be_empty(const AvroSchema *schema);

/* Compress one block's serialized objects for `codec`, appending to `out` (snappy: the
 * 4-byte big-endian CRC32 of `src` follows). Errors: ERR_NOMEM, ERR_INTERNAL. */
TN_MUST_CHECK ErrCode avro_block_compress(AvroCodec codec, const uint8_t *src, size_t len,
                                          StrBuf *out, Err *err);

/* Decompress one block into *buf (a block from `mem`, grown as needed and kept by the caller
 * for the next block; *cap its size); *out_len receives the decompressed length. Caps the
 * result at AVRO_MAX_BLOCK_BYTES and at the codec's largest expansion of `len` bytes.
 * Errors: ERR_CORRUPT (malformed stream, bad snappy CRC, over the cap), ERR_NOMEM. */
TN_MUST_CHECK ErrCode avro_block_decompress(Mem *mem, AvroCodec codec, const uint8_t *src,
                                            size_t len, uint8_t **buf, size_t *cap, size_t *out_len,
                                            Err *err);

#endif
