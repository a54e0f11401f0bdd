/* ice_scan.h — Iceberg scan planning (table layer; the SQL engine's table scan and
 * `tarn load`'s checks call it): which data files of which snapshot a query must read,
 * pruned by a predicate (Iceberg spec "Scan Planning").
 *
 * Planning picks the snapshot (current, by id, by ref, or as of a time), reads its
 * manifest list, skips manifests whose partition summaries cannot match (the filter's
 * inclusive projection onto each manifest's partition spec), reads the remaining manifests,
 * skips live entries whose partition tuple or column metrics cannot match, and returns one
 * task per remaining file with its residual (the part of the filter its partition does
 * not decide) for the reader's row-group and row filters. Tables written by other engines
 * plan the same way: any file names, several partition specs, DELETED entries.
 */
#ifndef TARN_TABLE_ICE_SCAN_H
#define TARN_TABLE_ICE_SCAN_H

#include "table/ice_table.h"

/* Which snapshot to read: at most one of the selectors is set. */
typedef struct IceScanOptions {
    int64_t snapshot_id; /* -1: not by id */
    const char *ref;     /* branch or tag name, NULL: main */
    int64_t as_of_ms;    /* -1: not by time; else the main snapshot current at that time */
} IceScanOptions;

void ice_scan_options_default(IceScanOptions *opts);

typedef struct IceScanTask {
    const IceDataFile *file;
    const IceExpr *residual; /* what the reader must still check: TRUE when the partition
                                decides the whole filter, NULL when the scan has none */
    int64_t sequence_number;
} IceScanTask;

typedef struct IceScanPlan {
    const IceSnapshot *snapshot; /* NULL: the table (or ref) has no data yet */
    const IceSchema *schema;     /* the schema to read with */
    IceScanTask *tasks;
    size_t n_tasks;
    int64_t n_records; /* sum over tasks */
    /* what pruning did, for EXPLAIN */
    size_t n_manifests, n_manifests_skipped;
    size_t n_files, n_files_skipped_partition, n_files_skipped_metrics;
} IceScanPlan;

/* Plan a scan of `meta` (filter on field ids; NULL = everything). Everything returned
 * lives in `arena`. Errors: ERR_NOT_FOUND (unknown snapshot or ref, no snapshot at that
 * time), ERR_UNSUPPORTED (the snapshot has live row-level delete files, which tarn does
 * not apply yet: refusing beats returning deleted rows), ERR_IO, ERR_CORRUPT. */
TN_MUST_CHECK ErrCode ice_scan_plan(Mem *mem, Arena *arena, const IceTableMeta *meta,
                                    const IceScanOptions *opts, const IceExpr *filter,
                                    IceScanPlan *out, Err *err);

#endif
