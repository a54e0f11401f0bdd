/* ice_expr_int.h — helpers shared by the ice_expr parts (table layer, private): ice_expr.c
 * (building, text), ice_expr_project.c (projections, residuals), ice_expr_eval.c
 * (evaluators on values, summaries, metrics) and ice_expr_pq.c (Parquet predicates).
 *
 * IceTri is the three-valued answer of evaluating a predicate on a known value: TRUE,
 * FALSE, or UNKNOWN when engines disagree (a NaN in a comparison); UNKNOWN never turns
 * into a pruning decision.
 */
#ifndef TARN_TABLE_ICE_EXPR_INT_H
#define TARN_TABLE_ICE_EXPR_INT_H

#include "table/ice_expr.h"

typedef enum IceTri {
    ICE_TRI_FALSE,
    ICE_TRI_TRUE,
    ICE_TRI_UNKNOWN,
} IceTri;

/* True for ops that compare with literals (everything past NOT_NAN). */
bool ice_expr_op_has_literals(IceExprOp op);

/* True for predicates (everything past NOT). */
bool ice_expr_is_predicate(IceExprOp op);

/* A predicate node like `pred` with op `op` (pred's field, type and literals). Arena-owned;
 * NULL when out of memory. */
const IceExpr *ice_expr_with_op(Arena *arena, const IceExpr *pred, IceExprOp op);

/* Compare two non-NULL values of one type, for bounds and literals: as ice_value_compare
 * but -0.0 equals +0.0. Neither may be NaN (callers check). */
int ice_expr_value_cmp(const IceValue *a, const IceValue *b);

/* True when v is a float or double NaN. */
bool ice_expr_value_is_nan(const IceValue *v);

/* True when NOT pred selects exactly the rows of pred with the negated op (see
 * ice_expr_negate_op). False for comparisons of float and double columns: under IEEE
 * rules NaN >= 1 and NaN < 1 are both false, so NOT (x >= 1) holds for NaN but x < 1
 * does not. */
bool ice_expr_negation_is_exact(const IceExpr *pred);

/* Evaluate predicate `op` with `literals` on one value of the field (NULL-aware, SQL
 * semantics as in ice_expr.h), or NOT of it when `negate`. */
IceTri ice_expr_eval_value(IceExprOp op, const IceValue *literals, int32_t n_literals,
                           const IceValue *value, bool negate);

/* The inclusive (is_strict false) or strict (is_strict true) projection of one predicate
 * through one partition field whose result type is `result_type`: inclusive holds for the
 * partition of every row the predicate matches; strict holds only for partitions whose
 * every row matches. *out is NULL when there is none. Returns false when out of memory. */
bool ice_expr_project_pred(Arena *arena, const IceExpr *pred, const IcePartitionField *field,
                           IcePrim result_type, bool is_strict, const IceExpr **out);

#endif
