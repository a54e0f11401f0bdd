/* err.c — fills in Err records (see err.h). Messages are formatted into the fixed
 * buffer in the record; nothing is allocated, so reporting out-of-memory cannot fail. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *sqlstate_for(ErrCode code)
{
    switch (code) {
    case ERR_OK:
        return "00000";
    case ERR_NOMEM:
        return "53200";
    case ERR_IO:
        return "58030";
    case ERR_CORRUPT:
        return "XX001";
    case ERR_INVALID:
        return "22023";
    case ERR_NOT_FOUND:
        return "42704";
    case ERR_UNSUPPORTED:
        return "0A000";
    case ERR_CONFLICT:
        return "40001";
    case ERR_LIMIT:
        return "54000";
    case ERR_INTERNAL:
        return "XX000";
    }
    return "XX000";
}

const char *err_code_name(ErrCode code)
{
    switch (code) {
    case ERR_OK:
        return "ok";
    case ERR_NOMEM:
        return "out of memory";
    case ERR_IO:
        return "i/o error";
    case ERR_CORRUPT:
        return "corrupt data";
    case ERR_INVALID:
        return "invalid input";
    case ERR_NOT_FOUND:
        return "not found";
    case ERR_UNSUPPORTED:
        return "not supported";
    case ERR_CONFLICT:
        return "conflict";
    case ERR_LIMIT:
        return "limit exceeded";
    case ERR_INTERNAL:
        return "internal error";
    }
    return "unknown error";
}

void err_init(Err *err)
{
    err->code = ERR_OK;
    memcpy(err->sqlstate, "00000", 6);
    err->msg[0] = '\0';
}

static void set_code(Err *err, ErrCode code)
{
    err->code = code;
    memcpy(err->sqlstate, sqlstate_for(code), 6);
}

ErrCode err_set(Err *err, ErrCode code, const char *fmt, ...)
{
    set_code(err, code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

ErrCode err_errno(Err *err, ErrCode code, int errnum, const char *fmt, ...)
{
    set_code(err, code);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof err->msg) {
        char reason[128];
        const char *text = strerror_r(errnum, reason, sizeof reason);
        snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", text);
    }
    return code;
}

void err_prefix(Err *err, const char *fmt, ...)
{
    char head[ERR_MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t head_len = strlen(head);
    size_t msg_len = strlen(err->msg);
    if (head_len + 2 >= sizeof err->msg)
        head_len = sizeof err->msg - 3;
    /* Shift the message right to make room, dropping its tail if it no longer fits. */
    size_t keep = TN_MIN(msg_len, sizeof err->msg - 1 - head_len - 2);
    memmove(err->msg + head_len + 2, err->msg, keep);
    err->msg[head_len + 2 + keep] = '\0';
    memcpy(err->msg, head, head_len);
    err->msg[head_len] = ':';
    err->msg[head_len + 1] = ' ';
}

void err_set_sqlstate(Err *err, const char *sqlstate)
{
    memcpy(err->sqlstate, sqlstate, 5);
    err->sqlstate[5] = '\0';
}

ErrCode err_nomem(Err *err, const char *what)
{
    return err_set(err, ERR_NOMEM, "out of memory while allocating %s", what);
}
