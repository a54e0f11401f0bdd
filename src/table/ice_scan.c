/* ice_scan.c — scan planning: snapshot selection, then manifest-list pruning by partition
 * summaries, then entry pruning by partition tuple and column metrics (see ice_scan.h).
 * Each manifest's partition spec gets its own projection of the filter, computed once
 * per spec. */
#include "table/ice_scan.h"

#include <string.h>

void ice_scan_options_default(IceScanOptions *opts)
{
    opts->snapshot_id = -1;
    opts->ref = NULL;
    opts->as_of_ms = -1;
}

static ErrCode pick_snapshot(const IceTableMeta *meta, const IceScanOptions *opts,
                             const IceSnapshot **out, bool *is_time_travel, Err *err)
{
    *out = NULL;
    *is_time_travel = true;
    if (opts->snapshot_id >= 0) {
        *out = ice_meta_snapshot(meta, opts->snapshot_id);
        return *out ? ERR_OK
                    : err_set(err, ERR_NOT_FOUND, "snapshot %lld does not exist",
                              (long long)opts->snapshot_id);
    }
    if (opts->as_of_ms >= 0) {
        return ice_meta_snapshot_at(meta, opts->as_of_ms, out, err);
    }
    *is_time_travel = false;
    const char *name = opts->ref ? opts->ref : "main";
    const IceRef *ref = ice_meta_ref(meta, name);
    if (!ref) {
        if (strcmp(name, "main") == 0) {
            return ERR_OK; /* an empty table */
        }
        return err_set(err, ERR_NOT_FOUND, "the table has no branch or tag \"%s\"", name);
    }
    *is_time_travel = ref->is_tag;
    *out = ice_meta_snapshot(meta, ref->snapshot_id);
    return *out ? ERR_OK
                : err_set(err, ERR_CORRUPT, "ref \"%s\" points at missing snapshot %lld", name,
                          (long long)ref->snapshot_id);
}

typedef struct SpecFilter {
    int32_t spec_id;
    const IcePartitionSpec *spec;
    IcePrim *types;
    const IceExpr *projected;
} SpecFilter;

static ErrCode spec_filter(const IceTableMeta *meta, const IceSchema *schema, Arena *arena,
                           const IceExpr *filter, SpecFilter *cache, int32_t *n_cache,
                           int32_t spec_id, SpecFilter **out, Err *err)
{
    for (int32_t i = 0; i < *n_cache; i++) {
        if (cache[i].spec_id == spec_id) {
            *out = &cache[i];
            return ERR_OK;
        }
    }
    SpecFilter *sf = &cache[(*n_cache)++];
    sf->spec_id = spec_id;
    sf->spec = ice_meta_spec(meta, spec_id);
    if (!sf->spec) {
        return err_set(err, ERR_CORRUPT,
                       "a manifest names partition spec %d, which the table "
                       "does not have",
                       spec_id);
    }
    ErrCode rc = ice_partition_spec_result_types(sf->spec, schema, arena, &sf->types, err);
    if (rc == ERR_OK) {
        rc = ice_expr_project_inclusive(arena, filter, sf->spec, schema, &sf->projected, err);
    }
    *out = sf;
    return rc;
}

ErrCode ice_scan_plan(Mem *mem, Arena *arena, const IceTableMeta *meta, const IceScanOptions *opts,
                      const IceExpr *filter, IceScanPlan *out, Err *err)
{
    memset(out, 0, sizeof *out);
    const IceSnapshot *snap;
    bool is_time_travel;
    ErrCode rc = pick_snapshot(meta, opts, &snap, &is_time_travel, err);
    if (rc != ERR_OK) {
        return rc;
    }
    out->snapshot = snap;
    /* time travel reads with the schema the snapshot was written with, like Spark and
     * Trino; branches and the current table use the current schema */
    out->schema = ice_meta_current_schema(meta);
    if (snap && is_time_travel && snap->schema_id >= 0 && ice_meta_schema(meta, snap->schema_id)) {
        out->schema = ice_meta_schema(meta, snap->schema_id);
    }
    if (!snap) {
        return ERR_OK;
    }
    IceManifestFile *manifests;
    size_t n_manifests;
    rc = ice_manifest_list_read(mem, arena, snap->manifest_list, &manifests, &n_manifests, err);
    if (rc != ERR_OK) {
        return rc;
    }
    SpecFilter *cache = arena_alloc_array(arena, (size_t)meta->n_specs + 1, sizeof *cache);
    if (!cache) {
        return err_nomem(err, "scan plan");
    }
    int32_t n_cache = 0;
    size_t cap = 0;
    for (size_t m = 0; rc == ERR_OK && m < n_manifests; m++) {
        const IceManifestFile *manifest = &manifests[m];
        if (manifest->content != ICE_CONTENT_DATA) {
            /* row-level deletes written by another engine: reading past them would return
             * deleted rows, so refuse until the reader applies them (counts of -1 are
             * unknown and count as live) */
            if (manifest->added_files_count != 0 || manifest->existing_files_count != 0) {
                rc = err_set(err, ERR_UNSUPPORTED,
                             "snapshot %lld has row-level delete files (manifest %s); tarn "
                             "cannot apply position or equality deletes yet",
                             (long long)snap->snapshot_id, manifest->path);
            }
            continue;
        }
        out->n_manifests++;
        SpecFilter *sf = NULL;
        if (filter) {
            rc = spec_filter(meta, out->schema, arena, filter, cache, &n_cache, manifest->spec_id,
                             &sf, err);
            if (rc != ERR_OK) {
                break;
            }
            if (manifest->partitions && manifest->n_partitions == sf->spec->n_fields &&
                !ice_eval_summaries(sf->projected, sf->spec, sf->types, manifest->partitions,
                                    manifest->n_partitions)) {
                out->n_manifests_skipped++;
                continue;
            }
        }
        IceManifestEntry *entries;
        size_t n_entries;
        rc = ice_manifest_read(mem, arena, manifest, meta, &entries, &n_entries, err);
        for (size_t e = 0; rc == ERR_OK && e < n_entries; e++) {
            const IceManifestEntry *entry = &entries[e];
            if (entry->status == ICE_ENTRY_DELETED) {
                continue;
            }
            out->n_files++;
            const IceExpr *residual = NULL;
            if (filter) {
                if (!ice_eval_partition(sf->projected, sf->spec, entry->file.partition)) {
                    out->n_files_skipped_partition++;
                    continue;
                }
                if (!ice_eval_metrics(filter, out->schema, &entry->file.metrics)) {
                    out->n_files_skipped_metrics++;
                    continue;
                }
                rc = ice_expr_residual(arena, filter, sf->spec, out->schema, entry->file.partition,
                                       &residual, err);
                if (rc != ERR_OK) {
                    break;
                }
            }
            IceScanTask *grown =
                    arena_grow_array(arena, out->tasks, out->n_tasks, &cap, sizeof *grown);
            if (!grown) {
                rc = err_nomem(err, "scan plan");
                break;
            }
            out->tasks = grown;
            out->tasks[out->n_tasks++] =
                    (IceScanTask){&entry->file, residual, entry->sequence_number};
            out->n_records += entry->file.record_count;
        }
    }
    return rc;
}
