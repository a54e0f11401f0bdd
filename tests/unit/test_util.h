/* test_util.h — helpers shared by the unit tests: a per-test temporary directory under
 * $TARN_TEST_TMP (or /tmp), and an assertion that prints an Err's message on failure. */
#ifndef TARN_TESTS_TEST_UTIL_H
#define TARN_TESTS_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h uses jmp_buf and va_list without including their headers: keep it after them */
#include <cmocka.h>

#include "base/err.h"

/* Fail the test with the error's message unless rc is ERR_OK. */
#define assert_ok(rc, err)                                                           \
    do {                                                                             \
        ErrCode rc_ = (rc);                                                          \
        if (rc_ != ERR_OK)                                                           \
            fail_msg("expected ERR_OK, got %s: %s", err_code_name(rc_), (err)->msg); \
    } while (0)

/* Create a fresh directory for one test; returns its path in buf. */
const char *test_tmpdir(const char *test_name, char *buf, size_t buf_len);

#endif
