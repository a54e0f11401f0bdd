/* err_test.c — unit tests for base/err: messages, context prefixes (chaining and
 * truncation), errno text, SQLSTATEs and code names. */
#include <errno.h>
#include <string.h>

#include "base/err.h"
#include "test_util.h"

static void err_init_is_ok_and_empty(void **state)
{
    (void)state;
    Err err;
    memset(&err, 0x55, sizeof err);
    err_init(&err);
    assert_int_equal(err.code, ERR_OK);
    assert_string_equal(err.sqlstate, "00000");
    assert_string_equal(err.msg, "");
}

static void err_set_returns_code_and_formats(void **state)
{
    (void)state;
    Err err;
    err_init(&err);
    ErrCode rc = err_set(&err, ERR_CORRUPT, "page at offset %d: %s", 1234, "bad header");
    assert_int_equal(rc, ERR_CORRUPT);
    assert_int_equal(err.code, ERR_CORRUPT);
    assert_string_equal(err.msg, "page at offset 1234: bad header");
    assert_string_equal(err.sqlstate, "XX001");
}

static void err_prefix_chains_outermost_first(void **state)
{
    (void)state;
    Err err;
    err_init(&err);
    err_set(&err, ERR_CORRUPT, "compressed size 99999 exceeds the 512 bytes left");
    err_prefix(&err, "page at offset %d", 1234);
    err_prefix(&err, "column \"%s\"", "path");
    err_prefix(&err, "parquet file \"%s\"", "x.parquet");
    assert_string_equal(err.msg, "parquet file \"x.parquet\": column \"path\": page at offset "
                                 "1234: compressed size 99999 exceeds the 512 bytes left");
    assert_int_equal(err.code, ERR_CORRUPT);
}

static void err_prefix_on_empty_message(void **state)
{
    (void)state;
    Err err;
    err_init(&err);
    err_prefix(&err, "ctx");
    assert_string_equal(err.msg, "ctx: ");
}

static void err_set_truncates_long_messages(void **state)
{
    (void)state;
    Err err;
    char long_text[2 * ERR_MSG_CAP];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    err_set(&err, ERR_INVALID, "%s", long_text);
    assert_int_equal(strlen(err.msg), ERR_MSG_CAP - 1);
}

static void err_prefix_drops_the_tail_when_full(void **state)
{
    (void)state;
    Err err;
    char body[ERR_MSG_CAP];
    memset(body, 'b', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    err_set(&err, ERR_INVALID, "%s", body);
    err_prefix(&err, "table \"%s\"", "t");
    assert_int_equal(strlen(err.msg), ERR_MSG_CAP - 1);
    assert_memory_equal(err.msg, "table \"t\": bbb", 14);
    /* A prefix longer than the whole buffer keeps its head and leaves room for ": ". */
    char head[2 * ERR_MSG_CAP];
    memset(head, 'h', sizeof head - 1);
    head[sizeof head - 1] = '\0';
    err_prefix(&err, "%s", head);
    assert_int_equal(strlen(err.msg), ERR_MSG_CAP - 1);
    assert_memory_equal(err.msg + ERR_MSG_CAP - 3, ": ", 2);
}

static void err_errno_appends_the_system_reason(void **state)
{
    (void)state;
    Err err;
    ErrCode rc = err_errno(&err, ERR_IO, ENOENT, "could not open file \"%s\"", "/x/y");
    assert_int_equal(rc, ERR_IO);
    assert_string_equal(err.msg, "could not open file \"/x/y\": No such file or directory");
    assert_string_equal(err.sqlstate, "58030");
    err_errno(&err, ERR_IO, EACCES, "could not create file \"%s\"", "z");
    assert_string_equal(err.msg, "could not create file \"z\": Permission denied");
}

static void err_sqlstates_follow_the_code(void **state)
{
    (void)state;
    static const struct {
        ErrCode code;
        const char *sqlstate;
        const char *name;
    } cases[] = {
            {ERR_NOMEM, "53200", "out of memory"},     {ERR_IO, "58030", "i/o error"},
            {ERR_CORRUPT, "XX001", "corrupt data"},    {ERR_INVALID, "22023", "invalid input"},
            {ERR_NOT_FOUND, "42704", "not found"},     {ERR_UNSUPPORTED, "0A000", "not supported"},
            {ERR_CONFLICT, "40001", "conflict"},       {ERR_LIMIT, "54000", "limit exceeded"},
            {ERR_INTERNAL, "XX000", "internal error"},
    };
    Err err;
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        err_set(&err, cases[i].code, "x");
        assert_string_equal(err.sqlstate, cases[i].sqlstate);
        assert_string_equal(err_code_name(cases[i].code), cases[i].name);
    }
    assert_string_equal(err_code_name(ERR_OK), "ok");
    err_set(&err, ERR_INVALID, "syntax error at or near \"FORM\"");
    err_set_sqlstate(&err, "42601");
    assert_string_equal(err.sqlstate, "42601");
    assert_int_equal(err.code, ERR_INVALID);
}

static ErrCode fails_with_conflict(Err *err)
{
    return err_set(err, ERR_CONFLICT, "lost the race");
}

static void err_nomem_and_ignore(void **state)
{
    (void)state;
    Err err;
    assert_int_equal(err_nomem(&err, "a hash table"), ERR_NOMEM);
    assert_string_equal(err.msg, "out of memory while allocating a hash table");
    err_ignore(fails_with_conflict(&err)); /* the test only checks the macro compiles */
    assert_int_equal(err.code, ERR_CONFLICT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(err_init_is_ok_and_empty),
            cmocka_unit_test(err_set_returns_code_and_formats),
            cmocka_unit_test(err_prefix_chains_outermost_first),
            cmocka_unit_test(err_prefix_on_empty_message),
            cmocka_unit_test(err_set_truncates_long_messages),
            cmocka_unit_test(err_prefix_drops_the_tail_when_full),
            cmocka_unit_test(err_errno_appends_the_system_reason),
            cmocka_unit_test(err_sqlstates_follow_the_code),
            cmocka_unit_test(err_nomem_and_ignore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
