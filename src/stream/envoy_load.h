/* envoy_load.h — loading Envoy access logs into Iceberg (stream layer): the engine of
 * `tarn load`, and later of the HTTP ingest endpoint's sink.
 *
 * A loader parses lines (envoy_parse.h) into batches, writes the accepted rows as Parquet
 * data files of the target table (ice_data_writer.h: partitioned by day(event_time),
 * ~128 MiB files) and every rejected line, with its source, line number, raw text and
 * reason, into analytics._rejected; envoy_loader_commit then commits both tables in one
 * atomic multi-table commit (ice_txn_commit_all). Nothing is visible before the commit;
 * an abort deletes the files written.
 *
 * Tables are created on first use: the target with the schema of DESIGN.md §5 (field ids
 * 1..20 in envoy_columns order, event_time required, partitioned by day(event_time)), and
 * analytics._rejected (source, line, raw, reason, rejected_at; partitioned by
 * day(rejected_at)). An existing target must have that schema's columns (by name and type).
 *
 * Thread contract: one thread per loader.
 */
#ifndef TARN_STREAM_ENVOY_LOAD_H
#define TARN_STREAM_ENVOY_LOAD_H

#include "table/ice_store.h"

typedef struct EnvoyLoader EnvoyLoader;

typedef struct EnvoyLoadStats {
    int64_t n_rows;     /* accepted */
    int64_t n_rejected; /* lines that went to _rejected */
    int64_t n_bytes;    /* input bytes consumed */
    int64_t n_files;    /* data files committed to the target */
} EnvoyLoadStats;

/* Open a loader for ns.table (created with its namespace when missing). `n_threads`: Parquet
 * encoding threads. Errors: ERR_INVALID (an existing table with another schema, bad name),
 * ERR_IO. *out is caller-owned: commit or abort it. */
TN_MUST_CHECK ErrCode envoy_loader_open(Mem *mem, IceStore *store, const char *ns,
                                        const char *table, int n_threads, EnvoyLoader **out,
                                        Err *err);

/* Feed bytes of `source` (a file name, "-" for stdin). Complete lines are parsed; a
 * trailing partial line is kept and completed by the next call for the same source, or
 * taken as a last line when `is_end` (end of that source). Empty lines are skipped. Line
 * numbers count per source from 1. Errors: ERR_IO/ERR_NOMEM from writing (the loader can
 * then only be aborted); bad lines are never errors, they are rejects. */
TN_MUST_CHECK ErrCode envoy_loader_feed(EnvoyLoader *loader, const char *source, const char *data,
                                        size_t len, bool is_end, Err *err);

/* The counts so far. */
void envoy_loader_stats(const EnvoyLoader *loader, EnvoyLoadStats *out);

/* Write the last files and commit the target and _rejected tables atomically (tables with
 * nothing to add are not touched). Frees the loader, also on error. */
TN_MUST_CHECK ErrCode envoy_loader_commit(EnvoyLoader *loader, EnvoyLoadStats *stats, Err *err);

/* Delete the files written and free. NULL no-op. */
void envoy_loader_abort(EnvoyLoader *loader);

#endif
