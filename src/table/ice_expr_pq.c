/* ice_expr_pq.c — turning a row expression into Parquet row-group predicates (table layer;
 * contract in ice_expr.h, PqPredicate in format/pq_reader.h).
 *
 * pq_reader_row_group_may_match() takes a conjunction of column-vs-constant comparisons,
 * so only the top-level conjuncts of the expression can go there (NOT is pushed down on
 * the way: NOT (a OR b) contributes NOT a and NOT b). Anything else (OR below the top,
 * NOT_EQ, NOT_IN, NOT_STARTS_WITH, NaN tests, NOT of a float comparison) is simply left
 * out: dropping a conjunct only weakens the filter, so the result stays conservative.
 *
 *   predicate        Parquet predicates
 *   =, <, <=         the same comparison
 *   >, >=            the same, except on float/double (NaN rows satisfy them in engines
 *                    where NaN sorts last, and Parquet bounds leave NaN out)
 *   in (a..z)        >= a and <= z (literals are sorted)
 *   starts_with p    >= p
 *   is [not] null    the same
 *
 * Constants use the column's ColType representation: i64 for booleans, ints, longs,
 * dates, times, timestamps and decimals (unscaled, precision 18 at most), f64 for floats,
 * str for string, binary, uuid and fixed (borrowing the literal's bytes).
 */
#include <math.h>

#include "table/ice_expr.h"
#include "table/ice_expr_int.h"

typedef struct PqOut {
    const int32_t *col_field_ids;
    int32_t n_cols;
    PqPredicate *preds;
    int32_t cap;
    int32_t n;
} PqOut;

/* Fill the constant of `p` from a literal; false when the type cannot be expressed. */
static bool set_constant(const IceValue *lit, PqPredicate *p)
{
    if (lit->is_null)
        return false;
    switch (lit->type.id) {
    case ICE_BOOLEAN:
        p->i64 = lit->b ? 1 : 0;
        return true;
    case ICE_INT:
    case ICE_DATE:
        p->i64 = lit->i32;
        return true;
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        p->i64 = lit->i64;
        return true;
    case ICE_DECIMAL:
        if (lit->type.precision > 18 || lit->dec > INT64_MAX || lit->dec < INT64_MIN)
            return false;
        p->i64 = (int64_t)lit->dec;
        return true;
    case ICE_FLOAT:
        p->f64 = lit->f32;
        return !isnan(p->f64);
    case ICE_DOUBLE:
        p->f64 = lit->f64;
        return !isnan(p->f64);
    case ICE_STRING:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY:
        p->str = (ColStr){lit->bytes.len, (const char *)lit->bytes.ptr};
        return true;
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        break;
    }
    return false;
}

static int32_t column_of(const PqOut *out, int32_t field_id)
{
    for (int32_t c = 0; c < out->n_cols; c++) {
        if (out->col_field_ids[c] == field_id)
            return c;
    }
    return -1;
}

static void emit(PqOut *out, int32_t col, PqCmp cmp, const IceValue *lit)
{
    if (out->n >= out->cap)
        return;
    PqPredicate p = {.col = col, .cmp = cmp};
    if (lit && !set_constant(lit, &p))
        return;
    out->preds[out->n++] = p;
}

static void add_predicate(PqOut *out, const IceExpr *pred, IceExprOp op)
{
    int32_t col = column_of(out, pred->field_id);
    if (col < 0)
        return;
    bool is_float = pred->type.id == ICE_FLOAT || pred->type.id == ICE_DOUBLE;
    const IceValue *first = pred->n_literals > 0 ? &pred->literals[0] : NULL;
    switch (op) {
    case ICE_EXPR_IS_NULL:
        emit(out, col, PQ_CMP_IS_NULL, NULL);
        return;
    case ICE_EXPR_NOT_NULL:
        emit(out, col, PQ_CMP_IS_NOT_NULL, NULL);
        return;
    case ICE_EXPR_EQ:
        emit(out, col, PQ_CMP_EQ, first);
        return;
    case ICE_EXPR_LT:
        emit(out, col, PQ_CMP_LT, first);
        return;
    case ICE_EXPR_LT_EQ:
        emit(out, col, PQ_CMP_LE, first);
        return;
    case ICE_EXPR_GT:
        if (!is_float)
            emit(out, col, PQ_CMP_GT, first);
        return;
    case ICE_EXPR_GT_EQ:
        if (!is_float)
            emit(out, col, PQ_CMP_GE, first);
        return;
    case ICE_EXPR_IN:
        for (int32_t i = 0; i < pred->n_literals; i++) {
            if (ice_expr_value_is_nan(&pred->literals[i]))
                return;
        }
        emit(out, col, PQ_CMP_GE, first);
        emit(out, col, PQ_CMP_LE, &pred->literals[pred->n_literals - 1]);
        return;
    case ICE_EXPR_STARTS_WITH:
        emit(out, col, PQ_CMP_GE, first);
        return;
    case ICE_EXPR_TRUE:
    case ICE_EXPR_FALSE:
    case ICE_EXPR_AND:
    case ICE_EXPR_OR:
    case ICE_EXPR_NOT:
    case ICE_EXPR_IS_NAN:
    case ICE_EXPR_NOT_NAN:
    case ICE_EXPR_NOT_EQ:
    case ICE_EXPR_NOT_IN:
    case ICE_EXPR_NOT_STARTS_WITH:
        return;
    }
}

static void collect(PqOut *out, const IceExpr *expr, bool negate, int depth)
{
    if (depth > 10000)
        return;
    switch (expr->op) {
    case ICE_EXPR_NOT:
        collect(out, expr->left, !negate, depth + 1);
        return;
    case ICE_EXPR_AND:
    case ICE_EXPR_OR:
        if ((expr->op == ICE_EXPR_AND) == negate)
            return; /* a disjunction: not a conjunct list */
        collect(out, expr->left, negate, depth + 1);
        collect(out, expr->right, negate, depth + 1);
        return;
    case ICE_EXPR_TRUE:
    case ICE_EXPR_FALSE:
        return;
    case ICE_EXPR_IS_NULL:
    case ICE_EXPR_NOT_NULL:
    case ICE_EXPR_IS_NAN:
    case ICE_EXPR_NOT_NAN:
    case ICE_EXPR_LT:
    case ICE_EXPR_LT_EQ:
    case ICE_EXPR_GT:
    case ICE_EXPR_GT_EQ:
    case ICE_EXPR_EQ:
    case ICE_EXPR_NOT_EQ:
    case ICE_EXPR_IN:
    case ICE_EXPR_NOT_IN:
    case ICE_EXPR_STARTS_WITH:
    case ICE_EXPR_NOT_STARTS_WITH:
        if (negate && !ice_expr_negation_is_exact(expr))
            return; /* NOT (x >= 1) also holds for NaN under IEEE rules */
        add_predicate(out, expr, negate ? ice_expr_negate_op(expr->op) : expr->op);
        return;
    }
}

int32_t ice_expr_to_pq_predicates(const IceExpr *row_expr, const int32_t *col_field_ids,
                                  int32_t n_cols, PqPredicate *out, int32_t cap)
{
    PqOut acc = {col_field_ids, n_cols, out, cap, 0};
    collect(&acc, row_expr, false, 0);
    return acc.n;
}
