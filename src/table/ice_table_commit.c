/* ice_table_commit.c — turning a transaction's changes into the next table version: the
 * snapshot-building half of the commit protocol described in ice_table.h.
 *
 * Steps, on a clone of the table's current metadata:
 *   1. schema, properties;
 *   2. when files change: read the branch head's manifest list; find the live files to
 *      remove (explicit paths, an overwrite filter decided by each file's partition, the
 *      partitions a dynamic overwrite replaces); rewrite each manifest that holds one
 *      (removed entries DELETED, the rest EXISTING, earlier DELETED entries dropped),
 *      keep the others as they are, write one new manifest per partition spec for added
 *      files (entries inherit snapshot id and sequence numbers), write the manifest list
 *      and add the snapshot with the standard summary keys, moving the branch;
 *   3. ref changes; the metadata log; write <version>-<uuid>.metadata.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "base/uuid.h"
#include "table/ice_schema_evolve.h"
#include "table/ice_table_int.h"

typedef struct Totals {
    int64_t added_files, added_records, added_bytes;
    int64_t deleted_files, deleted_records, deleted_bytes;
} Totals;

static int64_t random_snapshot_id(void)
{
    uint8_t bytes[16];
    uuid_random(bytes);
    uint64_t id = 0;
    for (int i = 0; i < 8; i++) {
        id = id << 8 | bytes[i];
    }
    return (int64_t)(id & INT64_MAX) ? (int64_t)(id & INT64_MAX) : 1;
}

static bool partitions_equal(const IceDataFile *a, const IceDataFile *b)
{
    if (a->spec_id != b->spec_id || a->n_partition != b->n_partition) {
        return false;
    }
    for (int32_t i = 0; i < a->n_partition; i++) {
        const IceValue *x = &a->partition[i], *y = &b->partition[i];
        if (x->is_null != y->is_null || (!x->is_null && ice_value_compare(x, y) != 0)) {
            return false;
        }
    }
    return true;
}

/* Whether the transaction removes this live file. ERR_INVALID when an overwrite filter
 * splits the file. */
static ErrCode is_removed(const IceTxn *txn, const IceTableMeta *meta, Arena *arena,
                          const IceDataFile *file, bool *removed, Err *err)
{
    *removed = false;
    for (size_t i = 0; i < txn->n_deleted; i++) {
        if (strcmp(txn->deleted[i], file->file_path) == 0) {
            *removed = true;
            return ERR_OK;
        }
    }
    if (txn->is_replace_partitions) {
        for (size_t i = 0; i < txn->n_added; i++) {
            if (partitions_equal(&txn->added[i], file)) {
                *removed = true;
                return ERR_OK;
            }
        }
    }
    if (txn->filter) {
        const IceSchema *schema = ice_meta_current_schema(meta);
        const IcePartitionSpec *spec = ice_meta_spec(meta, file->spec_id);
        const IceExpr *residual = NULL;
        ErrCode rc = spec ? ice_expr_residual(arena, txn->filter, spec, schema, file->partition,
                                              &residual, err)
                          : err_set(err, ERR_CORRUPT, "file %s names partition spec %d",
                                    file->file_path, file->spec_id);
        if (rc != ERR_OK) {
            return rc;
        }
        if (residual->op == ICE_EXPR_TRUE) {
            *removed = true;
        } else if (residual->op != ICE_EXPR_FALSE &&
                   ice_eval_metrics(txn->filter, schema, &file->metrics)) {
            return err_set(err, ERR_INVALID,
                           "the overwrite filter does not follow the table's partitions: data "
                           "file %s may hold rows on both sides of it",
                           file->file_path);
        }
    }
    return ERR_OK;
}

/* Rewrite (or keep) the parent's manifests (its manifest list, read by the caller),
 * removing what the transaction removes. Appends the manifests of the new list to `out`. */
static ErrCode carry_manifests(IceTxn *txn, const IceTableMeta *meta, Arena *arena,
                               IceManifestFile *manifests, size_t n_manifests, int64_t snapshot_id,
                               const char *metadata_dir, IceManifestFile *out, size_t *n_out,
                               size_t *n_found, Totals *totals, Err *err)
{
    Mem *mem = txn->table->mem;
    ErrCode rc = ERR_OK;
    bool has_removals = txn->n_deleted || txn->filter || txn->is_replace_partitions;
    for (size_t m = 0; rc == ERR_OK && m < n_manifests; m++) {
        IceManifestFile *manifest = &manifests[m];
        if (!has_removals || manifest->content != ICE_CONTENT_DATA) {
            out[(*n_out)++] = *manifest;
            continue;
        }
        IceManifestEntry *entries;
        size_t n_entries;
        rc = ice_manifest_read(mem, arena, manifest, meta, &entries, &n_entries, err);
        size_t n_kept = 0, n_removed = 0;
        for (size_t e = 0; rc == ERR_OK && e < n_entries; e++) {
            IceManifestEntry *entry = &entries[e];
            if (entry->status == ICE_ENTRY_DELETED) {
                continue; /* deleted in an earlier snapshot: not carried forward */
            }
            bool removed = false;
            rc = is_removed(txn, meta, arena, &entry->file, &removed, err);
            if (rc != ERR_OK) {
                break;
            }
            if (removed) {
                entry->status = ICE_ENTRY_DELETED;
                entry->snapshot_id = snapshot_id;
                n_removed++;
                totals->deleted_files++;
                totals->deleted_records += entry->file.record_count;
                totals->deleted_bytes += entry->file.file_size_bytes;
            } else {
                entry->status = ICE_ENTRY_EXISTING;
            }
            entries[n_kept++] = *entry;
        }
        if (rc != ERR_OK) {
            break;
        }
        if (n_removed == 0) {
            out[(*n_out)++] = *manifest;
            continue;
        }
        *n_found += n_removed;
        char uuid[UUID_TEXT_LEN + 1];
        uuid_random_text(uuid);
        char *path = arena_sprintf(arena, "file://%s/%s-m%zu.avro", metadata_dir, uuid, m);
        const IcePartitionSpec *spec = ice_meta_spec(meta, manifest->spec_id);
        if (!path || !spec) {
            rc = path ? err_set(err, ERR_CORRUPT, "manifest %s names partition spec %d",
                                manifest->path, manifest->spec_id)
                      : err_nomem(err, "manifest path");
            break;
        }
        IceManifestFile rewritten;
        rc = ice_manifest_write(mem, arena, path, meta, ice_meta_current_schema(meta), spec,
                                entries, n_kept, snapshot_id, &rewritten, err);
        if (rc == ERR_OK) {
            /* kept even when every entry is DELETED: readers see what this snapshot removed */
            out[(*n_out)++] = rewritten;
        }
    }
    return rc;
}

/* One new manifest per partition spec for the added files. */
static ErrCode write_added(IceTxn *txn, const IceTableMeta *meta, Arena *arena, int64_t snapshot_id,
                           const char *metadata_dir, IceManifestFile *out, size_t *n_out,
                           Totals *totals, Err *err)
{
    if (txn->n_added == 0) {
        return ERR_OK;
    }
    IceManifestEntry *entries = arena_alloc_array(arena, txn->n_added, sizeof *entries);
    if (!entries) {
        return err_nomem(err, "manifest entries");
    }
    ErrCode rc = ERR_OK;
    for (int32_t s = 0; rc == ERR_OK && s < meta->n_specs; s++) {
        const IcePartitionSpec *spec = &meta->specs[s];
        size_t n = 0;
        for (size_t i = 0; i < txn->n_added; i++) {
            if (txn->added[i].spec_id != spec->spec_id) {
                continue;
            }
            entries[n++] = (IceManifestEntry){ICE_ENTRY_ADDED, -1, -1, -1, txn->added[i]};
            totals->added_files++;
            totals->added_records += txn->added[i].record_count;
            totals->added_bytes += txn->added[i].file_size_bytes;
        }
        if (n == 0) {
            continue;
        }
        char uuid[UUID_TEXT_LEN + 1];
        uuid_random_text(uuid);
        char *path = arena_sprintf(arena, "file://%s/%s-m%d.avro", metadata_dir, uuid, s);
        rc = path ? ice_manifest_write(txn->table->mem, arena, path, meta,
                                       ice_meta_current_schema(meta), spec, entries, n, snapshot_id,
                                       &out[*n_out], err)
                  : err_nomem(err, "manifest path");
        if (rc == ERR_OK) {
            (*n_out)++;
        }
    }
    if (rc == ERR_OK && (size_t)totals->added_files != txn->n_added) {
        rc = err_set(err, ERR_INVALID,
                     "an added data file names a partition spec the table "
                     "does not have");
    }
    return rc;
}

static ErrCode summary_put(Arena *arena, IceKV *kvs, int32_t *n, const char *key, int64_t value,
                           Err *err)
{
    kvs[*n].key = key;
    kvs[*n].value = arena_sprintf(arena, "%lld", (long long)value);
    (*n)++;
    return kvs[*n - 1].value ? ERR_OK : err_nomem(err, "snapshot summary");
}

static int64_t parent_total(const IceSnapshot *parent, const char *key)
{
    const char *text = parent ? ice_snapshot_summary(parent, key) : NULL;
    return text ? strtoll(text, NULL, 10) : (parent ? -1 : 0);
}

static ErrCode build_summary(IceTxn *txn, Arena *arena, const IceSnapshot *parent, const Totals *t,
                             const IceManifestFile *manifests, size_t n, IceSnapshot *snap,
                             Err *err)
{
    IceKV *kvs = arena_alloc_array(arena, 16 + txn->n_summary, sizeof *kvs);
    if (!kvs) {
        return err_nomem(err, "snapshot summary");
    }
    int32_t count = 0;
    const char *operation = txn->is_rewrite         ? "replace"
                            : t->deleted_files == 0 ? "append"
                            : t->added_files == 0   ? "delete"
                                                    : "overwrite";
    kvs[count++] = (IceKV){"operation", operation};
    ErrCode rc = ERR_OK;
    if (t->added_files) {
        rc = summary_put(arena, kvs, &count, "added-data-files", t->added_files, err);
        if (rc == ERR_OK) {
            rc = summary_put(arena, kvs, &count, "added-records", t->added_records, err);
        }
        if (rc == ERR_OK) {
            rc = summary_put(arena, kvs, &count, "added-files-size", t->added_bytes, err);
        }
    }
    if (rc == ERR_OK && t->deleted_files) {
        rc = summary_put(arena, kvs, &count, "deleted-data-files", t->deleted_files, err);
        if (rc == ERR_OK) {
            rc = summary_put(arena, kvs, &count, "deleted-records", t->deleted_records, err);
        }
        if (rc == ERR_OK) {
            rc = summary_put(arena, kvs, &count, "removed-files-size", t->deleted_bytes, err);
        }
    }
    /* totals from the new manifest list: live rows and files */
    int64_t total_records = 0, total_files = 0;
    for (size_t i = 0; i < n; i++) {
        if (manifests[i].content == ICE_CONTENT_DATA) {
            total_records += manifests[i].added_rows_count + manifests[i].existing_rows_count;
            total_files += manifests[i].added_files_count + manifests[i].existing_files_count;
        }
    }
    if (rc == ERR_OK) {
        rc = summary_put(arena, kvs, &count, "total-records", total_records, err);
    }
    if (rc == ERR_OK) {
        int64_t parent_size = parent_total(parent, "total-files-size");
        if (parent_size >= 0) {
            rc = summary_put(arena, kvs, &count, "total-files-size",
                             parent_size + t->added_bytes - t->deleted_bytes, err);
        }
    }
    if (rc == ERR_OK) {
        rc = summary_put(arena, kvs, &count, "total-data-files", total_files, err);
    }
    if (rc == ERR_OK) {
        rc = summary_put(arena, kvs, &count, "total-delete-files", 0, err);
    }
    if (rc == ERR_OK) {
        rc = summary_put(arena, kvs, &count, "total-position-deletes", 0, err);
    }
    if (rc == ERR_OK) {
        rc = summary_put(arena, kvs, &count, "total-equality-deletes", 0, err);
    }
    for (size_t i = 0; rc == ERR_OK && i < txn->n_summary; i++) {
        kvs[count++] = txn->summary[i];
    }
    snap->summary = kvs;
    snap->n_summary = count;
    return rc;
}

/* The branch head the new snapshot builds on; NULL when the branch (and main) is empty. */
static const IceSnapshot *branch_head(const IceTableMeta *meta, const char *branch)
{
    const IceRef *ref = ice_meta_ref(meta, branch);
    if (!ref) {
        ref = ice_meta_ref(meta, "main"); /* a new branch starts from main */
    }
    return ref ? ice_meta_snapshot(meta, ref->snapshot_id) : NULL;
}

static ErrCode apply_files(IceTxn *txn, IceTableMeta *meta, Arena *arena, int64_t *new_id, Err *err)
{
    const char *table_dir;
    ErrCode rc = ice_location_to_path(meta->location, &table_dir, err);
    if (rc != ERR_OK) {
        return rc;
    }
    const char *metadata_dir = arena_sprintf(arena, "%s/metadata", table_dir);
    if (!metadata_dir) {
        return err_nomem(err, "metadata path");
    }
    const IceSnapshot *parent = branch_head(meta, txn->branch);
    int64_t snapshot_id = random_snapshot_id();
    int64_t sequence = meta->last_sequence_number + 1;
    size_t cap = txn->n_added + (size_t)meta->n_specs + 1;
    IceManifestFile *manifests = NULL;
    size_t n = 0, n_found = 0;
    Totals totals = {0};
    IceManifestFile *parent_list = NULL;
    size_t n_parent = 0;
    if (parent) {
        rc = ice_manifest_list_read(txn->table->mem, arena, parent->manifest_list, &parent_list,
                                    &n_parent, err);
        cap += n_parent;
    }
    if (rc == ERR_OK) {
        manifests = arena_alloc_array(arena, cap, sizeof *manifests);
        rc = manifests ? ERR_OK : err_nomem(err, "manifest list");
    }
    if (rc == ERR_OK) {
        rc = write_added(txn, meta, arena, snapshot_id, metadata_dir, manifests, &n, &totals, err);
    }
    if (rc == ERR_OK) {
        rc = carry_manifests(txn, meta, arena, parent_list, n_parent, snapshot_id, metadata_dir,
                             manifests, &n, &n_found, &totals, err);
    }
    if (rc == ERR_OK && n_found < txn->n_deleted) {
        rc = err_set(err, ERR_CONFLICT,
                     "%zu of the %zu data files to remove are no longer in %s.%s (a concurrent "
                     "commit removed them)",
                     txn->n_deleted - n_found, txn->n_deleted, txn->table->ns, txn->table->name);
    }
    char uuid[UUID_TEXT_LEN + 1];
    uuid_random_text(uuid);
    IceSnapshot snap = {
            .snapshot_id = snapshot_id,
            .parent_id = parent ? parent->snapshot_id : -1,
            .sequence_number = sequence,
            .timestamp_ms = datetime_now_us() / 1000,
            .manifest_list = arena_sprintf(arena, "file://%s/snap-%lld-1-%s.avro", metadata_dir,
                                           (long long)snapshot_id, uuid),
            .schema_id = meta->current_schema_id,
    };
    if (rc == ERR_OK && !snap.manifest_list) {
        rc = err_nomem(err, "manifest list path");
    }
    if (rc == ERR_OK) {
        rc = ice_manifest_list_write(txn->table->mem, snap.manifest_list, snapshot_id,
                                     snap.parent_id, sequence, manifests, n, err);
    }
    if (rc == ERR_OK) {
        rc = build_summary(txn, arena, parent, &totals, manifests, n, &snap, err);
    }
    if (rc == ERR_OK) {
        /* a snapshot's timestamp never goes back in time on a table (clock steps) */
        if (snap.timestamp_ms < meta->last_updated_ms) {
            snap.timestamp_ms = meta->last_updated_ms;
        }
        rc = ice_meta_add_snapshot(meta, &snap, err);
    }
    if (rc == ERR_OK) {
        rc = ice_meta_set_ref(meta, txn->branch, false, snapshot_id, err);
    }
    if (rc == ERR_OK) {
        *new_id = snapshot_id;
    }
    return rc;
}

/* Partition evolution: reuse the field id of an equal (source, transform) field of any
 * earlier spec, else take the next id. */
static ErrCode add_spec(IceTableMeta *meta, Arena *arena, const IcePartitionSpec *spec, Err *err)
{
    IcePartitionField *fields =
            arena_alloc_array(arena, (size_t)spec->n_fields + 1, sizeof *fields);
    if (!fields) {
        return err_nomem(err, "partition spec");
    }
    int32_t next_id = meta->last_partition_id;
    for (int32_t i = 0; i < spec->n_fields; i++) {
        fields[i] = spec->fields[i];
        fields[i].field_id = -1;
        for (int32_t s = 0; s < meta->n_specs && fields[i].field_id < 0; s++) {
            for (int32_t f = 0; f < meta->specs[s].n_fields; f++) {
                const IcePartitionField *old = &meta->specs[s].fields[f];
                if (old->source_id == fields[i].source_id &&
                    old->transform.kind == fields[i].transform.kind &&
                    old->transform.param == fields[i].transform.param) {
                    fields[i].field_id = old->field_id;
                    break;
                }
            }
        }
        if (fields[i].field_id < 0) {
            fields[i].field_id = ++next_id;
        }
    }
    IcePartitionSpec assigned = {0, fields, spec->n_fields};
    return ice_meta_add_spec(meta, &assigned, NULL, err);
}

ErrCode ice_txn_prepare(IceTxn *txn, Arena *arena, IceTableMeta **out, const char **location,
                        Err *err)
{
    IceTable *table = txn->table;
    IceTableMeta *meta;
    ErrCode rc = ice_meta_clone(table->meta, &meta, err);
    if (rc != ERR_OK) {
        return rc;
    }
    if (txn->schema) {
        rc = ice_schema_check_evolution(meta, txn->schema, err);
        if (rc == ERR_OK) {
            rc = ice_meta_add_schema(meta, txn->schema, NULL, err);
        }
    }
    if (rc == ERR_OK && txn->spec) {
        rc = add_spec(meta, arena, txn->spec, err);
    }
    for (size_t i = 0; rc == ERR_OK && i < txn->n_properties; i++) {
        rc = ice_meta_set_property(meta, txn->properties[i].key, txn->properties[i].value, err);
    }
    int64_t new_id = -1;
    if (rc == ERR_OK && (txn->n_added || txn->n_deleted || txn->filter)) {
        rc = apply_files(txn, meta, arena, &new_id, err);
    }
    for (size_t i = 0; rc == ERR_OK && i < txn->n_refs; i++) {
        const IceTxnRef *ref = &txn->refs[i];
        if (ref->is_remove) {
            rc = ice_meta_remove_ref(meta, ref->name, err);
            continue;
        }
        int64_t target = ref->snapshot_id;
        if (target < 0) {
            const IceSnapshot *head =
                    new_id >= 0 ? ice_meta_snapshot(meta, new_id) : branch_head(meta, txn->branch);
            if (!head) {
                rc = err_set(err, ERR_INVALID, "%s.%s has no snapshot for ref \"%s\" to point at",
                             table->ns, table->name, ref->name);
                break;
            }
            target = head->snapshot_id;
        }
        rc = ice_meta_set_ref(meta, ref->name, ref->is_tag, target, err);
    }
    if (rc == ERR_OK) {
        int64_t now_ms = datetime_now_us() / 1000;
        meta->last_updated_ms =
                now_ms > table->meta->last_updated_ms ? now_ms : table->meta->last_updated_ms;
        rc = ice_meta_log_previous(meta, table->metadata_location, table->meta->last_updated_ms,
                                   err);
    }
    if (rc == ERR_OK) {
        rc = ice_table_write_metadata(table, meta, table->metadata_location, arena, location, err);
    }
    if (rc != ERR_OK) {
        ice_meta_free(meta);
        err_prefix(err, "committing to %s.%s", table->ns, table->name);
        return rc;
    }
    *out = meta;
    return ERR_OK;
}
