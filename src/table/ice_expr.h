/* ice_expr.h — Iceberg predicates bound to field ids, and the evaluators scan planning uses
 * to skip manifests, data files and row groups (table layer).
 *
 * An IceExpr is a tree of AND/OR/NOT over predicates on one field each (`field_id`, typed
 * `type`), with literals of exactly that type. The SQL binder builds row expressions on
 * schema field ids; ice_expr_project_inclusive turns them into partition expressions on
 * partition field ids (spec "Scan Planning", Java's Projections); scan planning
 * (ice_scan.c) then prunes with:
 *
 *   1. ice_eval_summaries   a manifest, from the manifest list's partition field summaries
 *   2. ice_eval_partition   a manifest entry, from its exact partition tuple
 *   3. ice_eval_metrics     a data file, from its column metrics (counts and bounds)
 *   4. ice_expr_residual    what is left to check on the rows of one file's partition
 *   5. ice_expr_to_pq_predicates  Parquet row-group pruning inside the file
 *
 * Semantics: a row matches when the expression is TRUE under SQL's three-valued logic: a
 * predicate on a NULL value is unknown (never satisfied) except IS NULL / IS NOT NULL, and
 * so are IS_NAN and NOT_NAN of a NULL. -0.0 equals +0.0. Engines disagree about NaN in
 * comparisons (IEEE: never true; PostgreSQL/DuckDB/Iceberg: NaN is above every number),
 * so every evaluator here answers "may match" under both, and the residual stays exact
 * under both. NOT is pushed into the predicates (NOT x < 5 is x >= 5, NOT x IN (...) is
 * x NOT IN (...)), which three-valued logic allows, except over comparisons of float and
 * double columns: under IEEE rules NOT (NaN >= 1) is true but NaN < 1 is false, so those
 * keep their NOT.
 *
 * Evaluators 1-3 and 5 are conservative: they may say "may match" for a file with no
 * matching row, never "cannot match" for a file with one. The residual is exact: on rows
 * of that partition it selects the same rows as the row expression.
 *
 * Memory: expressions are immutable trees in an arena; constructors return NULL when the
 * arena is out of memory, and return NULL when given a NULL operand, so a chain of
 * constructions is checked once at the end (arena_error says why). TRUE and FALSE are
 * static constants. Thread contract: every function is thread-safe for distinct arenas;
 * finished expressions may be shared by any number of threads.
 */
#ifndef TARN_TABLE_ICE_EXPR_H
#define TARN_TABLE_ICE_EXPR_H

#include "format/pq_reader.h"
#include "table/ice_partition.h"
#include "table/ice_types.h"
#include "table/ice_value.h"

typedef enum IceExprOp {
    ICE_EXPR_TRUE,
    ICE_EXPR_FALSE,
    ICE_EXPR_AND,
    ICE_EXPR_OR,
    ICE_EXPR_NOT,
    ICE_EXPR_IS_NULL,
    ICE_EXPR_NOT_NULL,
    ICE_EXPR_IS_NAN,
    ICE_EXPR_NOT_NAN,
    ICE_EXPR_LT,
    ICE_EXPR_LT_EQ,
    ICE_EXPR_GT,
    ICE_EXPR_GT_EQ,
    ICE_EXPR_EQ,
    ICE_EXPR_NOT_EQ,
    ICE_EXPR_IN,
    ICE_EXPR_NOT_IN,
    ICE_EXPR_STARTS_WITH,
    ICE_EXPR_NOT_STARTS_WITH,
} IceExprOp;

typedef struct IceExpr {
    IceExprOp op;
    const struct IceExpr *left, *right; /* and/or: both; not: left */
    int32_t field_id;                   /* predicates */
    IcePrim type;                       /* of the field */
    const IceValue *literals;           /* comparisons: 1; in/not in: sorted, distinct */
    int32_t n_literals;
} IceExpr;

/* IN lists longer than this are not compared with bounds (Java's IN_PREDICATE_LIMIT): a
 * file "may match" them; this keeps pruning linear in the number of files. */
#define ICE_EXPR_IN_LIMIT 200

/* ---- building --------------------------------------------------------------------------- */

/* The constants TRUE and FALSE (static storage). */
const IceExpr *ice_expr_true(void);
const IceExpr *ice_expr_false(void);

/* AND, OR and NOT, folding constants: TRUE AND x = x, FALSE AND x = FALSE, TRUE OR x =
 * TRUE, NOT TRUE = FALSE, NOT NOT x = x. The operands are shared, not copied. Arena-owned;
 * NULL when out of memory or given a NULL operand. */
const IceExpr *ice_expr_and(Arena *arena, const IceExpr *left, const IceExpr *right);
const IceExpr *ice_expr_or(Arena *arena, const IceExpr *left, const IceExpr *right);
const IceExpr *ice_expr_not(Arena *arena, const IceExpr *child);

/* A unary predicate (IS_NULL, NOT_NULL, IS_NAN, NOT_NAN) on a field. Arena-owned; NULL when
 * out of memory. */
const IceExpr *ice_expr_unary(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type);

/* A comparison (LT, LT_EQ, GT, GT_EQ, EQ, NOT_EQ, STARTS_WITH, NOT_STARTS_WITH) of a field
 * with one literal, which must already be of `type` (see ice_expr_bind to convert). The
 * literal, bytes included, is copied into the arena. A NULL literal gives FALSE (a
 * comparison with NULL is never true). Arena-owned; NULL when out of memory. */
const IceExpr *ice_expr_cmp(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type,
                            const IceValue *literal);

/* IN or NOT_IN over literals of `type` (copied, sorted, duplicates and NULLs dropped). One
 * literal gives EQ / NOT_EQ; none gives FALSE for IN and TRUE for NOT_IN; a NULL among
 * NOT_IN's literals gives FALSE (x NOT IN (1, NULL) is never true). Arena-owned; NULL when
 * out of memory. */
const IceExpr *ice_expr_in(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type,
                           const IceValue *literals, int32_t n_literals);

/* The checked constructor the binder uses: any predicate op, with literals of any type
 * converted to `type` by ice_value_cast. An int column compared with a long literal out of
 * int range folds to NOT_NULL or FALSE (x < 2^40 holds for every non-NULL int), and such
 * literals drop out of IN lists. Errors: ERR_INVALID (wrong number of literals for the op,
 * STARTS_WITH on a non-string, IS_NAN on a non-float, a NaN literal in a comparison,
 * a literal that does not convert: the message names both types), ERR_NOMEM.
 * *out is arena-owned. */
TN_MUST_CHECK ErrCode ice_expr_bind(Arena *arena, IceExprOp op, int32_t field_id, IcePrim type,
                                    const IceValue *literals, int32_t n_literals,
                                    const IceExpr **out, Err *err);

/* The same expression with every NOT pushed down into the predicates (NOT (a AND b) =
 * NOT a OR NOT b, NOT x < 5 = x >= 5, NOT x IS NULL = x IS NOT NULL...); a NOT over a
 * comparison of a float or double column stays (see Semantics above). Subtrees without
 * NOT are shared. Arena-owned; NULL when out of memory. */
const IceExpr *ice_expr_rewrite_not(Arena *arena, const IceExpr *expr);

/* The op that holds exactly when `op` does not (for a non-NULL value): LT <-> GT_EQ,
 * EQ <-> NOT_EQ, IN <-> NOT_IN, IS_NULL <-> NOT_NULL, AND <-> OR, TRUE <-> FALSE... */
IceExprOp ice_expr_negate_op(IceExprOp op);

/* Text for messages and tests: "(#3 >= 2026-11-24T00:00:00Z and #4 in ('a', 'b'))",
 * using field names from `schema` when it is non-NULL and has the id ("route = 'x'").
 * Returns the full length (snprintf semantics). */
size_t ice_expr_format(const IceExpr *expr, const IceSchema *schema, char *buf, size_t buf_len);

/* ---- projection and residuals (ice_expr_project.c) ------------------------------------- */

/* The inclusive projection of a row expression onto the spec's partition fields: a
 * partition expression that is true for the partition of every row the row expression
 * matches (spec "Scan Planning"; e.g. ts >= X -> ts_day >= day(X), id = 5 ->
 * id_bucket = bucket(5), s starts with 'abcdef' -> s_trunc3 = 'abc'). A predicate with
 * no projection (bucket of a range, NOT_EQ through a transform, a void field) becomes
 * TRUE. The result uses partition field ids and the transforms' result types. Fields whose
 * source is missing from `schema` are ignored. *out is arena-owned. Errors: ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_expr_project_inclusive(Arena *arena, const IceExpr *row_expr,
                                                 const IcePartitionSpec *spec,
                                                 const IceSchema *schema, const IceExpr **out,
                                                 Err *err);

/* What remains of a row expression for the rows of one data file, given the file's
 * partition tuple (partition_values[i] for spec->fields[i], typed by the result types;
 * Java's ResidualEvaluator): a predicate the tuple decides for every row of the partition
 * becomes TRUE or FALSE (identity fields always; day/hour/... and truncate where the
 * strict or inclusive projection settles it, e.g. ts >= 2026-11-24T00:00 for the
 * partition day 2026-11-25 is TRUE). NOT is pushed into predicates as in
 * ice_expr_rewrite_not. The result may share nodes with row_expr; *out is arena-owned.
 * Errors: ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_expr_residual(Arena *arena, const IceExpr *row_expr,
                                        const IcePartitionSpec *spec, const IceSchema *schema,
                                        const IceValue *partition_values, const IceExpr **out,
                                        Err *err);

/* ---- pruning (ice_expr_eval.c) ---------------------------------------------------------- */

/* A manifest's summary of one partition field (manifest list "partitions"). Bounds are the
 * serialized min and max of the non-NULL, non-NaN values; absent (ptr NULL) means there
 * are none (the spec's meaning). */
typedef struct IcePartitionFieldSummary {
    bool contains_null;
    int8_t contains_nan; /* 1, 0, or -1 unknown */
    IceBytes lower, upper;
} IcePartitionFieldSummary;

/* False only when no file of the manifest can match `part_expr` (a partition expression
 * from ice_expr_project_inclusive): summaries[i] describes spec->fields[i] and
 * result_types[i] its type; fields past n_summaries are unknown. Bounds that fail to
 * decode count as unknown. */
bool ice_eval_summaries(const IceExpr *part_expr, const IcePartitionSpec *spec,
                        const IcePrim *result_types, const IcePartitionFieldSummary *summaries,
                        int32_t n_summaries);

/* False only when the partition tuple (values[i] for spec->fields[i]) cannot match
 * `part_expr`. Exact except where NaN semantics differ between engines. */
bool ice_eval_partition(const IceExpr *part_expr, const IcePartitionSpec *spec,
                        const IceValue *partition_values);

/* A data file's metrics for one column (manifest entry value_counts, null_value_counts,
 * nan_value_counts, lower_bounds, upper_bounds). Counts of -1 are unknown; bounds with ptr
 * NULL are unknown. String and binary bounds may be truncated: a lower bound may be a
 * prefix of the true minimum, an upper bound a prefix of the true maximum (or a larger
 * value), so an upper bound that is a prefix of a literal is taken as possibly larger. */
typedef struct IceFieldMetrics {
    int32_t field_id;
    int64_t value_count, null_count, nan_count; /* -1 unknown */
    IceBytes lower, upper;                      /* ptr NULL unknown */
} IceFieldMetrics;

typedef struct IceFileMetrics {
    int64_t record_count; /* -1 unknown */
    const IceFieldMetrics *fields;
    int32_t n_fields;
} IceFileMetrics;

/* False only when no row of the file can match `row_expr` (Java's
 * InclusiveMetricsEvaluator, extended for truncated upper bounds): a file of 0 records,
 * a column of only NULLs (or only NaNs for comparisons), bounds that exclude every
 * literal. `schema` supplies the column types the bounds were written with (falls back to
 * each predicate's type when the id is absent); ints written before a promotion to long
 * (4-byte bounds) and floats before double are read as such. */
bool ice_eval_metrics(const IceExpr *row_expr, const IceSchema *schema,
                      const IceFileMetrics *metrics);

/* The top-level conjuncts of `row_expr` that Parquet statistics can check, as
 * PqPredicates (format/pq_reader.h) on column indexes: col_field_ids[c] is the field id of
 * Parquet column c (-1 for none). EQ, LT, LT_EQ, GT, GT_EQ, IS_NULL and NOT_NULL map
 * directly; IN adds GE min and LE max; STARTS_WITH adds GE prefix. GT/GT_EQ on floats are
 * left out (NaN rows may satisfy them in some engines), as are decimals over 18 digits.
 * String constants borrow the expression's literal bytes. Writes at most `cap`
 * predicates to out and returns the count. */
int32_t ice_expr_to_pq_predicates(const IceExpr *row_expr, const int32_t *col_field_ids,
                                  int32_t n_cols, PqPredicate *out, int32_t cap);

#endif
