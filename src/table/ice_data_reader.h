/* ice_data_reader.h — one Iceberg data file read through a (possibly newer) table schema
 * (table layer; used by scans in the executor, compaction and the tests).
 *
 * Iceberg matches a data file's columns to the table schema by field id, never by name
 * (spec "Column Projection"), so columns renamed after the file was written still read and
 * a column dropped and re-added under the same name does not. The reader opens the
 * Parquet file (format/pq_reader.h), maps each projected field id to the column with that
 * Parquet field_id, and decodes row groups into column vectors of the table's types:
 *   - a field the file does not have (added later) reads as all NULL, required or not
 *     (the spec wants defaults for new required fields; tarn has none to give);
 *   - a file column of an older, narrower type reads promoted as the spec allows:
 *     int -> long, float -> double, decimal(P,S) -> decimal(P2,S) with P2 > P;
 *   - any other type difference is ERR_CORRUPT at open (the file does not fit its table).
 * Row groups can be skipped with an IceExpr filter checked against their statistics.
 *
 * Ownership: the reader is caller-owned (ice_data_reader_close). Vectors from
 * ice_data_reader_read live in the caller's arena and may point into the file mapping:
 * valid until both the arena is reset and the reader is closed.
 * Thread contract: after open, any number of threads may call ice_data_reader_read and
 * ice_data_reader_row_group_may_match concurrently (each read with its own arena); open
 * and close belong to one thread.
 */
#ifndef TARN_TABLE_ICE_DATA_READER_H
#define TARN_TABLE_ICE_DATA_READER_H

#include "table/ice_expr.h"
#include "table/ice_types.h"

typedef struct IceDataReader IceDataReader;

/* Open the Parquet data file at `path` and map the projection `field_ids[0..n_fields)`
 * (fields of `schema`, in the order wanted) to its columns by field id, as above.
 * `schema` and `field_ids` are copied as needed (not borrowed after the call). *out is
 * caller-owned. Errors: ERR_NOT_FOUND, ERR_IO (the file), ERR_CORRUPT (bad file, or a
 * column whose type is neither the field's nor a legal promotion of it),
 * ERR_INVALID (a field id not in the schema), ERR_UNSUPPORTED (a nested field or file
 * column), ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_data_reader_open(Mem *mem, const char *path, const IceSchema *schema,
                                           const int32_t *field_ids, int32_t n_fields,
                                           IceDataReader **out, Err *err);

int32_t ice_data_reader_n_row_groups(const IceDataReader *reader);
int64_t ice_data_reader_row_group_rows(const IceDataReader *reader, int32_t rg);

/* False only when row group rg's statistics prove no row satisfies `filter` (an IceExpr on
 * field ids of the schema given at open; NULL = no filter): the filter's top-level AND
 * conjuncts on columns of the file are turned into Parquet predicates
 * (ice_expr_to_pq_predicates) and checked with pq_reader_row_group_may_match. Columns
 * read with a promotion take part when the constant's representation is the same
 * (int -> long, float -> double); a field the file lacks never prunes. */
bool ice_data_reader_row_group_may_match(const IceDataReader *reader, int32_t rg,
                                         const IceExpr *filter);

/* Decode row group rg: out[i] receives the vector for field_ids[i] (of type ice_prim_to_col
 * of the field; arena-owned, strings may point into the file mapping, see above).
 * Errors: ERR_INVALID (rg out of range), ERR_CORRUPT, ERR_UNSUPPORTED (an encoding or codec
 * the Parquet reader cannot decode), ERR_NOMEM; messages name the file and the field. */
TN_MUST_CHECK ErrCode ice_data_reader_read(IceDataReader *reader, int32_t rg, Arena *arena,
                                           ColVec *out, Err *err);

/* Unmap the file and free the reader. NULL is a no-op. */
void ice_data_reader_close(IceDataReader *reader);

#endif
