/* err.h — error codes and the error record every fallible function fills in (base layer).
 *
 * A function that can fail returns ErrCode (ERR_OK is 0) and takes `Err *err` last. The
 * code that detects the failure writes the message once (err_set / err_errno); callers
 * only add context in front of it (err_prefix), PostgreSQL errcontext-style, so a message
 * reads outermost context first: `parquet file "x.parquet": column "path": page at
 * offset 1234: compressed size 99999 exceeds the 512 bytes left`. Each Err also carries a
 * SQLSTATE for the PostgreSQL wire protocol. Err is caller's storage; no allocation.
 * Thread contract: an Err belongs to one thread at a time.
 */
#ifndef TARN_BASE_ERR_H
#define TARN_BASE_ERR_H

#include "base/tn.h"

typedef enum ErrCode {
    ERR_OK = 0,
    ERR_NOMEM,       /* allocation failed or a memory budget was exceeded */
    ERR_IO,          /* operating system call failed (errno text in the message) */
    ERR_CORRUPT,     /* malformed file or wire data */
    ERR_INVALID,     /* invalid argument or user input */
    ERR_NOT_FOUND,   /* an object the user named does not exist */
    ERR_UNSUPPORTED, /* valid but not implemented by tarn (say what instead) */
    ERR_CONFLICT,    /* concurrent modification or precondition failed */
    ERR_LIMIT,       /* a configured limit was hit (size, count, depth) */
    ERR_INTERNAL,    /* a bug in tarn */
} ErrCode;

#define ERR_MSG_CAP 512

typedef struct Err {
    ErrCode code;
    char sqlstate[6]; /* five characters + NUL, "00000" when unset */
    char msg[ERR_MSG_CAP];
} Err;

/* Reset to ERR_OK with an empty message. */
void err_init(Err *err);

/* Record `code` and a formatted message; returns `code` so callers can `return err_set(...)`.
 * The SQLSTATE is derived from the code (err_set_sqlstate overrides it). */
ErrCode err_set(Err *err, ErrCode code, const char *fmt, ...) TN_PRINTF(3, 4);

/* Like err_set, then appends ": <strerror(errnum)>". */
ErrCode err_errno(Err *err, ErrCode code, int errnum, const char *fmt, ...) TN_PRINTF(4, 5);

/* Prepend "<context>: " to the current message (truncating the tail if it overflows). */
void err_prefix(Err *err, const char *fmt, ...) TN_PRINTF(2, 3);

/* Override the SQLSTATE (five characters). */
void err_set_sqlstate(Err *err, const char *sqlstate);

/* Stable lower-case name of a code, e.g. "corrupt data". */
const char *err_code_name(ErrCode code);

/* A deliberate ignore of an ErrCode result; say why in a comment at the call. */
#define err_ignore(expr)              \
    do {                              \
        ErrCode ignored_rc_ = (expr); \
        (void)ignored_rc_;            \
    } while (0)

/* Shorthand for the out-of-memory error every allocation site reports. */
ErrCode err_nomem(Err *err, const char *what);

#endif
