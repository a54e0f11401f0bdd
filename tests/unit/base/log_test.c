/* log_test.c — unit tests for base/log: level filtering, the line format with a pinned
 * clock, structured fields and their quoting, long-line cutting, and whole lines from
 * concurrent threads. Output goes to a tmpfile() read back after each test. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "test_util.h"

/* 2024-03-01T12:34:56.123456Z */
static int64_t fixed_clock(void *ctx)
{
    (void)ctx;
    return INT64_C(1709296496123456);
}

static char *read_back(FILE *f, char *buf, size_t cap)
{
    fflush(f);
    long size = ftell(f);
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    assert_int_equal((long)n, size);
    return buf;
}

static void log_writes_timestamp_level_message(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    Logger logger;
    log_init(&logger, f, LOG_LEVEL_INFO);
    log_set_clock(&logger, fixed_clock, NULL);
    log_info(&logger, "loaded %d rows into \"%s\"", 1200, "events");
    log_error(&logger, "disk full");
    static char buf[8192];
    assert_string_equal(read_back(f, buf, sizeof buf),
                        "2024-03-01T12:34:56.123456Z INFO loaded 1200 rows into \"events\"\n"
                        "2024-03-01T12:34:56.123456Z ERROR disk full\n");
    log_fini(&logger);
    fclose(f);
}

static void log_drops_lines_below_the_level(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    Logger logger;
    log_init(&logger, f, LOG_LEVEL_WARN);
    log_set_clock(&logger, fixed_clock, NULL);
    assert_true(log_enabled(&logger, LOG_LEVEL_ERROR));
    assert_true(log_enabled(&logger, LOG_LEVEL_WARN));
    assert_false(log_enabled(&logger, LOG_LEVEL_INFO));
    log_debug(&logger, "d");
    log_info(&logger, "i");
    log_warn(&logger, "w");
    log_error(&logger, "e");
    log_set_level(&logger, LOG_LEVEL_DEBUG);
    log_debug(&logger, "d2");
    log_set_level(&logger, LOG_LEVEL_ERROR);
    log_warn(&logger, "w2");
    static char buf[8192];
    assert_string_equal(read_back(f, buf, sizeof buf), "2024-03-01T12:34:56.123456Z WARN w\n"
                                                       "2024-03-01T12:34:56.123456Z ERROR e\n"
                                                       "2024-03-01T12:34:56.123456Z DEBUG d2\n");
    log_fini(&logger);
    fclose(f);
}

static void log_fields_are_key_value_and_quoted_when_needed(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    Logger logger;
    log_init(&logger, f, LOG_LEVEL_DEBUG);
    log_set_clock(&logger, fixed_clock, NULL);
    const LogField fields[] = {
            {"table", "events"}, {"path", "a b"},   {"q", "say \"hi\"\\"}, {"empty", ""},
            {"eq", "k=v"},       {"nl", "x\ny\tz"}, {"null", NULL},
    };
    log_write(&logger, LOG_LEVEL_INFO, fields, TN_ARRAY_LEN(fields), "commit %s", "done");
    log_write(&logger, LOG_LEVEL_DEBUG, NULL, 0, "no fields");
    static char buf[8192];
    assert_string_equal(read_back(f, buf, sizeof buf),
                        "2024-03-01T12:34:56.123456Z INFO commit done table=events path=\"a b\" "
                        "q=\"say \\\"hi\\\"\\\\\" empty=\"\" eq=\"k=v\" nl=\"x\\ny\\x09z\" "
                        "null=\"\"\n"
                        "2024-03-01T12:34:56.123456Z DEBUG no fields\n");
    log_fini(&logger);
    fclose(f);
}

static void log_cuts_long_lines_and_keeps_the_newline(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    Logger logger;
    log_init(&logger, f, LOG_LEVEL_INFO);
    log_set_clock(&logger, fixed_clock, NULL);
    static char big[LOG_LINE_CAP * 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    log_info(&logger, "%s", big);
    const LogField field = {"k", big};
    log_write(&logger, LOG_LEVEL_INFO, &field, 1, "short");
    log_info(&logger, "after");
    static char buf[LOG_LINE_CAP * 4];
    read_back(f, buf, sizeof buf);
    char *line1 = buf;
    char *line2 = strchr(line1, '\n') + 1;
    char *line3 = strchr(line2, '\n') + 1;
    assert_int_equal(line2 - line1, LOG_LINE_CAP);
    assert_int_equal(line3 - line2, LOG_LINE_CAP);
    assert_memory_equal(line2 - 4, "...\n", 4);
    assert_memory_equal(line3 - 4, "...\n", 4);
    assert_string_equal(line3, "2024-03-01T12:34:56.123456Z INFO after\n");
    log_fini(&logger);
    fclose(f);
}

static void log_level_names_round_trip(void **state)
{
    (void)state;
    LogLevel level = LOG_LEVEL_ERROR;
    assert_true(log_level_parse("debug", &level));
    assert_int_equal(level, LOG_LEVEL_DEBUG);
    assert_true(log_level_parse("warn", &level));
    assert_int_equal(level, LOG_LEVEL_WARN);
    assert_false(log_level_parse("verbose", &level));
    assert_int_equal(level, LOG_LEVEL_WARN);
    assert_string_equal(log_level_name(LOG_LEVEL_INFO), "info");
    assert_string_equal(log_level_name(LOG_LEVEL_ERROR), "error");
}

static void log_default_clock_writes_current_utc_time(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    Logger logger;
    log_init(&logger, f, LOG_LEVEL_INFO);
    log_info(&logger, "now");
    static char buf[256];
    read_back(f, buf, sizeof buf);
    /* YYYY-MM-DDThh:mm:ss.ffffffZ INFO now */
    assert_int_equal(strlen(buf), 27 + strlen(" INFO now\n"));
    assert_true(buf[4] == '-' && buf[10] == 'T' && buf[19] == '.' && buf[26] == 'Z');
    assert_true(strncmp(buf, "20", 2) == 0);
    log_fini(&logger);
    fclose(f);
}

enum { N_THREADS = 4, LINES_PER_THREAD = 2000 };

static void *log_from_thread(void *arg)
{
    Logger *logger = arg;
    for (int i = 0; i < LINES_PER_THREAD; i++) {
        log_info(logger, "%s", "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop");
    }
    return NULL;
}

static void log_lines_from_threads_never_interleave(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    Logger logger;
    log_init(&logger, f, LOG_LEVEL_INFO);
    log_set_clock(&logger, fixed_clock, NULL);
    pthread_t threads[N_THREADS];
    for (int t = 0; t < N_THREADS; t++) {
        assert_int_equal(pthread_create(&threads[t], NULL, log_from_thread, &logger), 0);
    }
    for (int t = 0; t < N_THREADS; t++) {
        pthread_join(threads[t], NULL);
    }
    rewind(f);
    char line[256];
    int n_lines = 0;
    while (fgets(line, sizeof line, f)) {
        assert_string_equal(line,
                            "2024-03-01T12:34:56.123456Z INFO "
                            "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop\n");
        n_lines++;
    }
    assert_int_equal(n_lines, N_THREADS * LINES_PER_THREAD);
    log_fini(&logger);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(log_writes_timestamp_level_message),
            cmocka_unit_test(log_drops_lines_below_the_level),
            cmocka_unit_test(log_fields_are_key_value_and_quoted_when_needed),
            cmocka_unit_test(log_cuts_long_lines_and_keeps_the_newline),
            cmocka_unit_test(log_level_names_round_trip),
            cmocka_unit_test(log_default_clock_writes_current_utc_time),
            cmocka_unit_test(log_lines_from_threads_never_interleave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
