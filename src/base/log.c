/* log.c — formats log lines and writes them under the Logger's mutex (see log.h).
 *
 * A line is built in a stack buffer (LOG_LINE_CAP bytes, so logging never allocates and
 * cannot fail for lack of memory), then written with one fwrite and flushed while holding
 * the mutex. The level check happens first, without the lock, so a disabled debug line
 * costs one atomic load.
 */
#include "base/log.h"

#include <stdarg.h>
#include <string.h>

#include "base/datetime.h"

static int64_t default_clock(void *ctx)
{
    (void)ctx;
    return datetime_now_us();
}

void log_init(Logger *logger, FILE *out, LogLevel level)
{
    pthread_mutex_init(&logger->lock, NULL);
    logger->out = out;
    atomic_init(&logger->level, (int)level);
    logger->clock = default_clock;
    logger->clock_ctx = NULL;
}

void log_fini(Logger *logger)
{
    pthread_mutex_destroy(&logger->lock);
}

void log_set_level(Logger *logger, LogLevel level)
{
    atomic_store(&logger->level, (int)level);
}

bool log_enabled(Logger *logger, LogLevel level)
{
    return (int)level <= atomic_load(&logger->level);
}

void log_set_clock(Logger *logger, LogClockFn clock, void *ctx)
{
    logger->clock = clock ? clock : default_clock;
    logger->clock_ctx = ctx;
}

const char *log_level_name(LogLevel level)
{
    switch (level) {
    case LOG_LEVEL_ERROR:
        return "error";
    case LOG_LEVEL_WARN:
        return "warn";
    case LOG_LEVEL_INFO:
        return "info";
    case LOG_LEVEL_DEBUG:
        return "debug";
    }
    return "unknown";
}

bool log_level_parse(const char *name, LogLevel *out)
{
    static const LogLevel levels[] = {LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO,
                                      LOG_LEVEL_DEBUG};
    for (size_t i = 0; i < TN_ARRAY_LEN(levels); i++) {
        if (strcmp(name, log_level_name(levels[i])) == 0) {
            *out = levels[i];
            return true;
        }
    }
    return false;
}

/* Bounded line builder: appends until the buffer is full, then remembers the overflow. */
typedef struct Line {
    char buf[LOG_LINE_CAP];
    size_t len;
    bool is_cut;
} Line;

static void line_put(Line *line, const char *bytes, size_t n_bytes)
{
    size_t room = sizeof line->buf - line->len;
    if (n_bytes > room) {
        n_bytes = room;
        line->is_cut = true;
    }
    memcpy(line->buf + line->len, bytes, n_bytes);
    line->len += n_bytes;
}

static TN_PRINTF(2, 0) void line_vprintf(Line *line, const char *fmt, va_list ap)
{
    size_t room = sizeof line->buf - line->len;
    int n = vsnprintf(line->buf + line->len, room, fmt, ap);
    if (n < 0)
        return;
    if ((size_t)n >= room) {
        line->len = sizeof line->buf - 1; /* drop vsnprintf's NUL */
        line->is_cut = true;
    } else {
        line->len += (size_t)n;
    }
}

static bool needs_quotes(const char *value)
{
    if (!*value)
        return true;
    for (const char *p = value; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= ' ' || ch == '"' || ch == '=' || ch == '\\' || ch == 0x7f)
            return true;
    }
    return false;
}

static void put_value(Line *line, const char *value)
{
    if (!needs_quotes(value)) {
        line_put(line, value, strlen(value));
        return;
    }
    line_put(line, "\"", 1);
    for (const char *p = value; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        char esc[8];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\';
            esc[1] = (char)ch;
            line_put(line, esc, 2);
        } else if (ch == '\n') {
            line_put(line, "\\n", 2);
        } else if (ch < 0x20 || ch == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", ch);
            line_put(line, esc, 4);
        } else {
            line_put(line, p, 1);
        }
    }
    line_put(line, "\"", 1);
}

static TN_PRINTF(5, 0) void log_vwrite(Logger *logger, LogLevel level, const LogField *fields,
                                       size_t n_fields, const char *fmt, va_list ap)
{
    static const char *const tags[] = {"ERROR", "WARN", "INFO", "DEBUG"};
    Line line = {.len = 0, .is_cut = false};
    char stamp[DATETIME_FORMAT_CAP];
    size_t stamp_len = datetime_format(logger->clock(logger->clock_ctx), DATETIME_RFC3339_FIXED,
                                       stamp, sizeof stamp);
    line_put(&line, stamp, stamp_len);
    line_put(&line, " ", 1);
    line_put(&line, tags[level], strlen(tags[level]));
    line_put(&line, " ", 1);
    line_vprintf(&line, fmt, ap);
    for (size_t i = 0; i < n_fields; i++) {
        line_put(&line, " ", 1);
        line_put(&line, fields[i].key, strlen(fields[i].key));
        line_put(&line, "=", 1);
        put_value(&line, fields[i].value ? fields[i].value : "");
    }
    if (line.is_cut)
        memcpy(line.buf + sizeof line.buf - 4, "...", 3);
    /* The newline replaces the last byte when the line is full. */
    if (line.len == sizeof line.buf)
        line.len--;
    line.buf[line.len++] = '\n';
    pthread_mutex_lock(&logger->lock);
    fwrite(line.buf, 1, line.len, logger->out);
    fflush(logger->out);
    pthread_mutex_unlock(&logger->lock);
}

void log_write(Logger *logger, LogLevel level, const LogField *fields, size_t n_fields,
               const char *fmt, ...)
{
    if (!log_enabled(logger, level))
        return;
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(logger, level, fields, n_fields, fmt, ap);
    va_end(ap);
}

#define DEFINE_LEVEL_FN(name, level)                 \
    void name(Logger *logger, const char *fmt, ...)  \
    {                                                \
        if (!log_enabled(logger, level))             \
            return;                                  \
        va_list ap;                                  \
        va_start(ap, fmt);                           \
        log_vwrite(logger, level, NULL, 0, fmt, ap); \
        va_end(ap);                                  \
    }

DEFINE_LEVEL_FN(log_error, LOG_LEVEL_ERROR)
DEFINE_LEVEL_FN(log_warn, LOG_LEVEL_WARN)
DEFINE_LEVEL_FN(log_info, LOG_LEVEL_INFO)
DEFINE_LEVEL_FN(log_debug, LOG_LEVEL_DEBUG)
