/* uuid_test.c — unit tests for base/uuid: version/variant bits, text round trip, parse
 * errors, and that two random uuids differ. */
#include <string.h>

#include "base/uuid.h"
#include "test_util.h"

static void uuid_random_sets_version_and_variant(void **state)
{
    (void)state;
    for (int i = 0; i < 100; i++) {
        uint8_t u[16];
        uuid_random(u);
        assert_int_equal(u[6] >> 4, 4);
        assert_int_equal(u[8] >> 6, 2);
    }
}

static void uuid_text_round_trips(void **state)
{
    (void)state;
    Err err;
    err_init(&err);
    const char *text = "f79c3e09-677c-4bbd-a479-3f349cb785e7";
    uint8_t u[16];
    assert_ok(uuid_parse(text, strlen(text), u, &err), &err);
    assert_int_equal(u[0], 0xf7);
    assert_int_equal(u[15], 0xe7);
    char back[UUID_TEXT_LEN + 1];
    uuid_format(u, back);
    assert_string_equal(back, text);
    assert_ok(uuid_parse("F79C3E09-677C-4BBD-A479-3F349CB785E7", 36, u, &err), &err);
    uuid_format(u, back);
    assert_string_equal(back, text);
}

static void uuid_parse_rejects_bad_text(void **state)
{
    (void)state;
    Err err;
    err_init(&err);
    uint8_t u[16];
    assert_int_equal(uuid_parse("f79c3e09", 8, u, &err), ERR_INVALID);
    assert_int_equal(uuid_parse("f79c3e09x677c-4bbd-a479-3f349cb785e7", 36, u, &err), ERR_INVALID);
    assert_non_null(strstr(err.msg, "'-' expected"));
    assert_int_equal(uuid_parse("g79c3e09-677c-4bbd-a479-3f349cb785e7", 36, u, &err), ERR_INVALID);
    assert_non_null(strstr(err.msg, "hex digit"));
}

static void uuid_random_text_differs(void **state)
{
    (void)state;
    char a[UUID_TEXT_LEN + 1], b[UUID_TEXT_LEN + 1];
    uuid_random_text(a);
    uuid_random_text(b);
    assert_int_equal(strlen(a), 36);
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(uuid_random_sets_version_and_variant),
            cmocka_unit_test(uuid_text_round_trips),
            cmocka_unit_test(uuid_parse_rejects_bad_text),
            cmocka_unit_test(uuid_random_text_differs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
