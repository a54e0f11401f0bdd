/* ice_expr_project_test.c — unit tests for table/ice_expr_project: the inclusive projection
 * of each comparison through day/hour/month/year, bucket, truncate (numbers, strings with
 * starts_with, binaries), identity and void, the pre-1970 widening, several fields on one
 * source, NOT and OR; and residuals decided by identity and transformed partitions. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "table/ice_expr.h"
#include "test_util.h"

/* Schema: 1 ts timestamptz, 2 id long, 3 n int, 4 s string, 5 d date, 6 route string,
 * 7 amount decimal(9,2), 8 blob binary, 9 x double. */
static const IceType ty_tstz = {.id = ICE_TIMESTAMPTZ, .prim = {.id = ICE_TIMESTAMPTZ}};
static const IceType ty_long = {.id = ICE_LONG, .prim = {.id = ICE_LONG}};
static const IceType ty_int = {.id = ICE_INT, .prim = {.id = ICE_INT}};
static const IceType ty_str = {.id = ICE_STRING, .prim = {.id = ICE_STRING}};
static const IceType ty_date = {.id = ICE_DATE, .prim = {.id = ICE_DATE}};
static const IceType ty_dec = {.id = ICE_DECIMAL,
                               .prim = {.id = ICE_DECIMAL, .precision = 9, .scale = 2}};
static const IceType ty_bin = {.id = ICE_BINARY, .prim = {.id = ICE_BINARY}};
static const IceType ty_dbl = {.id = ICE_DOUBLE, .prim = {.id = ICE_DOUBLE}};
static const IceField schema_fields[] = {
        {.id = 1, .name = "ts", .type = &ty_tstz},    {.id = 2, .name = "id", .type = &ty_long},
        {.id = 3, .name = "n", .type = &ty_int},      {.id = 4, .name = "s", .type = &ty_str},
        {.id = 5, .name = "d", .type = &ty_date},     {.id = 6, .name = "route", .type = &ty_str},
        {.id = 7, .name = "amount", .type = &ty_dec}, {.id = 8, .name = "blob", .type = &ty_bin},
        {.id = 9, .name = "x", .type = &ty_dbl},
};
static const IceSchema schema = {
        .schema_id = 0, .fields = schema_fields, .n_fields = 9, .highest_field_id = 9};

#define TR(kind, param) ((IceTransform){kind, param})

/* 2025-11-24T10:15:00Z: day 20416, hour 489994, month 670, year 55. */
static const int64_t when_us = INT64_C(1763979300000000);

typedef struct Fixture {
    Arena arena;
} Fixture;

static int setup(void **state)
{
    static Fixture fx;
    arena_init(&fx.arena, NULL, 0);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    Fixture *fx = *state;
    arena_fini(&fx->arena);
    return 0;
}

static const IceExpr *pred(Arena *arena, IceExprOp op, int32_t field_id, IceValue lit)
{
    IcePrim type;
    assert_true(ice_schema_find_prim(&schema, field_id, &type));
    if (op == ICE_EXPR_IS_NULL || op == ICE_EXPR_NOT_NULL)
        return ice_expr_unary(arena, op, field_id, type);
    return ice_expr_cmp(arena, op, field_id, type, &lit);
}

static void check_projection(Arena *arena, const IcePartitionSpec *spec, const IceExpr *row,
                             const char *want)
{
    Err err;
    const IceExpr *out;
    assert_ok(ice_expr_project_inclusive(arena, row, spec, &schema, &out, &err), &err);
    char buf[256];
    ice_expr_format(out, NULL, buf, sizeof buf);
    if (strcmp(buf, want) != 0) {
        char row_text[256];
        ice_expr_format(row, &schema, row_text, sizeof row_text);
        fail_msg("projection of %s: got \"%s\", want \"%s\"", row_text, buf, want);
    }
}

static void project_one(Arena *arena, IceTransform tr, int32_t source_id, IceExprOp op,
                        IceValue lit, const char *want)
{
    const IcePartitionField field = {
            .source_id = source_id, .field_id = 1000, .name = "p", .transform = tr};
    const IcePartitionSpec spec = {.spec_id = 1, .fields = &field, .n_fields = 1};
    check_projection(arena, &spec, pred(arena, op, source_id, lit), want);
}

static void ice_expr_projects_timestamps_through_time_transforms(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IceTransform day = TR(ICE_TR_DAY, 0), hour = TR(ICE_TR_HOUR, 0);
    const IceTransform month = TR(ICE_TR_MONTH, 0), year = TR(ICE_TR_YEAR, 0);
    IceValue ts = ice_value_timestamptz(when_us);
    IceValue midnight = ice_value_timestamptz(INT64_C(20416) * DATETIME_MICROS_PER_DAY);
    project_one(a, day, 1, ICE_EXPR_LT, ts, "#1000 <= 20416");
    project_one(a, day, 1, ICE_EXPR_LT, midnight, "#1000 <= 20415");
    project_one(a, day, 1, ICE_EXPR_LT_EQ, midnight, "#1000 <= 20416");
    project_one(a, day, 1, ICE_EXPR_GT, ts, "#1000 >= 20416");
    project_one(a, day, 1, ICE_EXPR_GT_EQ, ts, "#1000 >= 20416");
    project_one(a, day, 1, ICE_EXPR_EQ, ts, "#1000 = 20416");
    project_one(a, day, 1, ICE_EXPR_NOT_EQ, ts, "true");
    project_one(a, day, 1, ICE_EXPR_IS_NULL, ts, "#1000 is null");
    project_one(a, day, 1, ICE_EXPR_NOT_NULL, ts, "#1000 is not null");
    project_one(a, hour, 1, ICE_EXPR_GT_EQ, ts, "#1000 >= 489994");
    project_one(a, hour, 1, ICE_EXPR_LT, ts, "#1000 <= 489994");
    project_one(a, month, 1, ICE_EXPR_GT, ts, "#1000 >= 670");
    project_one(a, month, 1, ICE_EXPR_EQ, ts, "#1000 = 670");
    project_one(a, year, 1, ICE_EXPR_LT_EQ, ts, "#1000 <= 55");
    project_one(a, year, 1, ICE_EXPR_GT_EQ, ts, "#1000 >= 55");

    IceValue set[3] = {ts, ice_value_timestamptz(when_us + DATETIME_MICROS_PER_DAY),
                       ice_value_timestamptz(when_us + 1)};
    const IcePartitionField field = {
            .source_id = 1, .field_id = 1000, .name = "p", .transform = day};
    const IcePartitionSpec spec = {.fields = &field, .n_fields = 1};
    check_projection(a, &spec,
                     ice_expr_in(a, ICE_EXPR_IN, 1, (IcePrim){.id = ICE_TIMESTAMPTZ}, set, 3),
                     "#1000 in (20416, 20417)");
    check_projection(a, &spec,
                     ice_expr_in(a, ICE_EXPR_NOT_IN, 1, (IcePrim){.id = ICE_TIMESTAMPTZ}, set, 3),
                     "true");

    /* Before 1970 the projection also admits the value Iceberg 0.10 wrote (one larger). */
    project_one(a, day, 1, ICE_EXPR_LT, ice_value_timestamptz(-1), "#1000 <= 0");
    project_one(a, day, 1, ICE_EXPR_EQ, ice_value_timestamptz(-5), "#1000 in (-1, 0)");
    project_one(a, hour, 1, ICE_EXPR_LT_EQ, ice_value_timestamptz(-DATETIME_MICROS_PER_HOUR - 1),
                "#1000 <= -1");
    project_one(a, day, 1, ICE_EXPR_GT_EQ, ice_value_timestamptz(-1), "#1000 >= -1");
    /* v - 1 of the smallest timestamp has no projection. */
    project_one(a, day, 1, ICE_EXPR_LT, ice_value_timestamptz(INT64_MIN), "true");
}

/* Every comparison through every transform of a timestamp (and bucket of a long): the
 * literal sits inside its hour, so each time transform gives one partition value. */
static void ice_expr_projects_each_comparison_through_each_transform(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    static const IceExprOp ops[] = {ICE_EXPR_LT,      ICE_EXPR_LT_EQ,   ICE_EXPR_GT,
                                    ICE_EXPR_GT_EQ,   ICE_EXPR_EQ,      ICE_EXPR_NOT_EQ,
                                    ICE_EXPR_IS_NULL, ICE_EXPR_NOT_NULL};
    static const struct {
        IceTransform tr;
        int32_t source_id;
        const char *want[8];
    } cases[] = {
            {{ICE_TR_HOUR, 0},
             1,
             {"#1000 <= 489994", "#1000 <= 489994", "#1000 >= 489994", "#1000 >= 489994",
              "#1000 = 489994", "true", "#1000 is null", "#1000 is not null"}},
            {{ICE_TR_DAY, 0},
             1,
             {"#1000 <= 20416", "#1000 <= 20416", "#1000 >= 20416", "#1000 >= 20416",
              "#1000 = 20416", "true", "#1000 is null", "#1000 is not null"}},
            {{ICE_TR_MONTH, 0},
             1,
             {"#1000 <= 670", "#1000 <= 670", "#1000 >= 670", "#1000 >= 670", "#1000 = 670", "true",
              "#1000 is null", "#1000 is not null"}},
            {{ICE_TR_YEAR, 0},
             1,
             {"#1000 <= 55", "#1000 <= 55", "#1000 >= 55", "#1000 >= 55", "#1000 = 55", "true",
              "#1000 is null", "#1000 is not null"}},
            {{ICE_TR_IDENTITY, 0},
             1,
             {"#1000 < '2025-11-24T10:15:00Z'", "#1000 <= '2025-11-24T10:15:00Z'",
              "#1000 > '2025-11-24T10:15:00Z'", "#1000 >= '2025-11-24T10:15:00Z'",
              "#1000 = '2025-11-24T10:15:00Z'", "#1000 != '2025-11-24T10:15:00Z'", "#1000 is null",
              "#1000 is not null"}},
            {{ICE_TR_VOID, 0}, 1, {"true", "true", "true", "true", "true", "true", "true", "true"}},
            {{ICE_TR_BUCKET, 16},
             2,
             {"true", "true", "true", "true", "#1000 = 3", "true", "#1000 is null",
              "#1000 is not null"}},
            {{ICE_TR_TRUNCATE, 10},
             2,
             {"#1000 <= 30", "#1000 <= 30", "#1000 >= 30", "#1000 >= 30", "#1000 = 30", "true",
              "#1000 is null", "#1000 is not null"}},
    };
    for (size_t c = 0; c < TN_ARRAY_LEN(cases); c++) {
        IceValue lit =
                cases[c].source_id == 1 ? ice_value_timestamptz(when_us) : ice_value_long(34);
        for (size_t o = 0; o < TN_ARRAY_LEN(ops); o++) {
            project_one(a, cases[c].tr, cases[c].source_id, ops[o], lit, cases[c].want[o]);
        }
    }
}

static void ice_expr_projects_dates_through_time_transforms(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    project_one(a, TR(ICE_TR_DAY, 0), 5, ICE_EXPR_LT, ice_value_date(20416), "#1000 <= 20415");
    /* day of a date is exact even before 1970: no widening */
    project_one(a, TR(ICE_TR_DAY, 0), 5, ICE_EXPR_LT, ice_value_date(0), "#1000 <= -1");
    project_one(a, TR(ICE_TR_DAY, 0), 5, ICE_EXPR_EQ, ice_value_date(-3), "#1000 = -3");
    project_one(a, TR(ICE_TR_MONTH, 0), 5, ICE_EXPR_LT, ice_value_date(0), "#1000 <= 0");
    project_one(a, TR(ICE_TR_MONTH, 0), 5, ICE_EXPR_GT, ice_value_date(20416), "#1000 >= 670");
    project_one(a, TR(ICE_TR_YEAR, 0), 5, ICE_EXPR_EQ, ice_value_date(-400), "#1000 in (-2, -1)");
    project_one(a, TR(ICE_TR_YEAR, 0), 5, ICE_EXPR_NOT_EQ, ice_value_date(1), "true");
}

static void ice_expr_projects_bucket_only_for_equality(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IceTransform b16 = TR(ICE_TR_BUCKET, 16);
    /* bucket[16](34) = 2017239379 % 16 = 3 (spec Appendix B hash). */
    project_one(a, b16, 2, ICE_EXPR_EQ, ice_value_long(34), "#1000 = 3");
    project_one(a, b16, 2, ICE_EXPR_LT, ice_value_long(34), "true");
    project_one(a, b16, 2, ICE_EXPR_GT_EQ, ice_value_long(34), "true");
    project_one(a, b16, 2, ICE_EXPR_NOT_EQ, ice_value_long(34), "true");
    project_one(a, b16, 2, ICE_EXPR_IS_NULL, ice_value_long(0), "#1000 is null");
    project_one(a, TR(ICE_TR_BUCKET, 1000), 4, ICE_EXPR_EQ, ice_value_cstring("iceberg"),
                "#1000 = 89");
    IceValue ids[3] = {ice_value_long(34), ice_value_long(34 + 16), ice_value_long(34)};
    const IcePartitionField field = {
            .source_id = 2, .field_id = 1000, .name = "p", .transform = b16};
    const IcePartitionSpec spec = {.fields = &field, .n_fields = 1};
    IceValue one_bucket[2] = {ice_value_long(34), ice_value_long(34)};
    int32_t b50 = (ice_bucket_hash(&ids[1]) & INT32_MAX) % 16;
    char want[64];
    if (b50 == 3) {
        snprintf(want, sizeof want, "#1000 = 3");
    } else {
        snprintf(want, sizeof want, "#1000 in (%d, %d)", TN_MIN(3, b50), TN_MAX(3, b50));
    }
    check_projection(a, &spec, ice_expr_in(a, ICE_EXPR_IN, 2, (IcePrim){.id = ICE_LONG}, ids, 3),
                     want);
    check_projection(a, &spec,
                     ice_expr_in(a, ICE_EXPR_IN, 2, (IcePrim){.id = ICE_LONG}, one_bucket, 2),
                     "#1000 = 3");
    check_projection(a, &spec,
                     ice_expr_in(a, ICE_EXPR_NOT_IN, 2, (IcePrim){.id = ICE_LONG}, ids, 3), "true");
}

static void ice_expr_projects_numbers_through_truncate(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IceTransform w10 = TR(ICE_TR_TRUNCATE, 10);
    project_one(a, w10, 3, ICE_EXPR_LT, ice_value_int(15), "#1000 <= 10");
    project_one(a, w10, 3, ICE_EXPR_LT, ice_value_int(10), "#1000 <= 0");
    project_one(a, w10, 3, ICE_EXPR_LT_EQ, ice_value_int(15), "#1000 <= 10");
    project_one(a, w10, 3, ICE_EXPR_GT, ice_value_int(19), "#1000 >= 20");
    project_one(a, w10, 3, ICE_EXPR_GT_EQ, ice_value_int(15), "#1000 >= 10");
    project_one(a, w10, 3, ICE_EXPR_EQ, ice_value_int(-1), "#1000 = -10");
    project_one(a, w10, 3, ICE_EXPR_NOT_EQ, ice_value_int(15), "true");
    project_one(a, w10, 3, ICE_EXPR_LT, ice_value_int(INT32_MIN), "true");
    project_one(a, w10, 3, ICE_EXPR_GT, ice_value_int(INT32_MAX), "true");
    project_one(a, TR(ICE_TR_TRUNCATE, 50), 7, ICE_EXPR_GT_EQ, ice_value_decimal(9, 2, 1065),
                "#1000 >= 10.50");
    project_one(a, TR(ICE_TR_TRUNCATE, 50), 7, ICE_EXPR_LT, ice_value_decimal(9, 2, 1050),
                "#1000 <= 10.00");
    IceValue ns[3] = {ice_value_int(1), ice_value_int(15), ice_value_int(19)};
    const IcePartitionField field = {
            .source_id = 3, .field_id = 1000, .name = "p", .transform = w10};
    const IcePartitionSpec spec = {.fields = &field, .n_fields = 1};
    check_projection(a, &spec, ice_expr_in(a, ICE_EXPR_IN, 3, (IcePrim){.id = ICE_INT}, ns, 3),
                     "#1000 in (0, 10)");
}

static void ice_expr_projects_strings_through_truncate(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IceTransform w3 = TR(ICE_TR_TRUNCATE, 3);
    project_one(a, w3, 4, ICE_EXPR_STARTS_WITH, ice_value_cstring("ab"),
                "starts_with(#1000, 'ab')");
    project_one(a, w3, 4, ICE_EXPR_STARTS_WITH, ice_value_cstring("abc"), "#1000 = 'abc'");
    project_one(a, w3, 4, ICE_EXPR_STARTS_WITH, ice_value_cstring("abcdef"),
                "starts_with(#1000, 'abc')");
    project_one(a, w3, 4, ICE_EXPR_NOT_STARTS_WITH, ice_value_cstring("ab"),
                "not starts_with(#1000, 'ab')");
    project_one(a, w3, 4, ICE_EXPR_NOT_STARTS_WITH, ice_value_cstring("abc"), "#1000 != 'abc'");
    project_one(a, w3, 4, ICE_EXPR_NOT_STARTS_WITH, ice_value_cstring("abcd"), "true");
    project_one(a, w3, 4, ICE_EXPR_LT, ice_value_cstring("abcd"), "#1000 <= 'abc'");
    project_one(a, w3, 4, ICE_EXPR_LT_EQ, ice_value_cstring("ab"), "#1000 <= 'ab'");
    project_one(a, w3, 4, ICE_EXPR_GT, ice_value_cstring("abcd"), "#1000 >= 'abc'");
    project_one(a, w3, 4, ICE_EXPR_EQ, ice_value_cstring("abcd"), "#1000 = 'abc'");
    project_one(a, w3, 4, ICE_EXPR_NOT_EQ, ice_value_cstring("abcd"), "true");
    /* Code points, not bytes: "é€" is 2 characters in 5 bytes, "é€x" exactly 3. */
    project_one(a, w3, 4, ICE_EXPR_STARTS_WITH, ice_value_cstring("\xc3\xa9\xe2\x82\xac"),
                "starts_with(#1000, '\xc3\xa9\xe2\x82\xac')");
    project_one(a, w3, 4, ICE_EXPR_STARTS_WITH, ice_value_cstring("\xc3\xa9\xe2\x82\xacx"),
                "#1000 = '\xc3\xa9\xe2\x82\xacx'");
    project_one(a, w3, 4, ICE_EXPR_EQ, ice_value_cstring("\xc3\xa9\xe2\x82\xacxy"),
                "#1000 = '\xc3\xa9\xe2\x82\xacx'");
    project_one(a, TR(ICE_TR_TRUNCATE, 2), 8, ICE_EXPR_GT,
                ice_value_binary((const uint8_t[]){1, 2, 3}, 3), "#1000 >= 0x0102");
    project_one(a, TR(ICE_TR_TRUNCATE, 2), 8, ICE_EXPR_EQ,
                ice_value_binary((const uint8_t[]){1, 2, 3}, 3), "#1000 = 0x0102");
    IceValue ss[3] = {ice_value_cstring("abcd"), ice_value_cstring("abce"), ice_value_cstring("x")};
    const IcePartitionField field = {
            .source_id = 4, .field_id = 1000, .name = "p", .transform = w3};
    const IcePartitionSpec spec = {.fields = &field, .n_fields = 1};
    check_projection(a, &spec, ice_expr_in(a, ICE_EXPR_IN, 4, (IcePrim){.id = ICE_STRING}, ss, 3),
                     "#1000 in ('abc', 'x')");
}

static void ice_expr_projects_identity_void_and_trees(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IceTransform id = TR(ICE_TR_IDENTITY, 0);
    project_one(a, id, 6, ICE_EXPR_NOT_EQ, ice_value_cstring("x"), "#1000 != 'x'");
    project_one(a, id, 6, ICE_EXPR_NOT_STARTS_WITH, ice_value_cstring("x"),
                "not starts_with(#1000, 'x')");
    project_one(a, id, 5, ICE_EXPR_LT, ice_value_date(3), "#1000 < '1970-01-04'");
    project_one(a, TR(ICE_TR_VOID, 0), 6, ICE_EXPR_EQ, ice_value_cstring("x"), "true");
    project_one(a, TR(ICE_TR_VOID, 0), 6, ICE_EXPR_IS_NULL, ice_value_cstring("x"), "true");
    const IcePartitionField nan_field = {.source_id = 9, .field_id = 1000, .transform = id};
    const IcePartitionSpec nan_spec = {.fields = &nan_field, .n_fields = 1};
    check_projection(a, &nan_spec,
                     ice_expr_unary(a, ICE_EXPR_IS_NAN, 9, (IcePrim){.id = ICE_DOUBLE}),
                     "is_nan(#1000)");
    /* NOT over a double comparison projects as NOT of the identity comparison. */
    check_projection(a, &nan_spec, ice_expr_not(a, pred(a, ICE_EXPR_GT_EQ, 9, ice_value_double(1))),
                     "not #1000 >= 1.0");

    const IcePartitionField fields[] = {
            {.source_id = 1, .field_id = 1000, .name = "ts_day", .transform = TR(ICE_TR_DAY, 0)},
            {.source_id = 1, .field_id = 1001, .name = "ts_hour", .transform = TR(ICE_TR_HOUR, 0)},
            {.source_id = 2, .field_id = 1002, .name = "id_b", .transform = TR(ICE_TR_BUCKET, 16)},
            {.source_id = 6, .field_id = 1003, .name = "route", .transform = id},
            {.source_id = 99, .field_id = 1004, .name = "gone", .transform = id},
    };
    const IcePartitionSpec spec = {.spec_id = 3, .fields = fields, .n_fields = 5};
    IceValue ts = ice_value_timestamptz(when_us);
    const IceExpr *ge = pred(a, ICE_EXPR_GT_EQ, 1, ts);
    check_projection(a, &spec, ge, "(#1000 >= 20416 and #1001 >= 489994)");
    check_projection(a, &spec, ice_expr_not(a, pred(a, ICE_EXPR_LT, 1, ts)),
                     "(#1000 >= 20416 and #1001 >= 489994)");
    check_projection(a, &spec,
                     ice_expr_or(a, pred(a, ICE_EXPR_LT, 1, ts),
                                 pred(a, ICE_EXPR_EQ, 2, ice_value_long(34))),
                     "((#1000 <= 20416 and #1001 <= 489994) or #1002 = 3)");
    check_projection(a, &spec,
                     ice_expr_or(a, pred(a, ICE_EXPR_LT, 1, ts),
                                 pred(a, ICE_EXPR_LT, 2, ice_value_long(34))),
                     "true");
    check_projection(a, &spec,
                     ice_expr_and(a, pred(a, ICE_EXPR_EQ, 6, ice_value_cstring("r1")),
                                  pred(a, ICE_EXPR_LT, 2, ice_value_long(34))),
                     "#1003 = 'r1'");
    check_projection(
            a, &spec,
            ice_expr_not(a, ice_expr_and(a, pred(a, ICE_EXPR_EQ, 6, ice_value_cstring("r1")),
                                         pred(a, ICE_EXPR_IS_NULL, 6, ice_value_int(0)))),
            "(#1003 != 'r1' or #1003 is not null)");
    check_projection(a, &spec, ice_expr_false(), "false");
    const IcePartitionSpec unpartitioned = {.spec_id = 0};
    check_projection(a, &unpartitioned, ge, "true");
}

static void check_residual(Arena *arena, const IcePartitionSpec *spec, const IceExpr *row,
                           const IceValue *tuple, const char *want)
{
    Err err;
    const IceExpr *out;
    assert_ok(ice_expr_residual(arena, row, spec, &schema, tuple, &out, &err), &err);
    char buf[256];
    ice_expr_format(out, &schema, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fail_msg("residual: got \"%s\", want \"%s\"", buf, want);
}

static void ice_expr_residual_decides_identity_partitions(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IcePartitionField fields[] = {
            {.source_id = 6,
             .field_id = 1000,
             .name = "route",
             .transform = TR(ICE_TR_IDENTITY, 0)},
    };
    const IcePartitionSpec spec = {.spec_id = 1, .fields = fields, .n_fields = 1};
    IceValue foo = ice_value_cstring("foo"), bar = ice_value_cstring("bar");
    IceValue null_str = ice_value_null((IcePrim){.id = ICE_STRING});
    const IceExpr *eq = pred(a, ICE_EXPR_EQ, 6, foo);
    check_residual(a, &spec, eq, &foo, "true");
    check_residual(a, &spec, eq, &bar, "false");
    check_residual(a, &spec, eq, &null_str, "false");
    check_residual(a, &spec, ice_expr_not(a, eq), &foo, "false");
    check_residual(a, &spec, ice_expr_not(a, eq), &null_str, "false");
    check_residual(a, &spec, pred(a, ICE_EXPR_IS_NULL, 6, foo), &null_str, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_NOT_NULL, 6, foo), &null_str, "false");
    check_residual(a, &spec, pred(a, ICE_EXPR_STARTS_WITH, 6, ice_value_cstring("fo")), &foo,
                   "true");
    const IceExpr *other = pred(a, ICE_EXPR_GT, 3, ice_value_int(5));
    const IceExpr *both = ice_expr_and(a, eq, other);
    Err err;
    const IceExpr *out;
    assert_ok(ice_expr_residual(a, both, &spec, &schema, &foo, &out, &err), &err);
    assert_ptr_equal(out, other); /* shared, not copied */
    check_residual(a, &spec, both, &bar, "false");
    check_residual(a, &spec, ice_expr_or(a, eq, other), &bar, "n > 5");
    check_residual(a, &spec, ice_expr_not(a, ice_expr_or(a, eq, other)), &bar, "n <= 5");
}

static void ice_expr_residual_keeps_not_over_doubles_unless_decided(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IcePartitionField fields[] = {
            {.source_id = 9, .field_id = 1000, .name = "x", .transform = TR(ICE_TR_IDENTITY, 0)},
    };
    const IcePartitionSpec spec = {.spec_id = 1, .fields = fields, .n_fields = 1};
    const IceExpr *not_ge = ice_expr_not(a, pred(a, ICE_EXPR_GT_EQ, 9, ice_value_double(1)));
    IceValue half = ice_value_double(0.5), two = ice_value_double(2), nan = ice_value_double(NAN);
    check_residual(a, &spec, not_ge, &half, "true");
    check_residual(a, &spec, not_ge, &two, "false");
    check_residual(a, &spec, not_ge, &nan, "not x >= 1.0");
    const IcePartitionSpec none = {.spec_id = 0};
    check_residual(a, &none, not_ge, &nan, "not x >= 1.0");
}

static void ice_expr_residual_uses_strict_and_inclusive_projections(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IcePartitionField fields[] = {
            {.source_id = 1, .field_id = 1000, .name = "ts_day", .transform = TR(ICE_TR_DAY, 0)},
            {.source_id = 2, .field_id = 1001, .name = "id_b", .transform = TR(ICE_TR_BUCKET, 16)},
            {.source_id = 3, .field_id = 1002, .name = "n_t", .transform = TR(ICE_TR_TRUNCATE, 10)},
            {.source_id = 4, .field_id = 1003, .name = "s_t", .transform = TR(ICE_TR_TRUNCATE, 2)},
    };
    const IcePartitionSpec spec = {.spec_id = 2, .fields = fields, .n_fields = 4};
    IceValue tuple[4] = {ice_value_int(20416), ice_value_int(3), ice_value_int(10),
                         ice_value_cstring("ab")};
    IceValue ts = ice_value_timestamptz(when_us);
    IceValue midnight = ice_value_timestamptz(INT64_C(20416) * DATETIME_MICROS_PER_DAY);
    IceValue next_midnight = ice_value_timestamptz(INT64_C(20417) * DATETIME_MICROS_PER_DAY);
    check_residual(a, &spec, pred(a, ICE_EXPR_GT_EQ, 1, ts), tuple, "ts >= '2025-11-24T10:15:00Z'");
    check_residual(a, &spec, pred(a, ICE_EXPR_GT_EQ, 1, midnight), tuple, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_LT, 1, next_midnight), tuple, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_LT, 1, midnight), tuple, "false");
    check_residual(a, &spec, pred(a, ICE_EXPR_GT, 1, next_midnight), tuple, "false");
    check_residual(a, &spec, pred(a, ICE_EXPR_NOT_EQ, 1, next_midnight), tuple, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_EQ, 1, ts), tuple, "ts = '2025-11-24T10:15:00Z'");
    check_residual(a, &spec, pred(a, ICE_EXPR_NOT_NULL, 1, ts), tuple, "true");
    /* bucket 3 holds 34: = stays, != of a value in another bucket is settled */
    check_residual(a, &spec, pred(a, ICE_EXPR_EQ, 2, ice_value_long(34)), tuple, "id = 34");
    IceValue other_bucket = ice_value_long(35);
    IceValue b;
    Err err;
    assert_ok(ice_transform_apply(TR(ICE_TR_BUCKET, 16), &other_bucket, &b, &err), &err);
    assert_int_not_equal(b.i32, 3);
    check_residual(a, &spec, pred(a, ICE_EXPR_EQ, 2, other_bucket), tuple, "false");
    check_residual(a, &spec, pred(a, ICE_EXPR_NOT_EQ, 2, other_bucket), tuple, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_LT, 2, other_bucket), tuple, "id < 35");
    /* truncate[10] partition 10 holds 10..19 */
    check_residual(a, &spec, pred(a, ICE_EXPR_GT_EQ, 3, ice_value_int(10)), tuple, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_GT_EQ, 3, ice_value_int(11)), tuple, "n >= 11");
    check_residual(a, &spec, pred(a, ICE_EXPR_LT, 3, ice_value_int(20)), tuple, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_LT, 3, ice_value_int(10)), tuple, "false");
    check_residual(a, &spec, pred(a, ICE_EXPR_EQ, 3, ice_value_int(25)), tuple, "false");
    /* truncate[2] partition "ab" holds strings starting with "ab" (or "ab" itself) */
    check_residual(a, &spec, pred(a, ICE_EXPR_STARTS_WITH, 4, ice_value_cstring("a")), tuple,
                   "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_STARTS_WITH, 4, ice_value_cstring("abc")), tuple,
                   "starts_with(s, 'abc')");
    check_residual(a, &spec, pred(a, ICE_EXPR_STARTS_WITH, 4, ice_value_cstring("ac")), tuple,
                   "false");
    check_residual(a, &spec, pred(a, ICE_EXPR_NOT_STARTS_WITH, 4, ice_value_cstring("acd")), tuple,
                   "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_GT, 4, ice_value_cstring("aa")), tuple, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_GT, 4, ice_value_cstring("abz")), tuple, "s > 'abz'");
    IceValue null_tuple[4] = {ice_value_null((IcePrim){.id = ICE_INT}), ice_value_int(3),
                              ice_value_int(10), ice_value_cstring("ab")};
    check_residual(a, &spec, pred(a, ICE_EXPR_IS_NULL, 1, ts), null_tuple, "true");
    check_residual(a, &spec, pred(a, ICE_EXPR_GT, 1, ts), null_tuple, "false");
}

/* Rerun projection, residual, binding and the partition path with allocation N failing,
 * N = 1, 2, ... until they succeed: each failure is ERR_NOMEM and leaks nothing. */
static void ice_expr_survives_allocation_failures(void **state)
{
    Arena *a = &((Fixture *)*state)->arena;
    const IcePartitionField fields[] = {
            {.source_id = 1, .field_id = 1000, .name = "ts_day", .transform = TR(ICE_TR_DAY, 0)},
            {.source_id = 2, .field_id = 1001, .name = "id_b", .transform = TR(ICE_TR_BUCKET, 4)},
            {.source_id = 4, .field_id = 1002, .name = "s_t", .transform = TR(ICE_TR_TRUNCATE, 2)},
            {.source_id = 3, .field_id = 1003, .name = "n_t", .transform = TR(ICE_TR_TRUNCATE, 10)},
            {.source_id = 6,
             .field_id = 1004,
             .name = "route",
             .transform = TR(ICE_TR_IDENTITY, 0)},
    };
    const IcePartitionSpec spec = {.spec_id = 1, .fields = fields, .n_fields = 5};
    IceValue ids[3] = {ice_value_long(1), ice_value_long(2), ice_value_long(3)};
    const IceExpr *e =
            ice_expr_or(a,
                        ice_expr_and(a, pred(a, ICE_EXPR_LT, 1, ice_value_timestamptz(-5)),
                                     ice_expr_or(a,
                                                 ice_expr_in(a, ICE_EXPR_IN, 2,
                                                             (IcePrim){.id = ICE_LONG}, ids, 3),
                                                 ice_expr_not(a, pred(a, ICE_EXPR_STARTS_WITH, 4,
                                                                      ice_value_cstring("abcd"))))),
                        ice_expr_and(a, pred(a, ICE_EXPR_LT, 3, ice_value_int(15)),
                                     pred(a, ICE_EXPR_EQ, 6, ice_value_cstring("r/1"))));
    assert_non_null(e);
    IceValue tuple[5] = {ice_value_int(-1), ice_value_int(2), ice_value_cstring("ab"),
                         ice_value_int(10), ice_value_cstring("r/1")};
    IceValue lits[2] = {ice_value_cstring("2025-11-24"), ice_value_cstring("1970-01-01")};
    long n;
    for (n = 1; n < 10000; n++) {
        Mem mem;
        mem_init(&mem, NULL, "test", 0);
        Arena arena;
        arena_init(&arena, &mem, 256); /* small blocks: many allocations to fail */
        mem_fail_at(&mem, n);
        Err err;
        const IceExpr *out = NULL;
        const char *path = NULL;
        ErrCode rc = ice_expr_project_inclusive(&arena, e, &spec, &schema, &out, &err);
        if (rc == ERR_OK)
            rc = ice_expr_residual(&arena, e, &spec, &schema, tuple, &out, &err);
        if (rc == ERR_OK)
            rc = ice_expr_bind(&arena, ICE_EXPR_IN, 5, (IcePrim){.id = ICE_DATE}, lits, 2, &out,
                               &err);
        if (rc == ERR_OK)
            rc = ice_partition_path(&arena, &spec, tuple, &path, &err);
        arena_fini(&arena);
        assert_int_equal(mem_used(&mem), 0);
        if (rc == ERR_OK)
            break;
        assert_int_equal(rc, ERR_NOMEM);
    }
    assert_true(n > 3 && n < 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(ice_expr_projects_timestamps_through_time_transforms,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(
                    ice_expr_projects_each_comparison_through_each_transform, setup, teardown),
            cmocka_unit_test_setup_teardown(ice_expr_projects_dates_through_time_transforms, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(ice_expr_projects_bucket_only_for_equality, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(ice_expr_projects_numbers_through_truncate, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(ice_expr_projects_strings_through_truncate, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(ice_expr_projects_identity_void_and_trees, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(ice_expr_residual_decides_identity_partitions, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(ice_expr_residual_uses_strict_and_inclusive_projections,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(ice_expr_residual_keeps_not_over_doubles_unless_decided,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(ice_expr_survives_allocation_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
