/* ice_table.h — Iceberg table operations (table layer): create and load tables, and
 * transactions that change them, each committed atomically as one new snapshot and one
 * new metadata.json (Iceberg spec "Optimistic Concurrency", "Commit Conflict Resolution
 * and Retry").
 *
 * A transaction starts from the table's metadata as loaded (its *base*), collects changes
 * (files to add, files or filters to delete, schema, properties, refs) and commits:
 *   1. apply the changes to a clone of the base: write the new manifests (added files go
 *      to one new manifest; a manifest holding a removed file is rewritten with that
 *      entry DELETED and the others EXISTING), the manifest list and the snapshot with
 *      its summary (operation, added/deleted files and records, totals), move the branch;
 *   2. write <location>/metadata/<version>-<uuid>.metadata.json;
 *   3. swap the store's pointer from the base's metadata file to the new one
 *      (compare-and-swap; several tables at once in ice_txn_commit_all).
 * If another writer moved the pointer first, the transaction reloads the current metadata
 * and re-applies its changes (appends always re-apply; deletes and rewrites re-check that
 * their files are still live, else ERR_CONFLICT), up to commit.retry.num-retries (4)
 * times. Files written for a failed attempt are left unreferenced (orphan cleanup is a
 * maintenance job).
 *
 * Thread contract: one thread per IceTable/IceTxn; commits from different objects, threads
 * or processes are serialized by the store.
 */
#ifndef TARN_TABLE_ICE_TABLE_H
#define TARN_TABLE_ICE_TABLE_H

#include "table/ice_manifest.h"
#include "table/ice_store.h"

typedef struct IceTable {
    IceStore *store;
    Mem *mem;
    char ns[129];
    char name[129];
    char *metadata_location; /* mem-owned */
    IceTableMeta *meta;
} IceTable;

/* Create ns.table in the warehouse (<warehouse>/<ns>/<table>) with `schema` and `spec`
 * (field ids as given). The namespace must exist. ERR_CONFLICT when the table exists.
 * *out is caller-owned: ice_table_free. */
TN_MUST_CHECK ErrCode ice_table_create(IceStore *store, Mem *mem, const char *ns, const char *name,
                                       const IceSchema *schema, const IcePartitionSpec *spec,
                                       const IceKV *properties, int32_t n_properties,
                                       IceTable **out, Err *err);

/* Load ns.table's current metadata. ERR_NOT_FOUND when it does not exist. */
TN_MUST_CHECK ErrCode ice_table_load(IceStore *store, Mem *mem, const char *ns, const char *name,
                                     IceTable **out, Err *err);

/* Re-read the current metadata (after other writers committed). */
TN_MUST_CHECK ErrCode ice_table_refresh(IceTable *table, Err *err);

void ice_table_free(IceTable *table); /* NULL no-op */

/* The data directory new files go to: <table location>/data (a local path). */
TN_MUST_CHECK ErrCode ice_table_data_dir(const IceTable *table, Arena *arena, const char **out,
                                         Err *err);

/* Every live data file of a snapshot, read from its manifests (entries with status
 * EXISTING or ADDED), into `arena`. */
TN_MUST_CHECK ErrCode ice_table_live_files(const IceTable *table, const IceTableMeta *meta,
                                           int64_t snapshot_id, Arena *arena,
                                           IceManifestEntry **out, size_t *n_out, Err *err);

typedef struct IceTxn IceTxn;

/* Start a transaction on `branch` (NULL: "main"; a missing branch is created from main's
 * current snapshot at commit, or empty when the table has none). */
TN_MUST_CHECK ErrCode ice_txn_begin(IceTable *table, const char *branch, IceTxn **out, Err *err);

/* Changes (copied; applied in this order at commit: schema, spec, properties, file changes,
 * refs). */
TN_MUST_CHECK ErrCode ice_txn_append(IceTxn *txn, const IceDataFile *files, size_t n, Err *err);
TN_MUST_CHECK ErrCode ice_txn_delete_files(IceTxn *txn, const char *const *paths, size_t n,
                                           Err *err);
/* Overwrite by filter: every live file whose rows all match `filter` (decided by its
 * partition) is removed; a file that may hold both matching and non-matching rows is
 * ERR_INVALID (a row-level delete, which the SQL engine does by rewriting files). */
TN_MUST_CHECK ErrCode ice_txn_overwrite_filter(IceTxn *txn, const IceExpr *filter, Err *err);
/* Dynamic partition overwrite: remove every live file in a partition that `files` write to
 * (same spec), then add `files`. */
TN_MUST_CHECK ErrCode ice_txn_replace_partitions(IceTxn *txn, const IceDataFile *files, size_t n,
                                                 Err *err);
/* Rewrite (compaction): remove `old_paths`, add `files`, operation "replace". */
TN_MUST_CHECK ErrCode ice_txn_rewrite(IceTxn *txn, const char *const *old_paths, size_t n_old,
                                      const IceDataFile *files, size_t n_new, Err *err);
/* A new current schema (ids of kept fields unchanged; build it with ice_schema_evolve.h).
 * Checked at commit by ice_schema_check_evolution (ERR_INVALID). */
TN_MUST_CHECK ErrCode ice_txn_set_schema(IceTxn *txn, const IceSchema *schema, Err *err);
/* A new default partition spec (partition evolution). Field ids are assigned at commit:
 * a field with the same source and transform as one of an earlier spec keeps that id,
 * others get new ids above last-partition-id. Files written before keep their spec. */
TN_MUST_CHECK ErrCode ice_txn_set_spec(IceTxn *txn, const IcePartitionSpec *spec, Err *err);
TN_MUST_CHECK ErrCode ice_txn_set_property(IceTxn *txn, const char *key, const char *value,
                                           Err *err);
/* Point a branch or tag at a snapshot (-1: the transaction's new snapshot, or the branch's
 * current one when the transaction adds none); remove one. */
TN_MUST_CHECK ErrCode ice_txn_set_ref(IceTxn *txn, const char *name, bool is_tag,
                                      int64_t snapshot_id, Err *err);
TN_MUST_CHECK ErrCode ice_txn_remove_ref(IceTxn *txn, const char *name, Err *err);

/* Set the snapshot summary's extra keys (e.g. "tarn.source") for the new snapshot. */
TN_MUST_CHECK ErrCode ice_txn_set_summary(IceTxn *txn, const char *key, const char *value,
                                          Err *err);

/* Commit and free the transaction (also on failure). The table's metadata is refreshed to
 * the committed version. *snapshot_id_out (may be NULL) receives the new snapshot id (-1
 * when the transaction changed no data). Errors: ERR_CONFLICT (retries exhausted or a
 * removed file is gone), ERR_INVALID, ERR_IO. */
TN_MUST_CHECK ErrCode ice_txn_commit(IceTxn *txn, int64_t *snapshot_id_out, Err *err);

/* Commit several transactions (on different tables) atomically: all or none. */
TN_MUST_CHECK ErrCode ice_txn_commit_all(IceTxn **txns, size_t n, Err *err);

void ice_txn_abort(IceTxn *txn); /* NULL no-op */

#endif
