/* strbuf.h — growable byte/string buffer (base layer).
 *
 * A StrBuf owns a heap block from a Mem budget that grows by doubling. `data` is always
 * NUL-terminated once anything was appended (so it can be used as a C string), but may hold
 * arbitrary bytes: Parquet pages and encoded metadata are built in StrBufs too.
 * Fields are exposed for hot loops: data[0..len) is valid, cap is the allocated size.
 * Thread contract: one thread at a time.
 */
#ifndef TARN_BASE_STRBUF_H
#define TARN_BASE_STRBUF_H

#include "base/mem.h"

typedef struct StrBuf {
    Mem *mem;   /* budget the block is charged to (may be NULL) */
    char *data; /* NULL until the first reserve */
    size_t len;
    size_t cap;
} StrBuf;

/* Initialise empty in caller's storage. */
void strbuf_init(StrBuf *sb, Mem *mem);

/* Free the block; the StrBuf is empty and reusable afterwards. */
void strbuf_fini(StrBuf *sb);

/* Make room for `extra` more bytes (plus the NUL). Errors: ERR_NOMEM. */
TN_MUST_CHECK ErrCode strbuf_reserve(StrBuf *sb, size_t extra, Err *err);

TN_MUST_CHECK ErrCode strbuf_append(StrBuf *sb, const void *bytes, size_t len, Err *err);
TN_MUST_CHECK ErrCode strbuf_append_str(StrBuf *sb, const char *str, Err *err);
TN_MUST_CHECK ErrCode strbuf_append_byte(StrBuf *sb, unsigned char byte, Err *err);
TN_MUST_CHECK ErrCode strbuf_appendf(StrBuf *sb, Err *err, const char *fmt, ...) TN_PRINTF(3, 4);

/* Drop the contents, keep the block. */
void strbuf_clear(StrBuf *sb);

/* Hand the block to the caller (free with mem_free(sb->mem, p)); the StrBuf becomes empty.
 * Returns NULL when nothing was ever appended. */
char *strbuf_detach(StrBuf *sb, size_t *len_out);

#endif
