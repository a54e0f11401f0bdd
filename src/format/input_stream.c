/* input_stream.c — plain, gzip or zstd bytes from a descriptor (see input_stream.h).
 *
 * A 1 MiB buffer of raw bytes is refilled with read(2). The first read decides the format
 * by magic number. gzip goes through zlib's inflate (windowBits 16 + 15: gzip wrapper
 * only), reset after each member so concatenated members continue; zstd through a
 * ZSTD_DCtx with ZSTD_decompressStream, which crosses frame boundaries by itself. End of
 * input inside a member or frame is ERR_CORRUPT ("truncated"), as is any decoder error,
 * with the compressed offset where it was found.
 */
#include "format/input_stream.h"

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDCtx_advanced: allocate through Mem */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define INPUT_RAW_BYTES ((size_t)1 << 20)

struct InputStream {
    Mem *mem;
    int fd;
    char source[256];
    InputCompression kind;
    bool is_detected;
    bool is_eof;     /* read(2) returned 0 */
    bool is_partial; /* inside a gzip member or zstd frame */
    uint8_t *raw;
    size_t raw_pos, raw_len;
    int64_t raw_total; /* bytes read from fd */
    z_stream zs;
    bool has_zs;
    ZSTD_DCtx *zctx;
};

static void *zlib_alloc(void *opaque, unsigned items, unsigned size)
{
    return mem_calloc(opaque, items, size, NULL);
}

static void zlib_free(void *opaque, void *p)
{
    mem_free(opaque, p);
}

static void *zstd_alloc(void *opaque, size_t size)
{
    return mem_alloc(opaque, size, NULL);
}

static void zstd_free(void *opaque, void *p)
{
    mem_free(opaque, p);
}

ErrCode input_stream_open(Mem *mem, int fd, const char *source, InputStream **out, Err *err)
{
    InputStream *in = mem_calloc(mem, 1, sizeof *in, err);
    if (!in) {
        return ERR_NOMEM;
    }
    in->raw = mem_alloc(mem, INPUT_RAW_BYTES, err);
    if (!in->raw) {
        mem_free(mem, in);
        return ERR_NOMEM;
    }
    in->mem = mem;
    in->fd = fd;
    snprintf(in->source, sizeof in->source, "%s", source);
    *out = in;
    return ERR_OK;
}

void input_stream_close(InputStream *in)
{
    if (!in) {
        return;
    }
    if (in->has_zs) {
        inflateEnd(&in->zs);
    }
    ZSTD_freeDCtx(in->zctx);
    mem_free(in->mem, in->raw);
    mem_free(in->mem, in);
}

InputCompression input_stream_compression(const InputStream *in)
{
    return in->kind;
}

int64_t input_stream_raw_bytes(const InputStream *in)
{
    return in->raw_total;
}

/* Read more raw bytes after the unconsumed ones (moved to the front). */
static ErrCode fill(InputStream *in, Err *err)
{
    if (in->is_eof) {
        return ERR_OK;
    }
    if (in->raw_pos > 0) {
        memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
        in->raw_len -= in->raw_pos;
        in->raw_pos = 0;
    }
    for (;;) {
        ssize_t n = read(in->fd, in->raw + in->raw_len, INPUT_RAW_BYTES - in->raw_len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return err_errno(err, ERR_IO, errno, "could not read \"%s\"", in->source);
        }
        in->is_eof = n == 0;
        in->raw_len += (size_t)n;
        in->raw_total += n;
        return ERR_OK;
    }
}

static ErrCode corrupt(InputStream *in, const char *format, const char *what, Err *err)
{
    int64_t offset = in->raw_total - (int64_t)(in->raw_len - in->raw_pos);
    return err_set(err, ERR_CORRUPT, "\"%s\": %s data %s (compressed byte %lld)", in->source,
                   format, what, (long long)offset);
}

static ErrCode detect(InputStream *in, Err *err)
{
    while (in->raw_len < 4 && !in->is_eof) {
        ErrCode rc = fill(in, err);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    in->is_detected = true;
    const uint8_t *b = in->raw;
    if (in->raw_len >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        in->kind = INPUT_GZIP;
        in->zs.zalloc = zlib_alloc;
        in->zs.zfree = zlib_free;
        in->zs.opaque = in->mem;
        if (inflateInit2(&in->zs, 16 + MAX_WBITS) != Z_OK) {
            return err_set(err, ERR_NOMEM, "\"%s\": could not start gzip decoding", in->source);
        }
        in->has_zs = true;
    } else if (in->raw_len >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
        in->kind = INPUT_ZSTD;
        ZSTD_customMem custom = {zstd_alloc, zstd_free, in->mem};
        in->zctx = ZSTD_createDCtx_advanced(custom);
        if (!in->zctx) {
            return err_set(err, ERR_NOMEM, "\"%s\": could not start zstd decoding", in->source);
        }
    }
    return ERR_OK;
}

static ErrCode read_plain(InputStream *in, uint8_t *buf, size_t cap, size_t *n_out, Err *err)
{
    if (in->raw_pos == in->raw_len) {
        ErrCode rc = fill(in, err);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    size_t n = TN_MIN(cap, in->raw_len - in->raw_pos);
    memcpy(buf, in->raw + in->raw_pos, n);
    in->raw_pos += n;
    *n_out = n;
    return ERR_OK;
}

static ErrCode read_gzip(InputStream *in, uint8_t *buf, size_t cap, size_t *n_out, Err *err)
{
    z_stream *zs = &in->zs;
    for (;;) {
        if (in->raw_pos == in->raw_len) {
            ErrCode rc = fill(in, err);
            if (rc != ERR_OK) {
                return rc;
            }
            if (in->raw_pos == in->raw_len) { /* end of input */
                *n_out = 0;
                return in->is_partial ? corrupt(in, "gzip", "is truncated", err) : ERR_OK;
            }
        }
        size_t avail = in->raw_len - in->raw_pos;
        zs->next_in = in->raw + in->raw_pos;
        zs->avail_in = (uInt)TN_MIN(avail, (size_t)UINT32_MAX);
        zs->next_out = buf;
        zs->avail_out = (uInt)TN_MIN(cap, (size_t)UINT32_MAX);
        int zrc = inflate(zs, Z_NO_FLUSH);
        in->raw_pos += avail - zs->avail_in;
        size_t produced = TN_MIN(cap, (size_t)UINT32_MAX) - zs->avail_out;
        in->is_partial = true;
        if (zrc == Z_STREAM_END) {
            in->is_partial = false;
            inflateReset(zs); /* a next member may follow */
        } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            return corrupt(in, "gzip", zs->msg ? zs->msg : "is invalid", err);
        }
        if (produced > 0) {
            *n_out = produced;
            return ERR_OK;
        }
    }
}

static ErrCode read_zstd(InputStream *in, uint8_t *buf, size_t cap, size_t *n_out, Err *err)
{
    for (;;) {
        if (in->raw_pos == in->raw_len) {
            ErrCode rc = fill(in, err);
            if (rc != ERR_OK) {
                return rc;
            }
            if (in->raw_pos == in->raw_len) {
                *n_out = 0;
                return in->is_partial ? corrupt(in, "zstd", "is truncated", err) : ERR_OK;
            }
        }
        ZSTD_inBuffer src = {in->raw, in->raw_len, in->raw_pos};
        ZSTD_outBuffer dst = {buf, cap, 0};
        size_t ret = ZSTD_decompressStream(in->zctx, &dst, &src);
        if (ZSTD_isError(ret)) {
            return corrupt(in, "zstd", ZSTD_getErrorName(ret), err);
        }
        in->raw_pos = src.pos;
        in->is_partial = ret != 0; /* 0: a frame just ended */
        if (dst.pos > 0) {
            *n_out = dst.pos;
            return ERR_OK;
        }
    }
}

ErrCode input_stream_read(InputStream *in, void *buf, size_t cap, size_t *n_out, Err *err)
{
    *n_out = 0;
    if (!in->is_detected) {
        ErrCode rc = detect(in, err);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    if (cap == 0) {
        return ERR_OK;
    }
    switch (in->kind) {
    case INPUT_GZIP:
        return read_gzip(in, buf, cap, n_out, err);
    case INPUT_ZSTD:
        return read_zstd(in, buf, cap, n_out, err);
    default:
        return read_plain(in, buf, cap, n_out, err);
    }
}
