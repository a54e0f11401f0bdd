/* avro_block.c — the block codecs of Avro object container files (see avro_int.h; spec
 * section "Object Container Files", "Required Codecs" and "Optional Codecs").
 *
 *   | codec     | block body                                                           |
 *   |-----------|----------------------------------------------------------------------|
 *   | null      | the serialized objects as they are                                   |
 *   | deflate   | RFC 1951 raw deflate (no zlib or gzip header)                        |
 *   | snappy    | a snappy block, then the 4-byte big-endian CRC32 (zlib's polynomial) |
 *   |           | of the uncompressed bytes                                            |
 *   | zstandard | zstd frame(s)                                                        |
 *
 * Compression goes through compress.h. Decompression does too where the stream states its
 * size (snappy). Deflate streams never state it and Java's zstd codec writes streaming
 * frames without a content size, so those two inflate here, straight on zlib and libzstd,
 * into a buffer that grows by doubling up to a cap (compress.h only decodes to a known
 * size). The cap is AVRO_MAX_BLOCK_BYTES and what the codec can produce from the block's
 * compressed bytes (max_expansion), so a small hostile block cannot demand a huge buffer.
 * The buffer belongs to the reader and is reused from block to block.
 */
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "format/avro_int.h"
#include "format/compress.h"

/* Slack over the codec's ratio for tiny blocks whose headers dominate. */
#define BLOCK_SLACK_BYTES ((size_t)1 << 20)

ErrCode avro_block_compress(AvroCodec codec, const uint8_t *src, size_t len, StrBuf *out, Err *err)
{
    switch (codec) {
    case AVRO_CODEC_NULL:
        return strbuf_append(out, src, len, err);
    case AVRO_CODEC_DEFLATE:
        return compress_block(COMPRESS_DEFLATE, 0, src, len, out, err);
    case AVRO_CODEC_ZSTD:
        return compress_block(COMPRESS_ZSTD, 0, src, len, out, err);
    case AVRO_CODEC_SNAPPY: {
        ErrCode rc = compress_block(COMPRESS_SNAPPY, 0, src, len, out, err);
        if (rc != ERR_OK)
            return rc;
        uint32_t crc = (uint32_t)crc32(0L, src, (uInt)len);
        uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8),
                         (uint8_t)crc};
        return strbuf_append(out, be, 4, err);
    }
    }
    return err_set(err, ERR_INTERNAL, "unknown avro codec %d", (int)codec);
}

/* The most a codec can expand its input: snappy ~21x (64 bytes per 3-byte copy), deflate
 * 1032x (258 bytes per ~2 bits), zstd 32768x (RLE blocks of 128 KiB from 4 bytes). */
static size_t max_expansion(AvroCodec codec)
{
    switch (codec) {
    case AVRO_CODEC_NULL:
        return 1;
    case AVRO_CODEC_SNAPPY:
        return 32;
    case AVRO_CODEC_DEFLATE:
        return 1100;
    case AVRO_CODEC_ZSTD:
        return 32768;
    }
    return 1;
}

static size_t output_cap(AvroCodec codec, size_t len)
{
    size_t bound;
    if (!size_mul(len, max_expansion(codec), &bound) || !size_add(bound, BLOCK_SLACK_BYTES, &bound))
        bound = SIZE_MAX;
    return TN_MIN(bound, AVRO_MAX_BLOCK_BYTES);
}

/* Make *buf hold at least `want` bytes (never less than it has). */
static ErrCode reserve(Mem *mem, uint8_t **buf, size_t *cap, size_t want, Err *err)
{
    if (want <= *cap && *buf)
        return ERR_OK;
    uint8_t *p = mem_realloc(mem, *buf, want ? want : 1, err);
    if (!p)
        return err->code;
    *buf = p;
    *cap = want ? want : 1;
    return ERR_OK;
}

/* The next buffer size when `used` bytes are full: double, but not past `limit`. */
static ErrCode grow_output(Mem *mem, const char *codec, size_t limit, uint8_t **buf, size_t *cap,
                           Err *err)
{
    if (*cap >= limit) {
        char limit_text[32];
        mem_format_bytes(limit, limit_text, sizeof limit_text);
        return err_set(err, ERR_CORRUPT, "%s block decompresses to more than %s", codec,
                       limit_text);
    }
    size_t want = *cap > limit / 2 ? limit : *cap * 2;
    return reserve(mem, buf, cap, want, err);
}

static size_t first_guess(size_t len, size_t limit, size_t cap)
{
    size_t guess;
    if (!size_mul(len, 4, &guess))
        guess = limit;
    guess = TN_MAX(guess, (size_t)64 * 1024);
    return TN_MAX(TN_MIN(guess, limit), TN_MIN(cap, limit));
}

static ErrCode inflate_block(Mem *mem, const uint8_t *src, size_t len, uint8_t **buf, size_t *cap,
                             size_t *out_len, Err *err)
{
    size_t limit = output_cap(AVRO_CODEC_DEFLATE, len);
    ErrCode rc = reserve(mem, buf, cap, first_guess(len, limit, *cap), err);
    if (rc != ERR_OK)
        return rc;
    z_stream zs = {0};
    if (inflateInit2(&zs, -15) != Z_OK)
        return err_set(err, ERR_INTERNAL, "could not initialise zlib decompressor");
    size_t in_pos = 0, out_pos = 0;
    for (;;) {
        /* zlib counts in uInt: feed at most 1 GiB at a time (blocks are far smaller) */
        size_t in_chunk = TN_MIN(len - in_pos, (size_t)1 << 30);
        size_t out_room = TN_MIN(TN_MIN(*cap, limit) - out_pos, (size_t)1 << 30);
        zs.next_in = (Bytef *)(uintptr_t)(src + in_pos);
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = *buf + out_pos;
        zs.avail_out = (uInt)out_room;
        int zrc = inflate(&zs, Z_NO_FLUSH);
        in_pos += in_chunk - zs.avail_in;
        out_pos += out_room - zs.avail_out;
        if (zrc == Z_STREAM_END)
            break; /* bytes after the stream's end are ignored, as zlib-based readers do */
        if (zrc == Z_OK || (zrc == Z_BUF_ERROR && zs.avail_out == 0)) {
            if (zs.avail_out == 0 && out_pos == TN_MIN(*cap, limit)) {
                rc = grow_output(mem, "deflate", limit, buf, cap, err);
                if (rc != ERR_OK)
                    goto out_end;
            }
            continue;
        }
        if (zrc == Z_BUF_ERROR)
            rc = err_set(err, ERR_CORRUPT, "deflate block is cut short after %zu bytes", len);
        else
            rc = err_set(err, ERR_CORRUPT, "deflate block is malformed (%s)",
                         zs.msg ? zs.msg : "bad data");
        goto out_end;
    }
    *out_len = out_pos;
out_end:
    inflateEnd(&zs);
    return rc;
}

static ErrCode unzstd_block(Mem *mem, const uint8_t *src, size_t len, uint8_t **buf, size_t *cap,
                            size_t *out_len, Err *err)
{
    size_t limit = output_cap(AVRO_CODEC_ZSTD, len);
    ErrCode rc = reserve(mem, buf, cap, first_guess(len, limit, *cap), err);
    if (rc != ERR_OK)
        return rc;
    ZSTD_DStream *zds = ZSTD_createDStream();
    if (!zds)
        return err_nomem(err, "zstd decompression context");
    ZSTD_inBuffer in = {src, len, 0};
    ZSTD_outBuffer out = {*buf, TN_MIN(*cap, limit), 0};
    for (;;) {
        size_t hint = ZSTD_decompressStream(zds, &out, &in);
        if (ZSTD_isError(hint)) {
            rc = err_set(err, ERR_CORRUPT, "zstandard block is malformed: %s",
                         ZSTD_getErrorName(hint));
            goto out_free;
        }
        /* 0: a frame ended and is flushed; the input may hold further frames */
        if (hint == 0 && in.pos == in.size)
            break;
        if (out.pos == out.size) {
            rc = grow_output(mem, "zstandard", limit, buf, cap, err);
            if (rc != ERR_OK)
                goto out_free;
            out.dst = *buf;
            out.size = TN_MIN(*cap, limit);
        } else if (in.pos == in.size) {
            rc = err_set(err, ERR_CORRUPT, "zstandard block is cut short after %zu bytes", len);
            goto out_free;
        }
    }
    *out_len = out.pos;
out_free:
    ZSTD_freeDStream(zds);
    return rc;
}

static ErrCode unsnappy_block(Mem *mem, const uint8_t *src, size_t len, uint8_t **buf, size_t *cap,
                              size_t *out_len, Err *err)
{
    if (len < 4)
        return err_set(err, ERR_CORRUPT, "snappy block of %zu bytes has no room for its CRC", len);
    size_t packed = len - 4;
    size_t n;
    if (snappy_uncompressed_length((const char *)src, packed, &n) != SNAPPY_OK)
        return err_set(err, ERR_CORRUPT, "snappy block has a malformed length header");
    if (n > output_cap(AVRO_CODEC_SNAPPY, packed))
        return err_set(err, ERR_CORRUPT, "snappy block of %zu bytes claims %zu uncompressed",
                       packed, n);
    ErrCode rc = reserve(mem, buf, cap, n, err);
    if (rc == ERR_OK)
        rc = decompress_block(COMPRESS_SNAPPY, src, packed, *buf, n, err);
    if (rc != ERR_OK)
        return rc;
    const uint8_t *tail = src + packed;
    uint32_t want = (uint32_t)tail[0] << 24 | (uint32_t)tail[1] << 16 | (uint32_t)tail[2] << 8 |
                    (uint32_t)tail[3];
    uint32_t got = (uint32_t)crc32(0L, *buf, (uInt)n);
    if (got != want)
        return err_set(err, ERR_CORRUPT, "snappy block CRC32 is %08x, the data's is %08x", want,
                       got);
    *out_len = n;
    return ERR_OK;
}

ErrCode avro_block_decompress(Mem *mem, AvroCodec codec, const uint8_t *src, size_t len,
                              uint8_t **buf, size_t *cap, size_t *out_len, Err *err)
{
    switch (codec) {
    case AVRO_CODEC_NULL: {
        ErrCode rc = reserve(mem, buf, cap, len, err);
        if (rc != ERR_OK)
            return rc;
        if (len)
            memcpy(*buf, src, len);
        *out_len = len;
        return ERR_OK;
    }
    case AVRO_CODEC_DEFLATE:
        return inflate_block(mem, src, len, buf, cap, out_len, err);
    case AVRO_CODEC_SNAPPY:
        return unsnappy_block(mem, src, len, buf, cap, out_len, err);
    case AVRO_CODEC_ZSTD:
        return unzstd_block(mem, src, len, buf, cap, out_len, err);
    }
    return err_set(err, ERR_INTERNAL, "unknown avro codec %d", (int)codec);
}
