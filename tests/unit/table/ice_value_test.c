/* ice_value_test.c — unit tests for table/ice_value: Appendix D serialization both ways
 * (bytes written by hand from the spec's table), length checks, ordering (floats, bytes,
 * decimals), literal casts with their errors, human text, and reading column vectors. */
#include <math.h>
#include <string.h>

#include "table/ice_value.h"
#include "test_util.h"

static const uint8_t uuid_bytes[16] = {0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd,
                                       0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7};

static void check_serialized(Arena *arena, IceValue v, const uint8_t *want, uint32_t want_len)
{
    Err err;
    IceBytes bytes;
    assert_ok(ice_value_serialize(arena, &v, &bytes, &err), &err);
    assert_int_equal(bytes.len, want_len);
    assert_memory_equal(bytes.ptr, want, want_len);
    IceValue back;
    assert_ok(ice_value_deserialize(v.type, bytes, &back, &err), &err);
    assert_false(back.is_null);
    assert_int_equal(ice_value_compare(&v, &back), 0);
}

static void ice_value_serializes_every_primitive(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    check_serialized(&arena, ice_value_bool(true), (const uint8_t[]){1}, 1);
    check_serialized(&arena, ice_value_bool(false), (const uint8_t[]){0}, 1);
    check_serialized(&arena, ice_value_int(34), (const uint8_t[]){34, 0, 0, 0}, 4);
    check_serialized(&arena, ice_value_int(-2), (const uint8_t[]){0xfe, 0xff, 0xff, 0xff}, 4);
    check_serialized(&arena, ice_value_long(0x0102030405060708),
                     (const uint8_t[]){8, 7, 6, 5, 4, 3, 2, 1}, 8);
    check_serialized(&arena, ice_value_float(1.0f), (const uint8_t[]){0, 0, 0x80, 0x3f}, 4);
    check_serialized(&arena, ice_value_double(1.0), (const uint8_t[]){0, 0, 0, 0, 0, 0, 0xf0, 0x3f},
                     8);
    check_serialized(&arena, ice_value_date(17486), (const uint8_t[]){0x4e, 0x44, 0, 0}, 4);
    check_serialized(&arena, ice_value_time(1), (const uint8_t[]){1, 0, 0, 0, 0, 0, 0, 0}, 8);
    check_serialized(&arena, ice_value_timestamptz(-1),
                     (const uint8_t[]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 8);
    check_serialized(&arena, ice_value_cstring("iceberg"), (const uint8_t *)"iceberg", 7);
    check_serialized(&arena, ice_value_cstring(""), (const uint8_t *)"", 0);
    check_serialized(&arena, ice_value_uuid(uuid_bytes), uuid_bytes, 16);
    check_serialized(&arena, ice_value_fixed((const uint8_t[]){0, 1, 2}, 3),
                     (const uint8_t[]){0, 1, 2}, 3);
    check_serialized(&arena, ice_value_binary((const uint8_t[]){0, 1, 2, 3}, 4),
                     (const uint8_t[]){0, 1, 2, 3}, 4);
    arena_fini(&arena);
}

static void ice_value_serializes_decimals_in_minimal_bytes(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    check_serialized(&arena, ice_value_decimal(9, 2, 0), (const uint8_t[]){0}, 1);
    check_serialized(&arena, ice_value_decimal(9, 2, 127), (const uint8_t[]){0x7f}, 1);
    check_serialized(&arena, ice_value_decimal(9, 2, 128), (const uint8_t[]){0, 0x80}, 2);
    check_serialized(&arena, ice_value_decimal(9, 2, -1), (const uint8_t[]){0xff}, 1);
    check_serialized(&arena, ice_value_decimal(9, 2, -128), (const uint8_t[]){0x80}, 1);
    check_serialized(&arena, ice_value_decimal(9, 2, -129), (const uint8_t[]){0xff, 0x7f}, 2);
    check_serialized(&arena, ice_value_decimal(9, 2, 1420), (const uint8_t[]){0x05, 0x8c}, 2);
    /* 10^38 - 1 needs all 16 bytes. */
    __int128 big = ice_decimal_pow10(38) - 1;
    uint8_t buf[16];
    assert_int_equal(ice_decimal_min_bytes(big, buf), 16);
    assert_int_equal(buf[0], 0x4b);
    assert_int_equal(ice_decimal_min_bytes(-big, buf), 16);
    assert_int_equal(buf[0], 0xb4);
    check_serialized(&arena, ice_value_decimal(38, 0, -big), buf, 16);
    arena_fini(&arena);
}

static void ice_value_deserialize_rejects_wrong_lengths(void **state)
{
    (void)state;
    static const uint8_t bytes[20] = {0};
    static const struct {
        IcePrim type;
        uint32_t len;
    } cases[] = {
            {{.id = ICE_BOOLEAN}, 0},
            {{.id = ICE_BOOLEAN}, 2},
            {{.id = ICE_INT}, 3},
            {{.id = ICE_INT}, 8},
            {{.id = ICE_DATE}, 5},
            {{.id = ICE_LONG}, 4},
            {{.id = ICE_TIMESTAMP}, 7},
            {{.id = ICE_FLOAT}, 8},
            {{.id = ICE_DOUBLE}, 4},
            {{.id = ICE_UUID, .length = 16}, 15},
            {{.id = ICE_FIXED, .length = 4}, 3},
            {{.id = ICE_DECIMAL, .precision = 9}, 0},
            {{.id = ICE_DECIMAL, .precision = 38}, 17},
    };
    Err err;
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        IceValue out = ice_value_int(77);
        assert_int_equal(
                ice_value_deserialize(cases[i].type, (IceBytes){bytes, cases[i].len}, &out, &err),
                ERR_CORRUPT);
        assert_int_equal(out.i32, 77);
    }
    IceValue out;
    assert_int_equal(
            ice_value_deserialize((IcePrim){.id = ICE_STRUCT}, (IceBytes){bytes, 1}, &out, &err),
            ERR_INVALID);
    Arena arena;
    arena_init(&arena, NULL, 0);
    IceValue null_int = ice_value_null((IcePrim){.id = ICE_INT});
    IceBytes ser;
    assert_int_equal(ice_value_serialize(&arena, &null_int, &ser, &err), ERR_INVALID);
    arena_fini(&arena);
}

static void ice_value_compare_orders_like_iceberg(void **state)
{
    (void)state;
    IceValue nan = ice_value_double(NAN), inf = ice_value_double(INFINITY);
    IceValue neg_zero = ice_value_double(-0.0), zero = ice_value_double(0.0);
    assert_true(ice_value_compare(&neg_zero, &zero) < 0);
    assert_true(ice_value_compare(&zero, &neg_zero) > 0);
    assert_true(ice_value_compare(&inf, &nan) < 0);
    assert_int_equal(ice_value_compare(&nan, &nan), 0);
    IceValue fnan = ice_value_float(NAN), fone = ice_value_float(1.0f);
    assert_true(ice_value_compare(&fnan, &fone) > 0);
    IceValue null_d = ice_value_null((IcePrim){.id = ICE_DOUBLE});
    assert_true(ice_value_compare(&null_d, &neg_zero) < 0);
    assert_int_equal(ice_value_compare(&null_d, &null_d), 0);

    /* Bytes compare unsigned, a prefix first. */
    IceValue a = ice_value_binary((const uint8_t[]){0x01, 0xff}, 2);
    IceValue b = ice_value_binary((const uint8_t[]){0x80}, 1);
    IceValue a1 = ice_value_binary((const uint8_t[]){0x01}, 1);
    assert_true(ice_value_compare(&a, &b) < 0);
    assert_true(ice_value_compare(&a1, &a) < 0);
    IceValue s1 = ice_value_cstring("abc"), s2 = ice_value_cstring("ab\xc3\xa9");
    assert_true(ice_value_compare(&s1, &s2) < 0);

    IceValue d1 = ice_value_decimal(9, 2, 1420);  /* 14.20 */
    IceValue d2 = ice_value_decimal(9, 1, 142);   /* 14.2 */
    IceValue d3 = ice_value_decimal(9, 3, 14201); /* 14.201 */
    assert_int_equal(ice_value_compare(&d1, &d2), 0);
    assert_true(ice_value_compare(&d2, &d3) < 0);
    IceValue d4 = ice_value_decimal(38, 0, -(ice_decimal_pow10(37)));
    IceValue d5 = ice_value_decimal(38, 20, 5);
    assert_true(ice_value_compare(&d4, &d5) < 0);
    assert_true(ice_value_compare(&d5, &d4) > 0);
    IceValue l1 = ice_value_long(INT64_MIN), l2 = ice_value_long(INT64_MAX);
    assert_true(ice_value_compare(&l1, &l2) < 0);
}

static void check_cast(Arena *arena, IceValue in, IcePrim target, const char *want_text)
{
    Err err;
    IceValue out;
    assert_ok(ice_value_cast(arena, &in, target, &out, &err), &err);
    assert_int_equal(out.type.id, target.id);
    char buf[64];
    ice_value_format(&out, buf, sizeof buf);
    assert_string_equal(buf, want_text);
}

static void check_cast_fails(Arena *arena, IceValue in, IcePrim target, const char *want_msg)
{
    Err err;
    IceValue out = ice_value_int(5);
    assert_int_equal(ice_value_cast(arena, &in, target, &out, &err), ERR_INVALID);
    if (!strstr(err.msg, want_msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want_msg);
    assert_int_equal(out.i32, 5);
}

static void ice_value_cast_converts_literals(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const IcePrim t_int = {.id = ICE_INT}, t_long = {.id = ICE_LONG};
    const IcePrim t_double = {.id = ICE_DOUBLE}, t_date = {.id = ICE_DATE};
    const IcePrim t_ts = {.id = ICE_TIMESTAMP}, t_tstz = {.id = ICE_TIMESTAMPTZ};
    const IcePrim t_dec = {.id = ICE_DECIMAL, .precision = 9, .scale = 2};
    check_cast(&arena, ice_value_int(34), t_long, "34");
    check_cast(&arena, ice_value_long(-2147483648LL), t_int, "-2147483648");
    check_cast(&arena, ice_value_int(14), t_dec, "14.00");
    check_cast(&arena, ice_value_long(-3), t_dec, "-3.00");
    check_cast(&arena, ice_value_float(1.5f), t_double, "1.5");
    check_cast(&arena, ice_value_int(2), t_double, "2.0");
    check_cast(&arena, ice_value_date(17486), t_ts, "2017-11-16T00:00:00");
    check_cast(&arena, ice_value_date(-1), t_tstz, "1969-12-31T00:00:00Z");
    check_cast(&arena, ice_value_timestamp(1), t_tstz, "1970-01-01T00:00:00.000001Z");
    check_cast(&arena, ice_value_timestamptz(0), t_ts, "1970-01-01T00:00:00");
    check_cast(&arena, ice_value_cstring("f79c3e09-677c-4bbd-a479-3F349CB785E7"),
               (IcePrim){.id = ICE_UUID, .length = 16}, "f79c3e09-677c-4bbd-a479-3f349cb785e7");
    check_cast(&arena, ice_value_cstring("2017-11-16"), t_date, "2017-11-16");
    check_cast(&arena, ice_value_cstring("22:31:08"), (IcePrim){.id = ICE_TIME}, "22:31:08");
    check_cast(&arena, ice_value_cstring("22:31:08.5"), (IcePrim){.id = ICE_TIME}, "22:31:08.5");
    check_cast(&arena, ice_value_cstring("2017-11-16T14:31:08-08:00"), t_tstz,
               "2017-11-16T22:31:08Z");
    check_cast(&arena, ice_value_cstring("2017-11-16 22:31:08.000001"), t_ts,
               "2017-11-16T22:31:08.000001");
    check_cast(&arena, ice_value_cstring("14.2"), t_dec, "14.20");
    check_cast(&arena, ice_value_cstring("-0.05"), t_dec, "-0.05");
    check_cast(&arena, ice_value_cstring("+7"), t_dec, "7.00");
    check_cast(&arena, ice_value_cstring("1.500"), t_dec, "1.50");
    check_cast(&arena, ice_value_decimal(9, 1, 142), t_dec, "14.20");
    check_cast(&arena, ice_value_null(t_int), t_long, "null");
    arena_fini(&arena);
}

static void ice_value_cast_reports_what_cannot_convert(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const IcePrim t_int = {.id = ICE_INT}, t_dec = {.id = ICE_DECIMAL, .precision = 4, .scale = 2};
    check_cast_fails(&arena, ice_value_long(3000000000LL), t_int, "out of range for int");
    check_cast_fails(&arena, ice_value_long(100), t_dec, "out of range for decimal(4,2)");
    check_cast_fails(&arena, ice_value_cstring("1.234"), t_dec, "more than 2 fraction digits");
    check_cast_fails(&arena, ice_value_cstring("12x"), t_dec, "invalid decimal");
    check_cast_fails(&arena, ice_value_cstring("."), t_dec, "invalid decimal");
    check_cast_fails(&arena, ice_value_cstring("abc"), t_int, "cannot convert string");
    check_cast_fails(&arena, ice_value_double(1.5), (IcePrim){.id = ICE_FLOAT},
                     "cannot convert double value 1.5 to float");
    check_cast_fails(&arena, ice_value_bool(true), (IcePrim){.id = ICE_STRING},
                     "cannot convert boolean");
    check_cast_fails(&arena, ice_value_cstring("f79c3e09677c4bbda4793f349cb785e7"),
                     (IcePrim){.id = ICE_UUID, .length = 16}, "invalid uuid");
    check_cast_fails(&arena, ice_value_cstring("f79c3e09-677c-4bbd-a479-3f349cb785eg"),
                     (IcePrim){.id = ICE_UUID, .length = 16}, "hexadecimal");
    check_cast_fails(&arena, ice_value_cstring("2017-13-01"), (IcePrim){.id = ICE_DATE},
                     "2017-13-01");
    check_cast_fails(&arena, ice_value_cstring("25:00"), (IcePrim){.id = ICE_TIME}, "invalid time");
    check_cast_fails(&arena, ice_value_decimal(9, 3, 1234),
                     (IcePrim){.id = ICE_DECIMAL, .precision = 9, .scale = 2}, "cannot convert");
    check_cast_fails(&arena, ice_value_fixed((const uint8_t *)"ab", 2),
                     (IcePrim){.id = ICE_FIXED, .length = 3}, "fixed[3]");
    arena_fini(&arena);
}

static void check_format(IceValue v, const char *want)
{
    char buf[80];
    size_t len = ice_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
}

static void ice_value_format_writes_human_text(void **state)
{
    (void)state;
    check_format(ice_value_null((IcePrim){.id = ICE_LONG}), "null");
    check_format(ice_value_bool(false), "false");
    check_format(ice_value_int(-34), "-34");
    check_format(ice_value_long(INT64_MIN), "-9223372036854775808");
    check_format(ice_value_float(1.0f), "1.0");
    check_format(ice_value_float(0.1f), "0.1");
    check_format(ice_value_double(1e7), "1.0E7");
    check_format(ice_value_double(123456.75), "123456.75");
    check_format(ice_value_double(0.00012), "1.2E-4");
    check_format(ice_value_double(0.001), "0.001");
    check_format(ice_value_double(-2.5e-300), "-2.5E-300");
    check_format(ice_value_double(NAN), "NaN");
    check_format(ice_value_double(-INFINITY), "-Infinity");
    check_format(ice_value_double(-0.0), "-0.0");
    check_format(ice_value_decimal(9, 2, 1420), "14.20");
    check_format(ice_value_decimal(9, 2, -5), "-0.05");
    check_format(ice_value_decimal(9, 0, 0), "0");
    check_format(ice_value_decimal(38, 0, ice_decimal_pow10(38) - 1),
                 "99999999999999999999999999999999999999");
    check_format(ice_value_date(17486), "2017-11-16");
    check_format(ice_value_time(81068000000LL), "22:31:08");
    check_format(ice_value_timestamp(1510871468000000LL), "2017-11-16T22:31:08");
    check_format(ice_value_timestamptz(1510871468000001LL), "2017-11-16T22:31:08.000001Z");
    check_format(ice_value_cstring("iceberg"), "iceberg");
    check_format(ice_value_uuid(uuid_bytes), "f79c3e09-677c-4bbd-a479-3f349cb785e7");
    check_format(ice_value_binary((const uint8_t[]){0, 1, 0xab}, 3), "0x0001ab");
    char tiny[5];
    IceValue bin = ice_value_binary((const uint8_t[]){0, 1, 0xab}, 3);
    assert_int_equal(ice_value_format(&bin, tiny, sizeof tiny), 8);
    assert_string_equal(tiny, "0x00");
}

static void ice_value_from_col_reads_flat_and_dictionary_rows(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    ColVec longs;
    assert_ok(colvec_alloc(&arena, (ColTypeInfo){.id = COL_INT64}, 3, true, &longs, &err), &err);
    ((int64_t *)longs.values)[0] = 7;
    ((int64_t *)longs.values)[2] = -9;
    colvec_set_valid(longs.validity, 1, false);
    IceValue v;
    ice_value_from_col(&longs, 0, (IcePrim){.id = ICE_LONG}, &v);
    assert_false(v.is_null);
    assert_int_equal(v.i64, 7);
    ice_value_from_col(&longs, 1, (IcePrim){.id = ICE_LONG}, &v);
    assert_true(v.is_null);
    assert_int_equal(v.type.id, ICE_LONG);
    ice_value_from_col(&longs, 2, (IcePrim){.id = ICE_TIME}, &v);
    assert_int_equal(v.i64, -9);

    ColVec dict;
    assert_ok(colvec_alloc(&arena, (ColTypeInfo){.id = COL_STRING}, 2, false, &dict, &err), &err);
    ((ColStr *)dict.values)[0] = (ColStr){3, "foo"};
    ((ColStr *)dict.values)[1] = (ColStr){2, "ba"};
    uint32_t codes[3] = {1, 0, 0};
    uint8_t validity[1] = {0x03};
    ColVec strs = {.type = {.id = COL_STRING},
                   .n_rows = 3,
                   .validity = validity,
                   .codes = codes,
                   .dict = &dict};
    ice_value_from_col(&strs, 0, (IcePrim){.id = ICE_STRING}, &v);
    assert_int_equal(v.bytes.len, 2);
    assert_memory_equal(v.bytes.ptr, "ba", 2);
    ice_value_from_col(&strs, 1, (IcePrim){.id = ICE_STRING}, &v);
    assert_memory_equal(v.bytes.ptr, "foo", 3);
    ice_value_from_col(&strs, 2, (IcePrim){.id = ICE_STRING}, &v);
    assert_true(v.is_null);

    const IcePrim t_big = {.id = ICE_DECIMAL, .precision = 30, .scale = 2};
    ColVec big;
    assert_ok(colvec_alloc(&arena, ice_prim_to_col(t_big), 1, false, &big, &err), &err);
    static const uint8_t be[13] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xfa, 0x74};
    ((ColStr *)big.values)[0] = (ColStr){13, (const char *)be};
    ice_value_from_col(&big, 0, t_big, &v);
    assert_true(v.dec == -1420);
    ColVec small;
    const IcePrim t_small = {.id = ICE_DECIMAL, .precision = 9, .scale = 2};
    assert_ok(colvec_alloc(&arena, ice_prim_to_col(t_small), 1, false, &small, &err), &err);
    ((int64_t *)small.values)[0] = 1420;
    ice_value_from_col(&small, 0, t_small, &v);
    assert_true(v.dec == 1420);
    assert_int_equal(v.type.scale, 2);
    arena_fini(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(ice_value_serializes_every_primitive),
            cmocka_unit_test(ice_value_serializes_decimals_in_minimal_bytes),
            cmocka_unit_test(ice_value_deserialize_rejects_wrong_lengths),
            cmocka_unit_test(ice_value_compare_orders_like_iceberg),
            cmocka_unit_test(ice_value_cast_converts_literals),
            cmocka_unit_test(ice_value_cast_reports_what_cannot_convert),
            cmocka_unit_test(ice_value_format_writes_human_text),
            cmocka_unit_test(ice_value_from_col_reads_flat_and_dictionary_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
