/* ice_expr_eval_test.c — unit tests for table/ice_expr_eval: manifest summaries with NULLs
 * and NaNs, partition tuples, file metrics (truncated string bounds, all-NULL columns, NaN
 * counts, -0.0, promoted bounds), and a brute-force check of every evaluator: random
 * small files (random rows -> partition tuple, metrics, Parquet statistics) and random
 * expressions, where "may match" must hold whenever some row matches, and the residual
 * must select exactly the rows the expression does. The oracle is an independent
 * three-valued evaluator run under both NaN rules (IEEE, and NaN above all). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table/ice_expr.h"
#include "test_util.h"

/* ---- schema: 1 i int, 2 l long, 3 ts timestamptz, 4 s string, 5 x double, 6 dt date,
 *      7 amount decimal(9,2), 8 b binary ------------------------------------------------ */

#define N_COLS 8

static const IceType ty_int = {.id = ICE_INT, .prim = {.id = ICE_INT}};
static const IceType ty_long = {.id = ICE_LONG, .prim = {.id = ICE_LONG}};
static const IceType ty_tstz = {.id = ICE_TIMESTAMPTZ, .prim = {.id = ICE_TIMESTAMPTZ}};
static const IceType ty_str = {.id = ICE_STRING, .prim = {.id = ICE_STRING}};
static const IceType ty_dbl = {.id = ICE_DOUBLE, .prim = {.id = ICE_DOUBLE}};
static const IceType ty_date = {.id = ICE_DATE, .prim = {.id = ICE_DATE}};
static const IceType ty_dec = {.id = ICE_DECIMAL,
                               .prim = {.id = ICE_DECIMAL, .precision = 9, .scale = 2}};
static const IceType ty_bin = {.id = ICE_BINARY, .prim = {.id = ICE_BINARY}};
static const IceField schema_fields[N_COLS] = {
        {.id = 1, .name = "i", .type = &ty_int},      {.id = 2, .name = "l", .type = &ty_long},
        {.id = 3, .name = "ts", .type = &ty_tstz},    {.id = 4, .name = "s", .type = &ty_str},
        {.id = 5, .name = "x", .type = &ty_dbl},      {.id = 6, .name = "dt", .type = &ty_date},
        {.id = 7, .name = "amount", .type = &ty_dec}, {.id = 8, .name = "b", .type = &ty_bin},
};
static const IceSchema schema = {
        .fields = schema_fields, .n_fields = N_COLS, .highest_field_id = N_COLS};

static IcePrim col_type(int32_t field_id)
{
    IcePrim type;
    assert_true(ice_schema_find_prim(&schema, field_id, &type));
    return type;
}

static IceBytes ser(Arena *arena, IceValue v)
{
    Err err;
    IceBytes out;
    assert_ok(ice_value_serialize(arena, &v, &out, &err), &err);
    return out;
}

static const IceExpr *leaf(Arena *arena, IceExprOp op, int32_t field_id, IceValue lit)
{
    if (op == ICE_EXPR_IS_NULL || op == ICE_EXPR_NOT_NULL || op == ICE_EXPR_IS_NAN ||
        op == ICE_EXPR_NOT_NAN)
        return ice_expr_unary(arena, op, field_id, col_type(field_id));
    return ice_expr_cmp(arena, op, field_id, col_type(field_id), &lit);
}

/* ---- targeted tests ------------------------------------------------------------------- */

static void ice_eval_summaries_uses_bounds_nulls_and_nans(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const IcePartitionField fields[] = {
            {.source_id = 4, .field_id = 1000, .name = "s", .transform = {ICE_TR_IDENTITY, 0}},
            {.source_id = 6, .field_id = 1001, .name = "dt", .transform = {ICE_TR_IDENTITY, 0}},
            {.source_id = 5, .field_id = 1002, .name = "x", .transform = {ICE_TR_IDENTITY, 0}},
    };
    const IcePartitionSpec spec = {.fields = fields, .n_fields = 3};
    const IcePrim types[3] = {{.id = ICE_STRING}, {.id = ICE_DATE}, {.id = ICE_DOUBLE}};
    IcePartitionFieldSummary sums[3] = {
            {.contains_null = false,
             .contains_nan = -1,
             .lower = ser(&arena, ice_value_cstring("b")),
             .upper = ser(&arena, ice_value_cstring("d"))},
            {.contains_null = true,
             .contains_nan = -1,
             .lower = ser(&arena, ice_value_date(20400)),
             .upper = ser(&arena, ice_value_date(20410))},
            {.contains_null = false,
             .contains_nan = 1,
             .lower = ser(&arena, ice_value_double(-1)),
             .upper = ser(&arena, ice_value_double(2))},
    };
    IcePrim t_s = types[0], t_d = types[1], t_x = types[2];
    static const struct {
        IceExprOp op;
        int field;
        const char *s;
        int32_t d;
        double x;
        bool want;
    } cases[] = {
            {ICE_EXPR_EQ, 0, "a", 0, 0, false},
            {ICE_EXPR_EQ, 0, "c", 0, 0, true},
            {ICE_EXPR_EQ, 0, "e", 0, 0, false},
            {ICE_EXPR_LT, 0, "b", 0, 0, false},
            {ICE_EXPR_LT_EQ, 0, "b", 0, 0, true},
            {ICE_EXPR_GT, 0, "d", 0, 0, false},
            {ICE_EXPR_GT_EQ, 0, "d", 0, 0, true},
            {ICE_EXPR_STARTS_WITH, 0, "c", 0, 0, true},
            {ICE_EXPR_STARTS_WITH, 0, "e", 0, 0, false},
            {ICE_EXPR_STARTS_WITH, 0, "a", 0, 0, false},
            {ICE_EXPR_STARTS_WITH, 0, "bz", 0, 0, true},
            {ICE_EXPR_STARTS_WITH, 0, "da", 0, 0, false},
            {ICE_EXPR_NOT_STARTS_WITH, 0, "b", 0, 0, true},
            {ICE_EXPR_IS_NULL, 0, "", 0, 0, false},
            {ICE_EXPR_NOT_NULL, 0, "", 0, 0, true},
            {ICE_EXPR_NOT_EQ, 0, "c", 0, 0, true},
            {ICE_EXPR_IS_NULL, 1, "", 0, 0, true},
            {ICE_EXPR_EQ, 1, "", 20411, 0, false},
            {ICE_EXPR_EQ, 1, "", 20410, 0, true},
            {ICE_EXPR_LT, 1, "", 20401, 0, true},
            {ICE_EXPR_GT, 1, "", 20410, 0, false},
            {ICE_EXPR_GT, 2, "", 0, 5.0, true},
            {ICE_EXPR_LT, 2, "", 0, -2.0, false},
            {ICE_EXPR_EQ, 2, "", 0, 3.0, false},
            {ICE_EXPR_IS_NAN, 2, "", 0, 0, true},
            {ICE_EXPR_NOT_NAN, 2, "", 0, 0, true},
            {ICE_EXPR_LT_EQ, 2, "", 0, -1.0, true},
            {ICE_EXPR_IS_NAN, 0, "", 0, 0, false},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        IceValue lit = cases[i].field == 0   ? ice_value_cstring(cases[i].s)
                       : cases[i].field == 1 ? ice_value_date(cases[i].d)
                                             : ice_value_double(cases[i].x);
        IcePrim t = cases[i].field == 0 ? t_s : cases[i].field == 1 ? t_d : t_x;
        int32_t fid = 1000 + cases[i].field;
        IceExprOp op = cases[i].op;
        const IceExpr *e = (op == ICE_EXPR_IS_NULL || op == ICE_EXPR_NOT_NULL ||
                            op == ICE_EXPR_IS_NAN || op == ICE_EXPR_NOT_NAN)
                                   ? ice_expr_unary(&arena, op, fid, t)
                                   : ice_expr_cmp(&arena, op, fid, t, &lit);
        if (ice_eval_summaries(e, &spec, types, sums, 3) != cases[i].want) {
            char text[128];
            ice_expr_format(e, NULL, text, sizeof text);
            fail_msg("case %zu: %s should be %s", i, text, cases[i].want ? "true" : "false");
        }
        /* NOT flips through the negated op, never past what the bounds allow. */
        if (!cases[i].want)
            assert_true(ice_eval_summaries(ice_expr_not(&arena, e), &spec, types, sums, 3) ||
                        op == ICE_EXPR_IS_NAN);
    }
    IceValue two[2] = {ice_value_cstring("a"), ice_value_cstring("e")};
    assert_false(ice_eval_summaries(ice_expr_in(&arena, ICE_EXPR_IN, 1000, t_s, two, 2), &spec,
                                    types, sums, 3));
    two[1] = ice_value_cstring("c");
    assert_true(ice_eval_summaries(ice_expr_in(&arena, ICE_EXPR_IN, 1000, t_s, two, 2), &spec,
                                   types, sums, 3));
    /* Fields past n_summaries are unknown. */
    IceValue far = ice_value_double(100);
    assert_true(ice_eval_summaries(ice_expr_cmp(&arena, ICE_EXPR_EQ, 1002, t_x, &far), &spec, types,
                                   sums, 2));

    /* All NULL: nothing but IS NULL can match. */
    IcePartitionFieldSummary all_null = {.contains_null = true, .contains_nan = 0};
    IceValue d0 = ice_value_date(0);
    assert_false(ice_eval_summaries(ice_expr_cmp(&arena, ICE_EXPR_EQ, 1000, t_d, &d0), &spec,
                                    &types[1], &all_null, 1));
    assert_false(ice_eval_summaries(ice_expr_cmp(&arena, ICE_EXPR_NOT_EQ, 1000, t_d, &d0), &spec,
                                    &types[1], &all_null, 1));
    assert_false(ice_eval_summaries(ice_expr_unary(&arena, ICE_EXPR_NOT_NULL, 1000, t_d), &spec,
                                    &types[1], &all_null, 1));
    assert_true(ice_eval_summaries(ice_expr_unary(&arena, ICE_EXPR_IS_NULL, 1000, t_d), &spec,
                                   &types[1], &all_null, 1));
    /* All NaN: NaN sorts last in some engines, so > may match. */
    const IcePartitionField xf = {
            .source_id = 5, .field_id = 1000, .transform = {ICE_TR_IDENTITY, 0}};
    const IcePartitionSpec xspec = {.fields = &xf, .n_fields = 1};
    IcePartitionFieldSummary all_nan = {.contains_null = false, .contains_nan = 1};
    IceValue one = ice_value_double(1);
    assert_true(ice_eval_summaries(ice_expr_unary(&arena, ICE_EXPR_IS_NAN, 1000, t_x), &xspec, &t_x,
                                   &all_nan, 1));
    assert_false(ice_eval_summaries(ice_expr_unary(&arena, ICE_EXPR_NOT_NAN, 1000, t_x), &xspec,
                                    &t_x, &all_nan, 1));
    assert_true(ice_eval_summaries(ice_expr_cmp(&arena, ICE_EXPR_GT, 1000, t_x, &one), &xspec, &t_x,
                                   &all_nan, 1));
    assert_false(ice_eval_summaries(ice_expr_cmp(&arena, ICE_EXPR_LT, 1000, t_x, &one), &xspec,
                                    &t_x, &all_nan, 1));
    /* One value, no NULLs: != and not in can exclude it. */
    IcePartitionFieldSummary single = {.contains_null = true,
                                       .contains_nan = -1,
                                       .lower = ser(&arena, ice_value_cstring("c")),
                                       .upper = ser(&arena, ice_value_cstring("c"))};
    IceValue c = ice_value_cstring("c"), d = ice_value_cstring("d");
    assert_false(ice_eval_summaries(ice_expr_cmp(&arena, ICE_EXPR_NOT_EQ, 1000, t_s, &c), &spec,
                                    types, &single, 1));
    assert_true(ice_eval_summaries(ice_expr_cmp(&arena, ICE_EXPR_NOT_EQ, 1000, t_s, &d), &spec,
                                   types, &single, 1));
    /* A bound that does not decode says nothing. */
    IcePartitionFieldSummary bad = {.contains_null = false,
                                    .contains_nan = -1,
                                    .lower = {(const uint8_t *)"xy", 2},
                                    .upper = {(const uint8_t *)"xy", 2}};
    IceValue far_date = ice_value_date(99999);
    assert_true(ice_eval_summaries(ice_expr_cmp(&arena, ICE_EXPR_EQ, 1000, t_d, &far_date), &spec,
                                   &types[1], &bad, 1));
    arena_fini(&arena);
}

static void ice_eval_partition_is_exact_on_the_tuple(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const IcePartitionField fields[] = {
            {.source_id = 4, .field_id = 1000, .transform = {ICE_TR_IDENTITY, 0}},
            {.source_id = 5, .field_id = 1001, .transform = {ICE_TR_IDENTITY, 0}},
    };
    const IcePartitionSpec spec = {.fields = fields, .n_fields = 2};
    const IcePrim t_s = {.id = ICE_STRING}, t_x = {.id = ICE_DOUBLE};
    IceValue tuple[2] = {ice_value_cstring("foo"), ice_value_double(NAN)};
    IceValue foo = ice_value_cstring("foo"), fo = ice_value_cstring("fo"),
             one = ice_value_double(1);
    assert_true(
            ice_eval_partition(ice_expr_cmp(&arena, ICE_EXPR_EQ, 1000, t_s, &foo), &spec, tuple));
    assert_false(ice_eval_partition(ice_expr_cmp(&arena, ICE_EXPR_NOT_EQ, 1000, t_s, &foo), &spec,
                                    tuple));
    assert_true(ice_eval_partition(ice_expr_cmp(&arena, ICE_EXPR_STARTS_WITH, 1000, t_s, &fo),
                                   &spec, tuple));
    assert_false(ice_eval_partition(
            ice_expr_not(&arena, ice_expr_cmp(&arena, ICE_EXPR_STARTS_WITH, 1000, t_s, &fo)), &spec,
            tuple));
    /* NaN: > 1 holds where NaN sorts last, < 1 and = 1 nowhere. */
    assert_true(
            ice_eval_partition(ice_expr_cmp(&arena, ICE_EXPR_GT, 1001, t_x, &one), &spec, tuple));
    assert_false(
            ice_eval_partition(ice_expr_cmp(&arena, ICE_EXPR_LT, 1001, t_x, &one), &spec, tuple));
    assert_false(
            ice_eval_partition(ice_expr_cmp(&arena, ICE_EXPR_EQ, 1001, t_x, &one), &spec, tuple));
    assert_true(
            ice_eval_partition(ice_expr_unary(&arena, ICE_EXPR_IS_NAN, 1001, t_x), &spec, tuple));
    /* Unknown partition fields may match. */
    assert_true(
            ice_eval_partition(ice_expr_cmp(&arena, ICE_EXPR_EQ, 1005, t_s, &fo), &spec, tuple));
    arena_fini(&arena);
}

static IceFieldMetrics metric(int32_t field_id, int64_t values, int64_t nulls, int64_t nans,
                              IceBytes lower, IceBytes upper)
{
    return (IceFieldMetrics){field_id, values, nulls, nans, lower, upper};
}

static bool metrics_match(const IceExpr *e, IceFieldMetrics m)
{
    const IceFileMetrics file = {
            .record_count = m.value_count < 0 ? 10 : m.value_count, .fields = &m, .n_fields = 1};
    return ice_eval_metrics(e, &schema, &file);
}

static void ice_eval_metrics_handles_truncated_string_bounds(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    IceFieldMetrics exact = metric(4, 3, 0, -1, ser(&arena, ice_value_cstring("abc")),
                                   ser(&arena, ice_value_cstring("abd")));
    static const struct {
        IceExprOp op;
        const char *lit;
        bool want;
    } exact_cases[] = {
            {ICE_EXPR_EQ, "abe", false},
            {ICE_EXPR_EQ, "abc", true},
            {ICE_EXPR_EQ, "abb", false},
            {ICE_EXPR_GT, "abe", false},
            {ICE_EXPR_GT_EQ, "abe", false},
            {ICE_EXPR_GT, "abd", true}, /* may be truncated */
            {ICE_EXPR_GT, "abda", true},
            {ICE_EXPR_LT, "abc", false},
            {ICE_EXPR_LT, "abca", true},
            {ICE_EXPR_STARTS_WITH, "abd", true},
            {ICE_EXPR_STARTS_WITH, "abe", false},
            {ICE_EXPR_STARTS_WITH, "abb", false},
            {ICE_EXPR_NOT_STARTS_WITH, "ab", false},
            {ICE_EXPR_NOT_STARTS_WITH, "abc", true},
            {ICE_EXPR_NOT_EQ, "abc", true},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(exact_cases); i++) {
        const IceExpr *e =
                leaf(&arena, exact_cases[i].op, 4, ice_value_cstring(exact_cases[i].lit));
        if (metrics_match(e, exact) != exact_cases[i].want)
            fail_msg("exact case %zu", i);
    }
    /* Rows "abx" and "abz" with both bounds truncated to "ab" (no increment). */
    IceFieldMetrics cut = metric(4, 2, 0, -1, ser(&arena, ice_value_cstring("ab")),
                                 ser(&arena, ice_value_cstring("ab")));
    static const struct {
        IceExprOp op;
        const char *lit;
        bool want;
    } cut_cases[] = {
            {ICE_EXPR_EQ, "abx", true},
            {ICE_EXPR_GT, "abq", true},
            {ICE_EXPR_GT_EQ, "abz", true},
            {ICE_EXPR_STARTS_WITH, "abz", true},
            {ICE_EXPR_NOT_STARTS_WITH, "ab", false},
            {ICE_EXPR_NOT_EQ, "ab", true},
            {ICE_EXPR_EQ, "aa", false},
            {ICE_EXPR_STARTS_WITH, "ac", false},
            {ICE_EXPR_GT, "ac", false},
            {ICE_EXPR_LT, "ab", false},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cut_cases); i++) {
        const IceExpr *e = leaf(&arena, cut_cases[i].op, 4, ice_value_cstring(cut_cases[i].lit));
        if (metrics_match(e, cut) != cut_cases[i].want)
            fail_msg("truncated case %zu", i);
    }
    IceValue set[2] = {ice_value_cstring("aa"), ice_value_cstring("abzz")};
    assert_true(metrics_match(ice_expr_in(&arena, ICE_EXPR_IN, 4, col_type(4), set, 2), cut));
    set[1] = ice_value_cstring("b");
    assert_false(metrics_match(ice_expr_in(&arena, ICE_EXPR_IN, 4, col_type(4), set, 2), cut));
    arena_fini(&arena);
}

static void ice_eval_metrics_handles_nulls_nans_and_zeros(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    IceBytes none = {NULL, 0};
    IceValue one = ice_value_int(1), x1 = ice_value_double(1), zero = ice_value_double(0.0);
    IceValue neg_zero = ice_value_double(-0.0);
    IceFieldMetrics all_null = metric(1, 5, 5, -1, none, none);
    assert_true(metrics_match(leaf(&arena, ICE_EXPR_IS_NULL, 1, one), all_null));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_NOT_NULL, 1, one), all_null));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_EQ, 1, one), all_null));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_NOT_EQ, 1, one), all_null));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_LT, 1, one), all_null));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_GT, 1, one), all_null));
    IceFieldMetrics no_nulls = metric(1, 5, 0, -1, none, none);
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_IS_NULL, 1, one), no_nulls));

    IceFieldMetrics all_nan = metric(5, 4, 0, 4, none, none);
    assert_true(metrics_match(leaf(&arena, ICE_EXPR_IS_NAN, 5, x1), all_nan));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_NOT_NAN, 5, x1), all_nan));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_LT, 5, x1), all_nan));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_EQ, 5, x1), all_nan));
    assert_true(metrics_match(leaf(&arena, ICE_EXPR_GT, 5, x1), all_nan));
    assert_true(metrics_match(leaf(&arena, ICE_EXPR_NOT_EQ, 5, x1), all_nan));
    IceFieldMetrics nan_and_null = metric(5, 4, 2, 2, none, none);
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_NOT_NAN, 5, x1), nan_and_null));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_EQ, 5, x1), nan_and_null));

    IceFieldMetrics zeros = metric(5, 3, 0, 0, ser(&arena, neg_zero), ser(&arena, neg_zero));
    assert_true(metrics_match(leaf(&arena, ICE_EXPR_EQ, 5, zero), zeros));
    assert_true(metrics_match(leaf(&arena, ICE_EXPR_GT_EQ, 5, zero), zeros));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_GT, 5, zero), zeros));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_LT, 5, neg_zero), zeros));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_NOT_EQ, 5, zero), zeros));
    IceFieldMetrics nan_bounds = metric(5, 3, 0, 0, ser(&arena, ice_value_double(NAN)),
                                        ser(&arena, ice_value_double(NAN)));
    assert_true(metrics_match(leaf(&arena, ICE_EXPR_LT, 5, x1), nan_bounds));
    IceValue nan_lit = ice_value_double(NAN);
    IceFieldMetrics ones = metric(5, 3, 0, 0, ser(&arena, x1), ser(&arena, x1));
    assert_true(metrics_match(ice_expr_cmp(&arena, ICE_EXPR_GT, 5, col_type(5), &nan_lit), ones));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_IS_NAN, 5, x1), ones));

    /* Unknown counts and bounds: everything may match. */
    IceFieldMetrics unknown = metric(2, -1, -1, -1, none, none);
    IceValue l5 = ice_value_long(5);
    static const IceExprOp ops[] = {ICE_EXPR_IS_NULL, ICE_EXPR_NOT_NULL, ICE_EXPR_LT,
                                    ICE_EXPR_GT,      ICE_EXPR_EQ,       ICE_EXPR_NOT_EQ};
    for (size_t i = 0; i < TN_ARRAY_LEN(ops); i++) {
        assert_true(metrics_match(leaf(&arena, ops[i], 2, l5), unknown));
    }
    /* Bounds written as int before the column became long. */
    IceFieldMetrics promoted =
            metric(2, 3, 0, -1, ser(&arena, ice_value_int(5)), ser(&arena, ice_value_int(10)));
    assert_false(metrics_match(leaf(&arena, ICE_EXPR_GT, 2, ice_value_long(10)), promoted));
    assert_true(metrics_match(leaf(&arena, ICE_EXPR_EQ, 2, ice_value_long(7)), promoted));
    assert_false(
            metrics_match(ice_expr_not(&arena, leaf(&arena, ICE_EXPR_GT_EQ, 2, l5)), promoted));
    assert_true(metrics_match(
            ice_expr_not(&arena, leaf(&arena, ICE_EXPR_GT, 2, ice_value_long(10))), promoted));
    /* Long IN lists are not compared with bounds. */
    IceValue many[ICE_EXPR_IN_LIMIT + 1];
    for (int i = 0; i <= ICE_EXPR_IN_LIMIT; i++) {
        many[i] = ice_value_long(100 + i);
    }
    assert_false(
            metrics_match(ice_expr_in(&arena, ICE_EXPR_IN, 2, col_type(2), many, 5), promoted));
    assert_true(metrics_match(
            ice_expr_in(&arena, ICE_EXPR_IN, 2, col_type(2), many, ICE_EXPR_IN_LIMIT + 1),
            promoted));
    /* No records, no match; a field without metrics may match. */
    const IceFileMetrics empty = {.record_count = 0};
    assert_false(ice_eval_metrics(ice_expr_true(), &schema, &empty));
    const IceFileMetrics bare = {.record_count = 3};
    assert_true(ice_eval_metrics(leaf(&arena, ICE_EXPR_EQ, 2, l5), &schema, &bare));
    assert_false(ice_eval_metrics(ice_expr_false(), &schema, &bare));
    arena_fini(&arena);
}

/* ---- brute force ------------------------------------------------------------------------ */

typedef struct Rng {
    uint64_t state;
} Rng;

static uint32_t rng_next(Rng *rng)
{
    rng->state ^= rng->state << 13;
    rng->state ^= rng->state >> 7;
    rng->state ^= rng->state << 17;
    return (uint32_t)(rng->state >> 16);
}

static uint32_t rng_below(Rng *rng, uint32_t n)
{
    return rng_next(rng) % n;
}

static bool rng_chance(Rng *rng, uint32_t percent)
{
    return rng_below(rng, 100) < percent;
}

#define DAY_US  INT64_C(86400000000)
#define HOUR_US INT64_C(3600000000)

static const int32_t dom_int[] = {-21, -11, -10, -1, 0, 1, 9, 10, 15, 20, INT32_MAX};
static const int64_t dom_long[] = {-5, 0, 5, 34, 35, 100, INT64_MAX};
static const int64_t dom_ts[] = {-DAY_US - 1,
                                 -HOUR_US - 1,
                                 -1,
                                 0,
                                 1,
                                 HOUR_US - 1,
                                 HOUR_US,
                                 DAY_US - 1,
                                 DAY_US,
                                 20416 * DAY_US,
                                 20416 * DAY_US + 10 * HOUR_US,
                                 20417 * DAY_US - 1,
                                 400 * DAY_US};
static const char *const dom_str[] = {"",
                                      "a",
                                      "ab",
                                      "abc",
                                      "abd",
                                      "abcd",
                                      "b",
                                      "\xc3\xa9",
                                      "\xc3\xa9"
                                      "a",
                                      "zz"};
static const double dom_dbl[] = {-1.5, -0.0, 0.0, 1.0, 2.5, NAN, INFINITY, -INFINITY};
static const int32_t dom_date[] = {-366, -32, -31, -1, 0, 1, 31, 20416};
static const int64_t dom_dec[] = {-150, -1, 0, 99, 100, 1065};
static const struct {
    const char *bytes;
    uint32_t len;
} dom_bin[] = {{"", 0}, {"\x00", 1}, {"\x00\x01", 2}, {"\x01", 1}, {"\xff", 1}, {"\xff\x00", 2}};

static IceValue random_value(Rng *rng, int32_t field_id)
{
    switch (field_id) {
    case 1:
        return ice_value_int(dom_int[rng_below(rng, TN_ARRAY_LEN(dom_int))]);
    case 2:
        return ice_value_long(dom_long[rng_below(rng, TN_ARRAY_LEN(dom_long))]);
    case 3:
        return ice_value_timestamptz(dom_ts[rng_below(rng, TN_ARRAY_LEN(dom_ts))]);
    case 4:
        return ice_value_cstring(dom_str[rng_below(rng, TN_ARRAY_LEN(dom_str))]);
    case 5:
        return ice_value_double(dom_dbl[rng_below(rng, TN_ARRAY_LEN(dom_dbl))]);
    case 6:
        return ice_value_date(dom_date[rng_below(rng, TN_ARRAY_LEN(dom_date))]);
    case 7:
        return ice_value_decimal(9, 2, dom_dec[rng_below(rng, TN_ARRAY_LEN(dom_dec))]);
    default: {
        uint32_t k = rng_below(rng, TN_ARRAY_LEN(dom_bin));
        return ice_value_binary((const uint8_t *)dom_bin[k].bytes, dom_bin[k].len);
    }
    }
}

/* -- the oracle: three-valued logic, two NaN rules -- */

typedef enum T3 {
    T3_FALSE,
    T3_TRUE,
    T3_NULL,
} T3;

static bool is_nan_value(const IceValue *v)
{
    return !v->is_null && v->type.id == ICE_DOUBLE && isnan(v->f64);
}

/* <0, 0, >0; *unordered under IEEE with a NaN. nan_last: NaN above all, equal to NaN. */
static int oracle_cmp(const IceValue *a, const IceValue *b, bool nan_last, bool *unordered)
{
    *unordered = false;
    switch (a->type.id) {
    case ICE_INT:
    case ICE_DATE:
        return (a->i32 > b->i32) - (a->i32 < b->i32);
    case ICE_LONG:
    case ICE_TIMESTAMPTZ:
        return (a->i64 > b->i64) - (a->i64 < b->i64);
    case ICE_DECIMAL:
        return (a->dec > b->dec) - (a->dec < b->dec);
    case ICE_DOUBLE: {
        bool an = isnan(a->f64), bn = isnan(b->f64);
        if (an || bn) {
            *unordered = !nan_last;
            return (int)an - (int)bn;
        }
        return (a->f64 > b->f64) - (a->f64 < b->f64);
    }
    default: {
        uint32_t n = TN_MIN(a->bytes.len, b->bytes.len);
        int c = n ? memcmp(a->bytes.ptr, b->bytes.ptr, n) : 0;
        if (c != 0)
            return c;
        return (a->bytes.len > b->bytes.len) - (a->bytes.len < b->bytes.len);
    }
    }
}

static T3 t3(bool b)
{
    return b ? T3_TRUE : T3_FALSE;
}

static T3 oracle_leaf(const IceExpr *e, const IceValue *v, bool nan_last)
{
    if (e->op == ICE_EXPR_IS_NULL)
        return t3(v->is_null);
    if (e->op == ICE_EXPR_NOT_NULL)
        return t3(!v->is_null);
    if (v->is_null)
        return T3_NULL;
    bool unordered = false;
    int c = 0;
    switch (e->op) {
    case ICE_EXPR_IS_NAN:
        return t3(is_nan_value(v));
    case ICE_EXPR_NOT_NAN:
        return t3(!is_nan_value(v));
    case ICE_EXPR_LT:
        c = oracle_cmp(v, &e->literals[0], nan_last, &unordered);
        return t3(!unordered && c < 0);
    case ICE_EXPR_LT_EQ:
        c = oracle_cmp(v, &e->literals[0], nan_last, &unordered);
        return t3(!unordered && c <= 0);
    case ICE_EXPR_GT:
        c = oracle_cmp(v, &e->literals[0], nan_last, &unordered);
        return t3(!unordered && c > 0);
    case ICE_EXPR_GT_EQ:
        c = oracle_cmp(v, &e->literals[0], nan_last, &unordered);
        return t3(!unordered && c >= 0);
    case ICE_EXPR_EQ:
        c = oracle_cmp(v, &e->literals[0], nan_last, &unordered);
        return t3(!unordered && c == 0);
    case ICE_EXPR_NOT_EQ:
        c = oracle_cmp(v, &e->literals[0], nan_last, &unordered);
        return t3(unordered || c != 0);
    case ICE_EXPR_IN:
    case ICE_EXPR_NOT_IN: {
        bool found = false;
        for (int32_t i = 0; i < e->n_literals; i++) {
            c = oracle_cmp(v, &e->literals[i], nan_last, &unordered);
            found |= !unordered && c == 0;
        }
        return t3(found == (e->op == ICE_EXPR_IN));
    }
    case ICE_EXPR_STARTS_WITH:
    case ICE_EXPR_NOT_STARTS_WITH: {
        const IceValue *p = &e->literals[0];
        bool starts = v->bytes.len >= p->bytes.len &&
                      (p->bytes.len == 0 || memcmp(v->bytes.ptr, p->bytes.ptr, p->bytes.len) == 0);
        return t3(starts == (e->op == ICE_EXPR_STARTS_WITH));
    }
    default:
        fail_msg("unexpected op %d", (int)e->op);
        return T3_NULL;
    }
}

/* Evaluate with values[field_id - base]. */
static T3 oracle(const IceExpr *e, const IceValue *values, int32_t base, bool nan_last)
{
    switch (e->op) {
    case ICE_EXPR_TRUE:
        return T3_TRUE;
    case ICE_EXPR_FALSE:
        return T3_FALSE;
    case ICE_EXPR_NOT: {
        T3 r = oracle(e->left, values, base, nan_last);
        return r == T3_NULL ? T3_NULL : t3(r == T3_FALSE);
    }
    case ICE_EXPR_AND: {
        T3 l = oracle(e->left, values, base, nan_last),
           r = oracle(e->right, values, base, nan_last);
        if (l == T3_FALSE || r == T3_FALSE)
            return T3_FALSE;
        return (l == T3_TRUE && r == T3_TRUE) ? T3_TRUE : T3_NULL;
    }
    case ICE_EXPR_OR: {
        T3 l = oracle(e->left, values, base, nan_last),
           r = oracle(e->right, values, base, nan_last);
        if (l == T3_TRUE || r == T3_TRUE)
            return T3_TRUE;
        return (l == T3_FALSE && r == T3_FALSE) ? T3_FALSE : T3_NULL;
    }
    default:
        return oracle_leaf(e, &values[e->field_id - base], nan_last);
    }
}

/* -- random expressions -- */

static const IceExpr *random_leaf(Arena *arena, Rng *rng)
{
    if (rng_chance(rng, 3))
        return rng_chance(rng, 50) ? ice_expr_true() : ice_expr_false();
    int32_t field_id = 1 + (int32_t)rng_below(rng, N_COLS);
    IcePrim type = col_type(field_id);
    IceExprOp ops[16];
    int n_ops = 0;
    static const IceExprOp common[] = {
            ICE_EXPR_IS_NULL, ICE_EXPR_NOT_NULL, ICE_EXPR_LT,     ICE_EXPR_LT_EQ, ICE_EXPR_GT,
            ICE_EXPR_GT_EQ,   ICE_EXPR_EQ,       ICE_EXPR_NOT_EQ, ICE_EXPR_IN,    ICE_EXPR_NOT_IN};
    for (size_t i = 0; i < TN_ARRAY_LEN(common); i++) {
        ops[n_ops++] = common[i];
    }
    if (type.id == ICE_DOUBLE) {
        ops[n_ops++] = ICE_EXPR_IS_NAN;
        ops[n_ops++] = ICE_EXPR_NOT_NAN;
    }
    if (type.id == ICE_STRING) {
        ops[n_ops++] = ICE_EXPR_STARTS_WITH;
        ops[n_ops++] = ICE_EXPR_NOT_STARTS_WITH;
        ops[n_ops++] = ICE_EXPR_STARTS_WITH;
    }
    IceExprOp op = ops[rng_below(rng, (uint32_t)n_ops)];
    if (op == ICE_EXPR_IS_NULL || op == ICE_EXPR_NOT_NULL || op == ICE_EXPR_IS_NAN ||
        op == ICE_EXPR_NOT_NAN)
        return ice_expr_unary(arena, op, field_id, type);
    if (op == ICE_EXPR_IN || op == ICE_EXPR_NOT_IN) {
        IceValue lits[3];
        int32_t n = 1 + (int32_t)rng_below(rng, 3);
        for (int32_t i = 0; i < n; i++) {
            lits[i] = random_value(rng, field_id);
        }
        return ice_expr_in(arena, op, field_id, type, lits, n);
    }
    IceValue lit = random_value(rng, field_id);
    return ice_expr_cmp(arena, op, field_id, type, &lit);
}

static const IceExpr *random_expr(Arena *arena, Rng *rng, int depth)
{
    if (depth == 0 || rng_chance(rng, 45))
        return random_leaf(arena, rng);
    switch (rng_below(rng, 3)) {
    case 0:
        return ice_expr_and(arena, random_expr(arena, rng, depth - 1),
                            random_expr(arena, rng, depth - 1));
    case 1:
        return ice_expr_or(arena, random_expr(arena, rng, depth - 1),
                           random_expr(arena, rng, depth - 1));
    default:
        return ice_expr_not(arena, random_expr(arena, rng, depth - 1));
    }
}

/* -- random specs, files and manifests -- */

static const struct {
    int32_t source_id;
    IceTransform tr;
} field_pool[] = {
        {3, {ICE_TR_DAY, 0}},       {3, {ICE_TR_HOUR, 0}},     {3, {ICE_TR_MONTH, 0}},
        {3, {ICE_TR_YEAR, 0}},      {6, {ICE_TR_DAY, 0}},      {6, {ICE_TR_MONTH, 0}},
        {6, {ICE_TR_YEAR, 0}},      {6, {ICE_TR_IDENTITY, 0}}, {1, {ICE_TR_TRUNCATE, 10}},
        {1, {ICE_TR_BUCKET, 3}},    {1, {ICE_TR_IDENTITY, 0}}, {2, {ICE_TR_BUCKET, 4}},
        {2, {ICE_TR_TRUNCATE, 3}},  {4, {ICE_TR_TRUNCATE, 2}}, {4, {ICE_TR_BUCKET, 3}},
        {4, {ICE_TR_IDENTITY, 0}},  {4, {ICE_TR_TRUNCATE, 1}}, {5, {ICE_TR_IDENTITY, 0}},
        {7, {ICE_TR_TRUNCATE, 50}}, {7, {ICE_TR_IDENTITY, 0}}, {8, {ICE_TR_TRUNCATE, 1}},
        {8, {ICE_TR_IDENTITY, 0}},  {2, {ICE_TR_VOID, 0}},     {8, {ICE_TR_BUCKET, 2}},
};

#define MAX_SPEC_FIELDS 3
#define MAX_ROWS        5
#define MAX_FILES       4

typedef struct TestFile {
    IceValue rows[MAX_ROWS][N_COLS];
    int n_rows;
    IceValue tuple[MAX_SPEC_FIELDS];
    IceFieldMetrics metrics[N_COLS];
    IceFileMetrics file_metrics;
} TestFile;

static void tuple_of(const IcePartitionSpec *spec, const IceValue *row, IceValue *tuple)
{
    Err err;
    for (int32_t i = 0; i < spec->n_fields; i++) {
        const IceValue *src = &row[spec->fields[i].source_id - 1];
        assert_ok(ice_transform_apply(spec->fields[i].transform, src, &tuple[i], &err), &err);
    }
}

static bool same_tuple(const IcePartitionSpec *spec, const IceValue *a, const IceValue *b)
{
    for (int32_t i = 0; i < spec->n_fields; i++) {
        if (a[i].is_null != b[i].is_null)
            return false;
        if (!a[i].is_null && ice_value_compare(&a[i], &b[i]) != 0)
            return false;
    }
    return true;
}

static void random_row(Rng *rng, IceValue *row)
{
    for (int32_t c = 0; c < N_COLS; c++) {
        row[c] = rng_chance(rng, 18) ? ice_value_null(col_type(c + 1)) : random_value(rng, c + 1);
    }
}

/* Bounds (maybe truncated prefixes for strings and binaries) and counts, some unknown. */
static void compute_metrics(Arena *arena, Rng *rng, TestFile *f)
{
    for (int32_t c = 0; c < N_COLS; c++) {
        IceFieldMetrics *m = &f->metrics[c];
        *m = (IceFieldMetrics){.field_id = c + 1};
        const IceValue *lo = NULL, *hi = NULL;
        for (int r = 0; r < f->n_rows; r++) {
            const IceValue *v = &f->rows[r][c];
            m->value_count++;
            if (v->is_null) {
                m->null_count++;
                continue;
            }
            if (is_nan_value(v)) {
                m->nan_count++;
                continue;
            }
            if (!lo || ice_value_compare(v, lo) < 0)
                lo = v;
            if (!hi || ice_value_compare(v, hi) > 0)
                hi = v;
        }
        if (c + 1 != 5 && rng_chance(rng, 50))
            m->nan_count = -1;
        if (rng_chance(rng, 10))
            m->value_count = -1;
        if (rng_chance(rng, 10))
            m->null_count = -1;
        if (rng_chance(rng, 10))
            m->nan_count = -1;
        if (lo && !rng_chance(rng, 10)) {
            IceValue l = *lo, h = *hi;
            bool is_bytes = l.type.id == ICE_STRING || l.type.id == ICE_BINARY;
            if (is_bytes && rng_chance(rng, 40)) {
                l.bytes.len = rng_below(rng, l.bytes.len + 1);
                h.bytes.len = rng_below(rng, h.bytes.len + 1);
            }
            m->lower = ser(arena, l);
            m->upper = ser(arena, h);
        }
    }
    int32_t n_fields = rng_chance(rng, 10) ? (int32_t)rng_below(rng, N_COLS) : N_COLS;
    f->file_metrics = (IceFileMetrics){.record_count = rng_chance(rng, 10) ? -1 : f->n_rows,
                                       .fields = f->metrics,
                                       .n_fields = n_fields};
}

static void random_file(Arena *arena, Rng *rng, const IcePartitionSpec *spec, TestFile *f)
{
    random_row(rng, f->rows[0]);
    f->n_rows = 1;
    tuple_of(spec, f->rows[0], f->tuple);
    int target = 1 + (int)rng_below(rng, MAX_ROWS);
    for (int attempt = 0; attempt < 40 && f->n_rows < target; attempt++) {
        IceValue row[N_COLS], tuple[MAX_SPEC_FIELDS];
        random_row(rng, row);
        tuple_of(spec, row, tuple);
        if (same_tuple(spec, tuple, f->tuple)) {
            memcpy(f->rows[f->n_rows], row, sizeof row);
            f->n_rows++;
        }
    }
    compute_metrics(arena, rng, f);
}

static void summarize(Arena *arena, Rng *rng, const IcePartitionSpec *spec, const IcePrim *types,
                      const TestFile *files, int n_files, IcePartitionFieldSummary *out)
{
    for (int32_t i = 0; i < spec->n_fields; i++) {
        IcePartitionFieldSummary *s = &out[i];
        *s = (IcePartitionFieldSummary){.contains_nan = 0};
        const IceValue *lo = NULL, *hi = NULL;
        for (int k = 0; k < n_files; k++) {
            const IceValue *v = &files[k].tuple[i];
            if (v->is_null) {
                s->contains_null = true;
            } else if (is_nan_value(v)) {
                s->contains_nan = 1;
            } else {
                if (!lo || ice_value_compare(v, lo) < 0)
                    lo = v;
                if (!hi || ice_value_compare(v, hi) > 0)
                    hi = v;
            }
        }
        if (rng_chance(rng, 20))
            s->contains_nan = -1;
        if (lo) {
            IceValue l = *lo, h = *hi;
            l.type = types[i];
            h.type = types[i];
            s->lower = ser(arena, l);
            s->upper = ser(arena, h);
        }
    }
}

/* -- Parquet statistics, judged as pq_reader_row_group_may_match does -- */

static bool pq_pred_may_match(const PqPredicate *p, const TestFile *f)
{
    int32_t c = p->col;
    int64_t nulls = 0;
    const IceValue *lo = NULL, *hi = NULL;
    for (int r = 0; r < f->n_rows; r++) {
        const IceValue *v = &f->rows[r][c];
        if (v->is_null) {
            nulls++;
        } else if (!is_nan_value(v)) {
            bool unordered;
            if (!lo || oracle_cmp(v, lo, false, &unordered) < 0)
                lo = v;
            if (!hi || oracle_cmp(v, hi, false, &unordered) > 0)
                hi = v;
        }
    }
    if (p->cmp == PQ_CMP_IS_NULL)
        return nulls > 0;
    if (nulls >= f->n_rows)
        return false;
    if (p->cmp == PQ_CMP_IS_NOT_NULL || !lo)
        return true;
    IcePrim type = col_type(c + 1);
    IceValue k = {.type = type};
    switch (type.id) {
    case ICE_INT:
    case ICE_DATE:
        k.i32 = (int32_t)p->i64;
        break;
    case ICE_DOUBLE:
        k.f64 = p->f64;
        break;
    case ICE_DECIMAL:
        k.dec = p->i64;
        break;
    case ICE_STRING:
    case ICE_BINARY:
        k.bytes.ptr = (const uint8_t *)p->str.ptr;
        k.bytes.len = p->str.len;
        break;
    default:
        k.i64 = p->i64;
        break;
    }
    bool unordered;
    int lo_cmp = oracle_cmp(lo, &k, false, &unordered),
        hi_cmp = oracle_cmp(hi, &k, false, &unordered);
    switch (p->cmp) {
    case PQ_CMP_EQ:
        return lo_cmp <= 0 && hi_cmp >= 0;
    case PQ_CMP_LT:
        return lo_cmp < 0;
    case PQ_CMP_LE:
        return lo_cmp <= 0;
    case PQ_CMP_GT:
        return hi_cmp > 0;
    case PQ_CMP_GE:
        return hi_cmp >= 0;
    case PQ_CMP_IS_NULL:
    case PQ_CMP_IS_NOT_NULL:
        return true;
    }
    return true;
}

/* -- the check -- */

/* How often each evaluator pruned: a conservative "always true" would pass the checks,
 * so the test also demands that each one prunes something. */
typedef struct Counts {
    int files, metrics_pruned, partition_pruned, pq_pruned, residual_decided;
    int manifests, summaries_pruned;
} Counts;

typedef struct Trial {
    uint64_t seed;
    int number;
    const IceExpr *expr;
    const IcePartitionSpec *spec;
    Counts *counts;
} Trial;

static void trial_fail(const Trial *t, const char *what)
{
    char text[1024], spec_text[256] = "";
    ice_expr_format(t->expr, &schema, text, sizeof text);
    for (int32_t i = 0; i < t->spec->n_fields; i++) {
        char tr[ICE_TRANSFORM_NAME_CAP];
        ice_transform_format(t->spec->fields[i].transform, tr, sizeof tr);
        size_t len = strlen(spec_text);
        snprintf(spec_text + len, sizeof spec_text - len, "%s%s(#%d)", i ? ", " : "", tr,
                 t->spec->fields[i].source_id);
    }
    fail_msg("seed %llu trial %d: %s\n  expr: %s\n  spec: [%s]", (unsigned long long)t->seed,
             t->number, what, text, spec_text);
}

static bool file_matches(const IceExpr *e, const TestFile *f, bool nan_last)
{
    for (int r = 0; r < f->n_rows; r++) {
        if (oracle(e, f->rows[r], 1, nan_last) == T3_TRUE)
            return true;
    }
    return false;
}

static void check_file(Arena *arena, const Trial *t, const IceExpr *part_expr, const TestFile *f)
{
    static const int32_t col_ids[N_COLS] = {1, 2, 3, 4, 5, 6, 7, 8};
    Err err;
    bool matches = false;
    for (int mode = 0; mode < 2; mode++) {
        bool nan_last = mode == 1;
        if (!file_matches(t->expr, f, nan_last))
            continue;
        matches = true;
        if (oracle(part_expr, f->tuple, 1000, nan_last) != T3_TRUE)
            trial_fail(t, "inclusive projection is false on a matching row's partition");
    }
    bool metrics_ok = ice_eval_metrics(t->expr, &schema, &f->file_metrics);
    bool partition_ok = ice_eval_partition(part_expr, t->spec, f->tuple);
    if (matches && !metrics_ok)
        trial_fail(t, "ice_eval_metrics pruned a file with a matching row");
    if (matches && !partition_ok)
        trial_fail(t, "ice_eval_partition pruned a partition with a matching row");
    t->counts->files++;
    t->counts->metrics_pruned += !metrics_ok;
    t->counts->partition_pruned += !partition_ok;
    const IceExpr *residual;
    assert_ok(ice_expr_residual(arena, t->expr, t->spec, &schema, f->tuple, &residual, &err), &err);
    for (int r = 0; r < f->n_rows; r++) {
        for (int mode = 0; mode < 2; mode++) {
            bool want = oracle(t->expr, f->rows[r], 1, mode == 1) == T3_TRUE;
            bool got = oracle(residual, f->rows[r], 1, mode == 1) == T3_TRUE;
            if (want != got)
                trial_fail(t, "the residual selects different rows");
        }
    }
    bool is_constant = t->expr->op == ICE_EXPR_TRUE || t->expr->op == ICE_EXPR_FALSE;
    t->counts->residual_decided +=
            !is_constant && (residual->op == ICE_EXPR_TRUE || residual->op == ICE_EXPR_FALSE);
    PqPredicate preds[16];
    int32_t n = ice_expr_to_pq_predicates(t->expr, col_ids, N_COLS, preds, 16);
    bool pq_ok = true;
    for (int32_t i = 0; i < n; i++) {
        pq_ok &= pq_pred_may_match(&preds[i], f);
    }
    if (matches && !pq_ok)
        trial_fail(t, "a Parquet predicate pruned a row group with a matching row");
    t->counts->pq_pruned += !pq_ok;
}

static void run_trials(uint64_t seed, int n_trials)
{
    Rng rng = {seed};
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    print_message("brute force: seed %llu, %d trials\n", (unsigned long long)seed, n_trials);
    Counts counts = {0};
    for (int trial = 0; trial < n_trials; trial++) {
        arena_reset(&arena);
        IcePartitionField fields[MAX_SPEC_FIELDS];
        int32_t n_fields = (int32_t)rng_below(&rng, MAX_SPEC_FIELDS + 1);
        for (int32_t i = 0; i < n_fields; i++) {
            uint32_t k = rng_below(&rng, TN_ARRAY_LEN(field_pool));
            fields[i] = (IcePartitionField){.source_id = field_pool[k].source_id,
                                            .field_id = 1000 + i,
                                            .name = "p",
                                            .transform = field_pool[k].tr};
        }
        const IcePartitionSpec spec = {.spec_id = 1, .fields = fields, .n_fields = n_fields};
        IcePrim *types;
        assert_ok(ice_partition_spec_result_types(&spec, &schema, &arena, &types, &err), &err);
        TestFile files[MAX_FILES];
        int n_files = 1 + (int)rng_below(&rng, MAX_FILES);
        for (int k = 0; k < n_files; k++) {
            random_file(&arena, &rng, &spec, &files[k]);
        }
        IcePartitionFieldSummary sums[MAX_SPEC_FIELDS];
        summarize(&arena, &rng, &spec, types, files, n_files, sums);
        for (int e = 0; e < 4; e++) {
            const IceExpr *expr = random_expr(&arena, &rng, 3);
            assert_non_null(expr);
            const Trial t = {seed, trial, expr, &spec, &counts};
            const IceExpr *part_expr;
            assert_ok(ice_expr_project_inclusive(&arena, expr, &spec, &schema, &part_expr, &err),
                      &err);
            bool any = false;
            for (int k = 0; k < n_files; k++) {
                check_file(&arena, &t, part_expr, &files[k]);
                bool matches =
                        file_matches(expr, &files[k], false) || file_matches(expr, &files[k], true);
                any |= matches;
            }
            bool summaries_ok = ice_eval_summaries(part_expr, &spec, types, sums, n_fields);
            if (any && !summaries_ok)
                trial_fail(&t, "ice_eval_summaries pruned a manifest with a matching row");
            counts.manifests++;
            counts.summaries_pruned += !summaries_ok;
        }
    }
    print_message("brute force: of %d files, metrics pruned %d, partitions %d, Parquet %d, "
                  "residuals decided %d; of %d manifests, summaries pruned %d\n",
                  counts.files, counts.metrics_pruned, counts.partition_pruned, counts.pq_pruned,
                  counts.residual_decided, counts.manifests, counts.summaries_pruned);
    assert_true(counts.metrics_pruned > counts.files / 10);
    assert_true(counts.partition_pruned > counts.files / 20);
    assert_true(counts.pq_pruned > counts.files / 20);
    assert_true(counts.residual_decided > counts.files / 20);
    assert_true(counts.summaries_pruned > counts.manifests / 40);
    arena_fini(&arena);
}

/* Two fixed seeds; TARN_TEST_SEED=N runs seed N instead (with TARN_TEST_TRIALS trials). */
static void ice_eval_brute_force_never_prunes_a_match(void **state)
{
    (void)state;
    const char *seed = getenv("TARN_TEST_SEED");
    if (seed) {
        const char *trials = getenv("TARN_TEST_TRIALS");
        run_trials(strtoull(seed, NULL, 10), trials ? atoi(trials) : 3000);
        return;
    }
    run_trials(0x9e3779b97f4a7c15ULL, 3000);
    run_trials(20251124, 3000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(ice_eval_summaries_uses_bounds_nulls_and_nans),
            cmocka_unit_test(ice_eval_partition_is_exact_on_the_tuple),
            cmocka_unit_test(ice_eval_metrics_handles_truncated_string_bounds),
            cmocka_unit_test(ice_eval_metrics_handles_nulls_nans_and_zeros),
            cmocka_unit_test(ice_eval_brute_force_never_prunes_a_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
