/* ice_partition_test.c — unit tests for table/ice_partition: transform strings, the
 * validity table, every hash example of the Iceberg spec's Appendix B (numbers copied from
 * the spec text), time transforms around and before the epoch, truncation (the spec's
 * examples, negative values, code points), human partition text and paths, spec result
 * types. */
#include <math.h>
#include <string.h>

#include "base/datetime.h"
#include "table/ice_partition.h"
#include "test_util.h"

static void ice_transform_parse_and_format_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {
            "identity", "bucket[16]", "truncate[10]", "year",      "month",
            "day",      "hour",       "void",         "bucket[1]", "truncate[2147483647]"};
    Err err;
    for (size_t i = 0; i < TN_ARRAY_LEN(names); i++) {
        IceTransform tr;
        assert_ok(ice_transform_parse(names[i], &tr, &err), &err);
        char buf[ICE_TRANSFORM_NAME_CAP];
        ice_transform_format(tr, buf, sizeof buf);
        assert_string_equal(buf, names[i]);
    }
    IceTransform tr;
    assert_ok(ice_transform_parse("bucket[16]", &tr, &err), &err);
    assert_int_equal(tr.kind, ICE_TR_BUCKET);
    assert_int_equal(tr.param, 16);
    assert_int_equal(ice_transform_parse("zorder", &tr, &err), ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "\"zorder\""));
    assert_int_equal(ice_transform_parse("Day", &tr, &err), ERR_UNSUPPORTED);
    static const char *const malformed[] = {"bucket[0]",    "bucket[]",           "bucket[16",
                                            "truncate[-1]", "bucket[2147483648]", "truncate[3]x"};
    for (size_t i = 0; i < TN_ARRAY_LEN(malformed); i++) {
        assert_int_equal(ice_transform_parse(malformed[i], &tr, &err), ERR_INVALID);
        assert_non_null(strstr(err.msg, malformed[i]));
    }
}

static void ice_transform_result_types_follow_the_validity_table(void **state)
{
    (void)state;
    const IceTransform identity = {ICE_TR_IDENTITY, 0}, bucket = {ICE_TR_BUCKET, 8};
    const IceTransform truncate = {ICE_TR_TRUNCATE, 4}, year = {ICE_TR_YEAR, 0};
    const IceTransform day = {ICE_TR_DAY, 0}, hour = {ICE_TR_HOUR, 0}, tvoid = {ICE_TR_VOID, 0};
    const IcePrim t_str = {.id = ICE_STRING}, t_ts = {.id = ICE_TIMESTAMPTZ};
    const IcePrim t_date = {.id = ICE_DATE}, t_dbl = {.id = ICE_DOUBLE};
    const IcePrim t_dec = {.id = ICE_DECIMAL, .precision = 9, .scale = 2};
    Err err;
    IcePrim out;
    assert_ok(ice_transform_result_type(identity, t_dbl, &out, &err), &err);
    assert_int_equal(out.id, ICE_DOUBLE);
    assert_ok(ice_transform_result_type(bucket, t_str, &out, &err), &err);
    assert_int_equal(out.id, ICE_INT);
    assert_ok(ice_transform_result_type(truncate, t_dec, &out, &err), &err);
    assert_int_equal(out.id, ICE_DECIMAL);
    assert_int_equal(out.scale, 2);
    assert_ok(ice_transform_result_type(day, t_ts, &out, &err), &err);
    assert_int_equal(out.id, ICE_INT);
    assert_ok(ice_transform_result_type(year, t_date, &out, &err), &err);
    assert_int_equal(out.id, ICE_INT);
    assert_ok(ice_transform_result_type(tvoid, t_dbl, &out, &err), &err);
    assert_int_equal(out.id, ICE_DOUBLE);

    assert_int_equal(ice_transform_result_type(day, t_str, &out, &err), ERR_INVALID);
    assert_string_equal(err.msg, "transform day cannot be applied to a string column");
    assert_int_equal(ice_transform_result_type(hour, t_date, &out, &err), ERR_INVALID);
    assert_int_equal(ice_transform_result_type(bucket, t_dbl, &out, &err), ERR_INVALID);
    assert_non_null(strstr(err.msg, "bucket[8]"));
    assert_int_equal(ice_transform_result_type(bucket, (IcePrim){.id = ICE_BOOLEAN}, &out, &err),
                     ERR_INVALID);
    assert_int_equal(ice_transform_result_type(truncate, t_ts, &out, &err), ERR_INVALID);
    assert_int_equal(ice_transform_result_type(truncate, (IcePrim){.id = ICE_UUID}, &out, &err),
                     ERR_INVALID);
    assert_int_equal(ice_transform_result_type(identity, (IcePrim){.id = ICE_STRUCT}, &out, &err),
                     ERR_INVALID);
}

static void ice_murmur3_matches_reference_vectors(void **state)
{
    (void)state;
    /* Published x86_32 vectors (SMHasher / Guava's Murmur3_32 tests). */
    assert_int_equal(ice_murmur3_32("", 0, 0), 0);
    assert_int_equal(ice_murmur3_32("", 0, 1), 0x514e28b7u);
    assert_int_equal(ice_murmur3_32("", 0, 0xffffffffu), 0x81f16f39u);
    assert_int_equal(ice_murmur3_32("\xff\xff\xff\xff", 4, 0), 0x76293b50u);
    assert_int_equal(ice_murmur3_32("!Ce\x87", 4, 0), 0xf55b516bu);
    assert_int_equal(ice_murmur3_32("!Ce", 3, 0), 0x7e4a8634u);
    assert_int_equal(ice_murmur3_32("!C", 2, 0), 0xa0f7b07au);
    assert_int_equal(ice_murmur3_32("!", 1, 0), 0x72661cf4u);
}

/* Every test value of the spec's Appendix B tables. */
static void ice_bucket_hash_matches_spec_appendix_b(void **state)
{
    (void)state;
    Err err;
    int64_t ts, ts1, tstz, tstz1;
    assert_ok(datetime_parse("2017-11-16T22:31:08", 19, &ts, NULL, &err), &err);
    assert_ok(datetime_parse("2017-11-16T22:31:08.000001", 26, &ts1, NULL, &err), &err);
    assert_ok(datetime_parse("2017-11-16T14:31:08-08:00", 25, &tstz, NULL, &err), &err);
    assert_ok(datetime_parse("2017-11-16T14:31:08.000001-08:00", 32, &tstz1, NULL, &err), &err);
    int32_t date;
    assert_ok(datetime_parse_date("2017-11-16", 10, &date, &err), &err);
    static const uint8_t uuid[16] = {0xF7, 0x9C, 0x3E, 0x09, 0x67, 0x7C, 0x4B, 0xBD,
                                     0xA4, 0x79, 0x3F, 0x34, 0x9C, 0xB7, 0x85, 0xE7};
    static const uint8_t bytes[4] = {0x00, 0x01, 0x02, 0x03};
    const struct {
        IceValue value;
        int32_t hash;
    } cases[] = {
            {ice_value_int(34), 2017239379},
            {ice_value_long(34), 2017239379},
            {ice_value_decimal(4, 2, 1420), -500754589},
            {ice_value_date(date), -653330422},
            {ice_value_time((22 * 3600 + 31 * 60 + 8) * DATETIME_MICROS_PER_SEC), -662762989},
            {ice_value_timestamp(ts), -2047944441},
            {ice_value_timestamp(ts1), -1207196810},
            {ice_value_timestamptz(tstz), -2047944441},
            {ice_value_timestamptz(tstz1), -1207196810},
            {ice_value_cstring("iceberg"), 1210000089},
            {ice_value_uuid(uuid), 1488055340},
            {ice_value_fixed(bytes, 4), -188683207},
            {ice_value_binary(bytes, 4), -188683207},
            {ice_value_bool(true), 1392991556},
            {ice_value_float(1.0f), -142385009},
            {ice_value_float(0.0f), 1669671676},
            {ice_value_float(-0.0f), 1669671676},
            {ice_value_double(1.0), -142385009},
            {ice_value_double(0.0), 1669671676},
            {ice_value_double(-0.0), 1669671676},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        if (ice_bucket_hash(&cases[i].value) != cases[i].hash)
            fail_msg("case %zu: hash %d, want %d", i, ice_bucket_hash(&cases[i].value),
                     cases[i].hash);
    }
    /* NaN payloads all hash like the canonical NaN. */
    IceValue nan1 = ice_value_double(NAN), nan2 = ice_value_double(-NAN);
    assert_int_equal(ice_bucket_hash(&nan1), ice_bucket_hash(&nan2));

    /* bucket[N] = (hash & INT32_MAX) % N; for a negative hash the sign bit is dropped. */
    IceValue out;
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_BUCKET, 16}, &cases[0].value, &out, &err),
              &err);
    assert_int_equal(out.type.id, ICE_INT);
    assert_int_equal(out.i32, 2017239379 % 16);
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_BUCKET, 100}, &cases[2].value, &out, &err),
              &err);
    assert_int_equal(out.i32, (-500754589 & INT32_MAX) % 100);
}

static int32_t apply_int(IceTransform tr, IceValue in)
{
    Err err;
    IceValue out;
    assert_ok(ice_transform_apply(tr, &in, &out, &err), &err);
    assert_false(out.is_null);
    assert_int_equal(out.type.id, ICE_INT);
    return out.i32;
}

static void ice_transform_time_parts_floor_before_the_epoch(void **state)
{
    (void)state;
    const IceTransform year = {ICE_TR_YEAR, 0}, month = {ICE_TR_MONTH, 0};
    const IceTransform day = {ICE_TR_DAY, 0}, hour = {ICE_TR_HOUR, 0};
    Err err;
    int64_t ts;
    assert_ok(datetime_parse("2017-11-16T22:31:08Z", 20, &ts, NULL, &err), &err);
    assert_int_equal(apply_int(year, ice_value_timestamp(ts)), 47);
    assert_int_equal(apply_int(month, ice_value_timestamptz(ts)), 47 * 12 + 10);
    assert_int_equal(apply_int(day, ice_value_timestamp(ts)), 17486);
    assert_int_equal(apply_int(hour, ice_value_timestamp(ts)), 17486 * 24 + 22);
    assert_int_equal(apply_int(day, ice_value_date(17486)), 17486);
    assert_int_equal(apply_int(month, ice_value_date(17486)), 574);
    assert_int_equal(apply_int(year, ice_value_date(17486)), 47);

    /* One microsecond before the epoch is in hour -1, day -1, month -1, year -1. */
    assert_int_equal(apply_int(hour, ice_value_timestamp(-1)), -1);
    assert_int_equal(apply_int(day, ice_value_timestamp(-1)), -1);
    assert_int_equal(apply_int(month, ice_value_timestamp(-1)), -1);
    assert_int_equal(apply_int(year, ice_value_timestamp(-1)), -1);
    assert_int_equal(apply_int(hour, ice_value_timestamp(-DATETIME_MICROS_PER_HOUR)), -1);
    assert_int_equal(apply_int(hour, ice_value_timestamp(-DATETIME_MICROS_PER_HOUR - 1)), -2);
    assert_int_equal(apply_int(day, ice_value_timestamp(0)), 0);
    assert_int_equal(apply_int(month, ice_value_date(-31)), -1); /* 1969-12-01 */
    assert_int_equal(apply_int(month, ice_value_date(-32)), -2); /* 1969-11-30 */
    assert_int_equal(apply_int(year, ice_value_date(-365)), -1); /* 1969-01-01 */
    assert_int_equal(apply_int(year, ice_value_date(-366)), -2); /* 1968-12-31 */

    IceValue out;
    IceValue null_ts = ice_value_null((IcePrim){.id = ICE_TIMESTAMP});
    assert_ok(ice_transform_apply(day, &null_ts, &out, &err), &err);
    assert_true(out.is_null);
    assert_int_equal(out.type.id, ICE_INT);
    IceValue str = ice_value_cstring("2017-11-16");
    assert_int_equal(ice_transform_apply(day, &str, &out, &err), ERR_INVALID);
    IceValue d = ice_value_double(1.5);
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_VOID, 0}, &d, &out, &err), &err);
    assert_true(out.is_null);
    assert_int_equal(out.type.id, ICE_DOUBLE);
}

static void ice_transform_truncate_follows_the_spec(void **state)
{
    (void)state;
    Err err;
    IceValue out;
    const IceTransform w10 = {ICE_TR_TRUNCATE, 10};
    static const struct {
        int64_t in, want;
    } ints[] = {{1, 0}, {-1, -10}, {0, 0}, {10, 10}, {-10, -10}, {19, 10}, {-11, -20}};
    for (size_t i = 0; i < TN_ARRAY_LEN(ints); i++) {
        IceValue v = ice_value_int((int32_t)ints[i].in);
        assert_ok(ice_transform_apply(w10, &v, &out, &err), &err);
        assert_int_equal(out.i32, ints[i].want);
        v = ice_value_long(ints[i].in);
        assert_ok(ice_transform_apply(w10, &v, &out, &err), &err);
        assert_int_equal(out.type.id, ICE_LONG);
        assert_int_equal(out.i64, ints[i].want);
    }
    IceValue dec = ice_value_decimal(9, 2, 1065); /* 10.65 -> 10.50 with W=50 */
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_TRUNCATE, 50}, &dec, &out, &err), &err);
    assert_true(out.dec == 1050);
    assert_int_equal(out.type.scale, 2);
    dec = ice_value_decimal(9, 2, -1);
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_TRUNCATE, 50}, &dec, &out, &err), &err);
    assert_true(out.dec == -50);

    IceValue s = ice_value_cstring("iceberg");
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_TRUNCATE, 3}, &s, &out, &err), &err);
    assert_int_equal(out.bytes.len, 3);
    assert_memory_equal(out.bytes.ptr, "ice", 3);
    /* Code points, not bytes: "éa€b" keeps "éa€" (2+1+3 bytes). */
    IceValue u = ice_value_cstring("\xc3\xa9"
                                   "a\xe2\x82\xac"
                                   "b");
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_TRUNCATE, 3}, &u, &out, &err), &err);
    assert_int_equal(out.bytes.len, 6);
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_TRUNCATE, 10}, &u, &out, &err), &err);
    assert_int_equal(out.bytes.len, 7);
    /* A width near INT32_MAX: the remainder arithmetic must not overflow. */
    IceValue big = ice_value_int(INT32_MAX - 1);
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_TRUNCATE, INT32_MAX}, &big, &out, &err),
              &err);
    assert_int_equal(out.i32, 0);
    big = ice_value_int(-5);
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_TRUNCATE, INT32_MAX}, &big, &out, &err),
              &err);
    assert_int_equal(out.i32, -INT32_MAX);
    IceValue b = ice_value_binary((const uint8_t[]){1, 2, 3, 4, 5}, 5);
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_TRUNCATE, 3}, &b, &out, &err), &err);
    assert_int_equal(out.bytes.len, 3);
    assert_int_equal(out.type.id, ICE_BINARY);
}

static void check_human(IceTransform tr, IceValue result, const char *want)
{
    char buf[96];
    size_t len = ice_transform_human(tr, &result, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
}

static void ice_transform_human_writes_java_partition_text(void **state)
{
    (void)state;
    const IceTransform identity = {ICE_TR_IDENTITY, 0};
    check_human((IceTransform){ICE_TR_YEAR, 0}, ice_value_int(56), "2026");
    check_human((IceTransform){ICE_TR_YEAR, 0}, ice_value_int(-1), "1969");
    check_human((IceTransform){ICE_TR_YEAR, 0}, ice_value_int(INT32_MAX), "2147485617");
    check_human((IceTransform){ICE_TR_MONTH, 0}, ice_value_int(56 * 12 + 10), "2026-11");
    check_human((IceTransform){ICE_TR_MONTH, 0}, ice_value_int(-1), "1969-12");
    check_human((IceTransform){ICE_TR_DAY, 0}, ice_value_int(20416), "2025-11-24");
    check_human((IceTransform){ICE_TR_DAY, 0}, ice_value_int(-1), "1969-12-31");
    check_human((IceTransform){ICE_TR_HOUR, 0}, ice_value_int(20416 * 24 + 10), "2025-11-24-10");
    check_human((IceTransform){ICE_TR_HOUR, 0}, ice_value_int(-1), "1969-12-31-23");
    check_human((IceTransform){ICE_TR_BUCKET, 16}, ice_value_int(3), "3");
    check_human((IceTransform){ICE_TR_DAY, 0}, ice_value_null((IcePrim){.id = ICE_INT}), "null");
    check_human(identity, ice_value_cstring("foo/bar"), "foo/bar");
    check_human(identity, ice_value_decimal(9, 2, 1420), "14.20");
    check_human(identity, ice_value_double(2.5), "2.5");
    check_human(identity, ice_value_bool(true), "true");
    check_human(identity, ice_value_date(17486), "2017-11-16");
    check_human(identity, ice_value_time(81068000000LL), "22:31:08");
    check_human(identity, ice_value_time(81060000000LL), "22:31");
    check_human(identity, ice_value_time(81068500000LL), "22:31:08.500");
    check_human(identity, ice_value_timestamp(1510871468000000LL), "2017-11-16T22:31:08");
    check_human(identity, ice_value_timestamp(1510871460000001LL), "2017-11-16T22:31:00.000001");
    check_human(identity, ice_value_timestamptz(1510871468000000LL), "2017-11-16T22:31:08+00:00");
    check_human(identity, ice_value_binary((const uint8_t[]){0, 1, 2, 3}, 4), "AAECAw==");
    check_human(identity, ice_value_binary((const uint8_t[]){0xfb, 0xff}, 2), "+/8=");
    check_human(identity, ice_value_fixed((const uint8_t[]){'a', 'b', 'c'}, 3), "YWJj");
    check_human((IceTransform){ICE_TR_TRUNCATE, 3}, ice_value_cstring("ice"), "ice");
}

static void ice_partition_path_escapes_names_and_values(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    const IcePartitionField fields[] = {
            {.source_id = 1,
             .field_id = 1000,
             .name = "event_time_day",
             .transform = {ICE_TR_DAY, 0}},
            {.source_id = 2, .field_id = 1001, .name = "route", .transform = {ICE_TR_IDENTITY, 0}},
            {.source_id = 3, .field_id = 1002, .name = "a b", .transform = {ICE_TR_BUCKET, 4}},
    };
    const IcePartitionSpec spec = {.spec_id = 0, .fields = fields, .n_fields = 3};
    IceValue values[3] = {ice_value_int(20416), ice_value_cstring("foo"), ice_value_int(2)};
    const char *path;
    assert_ok(ice_partition_path(&arena, &spec, values, &path, &err), &err);
    assert_string_equal(path, "event_time_day=2025-11-24/route=foo/a%20b=2");
    values[1] = ice_value_cstring("a/b=c?d%\xc3\xa9~x.y_z-0");
    values[2] = ice_value_null((IcePrim){.id = ICE_INT});
    assert_ok(ice_partition_path(&arena, &spec, values, &path, &err), &err);
    assert_string_equal(path, "event_time_day=2025-11-24/route=a%2Fb%3Dc%3Fd%25%C3%A9%7Ex.y_z-0/"
                              "a%20b=null");
    const IcePartitionSpec empty = {.spec_id = 1};
    assert_ok(ice_partition_path(&arena, &empty, NULL, &path, &err), &err);
    assert_string_equal(path, "");
    arena_fini(&arena);
}

static void ice_partition_spec_result_types_check_sources(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    const IceType t_tstz = {.id = ICE_TIMESTAMPTZ, .prim = {.id = ICE_TIMESTAMPTZ}};
    const IceType t_str = {.id = ICE_STRING, .prim = {.id = ICE_STRING}};
    const IceField inner[] = {{.id = 4, .name = "host", .type = &t_str}};
    const IceType t_struct = {.id = ICE_STRUCT, .fields = inner, .n_fields = 1};
    const IceField fields[] = {{.id = 1, .name = "event_time", .type = &t_tstz},
                               {.id = 2, .name = "route", .type = &t_str},
                               {.id = 3, .name = "req", .type = &t_struct}};
    const IceSchema schema = {.schema_id = 7, .fields = fields, .n_fields = 3};
    IcePartitionField pf[] = {
            {.source_id = 1,
             .field_id = 1000,
             .name = "event_time_day",
             .transform = {ICE_TR_DAY, 0}},
            {.source_id = 2,
             .field_id = 1001,
             .name = "route_trunc",
             .transform = {ICE_TR_TRUNCATE, 4}},
            {.source_id = 4,
             .field_id = 1002,
             .name = "host_bucket",
             .transform = {ICE_TR_BUCKET, 8}},
    };
    IcePartitionSpec spec = {.spec_id = 0, .fields = pf, .n_fields = 3};
    IcePrim *types;
    assert_ok(ice_partition_spec_result_types(&spec, &schema, &arena, &types, &err), &err);
    assert_int_equal(types[0].id, ICE_INT);
    assert_int_equal(types[1].id, ICE_STRING);
    assert_int_equal(types[2].id, ICE_INT);
    assert_false(ice_partition_spec_is_unpartitioned(&spec));

    pf[2].source_id = 99; /* dropped column */
    assert_int_equal(ice_partition_spec_result_types(&spec, &schema, &arena, &types, &err),
                     ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "host_bucket"));
    assert_non_null(strstr(err.msg, "99"));
    pf[2].transform = (IceTransform){ICE_TR_VOID, 0};
    assert_ok(ice_partition_spec_result_types(&spec, &schema, &arena, &types, &err), &err);
    assert_int_equal(types[2].id, ICE_INT);

    pf[1].transform = (IceTransform){ICE_TR_HOUR, 0};
    assert_int_equal(ice_partition_spec_result_types(&spec, &schema, &arena, &types, &err),
                     ERR_INVALID);
    assert_string_equal(err.msg, "partition field \"route_trunc\" (id 1001): transform hour "
                                 "cannot be applied to a string column");
    pf[1].source_id = 3;
    pf[1].transform = (IceTransform){ICE_TR_IDENTITY, 0};
    assert_int_equal(ice_partition_spec_result_types(&spec, &schema, &arena, &types, &err),
                     ERR_INVALID);

    const IcePartitionField voids[] = {
            {.source_id = 1, .field_id = 1000, .name = "x", .transform = {ICE_TR_VOID, 0}}};
    const IcePartitionSpec void_spec = {.spec_id = 2, .fields = voids, .n_fields = 1};
    const IcePartitionSpec none = {.spec_id = 3};
    assert_true(ice_partition_spec_is_unpartitioned(&void_spec));
    assert_true(ice_partition_spec_is_unpartitioned(&none));
    arena_fini(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(ice_transform_parse_and_format_round_trip),
            cmocka_unit_test(ice_transform_result_types_follow_the_validity_table),
            cmocka_unit_test(ice_murmur3_matches_reference_vectors),
            cmocka_unit_test(ice_bucket_hash_matches_spec_appendix_b),
            cmocka_unit_test(ice_transform_time_parts_floor_before_the_epoch),
            cmocka_unit_test(ice_transform_truncate_follows_the_spec),
            cmocka_unit_test(ice_transform_human_writes_java_partition_text),
            cmocka_unit_test(ice_partition_path_escapes_names_and_values),
            cmocka_unit_test(ice_partition_spec_result_types_check_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
