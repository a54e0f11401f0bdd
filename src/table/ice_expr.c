/* ice_expr.c — building Iceberg predicate trees: constant folding, literal copying and
 * sorting, the checked binder, NOT push-down and text (table layer; model and semantics
 * in ice_expr.h, evaluators in ice_expr_eval.c, projections in ice_expr_project.c).
 *
 * Every node lives in the caller's arena and is never changed after construction, so
 * subtrees are shared freely (AND/OR/NOT point at their operands, rewrites reuse subtrees
 * without NOT). Literals are deep-copied (string and binary bytes too) so an expression
 * never borrows from the literals it was built from. IN lists are kept sorted and distinct,
 * which lets the evaluators stop early and the Parquet mapping take min and max directly.
 */
#include "table/ice_expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table/ice_expr_int.h"

static const IceExpr expr_true = {.op = ICE_EXPR_TRUE};
static const IceExpr expr_false = {.op = ICE_EXPR_FALSE};

const IceExpr *ice_expr_true(void)
{
    return &expr_true;
}

const IceExpr *ice_expr_false(void)
{
    return &expr_false;
}

bool ice_expr_op_has_literals(IceExprOp op)
{
    return op > ICE_EXPR_NOT_NAN;
}

bool ice_expr_is_predicate(IceExprOp op)
{
    return op > ICE_EXPR_NOT;
}

bool ice_expr_negation_is_exact(const IceExpr *pred)
{
    bool is_float = pred->type.id == ICE_FLOAT || pred->type.id == ICE_DOUBLE;
    bool is_comparison = pred->op >= ICE_EXPR_LT && pred->op <= ICE_EXPR_NOT_IN;
    return !(is_float && is_comparison);
}

static IceExpr *new_node(Arena *arena, IceExprOp op)
{
    IceExpr *node = arena_zalloc(arena, sizeof *node);
    if (node)
        node->op = op;
    return node;
}

const IceExpr *ice_expr_and(Arena *arena, const IceExpr *left, const IceExpr *right)
{
    if (!left || !right)
        return NULL;
    if (left->op == ICE_EXPR_FALSE || right->op == ICE_EXPR_FALSE)
        return &expr_false;
    if (left->op == ICE_EXPR_TRUE)
        return right;
    if (right->op == ICE_EXPR_TRUE)
        return left;
    IceExpr *node = new_node(arena, ICE_EXPR_AND);
    if (!node)
        return NULL;
    node->left = left;
    node->right = right;
    return node;
}

const IceExpr *ice_expr_or(Arena *arena, const IceExpr *left, const IceExpr *right)
{
    if (!left || !right)
        return NULL;
    if (left->op == ICE_EXPR_TRUE || right->op == ICE_EXPR_TRUE)
        return &expr_true;
    if (left->op == ICE_EXPR_FALSE)
        return right;
    if (right->op == ICE_EXPR_FALSE)
        return left;
    IceExpr *node = new_node(arena, ICE_EXPR_OR);
    if (!node)
        return NULL;
    node->left = left;
    node->right = right;
    return node;
}

const IceExpr *ice_expr_not(Arena *arena, const IceExpr *child)
{
    if (!child)
        return NULL;
    if (child->op == ICE_EXPR_TRUE)
        return &expr_false;
    if (child->op == ICE_EXPR_FALSE)
        return &expr_true;
    if (child->op == ICE_EXPR_NOT)
        return child->left;
    IceExpr *node = new_node(arena, ICE_EXPR_NOT);
    if (!node)
        return NULL;
    node->left = child;
    return node;
}

const IceExpr *ice_expr_unary(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type)
{
    IceExpr *node = new_node(arena, op);
    if (!node)
        return NULL;
    node->field_id = field_id;
    node->type = type;
    return node;
}

/* Copy a value with its bytes into the arena; false when out of memory. */
static bool copy_literal(Arena *arena, const IceValue *src, IceValue *dst)
{
    *dst = *src;
    if (src->is_null || !ice_type_is_primitive(src->type.id))
        return true;
    IceTypeId id = src->type.id;
    if (id != ICE_STRING && id != ICE_BINARY && id != ICE_FIXED && id != ICE_UUID)
        return true;
    uint8_t *bytes = arena_alloc(arena, src->bytes.len ? src->bytes.len : 1);
    if (!bytes)
        return false;
    if (src->bytes.len)
        memcpy(bytes, src->bytes.ptr, src->bytes.len);
    dst->bytes.ptr = bytes;
    return true;
}

const IceExpr *ice_expr_cmp(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type,
                            const IceValue *literal)
{
    if (literal->is_null)
        return &expr_false;
    IceExpr *node = new_node(arena, op);
    IceValue *lit = arena_alloc(arena, sizeof *lit);
    if (!node || !lit || !copy_literal(arena, literal, lit))
        return NULL;
    node->field_id = field_id;
    node->type = type;
    node->literals = lit;
    node->n_literals = 1;
    return node;
}

static int literal_order(const void *a, const void *b)
{
    return ice_value_compare(a, b);
}

const IceExpr *ice_expr_in(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type,
                           const IceValue *literals, int32_t n_literals)
{
    IceValue *lits = arena_alloc_array(arena, (size_t)TN_MAX(n_literals, 1), sizeof *lits);
    if (!lits)
        return NULL;
    int32_t n = 0;
    for (int32_t i = 0; i < n_literals; i++) {
        if (literals[i].is_null) {
            if (op == ICE_EXPR_NOT_IN)
                return &expr_false;
            continue;
        }
        if (!copy_literal(arena, &literals[i], &lits[n]))
            return NULL;
        n++;
    }
    qsort(lits, (size_t)n, sizeof *lits, literal_order);
    int32_t n_distinct = 0;
    for (int32_t i = 0; i < n; i++) {
        if (n_distinct == 0 || ice_value_compare(&lits[n_distinct - 1], &lits[i]) != 0)
            lits[n_distinct++] = lits[i];
    }
    if (n_distinct == 0)
        return op == ICE_EXPR_IN ? &expr_false : &expr_true;
    if (n_distinct == 1)
        return ice_expr_cmp(arena, op == ICE_EXPR_IN ? ICE_EXPR_EQ : ICE_EXPR_NOT_EQ, field_id,
                            type, &lits[0]);
    IceExpr *node = new_node(arena, op);
    if (!node)
        return NULL;
    node->field_id = field_id;
    node->type = type;
    node->literals = lits;
    node->n_literals = n_distinct;
    return node;
}

const IceExpr *ice_expr_with_op(Arena *arena, const IceExpr *pred, IceExprOp op)
{
    IceExpr *node = new_node(arena, op);
    if (!node)
        return NULL;
    node->field_id = pred->field_id;
    node->type = pred->type;
    node->literals = pred->literals;
    node->n_literals = pred->n_literals;
    return node;
}

IceExprOp ice_expr_negate_op(IceExprOp op)
{
    switch (op) {
    case ICE_EXPR_TRUE:
        return ICE_EXPR_FALSE;
    case ICE_EXPR_FALSE:
        return ICE_EXPR_TRUE;
    case ICE_EXPR_AND:
        return ICE_EXPR_OR;
    case ICE_EXPR_OR:
        return ICE_EXPR_AND;
    case ICE_EXPR_NOT:
        return ICE_EXPR_NOT;
    case ICE_EXPR_IS_NULL:
        return ICE_EXPR_NOT_NULL;
    case ICE_EXPR_NOT_NULL:
        return ICE_EXPR_IS_NULL;
    case ICE_EXPR_IS_NAN:
        return ICE_EXPR_NOT_NAN;
    case ICE_EXPR_NOT_NAN:
        return ICE_EXPR_IS_NAN;
    case ICE_EXPR_LT:
        return ICE_EXPR_GT_EQ;
    case ICE_EXPR_LT_EQ:
        return ICE_EXPR_GT;
    case ICE_EXPR_GT:
        return ICE_EXPR_LT_EQ;
    case ICE_EXPR_GT_EQ:
        return ICE_EXPR_LT;
    case ICE_EXPR_EQ:
        return ICE_EXPR_NOT_EQ;
    case ICE_EXPR_NOT_EQ:
        return ICE_EXPR_EQ;
    case ICE_EXPR_IN:
        return ICE_EXPR_NOT_IN;
    case ICE_EXPR_NOT_IN:
        return ICE_EXPR_IN;
    case ICE_EXPR_STARTS_WITH:
        return ICE_EXPR_NOT_STARTS_WITH;
    case ICE_EXPR_NOT_STARTS_WITH:
        return ICE_EXPR_STARTS_WITH;
    }
    return op;
}

/* Push NOT down; `negate` says whether an odd number of NOTs sits above `expr`. The depth
 * bound only protects against a cyclic tree built by a buggy caller. */
static const IceExpr *rewrite(Arena *arena, const IceExpr *expr, bool negate, int depth)
{
    if (depth > 10000)
        return NULL;
    switch (expr->op) {
    case ICE_EXPR_TRUE:
    case ICE_EXPR_FALSE:
        return negate ? (expr->op == ICE_EXPR_TRUE ? &expr_false : &expr_true) : expr;
    case ICE_EXPR_NOT:
        return rewrite(arena, expr->left, !negate, depth + 1);
    case ICE_EXPR_AND:
    case ICE_EXPR_OR: {
        const IceExpr *left = rewrite(arena, expr->left, negate, depth + 1);
        const IceExpr *right = rewrite(arena, expr->right, negate, depth + 1);
        if (!left || !right)
            return NULL;
        if (!negate && left == expr->left && right == expr->right)
            return expr;
        bool is_and = (expr->op == ICE_EXPR_AND) != negate;
        return is_and ? ice_expr_and(arena, left, right) : ice_expr_or(arena, left, right);
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
        if (!negate)
            return expr;
        if (!ice_expr_negation_is_exact(expr))
            return ice_expr_not(arena, expr);
        return ice_expr_with_op(arena, expr, ice_expr_negate_op(expr->op));
    }
    return NULL;
}

const IceExpr *ice_expr_rewrite_not(Arena *arena, const IceExpr *expr)
{
    return expr ? rewrite(arena, expr, false, 0) : NULL;
}

/* ---- the checked binder --------------------------------------------------------------- */

static bool is_float_type(IceTypeId id)
{
    return id == ICE_FLOAT || id == ICE_DOUBLE;
}

static const char *op_name(IceExprOp op);

/* A long literal outside int range compared with an int column: 1 above, -1 below, 0 no. */
static int int_overflow(const IceValue *lit, IcePrim type)
{
    if (type.id != ICE_INT || lit->is_null || lit->type.id != ICE_LONG)
        return 0;
    if (lit->i64 > INT32_MAX)
        return 1;
    return lit->i64 < INT32_MIN ? -1 : 0;
}

/* The constant a comparison with an out-of-range literal folds to: "x < huge" holds for
 * every non-NULL x, "x > huge" for none. */
static const IceExpr *fold_overflow(Arena *arena, IceExprOp op, int side, int32_t field_id,
                                    IcePrim type)
{
    bool holds;
    switch (op) {
    case ICE_EXPR_LT:
    case ICE_EXPR_LT_EQ:
        holds = side > 0;
        break;
    case ICE_EXPR_GT:
    case ICE_EXPR_GT_EQ:
        holds = side < 0;
        break;
    case ICE_EXPR_NOT_EQ:
        holds = true;
        break;
    default:
        holds = false;
        break;
    }
    return holds ? ice_expr_unary(arena, ICE_EXPR_NOT_NULL, field_id, type) : &expr_false;
}

static ErrCode check_arity(IceExprOp op, int32_t field_id, IcePrim type, int32_t n_literals,
                           Err *err)
{
    char type_name[48];
    ice_prim_name(type, type_name, sizeof type_name);
    if (!ice_expr_is_predicate(op))
        return err_set(err, ERR_INVALID, "%s is not a predicate", op_name(op));
    if (!ice_expr_op_has_literals(op) && n_literals != 0)
        return err_set(err, ERR_INVALID, "%s on field #%d takes no literal", op_name(op), field_id);
    if (ice_expr_op_has_literals(op) && op != ICE_EXPR_IN && op != ICE_EXPR_NOT_IN &&
        n_literals != 1)
        return err_set(err, ERR_INVALID, "%s on field #%d takes one literal, not %d", op_name(op),
                       field_id, n_literals);
    if ((op == ICE_EXPR_IS_NAN || op == ICE_EXPR_NOT_NAN) && !is_float_type(type.id))
        return err_set(err, ERR_INVALID, "%s needs a float or double column; field #%d is %s",
                       op_name(op), field_id, type_name);
    if ((op == ICE_EXPR_STARTS_WITH || op == ICE_EXPR_NOT_STARTS_WITH) && type.id != ICE_STRING)
        return err_set(err, ERR_INVALID, "%s needs a string column; field #%d is %s", op_name(op),
                       field_id, type_name);
    return ERR_OK;
}

ErrCode ice_expr_bind(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type,
                      const IceValue *literals, int32_t n_literals, const IceExpr **out, Err *err)
{
    ErrCode rc = check_arity(op, field_id, type, n_literals, err);
    if (rc != ERR_OK)
        return rc;
    if (!ice_expr_op_has_literals(op)) {
        const IceExpr *node = ice_expr_unary(arena, op, field_id, type);
        if (!node)
            return arena_error(arena, err);
        *out = node;
        return ERR_OK;
    }
    IceValue *cast = arena_alloc_array(arena, (size_t)TN_MAX(n_literals, 1), sizeof *cast);
    if (!cast)
        return arena_error(arena, err);
    int32_t n_cast = 0;
    bool is_set = op == ICE_EXPR_IN || op == ICE_EXPR_NOT_IN;
    for (int32_t i = 0; i < n_literals; i++) {
        int side = int_overflow(&literals[i], type);
        if (side != 0 && !is_set) {
            const IceExpr *node = fold_overflow(arena, op, side, field_id, type);
            if (!node)
                return arena_error(arena, err);
            *out = node;
            return ERR_OK;
        }
        if (side != 0)
            continue; /* never equal to an int: drops out of IN and NOT IN */
        rc = ice_value_cast(arena, &literals[i], type, &cast[n_cast], err);
        if (rc != ERR_OK) {
            err_prefix(err, "predicate %s on field #%d", op_name(op), field_id);
            return rc;
        }
        if (ice_expr_value_is_nan(&cast[n_cast]))
            return err_set(err, ERR_INVALID,
                           "predicate %s on field #%d: NaN cannot be compared; use is_nan",
                           op_name(op), field_id);
        n_cast++;
    }
    const IceExpr *node;
    if (is_set && n_cast == 0 && n_literals > 0) {
        /* Every literal was out of range: IN matches nothing, NOT IN every non-NULL row. */
        node = op == ICE_EXPR_IN ? &expr_false
                                 : ice_expr_unary(arena, ICE_EXPR_NOT_NULL, field_id, type);
    } else if (is_set) {
        node = ice_expr_in(arena, op, field_id, type, cast, n_cast);
    } else {
        node = ice_expr_cmp(arena, op, field_id, type, &cast[0]);
    }
    if (!node)
        return arena_error(arena, err);
    *out = node;
    return ERR_OK;
}

/* ---- text ----------------------------------------------------------------------------- */

static const char *op_name(IceExprOp op)
{
    switch (op) {
    case ICE_EXPR_TRUE:
        return "true";
    case ICE_EXPR_FALSE:
        return "false";
    case ICE_EXPR_AND:
        return "and";
    case ICE_EXPR_OR:
        return "or";
    case ICE_EXPR_NOT:
        return "not";
    case ICE_EXPR_IS_NULL:
        return "is null";
    case ICE_EXPR_NOT_NULL:
        return "is not null";
    case ICE_EXPR_IS_NAN:
        return "is_nan";
    case ICE_EXPR_NOT_NAN:
        return "not is_nan";
    case ICE_EXPR_LT:
        return "<";
    case ICE_EXPR_LT_EQ:
        return "<=";
    case ICE_EXPR_GT:
        return ">";
    case ICE_EXPR_GT_EQ:
        return ">=";
    case ICE_EXPR_EQ:
        return "=";
    case ICE_EXPR_NOT_EQ:
        return "!=";
    case ICE_EXPR_IN:
        return "in";
    case ICE_EXPR_NOT_IN:
        return "not in";
    case ICE_EXPR_STARTS_WITH:
        return "starts_with";
    case ICE_EXPR_NOT_STARTS_WITH:
        return "not starts_with";
    }
    return "?";
}

/* Appends to a fixed buffer, counting the full length like snprintf. */
typedef struct TextOut {
    char *buf;
    size_t cap;
    size_t len;
} TextOut;

static void out_printf(TextOut *out, const char *fmt, ...) TN_PRINTF(2, 3);

static void out_printf(TextOut *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *at = out->len < out->cap ? out->buf + out->len : NULL;
    size_t room = out->len < out->cap ? out->cap - out->len : 0;
    int n = vsnprintf(at, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        out->len += (size_t)n;
}

static void out_literal(TextOut *out, const IceValue *v)
{
    char text[256];
    size_t len = ice_value_format(v, text, sizeof text);
    bool is_quoted = !v->is_null && (v->type.id == ICE_STRING || v->type.id == ICE_DATE ||
                                     v->type.id == ICE_TIME || v->type.id == ICE_TIMESTAMP ||
                                     v->type.id == ICE_TIMESTAMPTZ || v->type.id == ICE_UUID);
    const char *ellipsis = len >= sizeof text ? "..." : "";
    if (is_quoted) {
        out_printf(out, "'%s%s'", text, ellipsis);
    } else {
        out_printf(out, "%s%s", text, ellipsis);
    }
}

static void out_field(TextOut *out, const IceExpr *pred, const IceSchema *schema)
{
    const IceField *field = schema ? ice_schema_find_id(schema, pred->field_id) : NULL;
    if (field && field->name) {
        out_printf(out, "%s", field->name);
    } else {
        out_printf(out, "#%d", pred->field_id);
    }
}

static void format_expr(TextOut *out, const IceExpr *expr, const IceSchema *schema, int depth)
{
    if (depth > 64) {
        out_printf(out, "...");
        return;
    }
    switch (expr->op) {
    case ICE_EXPR_TRUE:
    case ICE_EXPR_FALSE:
        out_printf(out, "%s", op_name(expr->op));
        return;
    case ICE_EXPR_AND:
    case ICE_EXPR_OR:
        out_printf(out, "(");
        format_expr(out, expr->left, schema, depth + 1);
        out_printf(out, " %s ", op_name(expr->op));
        format_expr(out, expr->right, schema, depth + 1);
        out_printf(out, ")");
        return;
    case ICE_EXPR_NOT:
        out_printf(out, "not ");
        format_expr(out, expr->left, schema, depth + 1);
        return;
    case ICE_EXPR_IS_NULL:
    case ICE_EXPR_NOT_NULL:
        out_field(out, expr, schema);
        out_printf(out, " %s", op_name(expr->op));
        return;
    case ICE_EXPR_IS_NAN:
    case ICE_EXPR_NOT_NAN:
    case ICE_EXPR_STARTS_WITH:
    case ICE_EXPR_NOT_STARTS_WITH:
        out_printf(out, "%s(", op_name(expr->op));
        out_field(out, expr, schema);
        if (expr->n_literals > 0) {
            out_printf(out, ", ");
            out_literal(out, &expr->literals[0]);
        }
        out_printf(out, ")");
        return;
    case ICE_EXPR_IN:
    case ICE_EXPR_NOT_IN:
        out_field(out, expr, schema);
        out_printf(out, " %s (", op_name(expr->op));
        for (int32_t i = 0; i < expr->n_literals; i++) {
            out_printf(out, "%s", i ? ", " : "");
            out_literal(out, &expr->literals[i]);
        }
        out_printf(out, ")");
        return;
    case ICE_EXPR_LT:
    case ICE_EXPR_LT_EQ:
    case ICE_EXPR_GT:
    case ICE_EXPR_GT_EQ:
    case ICE_EXPR_EQ:
    case ICE_EXPR_NOT_EQ:
        out_field(out, expr, schema);
        out_printf(out, " %s ", op_name(expr->op));
        if (expr->n_literals > 0)
            out_literal(out, &expr->literals[0]);
        return;
    }
}

size_t ice_expr_format(const IceExpr *expr, const IceSchema *schema, char *buf, size_t buf_len)
{
    TextOut out = {buf, buf_len, 0};
    if (buf_len > 0)
        buf[0] = '\0';
    format_expr(&out, expr, schema, 0);
    return out.len;
}
