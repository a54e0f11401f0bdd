/* thrift_dec_test.c — Thrift compact decoder: varints and zigzag from the spec's examples,
 * short and long field headers, bool fields, binary and list bounds, map and nested-struct
 * skipping, the depth limit, and a truncation error for every reader. */
#include <string.h>

#include "format/thrift_dec.h"
#include "test_util.h"

static void thrift_reads_varints_and_zigzag(void **state)
{
    (void)state;
    Err err;
    const uint8_t bytes[] = {0x96, 0x01, 0x01, 0x02, 0x03, 0xfe, 0xff, 0x03};
    ThriftDec dec;
    thrift_dec_init(&dec, bytes, sizeof bytes);
    uint64_t v;
    assert_ok(thrift_read_varint(&dec, &v, &err), &err);
    assert_int_equal(v, 150);
    int32_t i32;
    assert_ok(thrift_read_i32(&dec, &i32, &err), &err);
    assert_int_equal(i32, -1);
    assert_ok(thrift_read_i32(&dec, &i32, &err), &err);
    assert_int_equal(i32, 1);
    assert_ok(thrift_read_i32(&dec, &i32, &err), &err);
    assert_int_equal(i32, -2);
    int64_t i64;
    assert_ok(thrift_read_i64(&dec, &i64, &err), &err);
    assert_int_equal(i64, 32767);
    assert_int_equal(thrift_dec_offset(&dec), sizeof bytes);
}

static void thrift_rejects_long_and_truncated_varints(void **state)
{
    (void)state;
    Err err;
    uint8_t eleven[11];
    memset(eleven, 0x80, sizeof eleven);
    ThriftDec dec;
    uint64_t v;
    thrift_dec_init(&dec, eleven, sizeof eleven);
    assert_int_equal(thrift_read_varint(&dec, &v, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "longer than 10 bytes"));
    thrift_dec_init(&dec, eleven, 3);
    assert_int_equal(thrift_read_varint(&dec, &v, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "truncated"));
    const uint8_t big[] = {0xfe, 0xff, 0xff, 0xff, 0x1f}; /* zigzag of 2^33-ish */
    int32_t i32;
    thrift_dec_init(&dec, big, sizeof big);
    assert_int_equal(thrift_read_i32(&dec, &i32, &err), ERR_CORRUPT);
    int16_t i16;
    const uint8_t over16[] = {0x80, 0x80, 0x04};
    thrift_dec_init(&dec, over16, sizeof over16);
    assert_int_equal(thrift_read_i16(&dec, &i16, &err), ERR_CORRUPT);
    double d;
    thrift_dec_init(&dec, big, 4);
    assert_int_equal(thrift_read_double(&dec, &d, &err), ERR_CORRUPT);
    int8_t i8;
    thrift_dec_init(&dec, big, 0);
    assert_int_equal(thrift_read_i8(&dec, &i8, &err), ERR_CORRUPT);
}

static void thrift_reads_short_and_long_field_headers(void **state)
{
    (void)state;
    Err err;
    /* id 1 i32 = 2; id 100 (long form) i32 = -1; id 101 bool true; id 102 bool false; STOP */
    const uint8_t bytes[] = {0x15, 0x04, 0x05, 0xc8, 0x01, 0x01, 0x11, 0x12, 0x00};
    ThriftDec dec;
    thrift_dec_init(&dec, bytes, sizeof bytes);
    assert_ok(thrift_struct_begin(&dec, &err), &err);
    int16_t id;
    ThriftType type;
    bool b;
    int32_t v;
    assert_ok(thrift_field_next(&dec, &id, &type, &b, &err), &err);
    assert_int_equal(id, 1);
    assert_int_equal(type, THRIFT_I32);
    assert_ok(thrift_read_i32(&dec, &v, &err), &err);
    assert_int_equal(v, 2);
    assert_ok(thrift_field_next(&dec, &id, &type, &b, &err), &err);
    assert_int_equal(id, 100);
    assert_ok(thrift_read_i32(&dec, &v, &err), &err);
    assert_int_equal(v, -1);
    assert_ok(thrift_field_next(&dec, &id, &type, &b, &err), &err);
    assert_int_equal(id, 101);
    assert_true(b);
    assert_ok(thrift_field_next(&dec, &id, &type, &b, &err), &err);
    assert_int_equal(id, 102);
    assert_int_equal(type, THRIFT_BOOL_FALSE);
    assert_false(b);
    assert_ok(thrift_field_next(&dec, &id, &type, &b, &err), &err);
    assert_int_equal(type, THRIFT_STOP);
    thrift_struct_end(&dec);
}

static void thrift_checks_binary_and_list_lengths(void **state)
{
    (void)state;
    Err err;
    ThriftDec dec;
    const uint8_t *ptr;
    uint32_t len;
    const uint8_t ok[] = {0x03, 'a', 'b', 'c'};
    thrift_dec_init(&dec, ok, sizeof ok);
    assert_ok(thrift_read_binary(&dec, &ptr, &len, &err), &err);
    assert_int_equal(len, 3);
    assert_memory_equal(ptr, "abc", 3);
    thrift_dec_init(&dec, ok, 3);
    assert_int_equal(thrift_read_binary(&dec, &ptr, &len, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "only 2 bytes are left"));
    /* list of 3 i32 (short form) then list claiming 1000 elements (long form). */
    const uint8_t lists[] = {0x35, 0x02, 0x04, 0x06, 0xf5, 0xe8, 0x07, 0x02};
    thrift_dec_init(&dec, lists, sizeof lists);
    ThriftType elem;
    uint32_t count;
    assert_ok(thrift_list_begin(&dec, &elem, &count, &err), &err);
    assert_int_equal(count, 3);
    assert_int_equal(elem, THRIFT_I32);
    for (uint32_t i = 0; i < count; i++) {
        int32_t v;
        assert_ok(thrift_read_i32(&dec, &v, &err), &err);
        assert_int_equal(v, (int32_t)i + 1);
    }
    thrift_list_end(&dec);
    assert_int_equal(thrift_list_begin(&dec, &elem, &count, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "1000 elements"));
}

static void thrift_skips_unknown_fields_of_every_type(void **state)
{
    (void)state;
    Err err;
    /* struct { 1: i8, 2: double, 3: binary, 4: list<bool>[2], 5: map<i32,binary>{1},
     *          6: struct{1: i64}, 7: set<struct>{} , 8: uuid } then a trailing byte 0x7f */
    const uint8_t bytes[] = {0x13, 0x05, 0x17, 1,   2,    3,    4,    5,    6,    7,
                             8,    0x18, 0x01, 'z', 0x19, 0x21, 0x01, 0x02, 0x1b, 0x01,
                             0x58, 0x02, 0x01, 'q', 0x1c, 0x16, 0x02, 0x00, 0x1a, 0x0c,
                             0x1d, 1,    2,    3,   4,    5,    6,    7,    8,    9,
                             10,   11,   12,   13,  14,   15,   16,   0x00, 0x7f};
    ThriftDec dec;
    thrift_dec_init(&dec, bytes, sizeof bytes);
    assert_ok(thrift_skip(&dec, THRIFT_STRUCT, &err), &err);
    assert_int_equal(thrift_dec_offset(&dec), sizeof bytes - 1);
    assert_int_equal(dec.depth, 0);
    /* Truncated anywhere: an error, never a read past the end. */
    for (size_t cut = 0; cut < sizeof bytes - 1; cut++) {
        thrift_dec_init(&dec, bytes, cut);
        assert_int_equal(thrift_skip(&dec, THRIFT_STRUCT, &err), ERR_CORRUPT);
    }
}

static void thrift_limits_nesting_depth(void **state)
{
    (void)state;
    Err err;
    uint8_t deep[200];
    memset(deep, 0x1c, sizeof deep); /* field 1: struct, nested forever */
    ThriftDec dec;
    thrift_dec_init(&dec, deep, sizeof deep);
    assert_int_equal(thrift_skip(&dec, THRIFT_STRUCT, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "nesting deeper"));
    uint8_t lists[200];
    memset(lists, 0x19, sizeof lists); /* list of one list of one list ... */
    thrift_dec_init(&dec, lists, sizeof lists);
    assert_int_equal(thrift_skip(&dec, THRIFT_LIST, &err), ERR_CORRUPT);
}

static void thrift_rejects_unknown_types_and_map_overflow(void **state)
{
    (void)state;
    Err err;
    ThriftDec dec;
    int16_t id;
    ThriftType type;
    bool b;
    const uint8_t bad_type[] = {0x1e};
    thrift_dec_init(&dec, bad_type, sizeof bad_type);
    assert_int_equal(thrift_field_next(&dec, &id, &type, &b, &err), ERR_CORRUPT);
    const uint8_t big_map[] = {0xe8, 0x07, 0x55, 0x00};
    thrift_dec_init(&dec, big_map, sizeof big_map);
    ThriftType kt, vt;
    uint32_t count;
    assert_int_equal(thrift_map_begin(&dec, &kt, &vt, &count, &err), ERR_CORRUPT);
    const uint8_t empty_map[] = {0x00};
    thrift_dec_init(&dec, empty_map, sizeof empty_map);
    assert_ok(thrift_map_begin(&dec, &kt, &vt, &count, &err), &err);
    assert_int_equal(count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(thrift_reads_varints_and_zigzag),
            cmocka_unit_test(thrift_rejects_long_and_truncated_varints),
            cmocka_unit_test(thrift_reads_short_and_long_field_headers),
            cmocka_unit_test(thrift_checks_binary_and_list_lengths),
            cmocka_unit_test(thrift_skips_unknown_fields_of_every_type),
            cmocka_unit_test(thrift_limits_nesting_depth),
            cmocka_unit_test(thrift_rejects_unknown_types_and_map_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
