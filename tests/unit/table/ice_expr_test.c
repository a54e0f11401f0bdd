/* ice_expr_test.c — unit tests for table/ice_expr (building): constant folding, IN lists
 * (sorted, distinct, NULLs), the checked binder (casts, out-of-range int literals, NaN and
 * type errors), NOT push-down, text, and the mapping to Parquet row-group predicates. */
#include <math.h>
#include <string.h>

#include "table/ice_expr.h"
#include "test_util.h"

static const IcePrim t_int = {.id = ICE_INT}, t_long = {.id = ICE_LONG};
static const IcePrim t_str = {.id = ICE_STRING}, t_dbl = {.id = ICE_DOUBLE};

static void check_text(const IceExpr *expr, const IceSchema *schema, const char *want)
{
    assert_non_null(expr);
    char buf[256];
    size_t len = ice_expr_format(expr, schema, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fail_msg("got \"%s\", want \"%s\"", buf, want);
    assert_int_equal(len, strlen(want));
}

static void ice_expr_and_or_not_fold_constants(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const IceExpr *t = ice_expr_true(), *f = ice_expr_false();
    const IceExpr *p = ice_expr_unary(&arena, ICE_EXPR_IS_NULL, 1, t_int);
    assert_ptr_equal(ice_expr_and(&arena, t, p), p);
    assert_ptr_equal(ice_expr_and(&arena, p, t), p);
    assert_ptr_equal(ice_expr_and(&arena, p, f), f);
    assert_ptr_equal(ice_expr_or(&arena, f, p), p);
    assert_ptr_equal(ice_expr_or(&arena, p, t), t);
    assert_ptr_equal(ice_expr_not(&arena, t), f);
    assert_ptr_equal(ice_expr_not(&arena, f), t);
    const IceExpr *np = ice_expr_not(&arena, p);
    assert_int_equal(np->op, ICE_EXPR_NOT);
    assert_ptr_equal(ice_expr_not(&arena, np), p);
    assert_null(ice_expr_and(&arena, NULL, p));
    assert_null(ice_expr_or(&arena, p, NULL));
    assert_null(ice_expr_not(&arena, NULL));
    const IceExpr *both = ice_expr_and(&arena, p, np);
    assert_int_equal(both->op, ICE_EXPR_AND);
    check_text(both, NULL, "(#1 is null and not #1 is null)");
    arena_fini(&arena);
}

static void ice_expr_in_sorts_dedupes_and_handles_nulls(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    IceValue lits[5] = {ice_value_int(5), ice_value_int(-1), ice_value_int(5),
                        ice_value_null(t_int), ice_value_int(3)};
    const IceExpr *in = ice_expr_in(&arena, ICE_EXPR_IN, 7, t_int, lits, 5);
    assert_int_equal(in->op, ICE_EXPR_IN);
    assert_int_equal(in->n_literals, 3);
    check_text(in, NULL, "#7 in (-1, 3, 5)");
    assert_ptr_equal(ice_expr_in(&arena, ICE_EXPR_NOT_IN, 7, t_int, lits, 5), ice_expr_false());
    const IceExpr *one = ice_expr_in(&arena, ICE_EXPR_IN, 7, t_int, lits, 1);
    check_text(one, NULL, "#7 = 5");
    check_text(ice_expr_in(&arena, ICE_EXPR_NOT_IN, 7, t_int, lits, 3), NULL, "#7 not in (-1, 5)");
    check_text(ice_expr_in(&arena, ICE_EXPR_NOT_IN, 7, t_int, lits, 1), NULL, "#7 != 5");
    assert_ptr_equal(ice_expr_in(&arena, ICE_EXPR_IN, 7, t_int, NULL, 0), ice_expr_false());
    assert_ptr_equal(ice_expr_in(&arena, ICE_EXPR_NOT_IN, 7, t_int, NULL, 0), ice_expr_true());
    IceValue null_lit = ice_value_null(t_int);
    assert_ptr_equal(ice_expr_cmp(&arena, ICE_EXPR_EQ, 7, t_int, &null_lit), ice_expr_false());
    arena_fini(&arena);
}

static void ice_expr_cmp_copies_literal_bytes(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    char text[] = "route-a";
    IceValue lit = ice_value_cstring(text);
    const IceExpr *e = ice_expr_cmp(&arena, ICE_EXPR_EQ, 4, t_str, &lit);
    text[0] = 'X';
    check_text(e, NULL, "#4 = 'route-a'");
    arena_fini(&arena);
}

static const IceExpr *bind_ok(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type,
                              const IceValue *lits, int32_t n)
{
    Err err;
    const IceExpr *out = NULL;
    assert_ok(ice_expr_bind(arena, op, field_id, type, lits, n, &out, &err), &err);
    return out;
}

static void bind_fails(Arena *arena, IceExprOp op, IcePrim type, const IceValue *lits, int32_t n,
                       const char *want)
{
    Err err;
    const IceExpr *out = ice_expr_true();
    assert_int_equal(ice_expr_bind(arena, op, 9, type, lits, n, &out, &err), ERR_INVALID);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    assert_ptr_equal(out, ice_expr_true());
}

static void ice_expr_bind_casts_and_folds_literals(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const IcePrim t_tstz = {.id = ICE_TIMESTAMPTZ};
    const IcePrim t_dec = {.id = ICE_DECIMAL, .precision = 9, .scale = 2};
    IceValue when = ice_value_cstring("2025-11-24T10:15:00Z");
    check_text(bind_ok(&arena, ICE_EXPR_GT_EQ, 3, t_tstz, &when, 1), NULL,
               "#3 >= '2025-11-24T10:15:00Z'");
    IceValue dec = ice_value_int(14);
    check_text(bind_ok(&arena, ICE_EXPR_EQ, 5, t_dec, &dec, 1), NULL, "#5 = 14.00");
    IceValue ints[3] = {ice_value_long(7), ice_value_long(1LL << 40), ice_value_int(2)};
    check_text(bind_ok(&arena, ICE_EXPR_IN, 1, t_int, ints, 3), NULL, "#1 in (2, 7)");
    check_text(bind_ok(&arena, ICE_EXPR_NOT_IN, 1, t_int, ints, 3), NULL, "#1 not in (2, 7)");
    check_text(bind_ok(&arena, ICE_EXPR_IN, 1, t_int, &ints[1], 1), NULL, "false");
    check_text(bind_ok(&arena, ICE_EXPR_NOT_IN, 1, t_int, &ints[1], 1), NULL, "#1 is not null");

    /* An int column against a long beyond int range. */
    static const struct {
        IceExprOp op;
        int64_t lit;
        const char *want;
    } folds[] = {
            {ICE_EXPR_LT, 1LL << 40, "#1 is not null"},
            {ICE_EXPR_LT_EQ, 1LL << 40, "#1 is not null"},
            {ICE_EXPR_GT, 1LL << 40, "false"},
            {ICE_EXPR_GT_EQ, 1LL << 40, "false"},
            {ICE_EXPR_EQ, 1LL << 40, "false"},
            {ICE_EXPR_NOT_EQ, 1LL << 40, "#1 is not null"},
            {ICE_EXPR_GT, -(1LL << 40), "#1 is not null"},
            {ICE_EXPR_LT, -(1LL << 40), "false"},
            {ICE_EXPR_NOT_EQ, -(1LL << 40), "#1 is not null"},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(folds); i++) {
        IceValue lit = ice_value_long(folds[i].lit);
        check_text(bind_ok(&arena, folds[i].op, 1, t_int, &lit, 1), NULL, folds[i].want);
    }
    IceValue in_range = ice_value_long(INT32_MAX);
    check_text(bind_ok(&arena, ICE_EXPR_LT, 1, t_int, &in_range, 1), NULL, "#1 < 2147483647");
    check_text(bind_ok(&arena, ICE_EXPR_IS_NAN, 6, t_dbl, NULL, 0), NULL, "is_nan(#6)");
    IceValue prefix = ice_value_cstring("ab");
    check_text(bind_ok(&arena, ICE_EXPR_STARTS_WITH, 4, t_str, &prefix, 1), NULL,
               "starts_with(#4, 'ab')");
    arena_fini(&arena);
}

static void ice_expr_bind_rejects_what_cannot_be_bound(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    IceValue nan = ice_value_double(NAN), one = ice_value_int(1), s = ice_value_cstring("x");
    IceValue two[2] = {one, one};
    bind_fails(&arena, ICE_EXPR_EQ, t_dbl, &nan, 1, "NaN cannot be compared");
    bind_fails(&arena, ICE_EXPR_IN, t_dbl, &nan, 1, "use is_nan");
    bind_fails(&arena, ICE_EXPR_IS_NAN, t_int, NULL, 0, "needs a float or double column");
    bind_fails(&arena, ICE_EXPR_STARTS_WITH, t_int, &one, 1, "needs a string column");
    bind_fails(&arena, ICE_EXPR_EQ, t_int, two, 2, "takes one literal, not 2");
    bind_fails(&arena, ICE_EXPR_IS_NULL, t_int, &one, 1, "takes no literal");
    bind_fails(&arena, ICE_EXPR_AND, t_int, NULL, 0, "not a predicate");
    bind_fails(&arena, ICE_EXPR_EQ, t_int, &s, 1, "predicate = on field #9: cannot convert string");
    IceValue bad_date = ice_value_cstring("2025-02-30");
    bind_fails(&arena, ICE_EXPR_LT, (IcePrim){.id = ICE_DATE}, &bad_date, 1, "2025-02-30");
    arena_fini(&arena);
}

static void ice_expr_rewrite_not_pushes_into_predicates(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    IceValue five = ice_value_int(5), a = ice_value_cstring("a");
    const IceExpr *lt = ice_expr_cmp(&arena, ICE_EXPR_LT, 1, t_int, &five);
    const IceExpr *sw = ice_expr_cmp(&arena, ICE_EXPR_STARTS_WITH, 2, t_str, &a);
    const IceExpr *nul = ice_expr_unary(&arena, ICE_EXPR_IS_NULL, 3, t_int);
    const IceExpr *e = ice_expr_not(
            &arena, ice_expr_and(&arena, lt, ice_expr_or(&arena, sw, ice_expr_not(&arena, nul))));
    check_text(e, NULL, "not (#1 < 5 and (starts_with(#2, 'a') or not #3 is null))");
    const IceExpr *r = ice_expr_rewrite_not(&arena, e);
    check_text(r, NULL, "(#1 >= 5 or (not starts_with(#2, 'a') and #3 is null))");
    /* NOT over a double comparison stays: NOT (NaN >= 1) holds under IEEE rules, NaN < 1
     * does not. NOT over is_nan is exact. */
    IceValue one = ice_value_double(1.0);
    const IceExpr *ge = ice_expr_cmp(&arena, ICE_EXPR_GT_EQ, 6, t_dbl, &one);
    check_text(ice_expr_rewrite_not(&arena, ice_expr_not(&arena, ice_expr_or(&arena, ge, lt))),
               NULL, "(not #6 >= 1.0 and #1 >= 5)");
    check_text(ice_expr_rewrite_not(
                       &arena,
                       ice_expr_not(&arena, ice_expr_unary(&arena, ICE_EXPR_IS_NAN, 6, t_dbl))),
               NULL, "not is_nan(#6)");
    PqPredicate preds[4];
    const int32_t cols[] = {6};
    assert_int_equal(ice_expr_to_pq_predicates(ice_expr_not(&arena, ge), cols, 1, preds, 4), 0);
    /* A tree without NOT comes back as it is. */
    const IceExpr *plain = ice_expr_and(&arena, lt, sw);
    assert_ptr_equal(ice_expr_rewrite_not(&arena, plain), plain);
    static const IceExprOp ops[] = {ICE_EXPR_IS_NULL,     ICE_EXPR_IS_NAN, ICE_EXPR_LT,
                                    ICE_EXPR_LT_EQ,       ICE_EXPR_EQ,     ICE_EXPR_IN,
                                    ICE_EXPR_STARTS_WITH, ICE_EXPR_TRUE,   ICE_EXPR_AND};
    for (size_t i = 0; i < TN_ARRAY_LEN(ops); i++) {
        assert_int_equal(ice_expr_negate_op(ice_expr_negate_op(ops[i])), ops[i]);
        assert_int_not_equal(ice_expr_negate_op(ops[i]), ops[i]);
    }
    assert_int_equal(ice_expr_negate_op(ICE_EXPR_GT), ICE_EXPR_LT_EQ);
    arena_fini(&arena);
}

static void ice_expr_format_uses_schema_names_and_truncates(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const IceType ty_str = {.id = ICE_STRING, .prim = {.id = ICE_STRING}};
    const IceField fields[] = {{.id = 4, .name = "route", .type = &ty_str}};
    const IceSchema schema = {.fields = fields, .n_fields = 1};
    IceValue lits[2] = {ice_value_cstring("b"), ice_value_cstring("a")};
    const IceExpr *e = ice_expr_or(&arena, ice_expr_in(&arena, ICE_EXPR_IN, 4, t_str, lits, 2),
                                   ice_expr_unary(&arena, ICE_EXPR_NOT_NAN, 6, t_dbl));
    check_text(e, &schema, "(route in ('a', 'b') or not is_nan(#6))");
    char small[10];
    size_t len = ice_expr_format(e, &schema, small, sizeof small);
    assert_int_equal(len, strlen("(route in ('a', 'b') or not is_nan(#6))"));
    assert_string_equal(small, "(route in");
    check_text(ice_expr_true(), NULL, "true");
    arena_fini(&arena);
}

static void ice_expr_to_pq_predicates_maps_top_level_conjuncts(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const int32_t col_ids[] = {10, 1, 2, 6, 4};
    IceValue five = ice_value_int(5), lng = ice_value_long(-3), d = ice_value_double(2.5);
    IceValue set[3] = {ice_value_long(9), ice_value_long(4), ice_value_long(7)};
    IceValue pre = ice_value_cstring("ab");
    const IceExpr *e = ice_expr_and(
            &arena,
            ice_expr_and(&arena, ice_expr_cmp(&arena, ICE_EXPR_LT_EQ, 1, t_int, &five),
                         ice_expr_not(&arena, ice_expr_cmp(&arena, ICE_EXPR_LT, 2, t_long, &lng))),
            ice_expr_and(
                    &arena,
                    ice_expr_and(&arena, ice_expr_cmp(&arena, ICE_EXPR_GT, 6, t_dbl, &d),
                                 ice_expr_in(&arena, ICE_EXPR_IN, 2, t_long, set, 3)),
                    ice_expr_and(
                            &arena, ice_expr_cmp(&arena, ICE_EXPR_STARTS_WITH, 4, t_str, &pre),
                            ice_expr_or(&arena, ice_expr_unary(&arena, ICE_EXPR_IS_NULL, 1, t_int),
                                        ice_expr_unary(&arena, ICE_EXPR_IS_NULL, 2, t_long)))));
    PqPredicate preds[8];
    int32_t n = ice_expr_to_pq_predicates(e, col_ids, 5, preds, 8);
    assert_int_equal(n, 5);
    assert_int_equal(preds[0].col, 1);
    assert_int_equal(preds[0].cmp, PQ_CMP_LE);
    assert_int_equal(preds[0].i64, 5);
    assert_int_equal(preds[1].col, 2);
    assert_int_equal(preds[1].cmp, PQ_CMP_GE); /* NOT (l < -3) */
    assert_int_equal(preds[1].i64, -3);
    /* the double > 2.5 is left out; IN gives >= 4 and <= 9 */
    assert_int_equal(preds[2].cmp, PQ_CMP_GE);
    assert_int_equal(preds[2].i64, 4);
    assert_int_equal(preds[3].cmp, PQ_CMP_LE);
    assert_int_equal(preds[3].i64, 9);
    assert_int_equal(preds[4].col, 4);
    assert_int_equal(preds[4].cmp, PQ_CMP_GE);
    assert_int_equal(preds[4].str.len, 2);
    assert_memory_equal(preds[4].str.ptr, "ab", 2);
    assert_int_equal(ice_expr_to_pq_predicates(e, col_ids, 5, preds, 2), 2);

    const IceExpr *d_lt = ice_expr_cmp(&arena, ICE_EXPR_LT, 6, t_dbl, &d);
    assert_int_equal(ice_expr_to_pq_predicates(d_lt, col_ids, 5, preds, 8), 1);
    assert_true(preds[0].f64 == 2.5);
    const IceExpr *not_null =
            ice_expr_not(&arena, ice_expr_unary(&arena, ICE_EXPR_IS_NULL, 10, t_int));
    assert_int_equal(ice_expr_to_pq_predicates(not_null, col_ids, 5, preds, 8), 1);
    assert_int_equal(preds[0].col, 0);
    assert_int_equal(preds[0].cmp, PQ_CMP_IS_NOT_NULL);
    /* NOT (a OR b) is a conjunction; a predicate on an unmapped field is dropped. */
    const IceExpr *nor = ice_expr_not(
            &arena, ice_expr_or(&arena, ice_expr_cmp(&arena, ICE_EXPR_GT, 1, t_int, &five),
                                ice_expr_cmp(&arena, ICE_EXPR_EQ, 99, t_int, &five)));
    assert_int_equal(ice_expr_to_pq_predicates(nor, col_ids, 5, preds, 8), 1);
    assert_int_equal(preds[0].cmp, PQ_CMP_LE);
    const IcePrim t_big = {.id = ICE_DECIMAL, .precision = 30, .scale = 0};
    IceValue big = ice_value_decimal(30, 0, 5);
    assert_int_equal(ice_expr_to_pq_predicates(ice_expr_cmp(&arena, ICE_EXPR_EQ, 1, t_big, &big),
                                               col_ids, 5, preds, 8),
                     0);
    arena_fini(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(ice_expr_and_or_not_fold_constants),
            cmocka_unit_test(ice_expr_in_sorts_dedupes_and_handles_nulls),
            cmocka_unit_test(ice_expr_cmp_copies_literal_bytes),
            cmocka_unit_test(ice_expr_bind_casts_and_folds_literals),
            cmocka_unit_test(ice_expr_bind_rejects_what_cannot_be_bound),
            cmocka_unit_test(ice_expr_rewrite_not_pushes_into_predicates),
            cmocka_unit_test(ice_expr_format_uses_schema_names_and_truncates),
            cmocka_unit_test(ice_expr_to_pq_predicates_maps_top_level_conjuncts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
