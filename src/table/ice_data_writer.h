/* ice_data_writer.h — rows in, partitioned Parquet data files out (table layer). The
 * Iceberg sink, `tarn load`, INSERT/CTAS and compaction hand it batches of column vectors
 * in table-schema order; it routes every row to its partition (the spec's transforms),
 * writes one Parquet file per partition at a time through format/pq_writer.h, rolls a file
 * over when it passes the target size, and returns one IceDataFile record per finished
 * file (ice_manifest.h) for the commit to put in a manifest.
 *
 * Files: data_dir/<partition path>/<uuid>-<n>.parquet, <partition path> from
 * ice_partition_path ("event_time_day=2026-11-24/route=foo"; an unpartitioned table writes
 * into data_dir itself), <uuid> one random uuid per writer, <n> a counter over the writer's
 * files, so names never collide across writers or processes. Directories are created as
 * needed. Parquet columns: one per top-level schema field, named like it, with the Iceberg
 * field id as field_id, OPTIONAL unless the field is required; the footer key
 * "iceberg.schema" holds the schema JSON when given.
 *
 * Memory: each open file buffers up to one row group (pq_writer.h); at most max_open_files
 * are open at once (the least recently written partition's file is closed first), so the
 * writer holds at most max_open_files row groups plus one batch of routing scratch.
 *
 * Thread contract: one thread at a time per writer; distinct writers are independent.
 */
#ifndef TARN_TABLE_ICE_DATA_WRITER_H
#define TARN_TABLE_ICE_DATA_WRITER_H

#include "format/compress.h"
#include "table/ice_manifest.h"

typedef struct IceDataWriterOptions {
    int64_t target_file_bytes;  /* default 128 MiB (table property write.target-file-size-bytes);
                                   the size is estimated, see ice_data_writer_write */
    CompressCodec codec;        /* default zstd (write.parquet.compression-codec) */
    int n_threads;              /* Parquet column encoding threads, default 1 */
    int32_t max_open_files;     /* default 16: beyond that the least recently used partition's
                                   file is closed (memory stays bounded: each open file buffers
                                   up to a row group) */
    int32_t metrics_truncate;   /* string/binary bound truncation, default 16
                                   (write.metadata.metrics.default=truncate(16)); 0 keeps
                                   full bounds. Other numeric fields <= 0 take their default. */
    int64_t row_group_bytes;    /* Parquet row group size (uncompressed estimate), default
                                   32 MiB, at most half the target file size */
    int64_t max_buffered_bytes; /* default 96 MiB: when the open files hold more, the least
                                   recently written ones are closed (memory stays bounded
                                   however many partitions the input touches) */
    bool is_durable;            /* fsync each file as it closes (default true): a commit that
                                   references a file must never outlive the file's bytes */
} IceDataWriterOptions;

typedef struct IceDataWriter IceDataWriter;

/* Fill in the defaults listed above. */
void ice_data_writer_options_default(IceDataWriterOptions *opts);

/* Prepare to write data files of a table with `schema` partitioned by `spec` under
 * `data_dir` (the table location + "/data"; created when missing). `schema`, `schema_json`
 * (may be NULL), `spec` and `opts` (NULL: defaults) are copied. Nothing is written until
 * rows arrive. *out is caller-owned: finish with ice_data_writer_close or
 * ice_data_writer_abort. Errors: ERR_UNSUPPORTED (a nested schema field, named),
 * ERR_INVALID (spec does not apply to the schema, bad options), ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_data_writer_open(Mem *mem, const char *data_dir, const IceSchema *schema,
                                           const char *schema_json, const IcePartitionSpec *spec,
                                           const IceDataWriterOptions *opts, IceDataWriter **out,
                                           Err *err);

/* Append n_rows rows: columns[i] is the vector for schema field i (flat or
 * dictionary-encoded, of type ice_prim_to_col of the field, with n_rows rows); 0 rows is a
 * no-op. The vectors are borrowed for the call only (values are copied). Rows go to their
 * partition's open file; when a whole batch falls in one partition (time-ordered input
 * partitioned by day) it is written as is, otherwise rows are gathered per partition. A
 * file whose estimated size — bytes on disk plus the bytes buffered since, scaled by the
 * compression seen so far — passes target_file_bytes is closed and the next rows start a
 * new one. Errors: ERR_INVALID (vector type or row count mismatch: nothing is written and
 * the writer stays usable; NULL in a required field), ERR_IO (file or directory creation,
 * writes), ERR_NOMEM. After any other error the writer can only be aborted. */
TN_MUST_CHECK ErrCode ice_data_writer_write(IceDataWriter *writer, const ColVec *columns,
                                            size_t n_rows, Err *err);

/* Close every open file and free the writer (also on failure, after deleting every file it
 * wrote). On ERR_OK *files receives one IceDataFile per file written, in the order they
 * were finished, and *n_files their count (0 and NULL when no row was written), all
 * arena-owned: content DATA, file_path the plain local path, file_format "parquet",
 * spec_id, the partition tuple (one IceValue per spec field, of the transform's result
 * type), record_count, file_size_bytes, per top-level field metrics (value, null and NaN
 * counts — NaN count -1 for non-float types —, lower/upper bounds in single-value
 * serialization, strings and binary truncated to metrics_truncate code points/bytes),
 * column_sizes (compressed bytes, parallel to the metrics) and sort_order_id -1; no
 * split offsets. Errors: ERR_INVALID (an earlier write failed), ERR_IO, ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_data_writer_close(IceDataWriter *writer, Arena *arena,
                                            IceDataFile **files, size_t *n_files, Err *err);

/* Delete every file written so far (finished or not), remove the partition directories it
 * left empty, and free the writer. NULL is a no-op. */
void ice_data_writer_abort(IceDataWriter *writer);

#endif
