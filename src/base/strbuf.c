/* strbuf.c — growable buffer (see strbuf.h). Growth doubles capacity (minimum 64 bytes)
 * so appends are amortised O(1). */
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void strbuf_init(StrBuf *sb, Mem *mem)
{
    sb->mem = mem;
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void strbuf_fini(StrBuf *sb)
{
    mem_free(sb->mem, sb->data);
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
}

ErrCode strbuf_reserve(StrBuf *sb, size_t extra, Err *err)
{
    size_t need;
    if (!size_add(sb->len, extra, &need) || !size_add(need, 1, &need))
        return err_set(err, ERR_NOMEM, "buffer of %zu + %zu bytes is too large", sb->len, extra);
    if (need <= sb->cap)
        return ERR_OK;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need) {
        if (!size_mul(cap, 2, &cap)) {
            cap = need;
            break;
        }
    }
    char *grown = mem_realloc(sb->mem, sb->data, cap, err);
    if (!grown)
        return ERR_NOMEM;
    sb->data = grown;
    sb->cap = cap;
    sb->data[sb->len] = '\0';
    return ERR_OK;
}

ErrCode strbuf_append(StrBuf *sb, const void *bytes, size_t len, Err *err)
{
    ErrCode rc = strbuf_reserve(sb, len, err);
    if (rc != ERR_OK)
        return rc;
    if (len)
        memcpy(sb->data + sb->len, bytes, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
    return ERR_OK;
}

ErrCode strbuf_append_str(StrBuf *sb, const char *str, Err *err)
{
    return strbuf_append(sb, str, strlen(str), err);
}

ErrCode strbuf_append_byte(StrBuf *sb, unsigned char byte, Err *err)
{
    return strbuf_append(sb, &byte, 1, err);
}

ErrCode strbuf_appendf(StrBuf *sb, Err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return err_set(err, ERR_INVALID, "bad format string \"%s\"", fmt);
    ErrCode rc = strbuf_reserve(sb, (size_t)n, err);
    if (rc != ERR_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
    return ERR_OK;
}

void strbuf_clear(StrBuf *sb)
{
    sb->len = 0;
    if (sb->data)
        sb->data[0] = '\0';
}

char *strbuf_detach(StrBuf *sb, size_t *len_out)
{
    char *p = sb->data;
    if (len_out)
        *len_out = sb->len;
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
    return p;
}
