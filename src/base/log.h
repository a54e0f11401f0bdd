/* log.h — line-oriented logger for the server and long-running commands (base layer).
 *
 * A Logger is an object the caller creates and passes down (no global logger, STYLE.md
 * §7). Each call writes one line, whole, to the Logger's FILE*:
 *
 *   2024-03-01T12:34:56.123456Z INFO commit done table=events rows=1200 path="a b"
 *
 * i.e. RFC 3339 UTC timestamp (microseconds), level, message, then optional key=value
 * fields. A value that is empty or holds a space, '"', '=', '\\' or a control character is
 * quoted with backslash escapes, so lines stay machine-splittable (logfmt). Lines longer
 * than LOG_LINE_CAP bytes are cut and end in "...".
 *
 * Messages below the Logger's level are dropped before formatting. Library code below
 * server/ and cli/ does not log; it returns errors (STYLE.md §5). The logger is the one
 * base module that writes output, and only to the stream its owner gave it.
 *
 * Thread contract: thread-safe. The level is atomic; the write of each line to the stream
 * is guarded by the Logger's mutex, so lines from different threads never interleave.
 */
#ifndef TARN_BASE_LOG_H
#define TARN_BASE_LOG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/tn.h"

#define LOG_LINE_CAP 4096

typedef enum LogLevel {
    LOG_LEVEL_ERROR,
    LOG_LEVEL_WARN,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
} LogLevel;

/* One structured field; both strings are borrowed for the duration of the call. */
typedef struct LogField {
    const char *key;
    const char *value;
} LogField;

/* Clock for timestamps: returns microseconds since the epoch (tests pin it). */
typedef int64_t (*LogClockFn)(void *ctx);

typedef struct Logger {
    pthread_mutex_t lock; /* guards writes to `out` */
    FILE *out;            /* borrowed; set at init, never changed */
    atomic_int level;     /* LogLevel; lines above it are dropped */
    LogClockFn clock;     /* set at init / log_set_clock before sharing the Logger */
    void *clock_ctx;
} Logger;

/* Initialise in caller's storage, writing to `out` (borrowed: must outlive the Logger;
 * the Logger never closes it) at `level`. */
void log_init(Logger *logger, FILE *out, LogLevel level);

/* Destroy the mutex. No line may be in progress. */
void log_fini(Logger *logger);

/* Change the level; safe while other threads log. */
void log_set_level(Logger *logger, LogLevel level);

/* True when a line at `level` would be written. */
bool log_enabled(Logger *logger, LogLevel level);

/* Replace the timestamp clock (datetime_now_us by default). Call before other threads
 * use the Logger. */
void log_set_clock(Logger *logger, LogClockFn clock, void *ctx);

/* Lower-case level name for configuration ("error", "warn", "info", "debug"), and the
 * reverse; log_level_parse returns false for an unknown name. */
const char *log_level_name(LogLevel level);
bool log_level_parse(const char *name, LogLevel *out);

/* Write one line at `level` with `n_fields` fields (fields may be NULL when 0).
 * Write errors on the stream are ignored: logging never fails the caller. */
void log_write(Logger *logger, LogLevel level, const LogField *fields, size_t n_fields,
               const char *fmt, ...) TN_PRINTF(5, 6);

/* Shorthands without fields. */
void log_error(Logger *logger, const char *fmt, ...) TN_PRINTF(2, 3);
void log_warn(Logger *logger, const char *fmt, ...) TN_PRINTF(2, 3);
void log_info(Logger *logger, const char *fmt, ...) TN_PRINTF(2, 3);
void log_debug(Logger *logger, const char *fmt, ...) TN_PRINTF(2, 3);

#endif
