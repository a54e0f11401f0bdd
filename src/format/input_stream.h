/* input_stream.h — bytes from a file descriptor, decompressed on the fly when they are
 * gzip or zstd (format layer; `tarn load` reads rotated logs like access.log.2.gz with
 * it, and the ingest endpoints will read compressed request bodies the same way).
 *
 * The compression is detected from the first bytes, not the file name: gzip members start
 * 1f 8b (RFC 1952), zstd frames 28 b5 2f fd (RFC 8878); anything else passes through.
 * Concatenated gzip members (`cat a.gz b.gz`) and zstd frames read as one stream, as gzip
 * and zstd themselves read them. zlib and libzstd allocate through the stream's Mem, so
 * their windows count against the process budget.
 *
 * Thread contract: one thread per stream.
 */
#ifndef TARN_FORMAT_INPUT_STREAM_H
#define TARN_FORMAT_INPUT_STREAM_H

#include "base/err.h"
#include "base/mem.h"

typedef enum InputCompression {
    INPUT_PLAIN,
    INPUT_GZIP,
    INPUT_ZSTD,
} InputCompression;

typedef struct InputStream InputStream;

/* Start reading `fd` (borrowed: the caller closes it after input_stream_close); `source`
 * names it in messages. Nothing is read until the first input_stream_read. *out is
 * caller-owned. Errors: ERR_NOMEM. */
TN_MUST_CHECK ErrCode input_stream_open(Mem *mem, int fd, const char *source, InputStream **out,
                                        Err *err);

/* Read up to `cap` bytes of decompressed data into buf; *n_out is 0 only at the end of the
 * input. Errors: ERR_IO (read failed), ERR_CORRUPT (bad or truncated compressed data: the
 * message names the source, the format and the compressed byte offset), ERR_NOMEM. */
TN_MUST_CHECK ErrCode input_stream_read(InputStream *in, void *buf, size_t cap, size_t *n_out,
                                        Err *err);

/* What the stream turned out to be (INPUT_PLAIN before the first read). */
InputCompression input_stream_compression(const InputStream *in);

/* Bytes read from the descriptor so far (compressed bytes: for progress against a file's
 * size). */
int64_t input_stream_raw_bytes(const InputStream *in);

void input_stream_close(InputStream *in); /* NULL no-op */

#endif
