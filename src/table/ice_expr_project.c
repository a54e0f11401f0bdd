/* ice_expr_project.c — projecting row predicates through partition transforms, and
 * residuals (table layer; contracts in ice_expr.h). Follows the rules of Java's
 * transforms and ProjectionUtil (read, not copied):
 *
 *   transform        inclusive (partition holds for every matching row)   strict (every row of
 *                                                                        the partition matches)
 *   identity         the same predicate                                  the same predicate
 *   bucket[N]        = -> = b(v); in -> in b(vs)                         != -> != b(v); not in
 *   truncate, time   < v -> <= t(v-1); <= v -> <= t(v); > v -> >= t(v+1) < v -> < t(v); <= v -> <
 * t(v+1) (int, long,      >= v -> >= t(v); = -> = t(v); in -> in t(vs)        > v -> > t(v); >= v
 * -> > t(v-1) decimal, date,                                                       != -> != t(v);
 * not in timestamps) truncate[W]      < and <= -> <= t(v); > and >= -> >= t(v); = ; in     < and <=
 * -> < t(v); > and >= (string,         starts_with p: len(p) < W: starts_with p, = W: = p,  -> >
 * t(v); != ; not in; binary)          > W: starts_with t(p); not starts_with p: < W: same,
 * starts_with as inclusive = W: != p, > W: none                                 up to W; not
 * starts_with p > W: not starts_with t(p) void             none none
 *
 * IS NULL / IS NOT NULL pass through every transform but void (only NULL maps to NULL).
 * Lengths of strings count code points, like the truncate transform. v-1/v+1 on the
 * minimum/maximum value gives no projection (Java would wrap around).
 *
 * Time transforms also widen their projections for partition values written by Iceberg
 * 0.10 and older, whose year/month/day/hour of a time before 1970 was one too large (Java's
 * fixInclusiveTimeProjection / fixStrictTimeProjection): inclusive < and = of a negative
 * value also admit value + 1; strict > and != of values <= 0 also exclude value + 1. As in
 * Java, day of a date source is exempt (its transform was never wrong).
 */
#include <string.h>

#include "table/ice_expr.h"
#include "table/ice_expr_int.h"

/* ---- literal helpers -------------------------------------------------------------------- */

/* v + delta for the ordered numeric kinds; false on overflow or another kind. */
static bool adjust(const IceValue *v, int delta, IceValue *out)
{
    *out = *v;
    switch (v->type.id) {
    case ICE_INT:
    case ICE_DATE:
        return !__builtin_add_overflow(v->i32, delta, &out->i32);
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        return !__builtin_add_overflow(v->i64, (int64_t)delta, &out->i64);
    case ICE_DECIMAL:
        return !__builtin_add_overflow(v->dec, (__int128)delta, &out->dec);
    case ICE_BOOLEAN:
    case ICE_FLOAT:
    case ICE_DOUBLE:
    case ICE_STRING:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY:
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        break;
    }
    return false;
}

static bool apply(IceTransform tr, const IceValue *in, IceValue *out)
{
    Err err;
    return ice_transform_apply(tr, in, out, &err) == ERR_OK && !out->is_null;
}

static int32_t code_points(const IceValue *v)
{
    int32_t n = 0;
    for (uint32_t i = 0; i < v->bytes.len; i++) {
        n += (v->bytes.ptr[i] & 0xc0) != 0x80;
    }
    return n;
}

/* What a projection rule produces: an op and the (untransformed) literal adjustment. */
typedef enum Shape {
    SHAPE_NONE,      /* no projection */
    SHAPE_SAME,      /* the predicate as it is (identity, or a literal shorter than W) */
    SHAPE_TRANSFORM, /* op on t(v + delta) */
    SHAPE_SET,       /* op on { t(v) : v in literals } */
} Shape;

typedef struct Rule {
    Shape shape;
    IceExprOp op;
    int delta;
} Rule;

static Rule rule(Shape shape, IceExprOp op, int delta)
{
    return (Rule){shape, op, delta};
}

/* Rules for transforms that preserve order on ordered numbers: truncate of int, long and
 * decimal, and the time transforms. */
static Rule ordered_rule(IceExprOp op, bool is_strict)
{
    if (!is_strict) {
        switch (op) {
        case ICE_EXPR_LT:
            return rule(SHAPE_TRANSFORM, ICE_EXPR_LT_EQ, -1);
        case ICE_EXPR_LT_EQ:
            return rule(SHAPE_TRANSFORM, ICE_EXPR_LT_EQ, 0);
        case ICE_EXPR_GT:
            return rule(SHAPE_TRANSFORM, ICE_EXPR_GT_EQ, 1);
        case ICE_EXPR_GT_EQ:
            return rule(SHAPE_TRANSFORM, ICE_EXPR_GT_EQ, 0);
        case ICE_EXPR_EQ:
            return rule(SHAPE_TRANSFORM, ICE_EXPR_EQ, 0);
        case ICE_EXPR_IN:
            return rule(SHAPE_SET, ICE_EXPR_IN, 0);
        default:
            return rule(SHAPE_NONE, op, 0);
        }
    }
    switch (op) {
    case ICE_EXPR_LT:
        return rule(SHAPE_TRANSFORM, ICE_EXPR_LT, 0);
    case ICE_EXPR_LT_EQ:
        return rule(SHAPE_TRANSFORM, ICE_EXPR_LT, 1);
    case ICE_EXPR_GT:
        return rule(SHAPE_TRANSFORM, ICE_EXPR_GT, 0);
    case ICE_EXPR_GT_EQ:
        return rule(SHAPE_TRANSFORM, ICE_EXPR_GT, -1);
    case ICE_EXPR_NOT_EQ:
        return rule(SHAPE_TRANSFORM, ICE_EXPR_NOT_EQ, 0);
    case ICE_EXPR_NOT_IN:
        return rule(SHAPE_SET, ICE_EXPR_NOT_IN, 0);
    default:
        return rule(SHAPE_NONE, op, 0);
    }
}

/* Rules for truncate of strings and binaries (prefix-preserving). */
static Rule prefix_rule(const IceExpr *pred, int32_t width, bool is_strict)
{
    IceExprOp op = pred->op;
    if (op == ICE_EXPR_STARTS_WITH || op == ICE_EXPR_NOT_STARTS_WITH) {
        if (pred->type.id != ICE_STRING)
            return rule(SHAPE_NONE, op, 0);
        int32_t len = code_points(&pred->literals[0]);
        bool is_starts = op == ICE_EXPR_STARTS_WITH;
        if (len < width)
            return rule(SHAPE_SAME, op, 0);
        if (len == width)
            return rule(SHAPE_SAME, is_starts ? ICE_EXPR_EQ : ICE_EXPR_NOT_EQ, 0);
        if (is_starts != is_strict)
            return rule(SHAPE_TRANSFORM, op, 0);
        return rule(SHAPE_NONE, op, 0);
    }
    switch (op) {
    case ICE_EXPR_LT:
    case ICE_EXPR_LT_EQ:
        return rule(SHAPE_TRANSFORM, is_strict ? ICE_EXPR_LT : ICE_EXPR_LT_EQ, 0);
    case ICE_EXPR_GT:
    case ICE_EXPR_GT_EQ:
        return rule(SHAPE_TRANSFORM, is_strict ? ICE_EXPR_GT : ICE_EXPR_GT_EQ, 0);
    case ICE_EXPR_EQ:
        return is_strict ? rule(SHAPE_NONE, op, 0) : rule(SHAPE_TRANSFORM, ICE_EXPR_EQ, 0);
    case ICE_EXPR_NOT_EQ:
        return is_strict ? rule(SHAPE_TRANSFORM, ICE_EXPR_NOT_EQ, 0) : rule(SHAPE_NONE, op, 0);
    case ICE_EXPR_IN:
        return is_strict ? rule(SHAPE_NONE, op, 0) : rule(SHAPE_SET, ICE_EXPR_IN, 0);
    case ICE_EXPR_NOT_IN:
        return is_strict ? rule(SHAPE_SET, ICE_EXPR_NOT_IN, 0) : rule(SHAPE_NONE, op, 0);
    default:
        return rule(SHAPE_NONE, op, 0);
    }
}

static Rule bucket_rule(IceExprOp op, bool is_strict)
{
    if (!is_strict && op == ICE_EXPR_EQ)
        return rule(SHAPE_TRANSFORM, ICE_EXPR_EQ, 0);
    if (!is_strict && op == ICE_EXPR_IN)
        return rule(SHAPE_SET, ICE_EXPR_IN, 0);
    if (is_strict && op == ICE_EXPR_NOT_EQ)
        return rule(SHAPE_TRANSFORM, ICE_EXPR_NOT_EQ, 0);
    if (is_strict && op == ICE_EXPR_NOT_IN)
        return rule(SHAPE_SET, ICE_EXPR_NOT_IN, 0);
    return rule(SHAPE_NONE, op, 0);
}

static bool is_time_transform(IceTransformKind kind)
{
    return kind == ICE_TR_YEAR || kind == ICE_TR_MONTH || kind == ICE_TR_DAY || kind == ICE_TR_HOUR;
}

static Rule pick_rule(const IceExpr *pred, IceTransform tr, bool is_strict)
{
    switch (tr.kind) {
    case ICE_TR_IDENTITY:
        return rule(SHAPE_SAME, pred->op, 0);
    case ICE_TR_BUCKET:
        return bucket_rule(pred->op, is_strict);
    case ICE_TR_TRUNCATE:
        if (pred->type.id == ICE_STRING || pred->type.id == ICE_BINARY)
            return prefix_rule(pred, tr.param, is_strict);
        return ordered_rule(pred->op, is_strict);
    case ICE_TR_YEAR:
    case ICE_TR_MONTH:
    case ICE_TR_DAY:
    case ICE_TR_HOUR:
        return ordered_rule(pred->op, is_strict);
    case ICE_TR_VOID:
        break;
    }
    return rule(SHAPE_NONE, pred->op, 0);
}

/* ---- building the projected predicate --------------------------------------------------- */

/* The 0.10 time-transform fix on a projected int predicate (see the file comment). The
 * int literals are partition values; *out keeps `projected` when nothing changes. */
static bool fix_time(Arena *arena, const IceExpr *projected, bool is_strict, const IceExpr **out)
{
    *out = projected;
    IceExprOp op = projected->op;
    if (op == ICE_EXPR_IN || op == ICE_EXPR_NOT_IN || op == ICE_EXPR_EQ || op == ICE_EXPR_NOT_EQ) {
        int32_t n = projected->n_literals;
        IceValue *lits = arena_alloc_array(arena, (size_t)n * 2, sizeof *lits);
        if (!lits)
            return false;
        int32_t n_out = 0;
        for (int32_t i = 0; i < n; i++) {
            lits[n_out++] = projected->literals[i];
            if (projected->literals[i].i32 < 0)
                lits[n_out++] = ice_value_int(projected->literals[i].i32 + 1);
        }
        if (n_out == n)
            return true;
        bool is_in = op == ICE_EXPR_IN || op == ICE_EXPR_EQ;
        *out = ice_expr_in(arena, is_in ? ICE_EXPR_IN : ICE_EXPR_NOT_IN, projected->field_id,
                           projected->type, lits, n_out);
        return *out != NULL;
    }
    int32_t v = projected->literals[0].i32;
    bool is_widened = (!is_strict && (op == ICE_EXPR_LT || op == ICE_EXPR_LT_EQ) && v < 0) ||
                      (is_strict && (op == ICE_EXPR_GT || op == ICE_EXPR_GT_EQ) && v <= 0);
    if (!is_widened)
        return true;
    IceValue next = ice_value_int(v + 1);
    *out = ice_expr_cmp(arena, op, projected->field_id, projected->type, &next);
    return *out != NULL;
}

static bool project_set(Arena *arena, const IceExpr *pred, IceTransform tr, IceExprOp op,
                        int32_t part_id, IcePrim result_type, const IceExpr **out)
{
    IceValue *lits = arena_alloc_array(arena, (size_t)TN_MAX(pred->n_literals, 1), sizeof *lits);
    if (!lits)
        return false;
    for (int32_t i = 0; i < pred->n_literals; i++) {
        if (!apply(tr, &pred->literals[i], &lits[i])) {
            *out = NULL; /* cannot transform a literal: no projection */
            return true;
        }
    }
    *out = ice_expr_in(arena, op, part_id, result_type, lits, pred->n_literals);
    return *out != NULL;
}

bool ice_expr_project_pred(Arena *arena, const IceExpr *pred, const IcePartitionField *field,
                           IcePrim result_type, bool is_strict, const IceExpr **out)
{
    *out = NULL;
    IceTransform tr = field->transform;
    int32_t part_id = field->field_id;
    if (tr.kind == ICE_TR_VOID)
        return true;
    if (pred->op == ICE_EXPR_IS_NULL || pred->op == ICE_EXPR_NOT_NULL) {
        *out = ice_expr_unary(arena, pred->op, part_id, result_type);
        return *out != NULL;
    }
    if (pred->op == ICE_EXPR_IS_NAN || pred->op == ICE_EXPR_NOT_NAN) {
        if (tr.kind != ICE_TR_IDENTITY)
            return true;
        *out = ice_expr_unary(arena, pred->op, part_id, result_type);
        return *out != NULL;
    }
    Rule r = pick_rule(pred, tr, is_strict);
    const IceExpr *projected = NULL;
    switch (r.shape) {
    case SHAPE_NONE:
        return true;
    case SHAPE_SAME:
        if (r.op == ICE_EXPR_IN || r.op == ICE_EXPR_NOT_IN) {
            projected = ice_expr_in(arena, r.op, part_id, result_type, pred->literals,
                                    pred->n_literals);
        } else {
            projected = ice_expr_cmp(arena, r.op, part_id, result_type, &pred->literals[0]);
        }
        if (!projected)
            return false;
        break;
    case SHAPE_TRANSFORM: {
        IceValue adjusted, transformed;
        if (!adjust(&pred->literals[0], r.delta, &adjusted) && r.delta != 0)
            return true; /* v-1 / v+1 overflows: leave unprojected */
        if (r.delta == 0)
            adjusted = pred->literals[0];
        if (!apply(tr, &adjusted, &transformed))
            return true;
        projected = ice_expr_cmp(arena, r.op, part_id, result_type, &transformed);
        if (!projected)
            return false;
        break;
    }
    case SHAPE_SET:
        if (!project_set(arena, pred, tr, r.op, part_id, result_type, &projected))
            return false;
        if (!projected)
            return true;
        break;
    }
    bool is_date_day = tr.kind == ICE_TR_DAY && pred->type.id == ICE_DATE;
    if (is_time_transform(tr.kind) && !is_date_day && ice_expr_is_predicate(projected->op))
        return fix_time(arena, projected, is_strict, out);
    *out = projected;
    return true;
}

/* ---- inclusive projection of a tree ----------------------------------------------------- */

typedef struct ProjectCtx {
    Arena *arena;
    const IcePartitionSpec *spec;
    const IceSchema *schema;
    const IceValue *values; /* residuals only */
} ProjectCtx;

/* The result type of spec field `i` for a predicate on its source; false when the source
 * is gone from the schema or the transform does not apply (the field is then ignored). */
static bool field_result_type(const ProjectCtx *ctx, const IceExpr *pred, int32_t i, IcePrim *out)
{
    IcePrim source;
    Err err;
    if (!ice_schema_find_prim(ctx->schema, pred->field_id, &source))
        return false;
    return ice_transform_result_type(ctx->spec->fields[i].transform, pred->type, out, &err) ==
           ERR_OK;
}

static const IceExpr *project_leaf(const ProjectCtx *ctx, const IceExpr *pred)
{
    const IceExpr *result = ice_expr_true();
    for (int32_t i = 0; i < ctx->spec->n_fields && result; i++) {
        const IcePartitionField *field = &ctx->spec->fields[i];
        IcePrim result_type;
        if (field->source_id != pred->field_id || !field_result_type(ctx, pred, i, &result_type))
            continue;
        const IceExpr *projected;
        if (!ice_expr_project_pred(ctx->arena, pred, field, result_type, false, &projected))
            return NULL;
        if (projected)
            result = ice_expr_and(ctx->arena, result, projected);
    }
    return result;
}

/* NOT of a float comparison, which has no negated op (NaN): only identity fields project
 * it, as NOT of the same comparison on the partition value (which equals the row's). */
static const IceExpr *project_not_inexact(const ProjectCtx *ctx, const IceExpr *pred)
{
    const IceExpr *result = ice_expr_true();
    for (int32_t i = 0; i < ctx->spec->n_fields && result; i++) {
        const IcePartitionField *field = &ctx->spec->fields[i];
        IcePrim result_type;
        if (field->source_id != pred->field_id || field->transform.kind != ICE_TR_IDENTITY ||
            !field_result_type(ctx, pred, i, &result_type))
            continue;
        const IceExpr *projected;
        if (!ice_expr_project_pred(ctx->arena, pred, field, result_type, false, &projected))
            return NULL;
        if (projected)
            result = ice_expr_and(ctx->arena, result, ice_expr_not(ctx->arena, projected));
    }
    return result;
}

/* Inclusive projection with NOT pushed down on the way (`negate`); NULL when out of
 * memory. */
static const IceExpr *project_walk(const ProjectCtx *ctx, const IceExpr *expr, bool negate,
                                   int depth)
{
    if (depth > 10000)
        return ice_expr_true();
    switch (expr->op) {
    case ICE_EXPR_TRUE:
        return negate ? ice_expr_false() : ice_expr_true();
    case ICE_EXPR_FALSE:
        return negate ? ice_expr_true() : ice_expr_false();
    case ICE_EXPR_NOT:
        return project_walk(ctx, expr->left, !negate, depth + 1);
    case ICE_EXPR_AND:
    case ICE_EXPR_OR: {
        const IceExpr *left = project_walk(ctx, expr->left, negate, depth + 1);
        const IceExpr *right = left ? project_walk(ctx, expr->right, negate, depth + 1) : NULL;
        bool is_and = (expr->op == ICE_EXPR_AND) != negate;
        return is_and ? ice_expr_and(ctx->arena, left, right)
                      : ice_expr_or(ctx->arena, left, right);
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
        if (negate && !ice_expr_negation_is_exact(expr))
            return project_not_inexact(ctx, expr);
        const IceExpr *pred =
                negate ? ice_expr_with_op(ctx->arena, expr, ice_expr_negate_op(expr->op)) : expr;
        return pred ? project_leaf(ctx, pred) : NULL;
    }
    }
    return ice_expr_true();
}

ErrCode ice_expr_project_inclusive(Arena *arena, const IceExpr *row_expr,
                                   const IcePartitionSpec *spec, const IceSchema *schema,
                                   const IceExpr **out, Err *err)
{
    const ProjectCtx ctx = {arena, spec, schema, NULL};
    const IceExpr *result = project_walk(&ctx, row_expr, false, 0);
    if (!result)
        return arena_error(arena, err);
    *out = result;
    return ERR_OK;
}

/* ---- residuals -------------------------------------------------------------------------- */

/* TRUE or FALSE when the partition tuple settles `pred` for every row of the partition,
 * else the predicate itself; NULL when out of memory. */
static const IceExpr *residual_leaf(const ProjectCtx *ctx, const IceExpr *pred)
{
    for (int32_t i = 0; i < ctx->spec->n_fields; i++) {
        const IcePartitionField *field = &ctx->spec->fields[i];
        IcePrim result_type;
        if (field->source_id != pred->field_id || !field_result_type(ctx, pred, i, &result_type))
            continue;
        const IceValue *value = &ctx->values[i];
        const IceExpr *strict, *inclusive;
        if (!ice_expr_project_pred(ctx->arena, pred, field, result_type, true, &strict))
            return NULL;
        if (strict && ice_expr_eval_value(strict->op, strict->literals, strict->n_literals, value,
                                          false) == ICE_TRI_TRUE)
            return ice_expr_true();
        if (!ice_expr_project_pred(ctx->arena, pred, field, result_type, false, &inclusive))
            return NULL;
        if (inclusive && ice_expr_eval_value(inclusive->op, inclusive->literals,
                                             inclusive->n_literals, value, false) == ICE_TRI_FALSE)
            return ice_expr_false();
    }
    return pred;
}

/* NOT of a float comparison (see project_not_inexact): an identity partition value
 * decides it when both NaN rules agree; otherwise the NOT stays. */
static const IceExpr *residual_not_inexact(const ProjectCtx *ctx, const IceExpr *pred)
{
    for (int32_t i = 0; i < ctx->spec->n_fields; i++) {
        const IcePartitionField *field = &ctx->spec->fields[i];
        if (field->source_id != pred->field_id || field->transform.kind != ICE_TR_IDENTITY)
            continue;
        IceTri tri = ice_expr_eval_value(pred->op, pred->literals, pred->n_literals,
                                         &ctx->values[i], true);
        if (tri == ICE_TRI_TRUE)
            return ice_expr_true();
        if (tri == ICE_TRI_FALSE)
            return ice_expr_false();
    }
    return ice_expr_not(ctx->arena, pred);
}

static const IceExpr *residual_walk(const ProjectCtx *ctx, const IceExpr *expr, bool negate,
                                    int depth)
{
    if (depth > 10000)
        return NULL;
    switch (expr->op) {
    case ICE_EXPR_TRUE:
        return negate ? ice_expr_false() : ice_expr_true();
    case ICE_EXPR_FALSE:
        return negate ? ice_expr_true() : ice_expr_false();
    case ICE_EXPR_NOT:
        return residual_walk(ctx, expr->left, !negate, depth + 1);
    case ICE_EXPR_AND:
    case ICE_EXPR_OR: {
        const IceExpr *left = residual_walk(ctx, expr->left, negate, depth + 1);
        const IceExpr *right = left ? residual_walk(ctx, expr->right, negate, depth + 1) : NULL;
        if (!left || !right)
            return NULL;
        if (!negate && left == expr->left && right == expr->right)
            return expr;
        bool is_and = (expr->op == ICE_EXPR_AND) != negate;
        return is_and ? ice_expr_and(ctx->arena, left, right)
                      : ice_expr_or(ctx->arena, left, right);
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
        if (negate && !ice_expr_negation_is_exact(expr))
            return residual_not_inexact(ctx, expr);
        const IceExpr *pred =
                negate ? ice_expr_with_op(ctx->arena, expr, ice_expr_negate_op(expr->op)) : expr;
        return pred ? residual_leaf(ctx, pred) : NULL;
    }
    }
    return NULL;
}

ErrCode ice_expr_residual(Arena *arena, const IceExpr *row_expr, const IcePartitionSpec *spec,
                          const IceSchema *schema, const IceValue *partition_values,
                          const IceExpr **out, Err *err)
{
    const ProjectCtx ctx = {arena, spec, schema, partition_values};
    const IceExpr *result = residual_walk(&ctx, row_expr, false, 0);
    if (!result)
        return arena_error(arena, err);
    *out = result;
    return ERR_OK;
}
