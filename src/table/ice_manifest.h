/* ice_manifest.h — Iceberg manifests and manifest lists (table layer): the data-file
 * records a snapshot is made of, written and read as Avro object container files through
 * format/avro.h.
 *
 * A snapshot's manifest list (snap-<id>-<uuid>.avro) holds one `manifest_file` record per
 * manifest: path, length, spec id, content, sequence numbers, file/row counts and one
 * partition field summary per partition field (for pruning whole manifests). A manifest
 * (<uuid>-m<n>.avro) holds `manifest_entry` records: status (existing, added, deleted),
 * snapshot id and sequence numbers (inherited from the manifest list when null, spec
 * "Sequence Number Inheritance"), and the `data_file` struct: path, format, the partition
 * tuple (a struct whose field ids are the spec's partition field ids), record count, file
 * size and the per-column metric maps (column_sizes, value_counts, null_value_counts,
 * nan_value_counts, lower_bounds, upper_bounds keyed by field id; bounds in single-value
 * serialization), split offsets and sort order id.
 *
 * Writing follows Java Iceberg's Avro shapes (record names manifest_entry, r2, r102,
 * manifest_file, r508; maps with int keys as arrays of k<id>_v<id> records with
 * logicalType "map") and header keys (schema, schema-id, partition-spec, partition-spec-id,
 * format-version, content), so Java, PyIceberg, DuckDB and icebird read them. Reading
 * resolves fields by field id, then name, so files from other writers (extra fields,
 * other orders, v1 manifests) read too.
 *
 * Ownership: everything returned lives in the caller's arena.
 */
#ifndef TARN_TABLE_ICE_MANIFEST_H
#define TARN_TABLE_ICE_MANIFEST_H

#include "table/ice_expr.h"
#include "table/ice_meta.h"
#include "table/ice_value.h"

typedef enum IceEntryStatus {
    ICE_ENTRY_EXISTING = 0,
    ICE_ENTRY_ADDED = 1,
    ICE_ENTRY_DELETED = 2,
} IceEntryStatus;

typedef enum IceContent {
    ICE_CONTENT_DATA = 0,
    ICE_CONTENT_POSITION_DELETES = 1,
    ICE_CONTENT_EQUALITY_DELETES = 2,
} IceContent;

typedef struct IceDataFile {
    IceContent content;
    const char *file_path;
    const char *file_format;   /* "parquet" */
    int32_t spec_id;           /* of the manifest it was read from / is written to */
    const IceValue *partition; /* one per spec field, typed by the spec's result types */
    int32_t n_partition;
    int64_t record_count;
    int64_t file_size_bytes;
    IceFileMetrics metrics;      /* value/null/nan counts and bounds per field id */
    const int64_t *column_sizes; /* parallel to metrics.fields; NULL when absent */
    const int64_t *split_offsets;
    int32_t n_split_offsets;
    int32_t sort_order_id; /* -1: unset */
} IceDataFile;

typedef struct IceManifestEntry {
    IceEntryStatus status;
    int64_t snapshot_id;          /* after inheritance */
    int64_t sequence_number;      /* data sequence number, after inheritance */
    int64_t file_sequence_number; /* after inheritance */
    IceDataFile file;
} IceManifestEntry;

typedef struct IceManifestFile {
    const char *path;
    int64_t length;
    int32_t spec_id;
    IceContent content; /* ICE_CONTENT_DATA or deletes (1) */
    int64_t sequence_number;
    int64_t min_sequence_number;
    int64_t added_snapshot_id;
    int32_t added_files_count;
    int32_t existing_files_count;
    int32_t deleted_files_count;
    int64_t added_rows_count;
    int64_t existing_rows_count;
    int64_t deleted_rows_count;
    const IcePartitionFieldSummary *partitions; /* one per spec field, or NULL */
    int32_t n_partitions;
} IceManifestFile;

/* Write a manifest of `entries` (all for `spec`) to `path` (a local file path; written to
 * a temporary name, then renamed). Entries with snapshot_id/sequence numbers of -1 are
 * written as null (inherited). *out describes the new manifest (counts, summaries) with
 * its `sequence_number`/`added_snapshot_id` set from the arguments; -1 sequence means "to be
 * assigned at commit" and is written in the manifest list. Errors: ERR_IO, ERR_INVALID. */
TN_MUST_CHECK ErrCode ice_manifest_write(Mem *mem, Arena *arena, const char *path,
                                         const IceTableMeta *meta, const IceSchema *schema,
                                         const IcePartitionSpec *spec,
                                         const IceManifestEntry *entries, size_t n_entries,
                                         int64_t snapshot_id, IceManifestFile *out, Err *err);

/* Read every entry of a manifest (deleted ones included; callers filter by status), with
 * sequence numbers and snapshot ids inherited from `manifest`. The partition tuple is
 * decoded with `spec`'s result types against `schema`. Errors: ERR_IO, ERR_CORRUPT. */
TN_MUST_CHECK ErrCode ice_manifest_read(Mem *mem, Arena *arena, const IceManifestFile *manifest,
                                        const IceTableMeta *meta, IceManifestEntry **out,
                                        size_t *n_out, Err *err);

/* Write a manifest list for snapshot `snapshot_id` with sequence number `sequence_number`
 * (assigned to every manifest whose sequence_number is -1). */
TN_MUST_CHECK ErrCode ice_manifest_list_write(Mem *mem, const char *path, int64_t snapshot_id,
                                              int64_t parent_id, int64_t sequence_number,
                                              IceManifestFile *manifests, size_t n_manifests,
                                              Err *err);

/* Read a snapshot's manifest list. */
TN_MUST_CHECK ErrCode ice_manifest_list_read(Mem *mem, Arena *arena, const char *path,
                                             IceManifestFile **out, size_t *n_out, Err *err);

/* The two readers above over bytes already in memory (`source`/the manifest's path names
 * them in messages). Decoded strings may point into `data`: keep it alive while the
 * results are used. For tests and fuzzing; the readers call these. */
TN_MUST_CHECK ErrCode ice_manifest_decode(Mem *mem, Arena *arena, const uint8_t *data, size_t len,
                                          const IceManifestFile *manifest, const IceTableMeta *meta,
                                          IceManifestEntry **out, size_t *n_out, Err *err);
TN_MUST_CHECK ErrCode ice_manifest_list_decode(Mem *mem, Arena *arena, const uint8_t *data,
                                               size_t len, const char *source,
                                               IceManifestFile **out, size_t *n_out, Err *err);

/* Local file path for a location in metadata ("file:///x/y" or "/x/y"); other schemes
 * are ERR_UNSUPPORTED naming the location. */
TN_MUST_CHECK ErrCode ice_location_to_path(const char *location, const char **path_out, Err *err);

#endif
