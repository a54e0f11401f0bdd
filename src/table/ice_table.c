/* ice_table.c — creating and loading tables, and committing transactions (see
 * ice_table.h for the protocol). The snapshot-building step (manifests, summary) is in
 * ice_table_commit.c; this file holds the table handle, the transaction's recorded
 * changes and the retry loop around the store's compare-and-swap.
 */
#include "table/ice_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/datetime.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/uuid.h"
#include "table/ice_table_int.h"

/* ---- metadata files ------------------------------------------------------------------- */

/* The version number in a metadata file name "<dir>/00012-<uuid>.metadata.json" (or
 * Hadoop's "v12.metadata.json"); -1 when it has none. */
static int64_t metadata_version(const char *location)
{
    const char *base = strrchr(location, '/');
    base = base ? base + 1 : location;
    if (*base == 'v') {
        base++;
    }
    char *end;
    long long version = strtoll(base, &end, 10);
    return end == base ? -1 : version;
}

ErrCode ice_table_write_metadata(IceTable *table, const IceTableMeta *meta,
                                 const char *previous_location, Arena *arena,
                                 const char **location_out, Err *err)
{
    const char *dir;
    ErrCode rc = ice_location_to_path(meta->location, &dir, err);
    if (rc != ERR_OK) {
        return rc;
    }
    int64_t version = previous_location ? metadata_version(previous_location) + 1 : 0;
    if (version < 0) {
        version = meta->n_metadata_log; /* a foreign name: continue from the log's length */
    }
    char uuid[UUID_TEXT_LEN + 1];
    uuid_random_text(uuid);
    char *metadata_dir = arena_sprintf(arena, "%s/metadata", dir);
    char *path = arena_sprintf(arena, "%s/%05lld-%s.metadata.json",
                               metadata_dir ? metadata_dir : "", (long long)version, uuid);
    if (!metadata_dir || !path) {
        return err_nomem(err, "metadata path");
    }
    rc = file_mkdirs(metadata_dir, err);
    StrBuf json;
    strbuf_init(&json, table->mem);
    if (rc == ERR_OK) {
        rc = ice_meta_write_json(meta, true, &json, err);
    }
    if (rc == ERR_OK) {
        rc = file_write_atomic(path, json.data, json.len, true, err);
    }
    strbuf_fini(&json);
    if (rc == ERR_OK) {
        *location_out = arena_sprintf(arena, "file://%s", path);
        rc = *location_out ? ERR_OK : err_nomem(err, "metadata path");
    }
    return rc;
}

static ErrCode read_metadata(Mem *mem, const char *location, IceTableMeta **out, Err *err)
{
    const char *path;
    ErrCode rc = ice_location_to_path(location, &path, err);
    if (rc != ERR_OK) {
        return rc;
    }
    StrBuf json;
    strbuf_init(&json, mem);
    rc = file_read_all(path, &json, err);
    if (rc == ERR_OK) {
        rc = ice_meta_parse(mem, json.data ? json.data : "", json.len, path, out, err);
    }
    strbuf_fini(&json);
    return rc;
}

/* ---- the table handle ------------------------------------------------------------------ */

static ErrCode set_current(IceTable *table, IceTableMeta *meta, const char *location, Err *err)
{
    size_t len = strlen(location);
    char *copy = mem_alloc(table->mem, len + 1, err);
    if (!copy) {
        ice_meta_free(meta);
        return ERR_NOMEM;
    }
    memcpy(copy, location, len + 1);
    mem_free(table->mem, table->metadata_location);
    ice_meta_free(table->meta);
    table->metadata_location = copy;
    table->meta = meta;
    return ERR_OK;
}

static ErrCode table_alloc(IceStore *store, Mem *mem, const char *ns, const char *name,
                           IceTable **out, Err *err)
{
    ErrCode rc = ice_store_check_name("namespace", ns, err);
    if (rc == ERR_OK) {
        rc = ice_store_check_name("table", name, err);
    }
    if (rc != ERR_OK) {
        return rc;
    }
    IceTable *table = mem_calloc(mem, 1, sizeof *table, err);
    if (!table) {
        return ERR_NOMEM;
    }
    table->store = store;
    table->mem = mem;
    snprintf(table->ns, sizeof table->ns, "%s", ns);
    snprintf(table->name, sizeof table->name, "%s", name);
    *out = table;
    return ERR_OK;
}

void ice_table_free(IceTable *table)
{
    if (!table) {
        return;
    }
    ice_meta_free(table->meta);
    mem_free(table->mem, table->metadata_location);
    mem_free(table->mem, table);
}

ErrCode ice_table_refresh(IceTable *table, Err *err)
{
    Arena arena;
    arena_init(&arena, table->mem, 1024);
    const char *location;
    ErrCode rc = ice_store_lookup(table->store, &arena, table->ns, table->name, &location, err);
    IceTableMeta *meta = NULL;
    if (rc == ERR_OK) {
        rc = read_metadata(table->mem, location, &meta, err);
    }
    if (rc == ERR_OK) {
        rc = set_current(table, meta, location, err);
    }
    arena_fini(&arena);
    return rc;
}

ErrCode ice_table_load(IceStore *store, Mem *mem, const char *ns, const char *name, IceTable **out,
                       Err *err)
{
    IceTable *table;
    ErrCode rc = table_alloc(store, mem, ns, name, &table, err);
    if (rc != ERR_OK) {
        return rc;
    }
    rc = ice_table_refresh(table, err);
    if (rc != ERR_OK) {
        ice_table_free(table);
        return rc;
    }
    *out = table;
    return ERR_OK;
}

ErrCode ice_table_create(IceStore *store, Mem *mem, const char *ns, const char *name,
                         const IceSchema *schema, const IcePartitionSpec *spec,
                         const IceKV *properties, int32_t n_properties, IceTable **out, Err *err)
{
    IceTable *table;
    ErrCode rc = table_alloc(store, mem, ns, name, &table, err);
    if (rc != ERR_OK) {
        return rc;
    }
    Arena arena;
    arena_init(&arena, mem, 4096);
    char *location = arena_sprintf(&arena, "file://%s/%s/%s", ice_store_warehouse(store), ns, name);
    IceTableMeta *meta = NULL;
    const char *metadata_location = NULL;
    rc = location ? ERR_OK : err_nomem(err, "table location");
    if (rc == ERR_OK) {
        rc = ice_meta_new(mem, location, schema, spec, properties, n_properties, &meta, err);
    }
    if (rc == ERR_OK) {
        rc = ice_table_write_metadata(table, meta, NULL, &arena, &metadata_location, err);
    }
    if (rc == ERR_OK) {
        IceStoreUpdate update = {ns, name, NULL, metadata_location};
        rc = ice_store_commit(store, &update, 1, err);
    }
    if (rc == ERR_OK) {
        rc = set_current(table, meta, metadata_location, err);
        meta = NULL;
    }
    ice_meta_free(meta);
    arena_fini(&arena);
    if (rc != ERR_OK) {
        ice_table_free(table);
        return rc;
    }
    *out = table;
    return ERR_OK;
}

ErrCode ice_table_data_dir(const IceTable *table, Arena *arena, const char **out, Err *err)
{
    const char *dir;
    ErrCode rc = ice_location_to_path(table->meta->location, &dir, err);
    if (rc == ERR_OK) {
        *out = arena_sprintf(arena, "%s/data", dir);
        rc = *out ? ERR_OK : err_nomem(err, "data directory");
    }
    return rc;
}

ErrCode ice_table_live_files(const IceTable *table, const IceTableMeta *meta, int64_t snapshot_id,
                             Arena *arena, IceManifestEntry **out, size_t *n_out, Err *err)
{
    *out = NULL;
    *n_out = 0;
    const IceSnapshot *snap = ice_meta_snapshot(meta, snapshot_id);
    if (!snap) {
        return err_set(err, ERR_NOT_FOUND, "snapshot %lld does not exist", (long long)snapshot_id);
    }
    IceManifestFile *manifests;
    size_t n_manifests;
    ErrCode rc = ice_manifest_list_read(table->mem, arena, snap->manifest_list, &manifests,
                                        &n_manifests, err);
    size_t n = 0, cap = 0;
    IceManifestEntry *live = NULL;
    for (size_t m = 0; rc == ERR_OK && m < n_manifests; m++) {
        if (manifests[m].content != ICE_CONTENT_DATA) {
            continue;
        }
        IceManifestEntry *entries;
        size_t n_entries;
        rc = ice_manifest_read(table->mem, arena, &manifests[m], meta, &entries, &n_entries, err);
        for (size_t e = 0; rc == ERR_OK && e < n_entries; e++) {
            if (entries[e].status == ICE_ENTRY_DELETED) {
                continue;
            }
            IceManifestEntry *grown = arena_grow_array(arena, live, n, &cap, sizeof *grown);
            if (!grown) {
                rc = err_nomem(err, "file list");
                break;
            }
            live = grown;
            live[n++] = entries[e];
        }
    }
    if (rc == ERR_OK) {
        *out = live;
        *n_out = n;
    }
    return rc;
}

/* ---- transactions ---------------------------------------------------------------------- */

ErrCode ice_txn_begin(IceTable *table, const char *branch, IceTxn **out, Err *err)
{
    IceTxn *txn = mem_calloc(table->mem, 1, sizeof *txn, err);
    if (!txn) {
        return ERR_NOMEM;
    }
    txn->table = table;
    arena_init(&txn->arena, table->mem, 16 * 1024);
    txn->branch = arena_strdup(&txn->arena, branch ? branch : "main");
    if (!txn->branch) {
        ice_txn_abort(txn);
        return err_nomem(err, "transaction");
    }
    *out = txn;
    return ERR_OK;
}

void ice_txn_abort(IceTxn *txn)
{
    if (!txn) {
        return;
    }
    Mem *mem = txn->table->mem;
    arena_fini(&txn->arena);
    mem_free(mem, txn);
}

/* Metadata records locations as URIs with a scheme (spec "Paths in Metadata"): a plain
 * absolute path becomes file://path. */
static const char *location_of(IceTxn *txn, const char *path)
{
    return path[0] == '/' ? arena_sprintf(&txn->arena, "file://%s", path)
                          : arena_strdup(&txn->arena, path);
}

ErrCode ice_txn_append(IceTxn *txn, const IceDataFile *files, size_t n, Err *err)
{
    for (size_t i = 0; i < n; i++) {
        IceDataFile *added = arena_grow_array(&txn->arena, txn->added, txn->n_added,
                                              &txn->cap_added, sizeof *added);
        if (!added) {
            return err_nomem(err, "transaction");
        }
        txn->added = added;
        IceDataFile *slot = &added[txn->n_added];
        *slot = files[i]; /* borrowed: callers keep files alive until commit */
        slot->file_path = location_of(txn, files[i].file_path);
        if (!slot->file_path) {
            return err_nomem(err, "transaction");
        }
        txn->n_added++;
    }
    return ERR_OK;
}

ErrCode ice_txn_delete_files(IceTxn *txn, const char *const *paths, size_t n, Err *err)
{
    for (size_t i = 0; i < n; i++) {
        const char **deleted = arena_grow_array(&txn->arena, txn->deleted, txn->n_deleted,
                                                &txn->cap_deleted, sizeof *deleted);
        if (!deleted || !(deleted[txn->n_deleted] = location_of(txn, paths[i]))) {
            return err_nomem(err, "transaction");
        }
        txn->deleted = deleted;
        txn->n_deleted++;
    }
    return ERR_OK;
}

ErrCode ice_txn_overwrite_filter(IceTxn *txn, const IceExpr *filter, Err *err)
{
    (void)err;
    txn->filter = filter; /* borrowed until commit */
    return ERR_OK;
}

ErrCode ice_txn_replace_partitions(IceTxn *txn, const IceDataFile *files, size_t n, Err *err)
{
    txn->is_replace_partitions = true;
    return ice_txn_append(txn, files, n, err);
}

ErrCode ice_txn_rewrite(IceTxn *txn, const char *const *old_paths, size_t n_old,
                        const IceDataFile *files, size_t n_new, Err *err)
{
    txn->is_rewrite = true;
    ErrCode rc = ice_txn_delete_files(txn, old_paths, n_old, err);
    return rc == ERR_OK ? ice_txn_append(txn, files, n_new, err) : rc;
}

ErrCode ice_txn_set_schema(IceTxn *txn, const IceSchema *schema, Err *err)
{
    (void)err;
    txn->schema = schema; /* borrowed until commit */
    return ERR_OK;
}

ErrCode ice_txn_set_spec(IceTxn *txn, const IcePartitionSpec *spec, Err *err)
{
    (void)err;
    txn->spec = spec; /* borrowed until commit */
    return ERR_OK;
}

static ErrCode push_kv(IceTxn *txn, IceKV **list, size_t *n, size_t *cap, const char *key,
                       const char *value, Err *err)
{
    IceKV *kvs = arena_grow_array(&txn->arena, *list, *n, cap, sizeof *kvs);
    if (!kvs) {
        return err_nomem(err, "transaction");
    }
    *list = kvs;
    IceKV *slot = &kvs[(*n)++];
    slot->key = arena_strdup(&txn->arena, key);
    slot->value = value ? arena_strdup(&txn->arena, value) : NULL;
    return slot->key && (!value || slot->value) ? ERR_OK : err_nomem(err, "transaction");
}

ErrCode ice_txn_set_property(IceTxn *txn, const char *key, const char *value, Err *err)
{
    return push_kv(txn, &txn->properties, &txn->n_properties, &txn->cap_properties, key, value,
                   err);
}

ErrCode ice_txn_set_summary(IceTxn *txn, const char *key, const char *value, Err *err)
{
    return push_kv(txn, &txn->summary, &txn->n_summary, &txn->cap_summary, key, value, err);
}

ErrCode ice_txn_set_ref(IceTxn *txn, const char *name, bool is_tag, int64_t snapshot_id, Err *err)
{
    IceTxnRef *refs =
            arena_grow_array(&txn->arena, txn->refs, txn->n_refs, &txn->cap_refs, sizeof *refs);
    if (!refs) {
        return err_nomem(err, "transaction");
    }
    txn->refs = refs;
    IceTxnRef *slot = &refs[txn->n_refs];
    *slot = (IceTxnRef){arena_strdup(&txn->arena, name), is_tag, false, snapshot_id};
    if (!slot->name) {
        return err_nomem(err, "transaction");
    }
    txn->n_refs++;
    return ERR_OK;
}

ErrCode ice_txn_remove_ref(IceTxn *txn, const char *name, Err *err)
{
    ErrCode rc = ice_txn_set_ref(txn, name, false, -1, err);
    if (rc == ERR_OK) {
        txn->refs[txn->n_refs - 1].is_remove = true;
    }
    return rc;
}

/* ---- commit ---------------------------------------------------------------------------- */

/* Sleep between commit attempts: random in [0, 2^attempt ms], capped at 100 ms. */
static void backoff(int32_t attempt)
{
    uint64_t cap_us = attempt < 7 ? (uint64_t)1000 << attempt : 100000;
    uint64_t wait_us = hash_seed_random() % (cap_us + 1);
    struct timespec ts = {(time_t)(wait_us / 1000000), (long)(wait_us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static int32_t retry_limit(const IceTableMeta *meta)
{
    const char *text = ice_meta_property(meta, "commit.retry.num-retries");
    long value = text ? strtol(text, NULL, 10) : 4;
    return value >= 0 && value <= 100 ? (int32_t)value : 4;
}

ErrCode ice_txn_commit_all(IceTxn **txns, size_t n, Err *err)
{
    ErrCode rc = ERR_OK;
    int32_t retries = n ? retry_limit(txns[0]->table->meta) : 0;
    Arena arena;
    arena_init(&arena, n ? txns[0]->table->mem : NULL, 4096);
    IceStoreUpdate *updates = arena_alloc_array(&arena, n + 1, sizeof *updates);
    IceTableMeta **prepared = arena_zalloc(&arena, (n + 1) * sizeof *prepared);
    if (!updates || !prepared) {
        rc = err_nomem(err, "commit");
    }
    for (int32_t attempt = 0; rc == ERR_OK; attempt++) {
        for (size_t i = 0; rc == ERR_OK && i < n; i++) {
            IceTable *table = txns[i]->table;
            const char *location = NULL;
            rc = ice_txn_prepare(txns[i], &arena, &prepared[i], &location, err);
            updates[i] =
                    (IceStoreUpdate){table->ns, table->name, table->metadata_location, location};
        }
        if (rc == ERR_OK) {
            rc = ice_store_commit(txns[0]->table->store, updates, n, err);
        }
        if (rc == ERR_OK) {
            for (size_t i = 0; rc == ERR_OK && i < n; i++) {
                rc = set_current(txns[i]->table, prepared[i], updates[i].location, err);
                prepared[i] = NULL;
            }
            break;
        }
        for (size_t i = 0; i < n; i++) {
            ice_meta_free(prepared[i]);
            prepared[i] = NULL;
        }
        if (rc != ERR_CONFLICT || attempt >= retries) {
            break;
        }
        /* another writer committed first: wait a little (jittered, doubling: writers that
         * collided do not collide again in lockstep), reload and re-apply on top of its
         * version */
        backoff(attempt);
        rc = ERR_OK;
        for (size_t i = 0; rc == ERR_OK && i < n; i++) {
            rc = ice_table_refresh(txns[i]->table, err);
        }
    }
    arena_fini(&arena);
    for (size_t i = 0; i < n; i++) {
        ice_txn_abort(txns[i]);
    }
    return rc;
}

ErrCode ice_txn_commit(IceTxn *txn, int64_t *snapshot_id_out, Err *err)
{
    IceTable *table = txn->table;
    char branch[256]; /* the transaction is freed by the commit */
    snprintf(branch, sizeof branch, "%s", txn->branch);
    bool has_data = txn->n_added || txn->n_deleted || txn->filter;
    ErrCode rc = ice_txn_commit_all(&txn, 1, err);
    if (rc == ERR_OK && snapshot_id_out) {
        const IceRef *ref = ice_meta_ref(table->meta, branch);
        *snapshot_id_out = has_data && ref ? ref->snapshot_id : -1;
    }
    return rc;
}
