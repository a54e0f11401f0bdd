/* thrift_enc_test.c — the Thrift compact encoder against hand-assembled byte sequences
 * from the compact protocol spec (SPECS.md §1.2): short and long field headers, zigzag
 * varints, bool fields, binary, lists (short and long size), nested struct id scopes. */
#include <string.h>

#include "format/thrift_enc.h"
#include "test_util.h"

static void expect_bytes(const StrBuf *sb, const uint8_t *want, size_t n)
{
    assert_int_equal(sb->len, n);
    assert_memory_equal(sb->data, want, n);
}

static void thrift_enc_writes_short_and_long_field_headers(void **state)
{
    (void)state;
    Err err;
    StrBuf sb;
    strbuf_init(&sb, NULL);
    ThriftEnc enc;
    thrift_enc_init(&enc, &sb, &err);
    thrift_enc_field_i32(&enc, 1, 1);         /* 0x15 0x02 */
    thrift_enc_field_i32(&enc, 20, 300);      /* long form: 0x05, zigzag(20)=0x28, 600 = d8 04 */
    thrift_enc_field_i64(&enc, 21, -1);       /* delta 1, type 6: 0x16, zigzag(-1) = 0x01 */
    thrift_enc_field_bool(&enc, 22, true);    /* 0x11 */
    thrift_enc_field_bool(&enc, 23, false);   /* 0x12 */
    thrift_enc_field_string(&enc, 24, "abc"); /* 0x18 0x03 a b c */
    assert_ok(thrift_enc_finish(&enc), &err);
    const uint8_t want[] = {0x15, 0x02, 0x05, 0x28, 0xd8, 0x04, 0x16, 0x01,
                            0x11, 0x12, 0x18, 0x03, 'a',  'b',  'c',  0x00};
    expect_bytes(&sb, want, sizeof want);
    strbuf_fini(&sb);
}

static void thrift_enc_scopes_field_ids_per_struct(void **state)
{
    (void)state;
    Err err;
    StrBuf sb;
    strbuf_init(&sb, NULL);
    ThriftEnc enc;
    thrift_enc_init(&enc, &sb, &err);
    thrift_enc_field_struct_begin(&enc, 1); /* 0x1c */
    thrift_enc_field_i32(&enc, 1, 5);       /* 0x15 0x0a (own scope starts at 0) */
    thrift_enc_struct_end(&enc);            /* 0x00 */
    thrift_enc_field_i32(&enc, 2, 7);       /* delta 1 from the outer field 1: 0x15 0x0e */
    thrift_enc_field_double(&enc, 3, 1.0);  /* 0x17 + 8 LE bytes */
    assert_ok(thrift_enc_finish(&enc), &err);
    const uint8_t want[] = {0x1c, 0x15, 0x0a, 0x00, 0x15, 0x0e, 0x17, 0,
                            0,    0,    0,    0,    0,    0xf0, 0x3f, 0x00};
    expect_bytes(&sb, want, sizeof want);
    strbuf_fini(&sb);
}

static void thrift_enc_writes_lists(void **state)
{
    (void)state;
    Err err;
    StrBuf sb;
    strbuf_init(&sb, NULL);
    ThriftEnc enc;
    thrift_enc_init(&enc, &sb, &err);
    thrift_enc_field_list_begin(&enc, 1, THRIFT_ENC_I32, 3); /* 0x19, 0x35 */
    thrift_enc_elem_i32(&enc, 1);
    thrift_enc_elem_i32(&enc, -1);
    thrift_enc_elem_i32(&enc, 64);                                  /* zigzag 128 = 0x80 0x01 */
    thrift_enc_field_list_begin(&enc, 2, THRIFT_ENC_BOOL_TRUE, 20); /* 0x19, 0xf1, 0x14 */
    for (int i = 0; i < 20; i++) {
        thrift_enc_elem_bool(&enc, i == 0);
    }
    thrift_enc_field_list_begin(&enc, 3, THRIFT_ENC_STRUCT, 1); /* 0x19 0x1c */
    thrift_enc_elem_struct_begin(&enc);
    thrift_enc_field_i64(&enc, 2, 3); /* 0x26 0x06 */
    thrift_enc_struct_end(&enc);
    assert_ok(thrift_enc_finish(&enc), &err);
    uint8_t want[64];
    size_t n = 0;
    const uint8_t head[] = {0x19, 0x35, 0x02, 0x01, 0x80, 0x01, 0x19, 0xf1, 0x14};
    memcpy(want, head, sizeof head);
    n = sizeof head;
    want[n++] = 1;
    for (int i = 1; i < 20; i++) {
        want[n++] = 2;
    }
    const uint8_t tail[] = {0x19, 0x1c, 0x26, 0x06, 0x00, 0x00};
    memcpy(want + n, tail, sizeof tail);
    n += sizeof tail;
    expect_bytes(&sb, want, n);
    strbuf_fini(&sb);
}

static void thrift_enc_reports_unbalanced_structs(void **state)
{
    (void)state;
    Err err;
    err_init(&err);
    StrBuf sb;
    strbuf_init(&sb, NULL);
    ThriftEnc enc;
    thrift_enc_init(&enc, &sb, &err);
    thrift_enc_field_struct_begin(&enc, 1);
    assert_int_equal(thrift_enc_finish(&enc), ERR_INTERNAL);
    strbuf_fini(&sb);
}

static void thrift_enc_varints_match_spec(void **state)
{
    (void)state;
    uint8_t buf[10];
    assert_int_equal(thrift_enc_uvarint(buf, 0), 1);
    assert_int_equal(buf[0], 0);
    assert_int_equal(thrift_enc_uvarint(buf, 16384), 3);
    assert_int_equal(buf[0], 0x80);
    assert_int_equal(buf[1], 0x80);
    assert_int_equal(buf[2], 0x01);
    assert_int_equal(thrift_enc_zigzag(buf, INT64_MIN), 10);
    assert_int_equal(buf[9], 0x01);
    assert_int_equal(thrift_enc_zigzag(buf, -64), 1);
    assert_int_equal(buf[0], 127);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(thrift_enc_writes_short_and_long_field_headers),
            cmocka_unit_test(thrift_enc_scopes_field_ids_per_struct),
            cmocka_unit_test(thrift_enc_writes_lists),
            cmocka_unit_test(thrift_enc_reports_unbalanced_structs),
            cmocka_unit_test(thrift_enc_varints_match_spec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
