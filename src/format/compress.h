/* compress.h — block compression codecs used by Parquet pages and Avro blocks (format layer).
 *
 * Thin, bounds-checked wrappers over Debian's libraries: zstd (libzstd), snappy
 * (libsnappy's C API), gzip and raw deflate (zlib), LZ4 block format (liblz4). Output is
 * the raw codec stream with no extra framing, as Parquet's Compression.md requires:
 * SNAPPY = snappy block, GZIP = RFC 1952 (multi-member accepted on decode), ZSTD = RFC 8878
 * frame, LZ4_RAW = LZ4 block; DEFLATE = RFC 1951 raw (Avro's "deflate").
 *
 * Decompression is told the exact uncompressed size (Parquet page headers and Avro block
 * sizes carry it) and fails with ERR_CORRUPT if the stream does not produce exactly that
 * many bytes, so a hostile size can never make it write out of bounds.
 * Thread contract: stateless; safe from any thread.
 */
#ifndef TARN_FORMAT_COMPRESS_H
#define TARN_FORMAT_COMPRESS_H

#include "base/strbuf.h"

typedef enum CompressCodec {
    COMPRESS_NONE,
    COMPRESS_SNAPPY,
    COMPRESS_GZIP,
    COMPRESS_ZSTD,
    COMPRESS_LZ4_RAW,
    COMPRESS_DEFLATE,
} CompressCodec;

/* Lower-case codec name ("zstd", "snappy", ...). */
const char *compress_codec_name(CompressCodec codec);

/* Parse a name as users type it ("zstd", "SNAPPY", "gzip", "lz4", "lz4_raw", "none",
 * "uncompressed"); false when unknown. */
bool compress_codec_parse(const char *name, CompressCodec *out);

/* Append the compressed form of src[0..len) to `out`. `level` 0 picks the codec's default
 * (zstd: 3, gzip: 6); it is ignored by codecs without levels. Errors: ERR_NOMEM,
 * ERR_INTERNAL (library failure). */
TN_MUST_CHECK ErrCode compress_block(CompressCodec codec, int level, const void *src, size_t len,
                                     StrBuf *out, Err *err);

/* Decompress src[0..len) into dst, which has room for exactly `dst_len` bytes, the
 * uncompressed size the container declared. Errors: ERR_CORRUPT when the stream is
 * malformed or its size differs from dst_len. */
TN_MUST_CHECK ErrCode decompress_block(CompressCodec codec, const void *src, size_t len, void *dst,
                                       size_t dst_len, Err *err);

#endif
