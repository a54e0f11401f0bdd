/* ice_meta.h — Iceberg table metadata: the model of a metadata.json file and its v2 JSON
 * reader and writer (table layer). Every table operation (ice_table.c) reads the current
 * metadata, builds a changed copy and writes it as a new file; scan planning (ice_scan.c)
 * reads schemas, specs, snapshots and refs from it.
 *
 * The model mirrors the spec's "Table Metadata Fields" (SPECS.md §2, Iceberg spec
 * "Table Metadata" and Appendix C): format version, uuid, location, sequence numbers,
 * schemas, partition specs, sort orders, properties, snapshots with summaries, the
 * snapshot and metadata logs, and refs (branches and tags). Fields tarn does not model
 * (`statistics`, `partition-statistics`, unknown future keys) are kept as raw JSON and
 * written back unchanged so a round trip through tarn loses nothing other engines wrote.
 *
 * Ownership: an IceTableMeta owns one arena holding everything it points to. Metadata is
 * immutable once built: changes go through ice_meta_clone, mutate the clone, write it.
 * Thread contract: a finished IceTableMeta may be read from any number of threads.
 */
#ifndef TARN_TABLE_ICE_META_H
#define TARN_TABLE_ICE_META_H

#include "base/strbuf.h"
#include "table/ice_partition.h"
#include "table/ice_types.h"

typedef struct IceKV {
    const char *key;
    const char *value;
} IceKV;

typedef struct IceSortField {
    IceTransform transform;
    int32_t source_id;
    bool is_descending;
    bool is_nulls_first;
} IceSortField;

typedef struct IceSortOrder {
    int32_t order_id;
    const IceSortField *fields;
    int32_t n_fields;
} IceSortOrder;

typedef struct IceSnapshot {
    int64_t snapshot_id;
    int64_t parent_id; /* -1: none */
    int64_t sequence_number;
    int64_t timestamp_ms;
    const char *manifest_list;
    const IceKV *summary; /* "operation" first */
    int32_t n_summary;
    int32_t schema_id; /* -1: not recorded */
} IceSnapshot;

typedef struct IceRef {
    const char *name;
    bool is_tag;
    int64_t snapshot_id;
    int32_t min_snapshots_to_keep; /* -1: unset */
    int64_t max_snapshot_age_ms;   /* -1: unset */
    int64_t max_ref_age_ms;        /* -1: unset */
} IceRef;

typedef struct IceSnapshotLogEntry {
    int64_t timestamp_ms;
    int64_t snapshot_id;
} IceSnapshotLogEntry;

typedef struct IceMetadataLogEntry {
    int64_t timestamp_ms;
    const char *metadata_file;
} IceMetadataLogEntry;

typedef struct IceTableMeta {
    Arena arena;
    int32_t format_version;
    char table_uuid[37];
    const char *location;
    int64_t last_sequence_number;
    int64_t last_updated_ms;
    int32_t last_column_id;
    IceSchema *schemas;
    int32_t n_schemas;
    int32_t current_schema_id;
    IcePartitionSpec *specs;
    int32_t n_specs;
    int32_t default_spec_id;
    int32_t last_partition_id;
    IceSortOrder *sort_orders;
    int32_t n_sort_orders;
    int32_t default_sort_order_id;
    IceKV *properties;
    int32_t n_properties;
    int64_t current_snapshot_id; /* -1: no snapshot yet */
    IceSnapshot *snapshots;
    int32_t n_snapshots;
    IceSnapshotLogEntry *snapshot_log;
    int32_t n_snapshot_log;
    IceMetadataLogEntry *metadata_log;
    int32_t n_metadata_log;
    IceRef *refs;
    int32_t n_refs;
    const char *extra_json; /* a JSON object of the unmodelled keys, or NULL */
} IceTableMeta;

/* A new table's metadata: format 2, a random uuid, `schema` (field ids as given; schema id
 * 0), `spec` (spec id 0; partition field ids as given, from 1000), unsorted order 0, the
 * properties copied. Everything is copied into the result. *out is owned by the caller:
 * ice_meta_free. Errors: ERR_INVALID (spec does not apply to the schema), ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_meta_new(Mem *mem, const char *location, const IceSchema *schema,
                                   const IcePartitionSpec *spec, const IceKV *properties,
                                   int32_t n_properties, IceTableMeta **out, Err *err);

/* Parse a metadata.json text (v1 or v2; v1 is upgraded in memory). `source` names the
 * file in messages. Errors: ERR_CORRUPT naming the key path ("schemas[0].fields[2].type"),
 * ERR_UNSUPPORTED (format version > 2 features tarn cannot honour). */
TN_MUST_CHECK ErrCode ice_meta_parse(Mem *mem, const char *json, size_t json_len,
                                     const char *source, IceTableMeta **out, Err *err);

/* Serialize as v2 metadata JSON (pretty when `is_pretty`). */
TN_MUST_CHECK ErrCode ice_meta_write_json(const IceTableMeta *meta, bool is_pretty, StrBuf *out,
                                          Err *err);

/* A deep copy to mutate (arrays get their own storage, so appending is safe). */
TN_MUST_CHECK ErrCode ice_meta_clone(const IceTableMeta *meta, IceTableMeta **out, Err *err);

void ice_meta_free(IceTableMeta *meta);

/* Edits, applied to a clone (ice_meta_clone) before it is written as a new version.
 * Everything passed in is copied. Errors: ERR_NOMEM; the edit functions that validate say
 * which errors they add. */

/* Add `schema` (its schema_id is ignored) and make it current; when an existing schema has
 * the same fields it is reused instead. last-column-id grows to cover the new field ids.
 * *schema_id_out (may be NULL) receives the id. */
TN_MUST_CHECK ErrCode ice_meta_add_schema(IceTableMeta *meta, const IceSchema *schema,
                                          int32_t *schema_id_out, Err *err);

/* Add `spec` (spec_id ignored; partition field ids as given) and make it the default; an
 * existing identical spec is reused. ERR_INVALID when it does not apply to the current
 * schema. */
TN_MUST_CHECK ErrCode ice_meta_add_spec(IceTableMeta *meta, const IcePartitionSpec *spec,
                                        int32_t *spec_id_out, Err *err);

/* Set (value non-NULL) or remove (value NULL) a table property. */
TN_MUST_CHECK ErrCode ice_meta_set_property(IceTableMeta *meta, const char *key, const char *value,
                                            Err *err);

/* Append a snapshot (copied) and raise last-sequence-number to its sequence number. */
TN_MUST_CHECK ErrCode ice_meta_add_snapshot(IceTableMeta *meta, const IceSnapshot *snapshot,
                                            Err *err);

/* Point ref `name` at `snapshot_id` (creating it as a branch or tag). Moving `main` also
 * sets current-snapshot-id and appends to the snapshot log. ERR_NOT_FOUND when the
 * snapshot does not exist; ERR_INVALID when `name` exists with the other type. */
TN_MUST_CHECK ErrCode ice_meta_set_ref(IceTableMeta *meta, const char *name, bool is_tag,
                                       int64_t snapshot_id, Err *err);

/* Remove ref `name` (not main). ERR_NOT_FOUND when absent, ERR_INVALID for main. */
TN_MUST_CHECK ErrCode ice_meta_remove_ref(IceTableMeta *meta, const char *name, Err *err);

/* Record the previous metadata file in the metadata log (kept to the last
 * write.metadata.previous-versions-max entries, default 100). */
TN_MUST_CHECK ErrCode ice_meta_log_previous(IceTableMeta *meta, const char *metadata_file,
                                            int64_t timestamp_ms, Err *err);

/* Lookups; NULL when absent. */
const IceSchema *ice_meta_schema(const IceTableMeta *meta, int32_t schema_id);
const IceSchema *ice_meta_current_schema(const IceTableMeta *meta);
const IcePartitionSpec *ice_meta_spec(const IceTableMeta *meta, int32_t spec_id);
const IceSnapshot *ice_meta_snapshot(const IceTableMeta *meta, int64_t snapshot_id);
const IceRef *ice_meta_ref(const IceTableMeta *meta, const char *name);
const char *ice_meta_property(const IceTableMeta *meta, const char *key);
const char *ice_snapshot_summary(const IceSnapshot *snapshot, const char *key);

/* The snapshot that was current at `timestamp_ms` on main (the last snapshot-log entry at
 * or before it); ERR_NOT_FOUND when the table had no snapshot then. */
TN_MUST_CHECK ErrCode ice_meta_snapshot_at(const IceTableMeta *meta, int64_t timestamp_ms,
                                           const IceSnapshot **out, Err *err);

/* Schema and spec JSON (for manifest headers and the REST catalog). */
TN_MUST_CHECK ErrCode ice_schema_write_json(const IceSchema *schema, StrBuf *out, Err *err);
TN_MUST_CHECK ErrCode ice_spec_fields_write_json(const IcePartitionSpec *spec, StrBuf *out,
                                                 Err *err);

/* Parse a schema JSON object ({"type":"struct","schema-id":..,"fields":[...]}) into
 * `arena`. Errors: ERR_CORRUPT naming the path. */
TN_MUST_CHECK ErrCode ice_schema_parse(Arena *arena, const char *json, size_t json_len,
                                       IceSchema *out, Err *err);

#endif
