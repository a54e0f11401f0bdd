/* pq_reader.h — Parquet file reader (format layer; used by the Iceberg scan, the executor's
 * scan operator and the tests' dump tool).
 *
 * pq_reader_open maps the file (mmap), validates the magic bytes and parses the footer;
 * every offset and length in it is checked against the file size before use. Columns are
 * the leaves of the schema; flat leaves (top-level REQUIRED/OPTIONAL primitives) are
 * decodable, nested leaves (inside lists, maps, structs) are listed with `unsupported`
 * saying why and are skipped by callers.
 *
 * pq_reader_read_column decodes one column chunk of one row group straight into a ColVec
 * (the executor's format): fixed-width values contiguous, a validity bitmap from the
 * definition levels, strings as ColStr pointing into the mapping (uncompressed pages,
 * zero copy) or into decompressed pages in the caller's arena. When every data page of the
 * chunk is dictionary-encoded the vector stays dictionary-encoded (codes + a dictionary
 * vector with a dict_id unique per reader, row group and column); otherwise it is flat.
 * Logical types map to ColType: STRING/ENUM/JSON -> COL_STRING, other BYTE_ARRAY ->
 * COL_BINARY, DATE -> COL_DATE, TIMESTAMP (millis, micros, nanos) and INT96 -> microseconds
 * (COL_TIMESTAMPTZ when adjusted to UTC, else COL_TIMESTAMP), INTEGER of 8/16/32 bits ->
 * COL_INT32, unsigned 32 and 64 -> COL_INT64, DECIMAL -> COL_DECIMAL, UUID -> COL_UUID.
 *
 * Row groups can be skipped by predicates on column statistics (pq_reader_row_group_may_match).
 *
 * Bad input: a truncated, corrupt or hostile file yields ERR_CORRUPT with the file name,
 * column, row group and byte offset; it never crashes, loops or allocates more than the
 * sizes the file can justify (a page's declared uncompressed size is capped).
 *
 * Thread contract: after open, any number of threads may call pq_reader_read_column
 * concurrently (each with its own arena); open and close belong to one thread.
 */
#ifndef TARN_FORMAT_PQ_READER_H
#define TARN_FORMAT_PQ_READER_H

#include "base/colvec.h"
#include "format/pq_meta.h"

typedef struct PqReader PqReader;

typedef struct PqColumnInfo {
    const char *name; /* dotted path for nested leaves */
    int32_t leaf_idx; /* index among all leaves (ColumnChunk index in row groups) */
    int32_t field_id; /* -1 when absent */
    ColTypeInfo type;
    bool is_nullable;
    const char *unsupported; /* NULL when decodable; else why not ("nested column ...") */
    const PqSchemaElement *element;
} PqColumnInfo;

/* Open and parse the footer of `path`. `mem` is charged for the reader's metadata.
 * *out is caller-owned (pq_reader_close). Errors: ERR_NOT_FOUND, ERR_IO, ERR_CORRUPT. */
TN_MUST_CHECK ErrCode pq_reader_open(Mem *mem, const char *path, PqReader **out, Err *err);

/* Same over bytes in memory (borrowed until close); `name` is used in messages. */
TN_MUST_CHECK ErrCode pq_reader_open_buffer(Mem *mem, const uint8_t *data, size_t len,
                                            const char *name, PqReader **out, Err *err);

/* Unmap and free. NULL is a no-op. */
void pq_reader_close(PqReader *reader);

/* The parsed footer (borrowed until close). */
const PqFileMeta *pq_reader_meta(const PqReader *reader);

int64_t pq_reader_n_rows(const PqReader *reader);
int32_t pq_reader_n_row_groups(const PqReader *reader);
int64_t pq_reader_row_group_rows(const PqReader *reader, int32_t rg);

/* All leaf columns, in schema order (borrowed until close). */
int32_t pq_reader_n_columns(const PqReader *reader);
const PqColumnInfo *pq_reader_column(const PqReader *reader, int32_t col);

/* Column index by top-level name or by Iceberg field id; -1 when absent. */
int32_t pq_reader_find_column(const PqReader *reader, const char *name);
int32_t pq_reader_find_field_id(const PqReader *reader, int32_t field_id);

/* Decode column `col` of row group `rg` into *out; buffers are allocated in `arena` (and
 * the ColVec borrows from the reader's mapping, so it is valid until both the arena is
 * reset and the reader is closed). Errors: ERR_CORRUPT, ERR_UNSUPPORTED (nested column,
 * unknown encoding or codec: the message names it), ERR_NOMEM. */
TN_MUST_CHECK ErrCode pq_reader_read_column(PqReader *reader, int32_t rg, int32_t col, Arena *arena,
                                            ColVec *out, Err *err);

/* A comparison of a column with a constant, for row-group pruning. */
typedef enum PqCmp {
    PQ_CMP_EQ,
    PQ_CMP_LT,
    PQ_CMP_LE,
    PQ_CMP_GT,
    PQ_CMP_GE,
    PQ_CMP_IS_NULL,
    PQ_CMP_IS_NOT_NULL,
} PqCmp;

typedef struct PqPredicate {
    int32_t col;
    PqCmp cmp;
    /* The constant, in the column's ColType representation: i64 for ints, dates,
     * timestamps and decimals (unscaled), f64 for floats, str for byte kinds. */
    int64_t i64;
    double f64;
    ColStr str;
} PqPredicate;

/* False only when the row group's statistics prove no row satisfies all predicates (a
 * conjunction). Missing statistics mean "may match". */
bool pq_reader_row_group_may_match(const PqReader *reader, int32_t rg, const PqPredicate *preds,
                                   int32_t n_preds);

#endif
