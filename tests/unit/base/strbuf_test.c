/* strbuf_test.c — unit tests for base/strbuf: growth, formatted appends, detach, and
 * allocation failure leaving the buffer as it was. */
#include <string.h>

#include "base/strbuf.h"
#include "test_util.h"

static void strbuf_grows_by_doubling(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    StrBuf sb;
    strbuf_init(&sb, &mem);
    assert_null(sb.data);
    Err err;
    for (int i = 0; i < 10000; i++) {
        assert_ok(strbuf_append_byte(&sb, (unsigned char)('a' + i % 26), &err), &err);
        assert_true(sb.cap > sb.len);
        assert_int_equal(sb.cap & (sb.cap - 1), 0);
    }
    assert_int_equal(sb.len, 10000);
    assert_int_equal(sb.cap, 16384);
    assert_int_equal(strlen(sb.data), 10000);
    assert_int_equal(sb.data[9999], 'a' + 9999 % 26);
    assert_int_equal(mem_used(&mem), sb.cap);
    strbuf_fini(&sb);
    assert_int_equal(mem_used(&mem), 0);
}

static void strbuf_appends_bytes_strings_and_formats(void **state)
{
    (void)state;
    StrBuf sb;
    strbuf_init(&sb, NULL);
    Err err;
    assert_ok(strbuf_append_str(&sb, "id=", &err), &err);
    assert_ok(strbuf_appendf(&sb, &err, "%d;%s", 42, "name"), &err);
    assert_ok(strbuf_append(&sb, "\0x", 2, &err), &err);
    assert_int_equal(sb.len, 12);
    assert_memory_equal(sb.data, "id=42;name\0x", 12);
    assert_int_equal(sb.data[12], '\0');
    strbuf_clear(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb.data, "");
    char big[300];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_ok(strbuf_appendf(&sb, &err, "<%s>", big), &err);
    assert_int_equal(sb.len, 301);
    assert_int_equal(sb.data[300], '>');
    assert_ok(strbuf_append(&sb, NULL, 0, &err), &err);
    assert_int_equal(sb.len, 301);
    strbuf_fini(&sb);
}

static void strbuf_detach_hands_over_the_block(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    StrBuf sb;
    strbuf_init(&sb, &mem);
    size_t len = 99;
    assert_null(strbuf_detach(&sb, &len));
    assert_int_equal(len, 0);
    Err err;
    assert_ok(strbuf_append_str(&sb, "payload", &err), &err);
    char *p = strbuf_detach(&sb, &len);
    assert_string_equal(p, "payload");
    assert_int_equal(len, 7);
    assert_null(sb.data);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);
    strbuf_fini(&sb); /* nothing left to free */
    assert_true(mem_used(&mem) > 0);
    mem_free(&mem, p);
    assert_int_equal(mem_used(&mem), 0);
}

static void strbuf_failed_growth_leaves_contents_intact(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "query", 0);
    StrBuf sb;
    strbuf_init(&sb, &mem);
    Err err;
    assert_ok(strbuf_append_str(&sb, "hello", &err), &err);
    char big[200];
    memset(big, 'z', sizeof big);
    mem_fail_at(&mem, 1);
    assert_int_equal(strbuf_append(&sb, big, sizeof big, &err), ERR_NOMEM);
    assert_int_equal(sb.len, 5);
    assert_string_equal(sb.data, "hello");
    mem_fail_at(&mem, 1);
    assert_int_equal(strbuf_appendf(&sb, &err, "%.*s", 150, big), ERR_NOMEM);
    assert_string_equal(sb.data, "hello");
    assert_int_equal(sb.cap, 64);
    /* Appends that fit in the block need no allocation and still work. */
    mem_fail_at(&mem, 1);
    assert_ok(strbuf_append_str(&sb, " world", &err), &err);
    mem_fail_at(&mem, 0);
    assert_string_equal(sb.data, "hello world");
    strbuf_fini(&sb);
    assert_int_equal(mem_used(&mem), 0);
}

static void strbuf_respects_the_budget(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "query", 1024);
    StrBuf sb;
    strbuf_init(&sb, &mem);
    Err err;
    char chunk[100];
    memset(chunk, 'c', sizeof chunk);
    ErrCode rc = ERR_OK;
    while (rc == ERR_OK) {
        rc = strbuf_append(&sb, chunk, sizeof chunk, &err);
    }
    assert_int_equal(rc, ERR_NOMEM);
    assert_string_equal(err.msg, "memory limit of 1 KiB exceeded for query");
    assert_int_equal(sb.len, 1000); /* the 1 KiB block is full; doubling to 2 KiB is refused */
    assert_int_equal(strbuf_reserve(&sb, SIZE_MAX, &err), ERR_NOMEM);
    assert_non_null(strstr(err.msg, "too large"));
    strbuf_fini(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(strbuf_grows_by_doubling),
            cmocka_unit_test(strbuf_appends_bytes_strings_and_formats),
            cmocka_unit_test(strbuf_detach_hands_over_the_block),
            cmocka_unit_test(strbuf_failed_growth_leaves_contents_intact),
            cmocka_unit_test(strbuf_respects_the_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
