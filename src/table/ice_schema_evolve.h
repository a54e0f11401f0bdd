/* ice_schema_evolve.h — schema evolution (table layer): build the next schema of a table
 * from its current one, and check that a proposed schema is a legal evolution (Iceberg
 * spec "Schema Evolution"). Used by ice_txn_set_schema (which checks every new schema)
 * and by the SQL engine's ALTER TABLE.
 *
 * Columns are identified by field id, never by name, so renames and reorders are free and
 * old data files keep reading through ice_data_reader (which matches Parquet columns by
 * field id). The legal type changes are the spec's promotions: int -> long, float ->
 * double, decimal(P,S) -> decimal(P2,S) with P2 >= P. A new column gets the next id after
 * the table's last-column-id and is optional (a required column would need a default
 * value for the rows of old files). A column used by the current partition spec cannot be
 * dropped.
 *
 * Every builder returns a new schema in `arena` (schema_id left for the metadata to
 * assign) and leaves the input untouched.
 */
#ifndef TARN_TABLE_ICE_SCHEMA_EVOLVE_H
#define TARN_TABLE_ICE_SCHEMA_EVOLVE_H

#include "table/ice_meta.h"

/* Add an optional top-level column `name` of primitive `type` with id last_column_id + 1,
 * after column `after` (NULL: at the end; "" : first). ERR_INVALID: name taken, `after`
 * unknown. */
TN_MUST_CHECK ErrCode ice_schema_add_column(Arena *arena, const IceSchema *schema,
                                            int32_t last_column_id, const char *name, IcePrim type,
                                            const char *after, IceSchema *out, Err *err);

/* Rename top-level column `from` to `to`. ERR_INVALID: unknown column, name taken. */
TN_MUST_CHECK ErrCode ice_schema_rename_column(Arena *arena, const IceSchema *schema,
                                               const char *from, const char *to, IceSchema *out,
                                               Err *err);

/* Drop top-level column `name`. ERR_INVALID: unknown column, the last column, an
 * identifier field. (Partition sources are checked by ice_schema_check_evolution.) */
TN_MUST_CHECK ErrCode ice_schema_drop_column(Arena *arena, const IceSchema *schema,
                                             const char *name, IceSchema *out, Err *err);

/* Widen column `name` to `type` (a legal promotion, else ERR_INVALID naming both types). */
TN_MUST_CHECK ErrCode ice_schema_widen_column(Arena *arena, const IceSchema *schema,
                                              const char *name, IcePrim type, IceSchema *out,
                                              Err *err);

/* Move column `name` after column `after` ("" : first). ERR_INVALID: unknown columns. */
TN_MUST_CHECK ErrCode ice_schema_move_column(Arena *arena, const IceSchema *schema,
                                             const char *name, const char *after, IceSchema *out,
                                             Err *err);

/* True when `to` is `from` or a legal promotion of it. */
bool ice_prim_can_promote(IcePrim from, IcePrim to);

/* Check that `next` is a legal evolution of `meta`'s current schema: every field id kept
 * has a compatible type (equal or promoted) and nested shape, new field ids are above
 * last-column-id and optional, names are unique at each level, the current partition
 * spec's source columns are kept. ERR_INVALID naming the column. */
TN_MUST_CHECK ErrCode ice_schema_check_evolution(const IceTableMeta *meta, const IceSchema *next,
                                                 Err *err);

#endif
