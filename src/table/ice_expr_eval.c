/* ice_expr_eval.c — evaluating Iceberg predicates on values, on manifest partition
 * summaries (Java's ManifestEvaluator), on a partition tuple, and on a data file's column
 * metrics (Java's InclusiveMetricsEvaluator) (table layer; contracts in ice_expr.h).
 *
 * Each evaluator walks the tree once with a `negate` flag instead of rewriting it, so NOT
 * costs nothing: under negation AND becomes OR and a predicate its negated op (three-valued
 * logic makes NOT x < 5 and x >= 5 select the same rows). A leaf answers "may match":
 *
 *   summaries   bounds are exact min/max over the non-NULL non-NaN partition values;
 *               absent bounds mean there are none
 *   partition   the tuple is exact: evaluate the predicate on the value (three-valued,
 *               UNKNOWN where engines' NaN rules differ)
 *   metrics     counts may be unknown (-1), bounds may be unknown or truncated: a string
 *               or binary upper bound that is a prefix of the literal may stand for any
 *               longer value, so it compares as larger
 *
 * NaN: comparisons never prune on a NaN bound or literal; GT/GT_EQ/NOT_EQ may match a
 * file that may hold NaNs (NaN sorts above every number in PostgreSQL and DuckDB). Zeros:
 * -0.0 equals +0.0.
 */
#include <math.h>
#include <string.h>

#include "table/ice_expr.h"
#include "table/ice_expr_int.h"

/* ---- values ----------------------------------------------------------------------------- */

bool ice_expr_value_is_nan(const IceValue *v)
{
    if (v->is_null)
        return false;
    if (v->type.id == ICE_FLOAT)
        return isnan(v->f32);
    return v->type.id == ICE_DOUBLE && isnan(v->f64);
}

static bool is_float_type(IceTypeId id)
{
    return id == ICE_FLOAT || id == ICE_DOUBLE;
}

static double float_of(const IceValue *v)
{
    return v->type.id == ICE_FLOAT ? (double)v->f32 : v->f64;
}

int ice_expr_value_cmp(const IceValue *a, const IceValue *b)
{
    if (is_float_type(a->type.id) && is_float_type(b->type.id)) {
        double x = float_of(a), y = float_of(b);
        return (x > y) - (x < y);
    }
    return ice_value_compare(a, b);
}

/* Comparison under one NaN rule: IEEE (NaN unordered: *is_unordered set) or total (NaN
 * above everything, equal to itself). */
static int cmp_mode(const IceValue *a, const IceValue *b, bool is_total, bool *is_unordered)
{
    bool a_nan = ice_expr_value_is_nan(a), b_nan = ice_expr_value_is_nan(b);
    *is_unordered = false;
    if (a_nan || b_nan) {
        if (!is_total) {
            *is_unordered = true;
            return 0;
        }
        return (int)a_nan - (int)b_nan;
    }
    return ice_expr_value_cmp(a, b);
}

static bool has_prefix(const IceValue *v, const IceValue *prefix)
{
    return v->bytes.len >= prefix->bytes.len &&
           (prefix->bytes.len == 0 ||
            memcmp(v->bytes.ptr, prefix->bytes.ptr, prefix->bytes.len) == 0);
}

/* One predicate on one non-NULL value under one NaN rule. */
static bool eval_mode(IceExprOp op, const IceValue *lits, int32_t n, const IceValue *v,
                      bool is_total)
{
    bool is_unordered;
    int c = 0;
    if (op >= ICE_EXPR_LT && op <= ICE_EXPR_NOT_EQ)
        c = cmp_mode(v, &lits[0], is_total, &is_unordered);
    switch (op) {
    case ICE_EXPR_LT:
        return !is_unordered && c < 0;
    case ICE_EXPR_LT_EQ:
        return !is_unordered && c <= 0;
    case ICE_EXPR_GT:
        return !is_unordered && c > 0;
    case ICE_EXPR_GT_EQ:
        return !is_unordered && c >= 0;
    case ICE_EXPR_EQ:
        return !is_unordered && c == 0;
    case ICE_EXPR_NOT_EQ:
        return is_unordered || c != 0;
    case ICE_EXPR_IN:
    case ICE_EXPR_NOT_IN: {
        bool is_found = false;
        for (int32_t i = 0; i < n && !is_found; i++) {
            c = cmp_mode(v, &lits[i], is_total, &is_unordered);
            is_found = !is_unordered && c == 0;
        }
        return (op == ICE_EXPR_IN) == is_found;
    }
    case ICE_EXPR_STARTS_WITH:
        return has_prefix(v, &lits[0]);
    case ICE_EXPR_NOT_STARTS_WITH:
        return !has_prefix(v, &lits[0]);
    case ICE_EXPR_IS_NAN:
        return ice_expr_value_is_nan(v);
    case ICE_EXPR_NOT_NAN:
        return !ice_expr_value_is_nan(v);
    case ICE_EXPR_IS_NULL:
        return false;
    case ICE_EXPR_NOT_NULL:
        return true;
    case ICE_EXPR_TRUE:
        return true;
    case ICE_EXPR_FALSE:
    case ICE_EXPR_AND:
    case ICE_EXPR_OR:
    case ICE_EXPR_NOT:
        return false;
    }
    return false;
}

IceTri ice_expr_eval_value(IceExprOp op, const IceValue *literals, int32_t n_literals,
                           const IceValue *value, bool negate)
{
    if (op == ICE_EXPR_IS_NULL || op == ICE_EXPR_NOT_NULL)
        return (value->is_null == (op == ICE_EXPR_IS_NULL)) != negate ? ICE_TRI_TRUE
                                                                      : ICE_TRI_FALSE;
    if (value->is_null)
        return ICE_TRI_FALSE; /* unknown, and so is its NOT */
    bool ieee = eval_mode(op, literals, n_literals, value, false) != negate;
    bool total = eval_mode(op, literals, n_literals, value, true) != negate;
    if (ieee != total)
        return ICE_TRI_UNKNOWN;
    return ieee ? ICE_TRI_TRUE : ICE_TRI_FALSE;
}

/* Read a bound of `type`; false when it does not decode or is NaN (then it says nothing).
 * Bounds written before a promotion (int -> long, float -> double) are widened. */
static bool decode_bound(IcePrim type, IceBytes bytes, IceValue *out)
{
    if (!bytes.ptr)
        return false;
    Err err;
    if (type.id == ICE_LONG && bytes.len == 4) {
        *out = ice_value_long((int32_t)load_u32le(bytes.ptr));
        return true;
    }
    if (type.id == ICE_DOUBLE && bytes.len == 4) {
        IceValue f;
        if (ice_value_deserialize((IcePrim){.id = ICE_FLOAT}, bytes, &f, &err) != ERR_OK)
            return false;
        *out = ice_value_double(f.f32);
        return !isnan(out->f64);
    }
    if (ice_value_deserialize(type, bytes, out, &err) != ERR_OK)
        return false;
    return !ice_expr_value_is_nan(out);
}

static int32_t spec_index(const IcePartitionSpec *spec, int32_t field_id)
{
    for (int32_t i = 0; i < spec->n_fields; i++) {
        if (spec->fields[i].field_id == field_id)
            return i;
    }
    return -1;
}

/* Does any literal fall within [lower, upper]? (upper NULL: unbounded; a NaN literal
 * counts as inside.) */
static bool any_literal_within(const IceExpr *pred, const IceValue *lower, const IceValue *upper,
                               bool is_upper_truncatable)
{
    if (pred->n_literals > ICE_EXPR_IN_LIMIT)
        return true;
    for (int32_t i = 0; i < pred->n_literals; i++) {
        const IceValue *lit = &pred->literals[i];
        if (ice_expr_value_is_nan(lit))
            return true;
        if (ice_expr_value_cmp(lower, lit) > 0)
            continue;
        if (!upper)
            return true;
        if (is_upper_truncatable && has_prefix(lit, upper))
            return true;
        if (ice_expr_value_cmp(upper, lit) >= 0)
            return true;
    }
    return false;
}

/* A NaN literal (only ice_expr_cmp/ice_expr_in let one in): NaN = NaN holds where NaN
 * sorts last, so counts and bounds prove nothing. */
static bool has_nan_literal(const IceExpr *pred)
{
    for (int32_t i = 0; i < pred->n_literals; i++) {
        if (ice_expr_value_is_nan(&pred->literals[i]))
            return true;
    }
    return false;
}

/* ---- manifest summaries ---------------------------------------------------------------- */

typedef struct SummaryCtx {
    const IcePartitionSpec *spec;
    const IcePrim *result_types;
    const IcePartitionFieldSummary *summaries;
    int32_t n_summaries;
} SummaryCtx;

/* The literal comparisons shared by summaries and metrics once the bounds are known:
 * lower/upper NULL when unknown. */
static bool range_may_match(IceExprOp op, const IceExpr *pred, const IceValue *lower,
                            const IceValue *upper, bool is_upper_truncatable)
{
    const IceValue *lit = &pred->literals[0];
    if (op != ICE_EXPR_IN && ice_expr_value_is_nan(lit))
        return true;
    switch (op) {
    case ICE_EXPR_LT:
        return !lower || ice_expr_value_cmp(lower, lit) < 0;
    case ICE_EXPR_LT_EQ:
        return !lower || ice_expr_value_cmp(lower, lit) <= 0;
    case ICE_EXPR_GT:
        return !upper || (is_upper_truncatable && has_prefix(lit, upper)) ||
               ice_expr_value_cmp(upper, lit) > 0;
    case ICE_EXPR_GT_EQ:
        return !upper || (is_upper_truncatable && has_prefix(lit, upper)) ||
               ice_expr_value_cmp(upper, lit) >= 0;
    case ICE_EXPR_EQ:
        if (lower && ice_expr_value_cmp(lower, lit) > 0)
            return false;
        return !upper || (is_upper_truncatable && has_prefix(lit, upper)) ||
               ice_expr_value_cmp(upper, lit) >= 0;
    case ICE_EXPR_IN:
        return !lower || any_literal_within(pred, lower, upper, is_upper_truncatable);
    case ICE_EXPR_STARTS_WITH: {
        if (lower) {
            uint32_t n = TN_MIN(lower->bytes.len, lit->bytes.len);
            if (n > 0 && memcmp(lower->bytes.ptr, lit->bytes.ptr, n) > 0)
                return false;
        }
        if (!upper || (is_upper_truncatable && has_prefix(lit, upper)))
            return true;
        uint32_t n = TN_MIN(upper->bytes.len, lit->bytes.len);
        int c = n ? memcmp(upper->bytes.ptr, lit->bytes.ptr, n) : 0;
        return c > 0 || (c == 0 && upper->bytes.len >= lit->bytes.len);
    }
    case ICE_EXPR_NOT_STARTS_WITH:
        /* Cannot match only when every value starts with the prefix: both bounds do. */
        return !lower || !upper || !has_prefix(lower, lit) || !has_prefix(upper, lit);
    case ICE_EXPR_NOT_EQ:
    case ICE_EXPR_NOT_IN: {
        /* Cannot match only when every non-NULL value is one value that is excluded. */
        if (!lower || !upper || is_upper_truncatable || ice_expr_value_cmp(lower, upper) != 0)
            return true;
        for (int32_t i = 0; i < pred->n_literals; i++) {
            if (!ice_expr_value_is_nan(&pred->literals[i]) &&
                ice_expr_value_cmp(lower, &pred->literals[i]) == 0)
                return false;
        }
        return true;
    }
    case ICE_EXPR_TRUE:
    case ICE_EXPR_FALSE:
    case ICE_EXPR_AND:
    case ICE_EXPR_OR:
    case ICE_EXPR_NOT:
    case ICE_EXPR_IS_NULL:
    case ICE_EXPR_NOT_NULL:
    case ICE_EXPR_IS_NAN:
    case ICE_EXPR_NOT_NAN:
        break;
    }
    return true;
}

static bool summary_leaf(const void *opaque, const IceExpr *pred, bool negate)
{
    const SummaryCtx *ctx = opaque;
    int32_t idx = spec_index(ctx->spec, pred->field_id);
    if (idx < 0 || idx >= ctx->n_summaries)
        return true;
    const IcePartitionFieldSummary *s = &ctx->summaries[idx];
    IcePrim type = ctx->result_types[idx];
    bool is_float = is_float_type(type.id);
    bool has_values = s->lower.ptr != NULL; /* some non-NULL, non-NaN value */
    bool may_nan = is_float && s->contains_nan != 0;
    if (negate && !ice_expr_negation_is_exact(pred) && may_nan)
        return true; /* NOT (NaN >= 1) holds under IEEE rules */
    if (has_nan_literal(pred))
        return true;
    IceExprOp op = negate ? ice_expr_negate_op(pred->op) : pred->op;
    switch (op) {
    case ICE_EXPR_IS_NULL:
        return s->contains_null;
    case ICE_EXPR_NOT_NULL:
        return has_values || may_nan || !s->contains_null;
    case ICE_EXPR_IS_NAN:
        return may_nan;
    case ICE_EXPR_NOT_NAN:
        return has_values;
    case ICE_EXPR_GT:
    case ICE_EXPR_GT_EQ:
    case ICE_EXPR_NOT_EQ:
    case ICE_EXPR_NOT_IN:
        if (may_nan)
            return true;
        break;
    case ICE_EXPR_LT:
    case ICE_EXPR_LT_EQ:
    case ICE_EXPR_EQ:
    case ICE_EXPR_IN:
    case ICE_EXPR_STARTS_WITH:
    case ICE_EXPR_NOT_STARTS_WITH:
        break;
    case ICE_EXPR_TRUE:
    case ICE_EXPR_FALSE:
    case ICE_EXPR_AND:
    case ICE_EXPR_OR:
    case ICE_EXPR_NOT:
        return true;
    }
    if (!has_values)
        return false;
    IceValue lower, upper;
    bool has_lower = decode_bound(type, s->lower, &lower);
    bool has_upper = decode_bound(type, s->upper, &upper);
    return range_may_match(op, pred, has_lower ? &lower : NULL, has_upper ? &upper : NULL, false);
}

/* A leaf test of the "may match" evaluators: could some row satisfy `pred` (its negation
 * when `negate`)? `ctx` is the evaluator's own context. */
typedef bool (*MayMatchLeaf)(const void *ctx, const IceExpr *pred, bool negate);

/* AND, OR and NOT over the leaves, NOT pushed down into them, short-circuiting. Trees
 * deeper than 10000 answer "may match": conservative, and no stack overflow. */
static bool may_match_walk(const void *ctx, MayMatchLeaf leaf, const IceExpr *expr, bool negate,
                           int depth)
{
    if (depth > 10000)
        return true;
    switch (expr->op) {
    case ICE_EXPR_TRUE:
        return !negate;
    case ICE_EXPR_FALSE:
        return negate;
    case ICE_EXPR_NOT:
        return may_match_walk(ctx, leaf, expr->left, !negate, depth + 1);
    case ICE_EXPR_AND:
    case ICE_EXPR_OR: {
        bool is_and = (expr->op == ICE_EXPR_AND) != negate;
        bool left = may_match_walk(ctx, leaf, expr->left, negate, depth + 1);
        if (is_and && !left)
            return false;
        if (!is_and && left)
            return true;
        return may_match_walk(ctx, leaf, expr->right, negate, depth + 1);
    }
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
        return leaf(ctx, expr, negate);
    }
    return true;
}

bool ice_eval_summaries(const IceExpr *part_expr, const IcePartitionSpec *spec,
                        const IcePrim *result_types, const IcePartitionFieldSummary *summaries,
                        int32_t n_summaries)
{
    const SummaryCtx ctx = {spec, result_types, summaries, n_summaries};
    return may_match_walk(&ctx, summary_leaf, part_expr, false, 0);
}

/* ---- partition tuples ------------------------------------------------------------------- */

static IceTri tri_and(IceTri a, IceTri b)
{
    if (a == ICE_TRI_FALSE || b == ICE_TRI_FALSE)
        return ICE_TRI_FALSE;
    return (a == ICE_TRI_TRUE && b == ICE_TRI_TRUE) ? ICE_TRI_TRUE : ICE_TRI_UNKNOWN;
}

static IceTri tri_or(IceTri a, IceTri b)
{
    if (a == ICE_TRI_TRUE || b == ICE_TRI_TRUE)
        return ICE_TRI_TRUE;
    return (a == ICE_TRI_FALSE && b == ICE_TRI_FALSE) ? ICE_TRI_FALSE : ICE_TRI_UNKNOWN;
}

static IceTri partition_walk(const IceExpr *expr, const IcePartitionSpec *spec,
                             const IceValue *values, bool negate, int depth)
{
    if (depth > 10000)
        return ICE_TRI_UNKNOWN;
    switch (expr->op) {
    case ICE_EXPR_TRUE:
        return negate ? ICE_TRI_FALSE : ICE_TRI_TRUE;
    case ICE_EXPR_FALSE:
        return negate ? ICE_TRI_TRUE : ICE_TRI_FALSE;
    case ICE_EXPR_NOT:
        return partition_walk(expr->left, spec, values, !negate, depth + 1);
    case ICE_EXPR_AND:
    case ICE_EXPR_OR: {
        IceTri left = partition_walk(expr->left, spec, values, negate, depth + 1);
        IceTri right = partition_walk(expr->right, spec, values, negate, depth + 1);
        bool is_and = (expr->op == ICE_EXPR_AND) != negate;
        return is_and ? tri_and(left, right) : tri_or(left, right);
    }
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
    case ICE_EXPR_NOT_STARTS_WITH: {
        int32_t idx = spec_index(spec, expr->field_id);
        if (idx < 0)
            return ICE_TRI_UNKNOWN;
        return ice_expr_eval_value(expr->op, expr->literals, expr->n_literals, &values[idx],
                                   negate);
    }
    }
    return ICE_TRI_UNKNOWN;
}

bool ice_eval_partition(const IceExpr *part_expr, const IcePartitionSpec *spec,
                        const IceValue *partition_values)
{
    return partition_walk(part_expr, spec, partition_values, false, 0) != ICE_TRI_FALSE;
}

/* ---- file metrics ----------------------------------------------------------------------- */

typedef struct MetricsCtx {
    const IceSchema *schema;
    const IceFileMetrics *metrics;
} MetricsCtx;

static const IceFieldMetrics *find_metrics(const IceFileMetrics *metrics, int32_t field_id)
{
    for (int32_t i = 0; i < metrics->n_fields; i++) {
        if (metrics->fields[i].field_id == field_id)
            return &metrics->fields[i];
    }
    return NULL;
}

/* What the counts say about one column; -1 counts mean unknown. */
typedef struct ColumnFacts {
    bool is_nulls_only;     /* every value is NULL */
    bool has_no_comparable; /* every value is NULL or NaN */
    bool may_null;
    bool may_nan;
} ColumnFacts;

static ColumnFacts column_facts(const IceFieldMetrics *m, bool is_float)
{
    ColumnFacts f = {.may_null = true, .may_nan = is_float};
    if (!m)
        return f;
    int64_t nan_count = is_float ? m->nan_count : 0;
    f.may_null = m->null_count != 0;
    f.may_nan = is_float && m->nan_count != 0;
    f.is_nulls_only =
            m->value_count >= 0 && m->null_count >= 0 && m->value_count - m->null_count <= 0;
    f.has_no_comparable =
            f.is_nulls_only || (m->value_count >= 0 && m->null_count >= 0 && nan_count >= 0 &&
                                m->value_count - m->null_count - nan_count <= 0);
    return f;
}

static bool metrics_leaf(const void *opaque, const IceExpr *pred, bool negate)
{
    const MetricsCtx *ctx = opaque;
    const IceFieldMetrics *m = find_metrics(ctx->metrics, pred->field_id);
    IcePrim type;
    if (!ice_schema_find_prim(ctx->schema, pred->field_id, &type))
        type = pred->type;
    bool is_float = is_float_type(type.id) || is_float_type(pred->type.id);
    ColumnFacts f = column_facts(m, is_float);
    if (negate && !ice_expr_negation_is_exact(pred) && f.may_nan && !f.is_nulls_only)
        return true; /* NOT (NaN >= 1) holds under IEEE rules */
    if (has_nan_literal(pred))
        return !f.is_nulls_only;
    IceExprOp op = negate ? ice_expr_negate_op(pred->op) : pred->op;
    switch (op) {
    case ICE_EXPR_IS_NULL:
        return f.may_null;
    case ICE_EXPR_NOT_NULL:
        return !f.is_nulls_only;
    case ICE_EXPR_IS_NAN:
        return f.may_nan && !f.is_nulls_only;
    case ICE_EXPR_NOT_NAN:
        return !f.has_no_comparable;
    case ICE_EXPR_GT:
    case ICE_EXPR_GT_EQ:
    case ICE_EXPR_NOT_EQ:
    case ICE_EXPR_NOT_IN:
        if (f.is_nulls_only)
            return false;
        if (f.may_nan)
            return true; /* NaN > x where NaN sorts last; NaN != x everywhere */
        break;
    case ICE_EXPR_LT:
    case ICE_EXPR_LT_EQ:
    case ICE_EXPR_EQ:
    case ICE_EXPR_IN:
    case ICE_EXPR_STARTS_WITH:
    case ICE_EXPR_NOT_STARTS_WITH:
        break;
    case ICE_EXPR_TRUE:
    case ICE_EXPR_FALSE:
    case ICE_EXPR_AND:
    case ICE_EXPR_OR:
    case ICE_EXPR_NOT:
        return true;
    }
    if (f.has_no_comparable)
        return false;
    if (!m || type.id != pred->type.id)
        return true; /* no bounds, or bounds of another type than the literals */
    IceValue lower, upper;
    bool has_lower = decode_bound(type, m->lower, &lower);
    bool has_upper = decode_bound(type, m->upper, &upper);
    /* NOT_EQ/NOT_IN reach range_may_match only without NaNs; NULL rows never satisfy
     * them, so a single non-NULL value (lower == upper, not truncatable) decides. */
    bool is_truncatable = type.id == ICE_STRING || type.id == ICE_BINARY;
    return range_may_match(op, pred, has_lower ? &lower : NULL, has_upper ? &upper : NULL,
                           is_truncatable);
}

bool ice_eval_metrics(const IceExpr *row_expr, const IceSchema *schema,
                      const IceFileMetrics *metrics)
{
    if (metrics->record_count == 0)
        return false;
    const MetricsCtx ctx = {schema, metrics};
    return may_match_walk(&ctx, metrics_leaf, row_expr, false, 0);
}
