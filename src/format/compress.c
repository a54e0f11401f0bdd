/* compress.c — codec wrappers (see compress.h).
 *
 * Each codec's compress path reserves the library's worst-case bound in the output buffer
 * and compresses straight into it. Each decompress path checks that the stream yields
 * exactly dst_len bytes: zstd via ZSTD_getFrameContentSize where present and the returned
 * size, snappy via snappy_uncompressed_length, LZ4 via LZ4_decompress_safe's result, zlib
 * by running inflate to Z_STREAM_END (member after member for gzip).
 */
#include "format/compress.h"

#include <lz4.h>
#include <snappy-c.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

const char *compress_codec_name(CompressCodec codec)
{
    switch (codec) {
    case COMPRESS_NONE:
        return "uncompressed";
    case COMPRESS_SNAPPY:
        return "snappy";
    case COMPRESS_GZIP:
        return "gzip";
    case COMPRESS_ZSTD:
        return "zstd";
    case COMPRESS_LZ4_RAW:
        return "lz4_raw";
    case COMPRESS_DEFLATE:
        return "deflate";
    }
    return "unknown";
}

bool compress_codec_parse(const char *name, CompressCodec *out)
{
    static const struct {
        const char *name;
        CompressCodec codec;
    } names[] = {
            {"none", COMPRESS_NONE},       {"uncompressed", COMPRESS_NONE},
            {"snappy", COMPRESS_SNAPPY},   {"gzip", COMPRESS_GZIP},
            {"zstd", COMPRESS_ZSTD},       {"lz4", COMPRESS_LZ4_RAW},
            {"lz4_raw", COMPRESS_LZ4_RAW}, {"deflate", COMPRESS_DEFLATE},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(names); i++) {
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].codec;
            return true;
        }
    }
    return false;
}

static ErrCode zlib_compress(bool is_gzip, int level, const void *src, size_t len, StrBuf *out,
                             Err *err)
{
    z_stream zs = {0};
    /* windowBits 15 + 16 writes a gzip header and trailer; -15 writes raw deflate. */
    if (deflateInit2(&zs, level ? level : 6, Z_DEFLATED, is_gzip ? 31 : -15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return err_set(err, ERR_INTERNAL, "could not initialise zlib compressor");
    size_t bound = deflateBound(&zs, (uLong)len) + 32;
    ErrCode rc = strbuf_reserve(out, bound, err);
    if (rc != ERR_OK)
        goto out_end;
    zs.next_in = (Bytef *)(uintptr_t)src;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out->data + out->len;
    zs.avail_out = (uInt)bound;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        rc = err_set(err, ERR_INTERNAL, "zlib could not compress %zu bytes", len);
        goto out_end;
    }
    out->len += zs.total_out;
out_end:
    deflateEnd(&zs);
    return rc;
}

static ErrCode zlib_decompress(bool is_gzip, const void *src, size_t len, void *dst, size_t dst_len,
                               Err *err)
{
    z_stream zs = {0};
    if (inflateInit2(&zs, is_gzip ? 31 : -15) != Z_OK)
        return err_set(err, ERR_INTERNAL, "could not initialise zlib decompressor");
    zs.next_in = (Bytef *)(uintptr_t)src;
    zs.avail_in = (uInt)len;
    zs.next_out = dst;
    zs.avail_out = (uInt)dst_len;
    ErrCode rc = ERR_OK;
    for (;;) {
        int zrc = inflate(&zs, Z_FINISH);
        if (zrc == Z_STREAM_END) {
            /* gzip files may hold several members back to back: continue with the next */
            if (is_gzip && zs.avail_in > 0 && zs.avail_out > 0 && inflateReset(&zs) == Z_OK)
                continue;
            break;
        }
        if (zrc == Z_BUF_ERROR && zs.avail_out == 0) {
            rc = err_set(err, ERR_CORRUPT, "%s stream is larger than the declared %zu bytes",
                         is_gzip ? "gzip" : "deflate", dst_len);
            goto out_end;
        }
        rc = err_set(err, ERR_CORRUPT, "%s stream is malformed (%s)", is_gzip ? "gzip" : "deflate",
                     zs.msg ? zs.msg : "truncated");
        goto out_end;
    }
    /* total_out restarts with each gzip member, so count what the buffer received */
    if (zs.avail_out != 0) {
        rc = err_set(err, ERR_CORRUPT, "%s stream yields %zu bytes, expected %zu",
                     is_gzip ? "gzip" : "deflate", dst_len - zs.avail_out, dst_len);
    }
out_end:
    inflateEnd(&zs);
    return rc;
}

ErrCode compress_block(CompressCodec codec, int level, const void *src, size_t len, StrBuf *out,
                       Err *err)
{
    ErrCode rc;
    switch (codec) {
    case COMPRESS_NONE:
        return strbuf_append(out, src, len, err);
    case COMPRESS_SNAPPY: {
        size_t bound = snappy_max_compressed_length(len);
        rc = strbuf_reserve(out, bound, err);
        if (rc != ERR_OK)
            return rc;
        if (snappy_compress(src, len, out->data + out->len, &bound) != SNAPPY_OK)
            return err_set(err, ERR_INTERNAL, "snappy could not compress %zu bytes", len);
        out->len += bound;
        return ERR_OK;
    }
    case COMPRESS_GZIP:
        return zlib_compress(true, level, src, len, out, err);
    case COMPRESS_DEFLATE:
        return zlib_compress(false, level, src, len, out, err);
    case COMPRESS_ZSTD: {
        size_t bound = ZSTD_compressBound(len);
        rc = strbuf_reserve(out, bound, err);
        if (rc != ERR_OK)
            return rc;
        size_t n = ZSTD_compress(out->data + out->len, bound, src, len, level ? level : 3);
        if (ZSTD_isError(n))
            return err_set(err, ERR_INTERNAL, "zstd could not compress %zu bytes: %s", len,
                           ZSTD_getErrorName(n));
        out->len += n;
        return ERR_OK;
    }
    case COMPRESS_LZ4_RAW: {
        if (len > (size_t)LZ4_MAX_INPUT_SIZE)
            return err_set(err, ERR_LIMIT, "lz4 block of %zu bytes is too large", len);
        int bound = LZ4_compressBound((int)len);
        rc = strbuf_reserve(out, (size_t)bound, err);
        if (rc != ERR_OK)
            return rc;
        int n = LZ4_compress_default(src, out->data + out->len, (int)len, bound);
        if (n <= 0)
            return err_set(err, ERR_INTERNAL, "lz4 could not compress %zu bytes", len);
        out->len += (size_t)n;
        return ERR_OK;
    }
    }
    return err_set(err, ERR_INTERNAL, "unknown codec %d", (int)codec);
}

ErrCode decompress_block(CompressCodec codec, const void *src, size_t len, void *dst,
                         size_t dst_len, Err *err)
{
    switch (codec) {
    case COMPRESS_NONE:
        if (len != dst_len)
            return err_set(err, ERR_CORRUPT, "uncompressed size %zu differs from declared %zu", len,
                           dst_len);
        if (len)
            memcpy(dst, src, len);
        return ERR_OK;
    case COMPRESS_SNAPPY: {
        size_t n = 0;
        if (snappy_uncompressed_length(src, len, &n) != SNAPPY_OK)
            return err_set(err, ERR_CORRUPT, "snappy stream has a malformed length header");
        if (n != dst_len)
            return err_set(err, ERR_CORRUPT, "snappy stream yields %zu bytes, expected %zu", n,
                           dst_len);
        if (snappy_uncompress(src, len, dst, &n) != SNAPPY_OK)
            return err_set(err, ERR_CORRUPT, "snappy stream is malformed");
        return ERR_OK;
    }
    case COMPRESS_GZIP:
        return zlib_decompress(true, src, len, dst, dst_len, err);
    case COMPRESS_DEFLATE:
        return zlib_decompress(false, src, len, dst, dst_len, err);
    case COMPRESS_ZSTD: {
        size_t n = ZSTD_decompress(dst, dst_len, src, len);
        if (ZSTD_isError(n))
            return err_set(err, ERR_CORRUPT, "zstd stream is malformed: %s", ZSTD_getErrorName(n));
        if (n != dst_len)
            return err_set(err, ERR_CORRUPT, "zstd stream yields %zu bytes, expected %zu", n,
                           dst_len);
        return ERR_OK;
    }
    case COMPRESS_LZ4_RAW: {
        if (len > (size_t)INT32_MAX || dst_len > (size_t)INT32_MAX)
            return err_set(err, ERR_LIMIT, "lz4 block of %zu bytes is too large", dst_len);
        int n = LZ4_decompress_safe(src, dst, (int)len, (int)dst_len);
        if (n < 0)
            return err_set(err, ERR_CORRUPT, "lz4 block is malformed");
        if ((size_t)n != dst_len)
            return err_set(err, ERR_CORRUPT, "lz4 block yields %d bytes, expected %zu", n, dst_len);
        return ERR_OK;
    }
    }
    return err_set(err, ERR_INTERNAL, "unknown codec %d", (int)codec);
}
