/* ice_meta.c — Iceberg table metadata: the model's lifecycle and lookups. JSON reading
 * lives in ice_meta_parse.c, writing in ice_meta_write.c.
 *
 * An IceTableMeta owns one arena. ice_meta_clone deep-copies every array so that the
 * copy can grow them (ice_table.c appends snapshots, log entries, refs, schemas, specs)
 * without touching the original, which other readers may still hold.
 */
#include "table/ice_meta.h"

#include <string.h>

#include "base/datetime.h"
#include "base/uuid.h"
#include "table/ice_meta_int.h"

ErrCode ice_meta_alloc(Mem *mem, IceTableMeta **out, Err *err)
{
    IceTableMeta *meta = mem_calloc(mem, 1, sizeof *meta, err);
    if (!meta) {
        return ERR_NOMEM;
    }
    arena_init(&meta->arena, mem, 16 * 1024);
    meta->format_version = 2;
    meta->current_snapshot_id = -1;
    *out = meta;
    return ERR_OK;
}

void ice_meta_free(IceTableMeta *meta)
{
    if (!meta) {
        return;
    }
    Mem *mem = meta->arena.mem;
    arena_fini(&meta->arena);
    mem_free(mem, meta);
}

/* ---- deep copies into an arena ------------------------------------------------------- */

static const char *dup_str(Arena *arena, const char *s, bool *is_ok)
{
    if (!s) {
        return NULL;
    }
    char *copy = arena_strdup(arena, s);
    if (!copy) {
        *is_ok = false;
    }
    return copy;
}

static const IceType *copy_type(Arena *arena, const IceType *type, bool *is_ok);

static const IceField *copy_fields(Arena *arena, const IceField *fields, int32_t n, bool *is_ok)
{
    if (n == 0) {
        return NULL;
    }
    IceField *copy = arena_alloc_array(arena, (size_t)n, sizeof *copy);
    if (!copy) {
        *is_ok = false;
        return NULL;
    }
    for (int32_t i = 0; i < n; i++) {
        copy[i] = fields[i];
        copy[i].name = dup_str(arena, fields[i].name, is_ok);
        copy[i].doc = dup_str(arena, fields[i].doc, is_ok);
        copy[i].type = copy_type(arena, fields[i].type, is_ok);
    }
    return copy;
}

static const IceType *copy_type(Arena *arena, const IceType *type, bool *is_ok)
{
    if (!type) {
        return NULL;
    }
    IceType *copy = arena_alloc(arena, sizeof *copy);
    if (!copy) {
        *is_ok = false;
        return NULL;
    }
    *copy = *type;
    copy->fields = copy_fields(arena, type->fields, type->n_fields, is_ok);
    copy->element = copy_type(arena, type->element, is_ok);
    copy->key = copy_type(arena, type->key, is_ok);
    copy->value = copy_type(arena, type->value, is_ok);
    return copy;
}

void ice_meta_copy_schema(Arena *arena, const IceSchema *src, IceSchema *dst, bool *is_ok)
{
    *dst = *src;
    dst->fields = copy_fields(arena, src->fields, src->n_fields, is_ok);
    if (src->n_identifier_field_ids > 0) {
        dst->identifier_field_ids = arena_memdup(arena, src->identifier_field_ids,
                                                 (size_t)src->n_identifier_field_ids *
                                                         sizeof *src->identifier_field_ids);
        if (!dst->identifier_field_ids) {
            *is_ok = false;
        }
    }
}

void ice_meta_copy_spec(Arena *arena, const IcePartitionSpec *src, IcePartitionSpec *dst,
                        bool *is_ok)
{
    *dst = *src;
    if (src->n_fields == 0) {
        dst->fields = NULL;
        return;
    }
    IcePartitionField *fields = arena_alloc_array(arena, (size_t)src->n_fields, sizeof *fields);
    if (!fields) {
        *is_ok = false;
        return;
    }
    for (int32_t i = 0; i < src->n_fields; i++) {
        fields[i] = src->fields[i];
        fields[i].name = dup_str(arena, src->fields[i].name, is_ok);
    }
    dst->fields = fields;
}

static IceKV *copy_kvs(Arena *arena, const IceKV *kvs, int32_t n, bool *is_ok)
{
    if (n == 0) {
        return NULL;
    }
    IceKV *copy = arena_alloc_array(arena, (size_t)n, sizeof *copy);
    if (!copy) {
        *is_ok = false;
        return NULL;
    }
    for (int32_t i = 0; i < n; i++) {
        copy[i].key = dup_str(arena, kvs[i].key, is_ok);
        copy[i].value = dup_str(arena, kvs[i].value, is_ok);
    }
    return copy;
}

static void *copy_array(Arena *arena, const void *src, int32_t n, size_t size, bool *is_ok)
{
    if (n == 0) {
        return NULL;
    }
    void *copy = arena_memdup(arena, src, (size_t)n * size);
    if (!copy) {
        *is_ok = false;
    }
    return copy;
}

ErrCode ice_meta_clone(const IceTableMeta *meta, IceTableMeta **out, Err *err)
{
    IceTableMeta *copy;
    ErrCode rc = ice_meta_alloc(meta->arena.mem, &copy, err);
    if (rc != ERR_OK) {
        return rc;
    }
    Arena *arena = &copy->arena;
    Arena keep = copy->arena;
    *copy = *meta;
    copy->arena = keep;
    bool is_ok = true;
    copy->location = dup_str(arena, meta->location, &is_ok);
    copy->extra_json = dup_str(arena, meta->extra_json, &is_ok);

    copy->schemas = arena_alloc_array(arena, (size_t)meta->n_schemas + 1, sizeof(IceSchema));
    is_ok = is_ok && copy->schemas;
    for (int32_t i = 0; is_ok && i < meta->n_schemas; i++) {
        ice_meta_copy_schema(arena, &meta->schemas[i], &copy->schemas[i], &is_ok);
    }
    copy->specs = arena_alloc_array(arena, (size_t)meta->n_specs + 1, sizeof(IcePartitionSpec));
    is_ok = is_ok && copy->specs;
    for (int32_t i = 0; is_ok && i < meta->n_specs; i++) {
        ice_meta_copy_spec(arena, &meta->specs[i], &copy->specs[i], &is_ok);
    }
    copy->sort_orders =
            copy_array(arena, meta->sort_orders, meta->n_sort_orders, sizeof(IceSortOrder), &is_ok);
    for (int32_t i = 0; is_ok && i < meta->n_sort_orders; i++) {
        copy->sort_orders[i].fields =
                copy_array(arena, meta->sort_orders[i].fields, meta->sort_orders[i].n_fields,
                           sizeof(IceSortField), &is_ok);
    }
    copy->properties = copy_kvs(arena, meta->properties, meta->n_properties, &is_ok);
    copy->snapshots =
            copy_array(arena, meta->snapshots, meta->n_snapshots, sizeof(IceSnapshot), &is_ok);
    for (int32_t i = 0; is_ok && i < meta->n_snapshots; i++) {
        IceSnapshot *snap = &copy->snapshots[i];
        snap->manifest_list = dup_str(arena, snap->manifest_list, &is_ok);
        snap->summary = copy_kvs(arena, snap->summary, snap->n_summary, &is_ok);
    }
    copy->snapshot_log = copy_array(arena, meta->snapshot_log, meta->n_snapshot_log,
                                    sizeof(IceSnapshotLogEntry), &is_ok);
    copy->metadata_log = copy_array(arena, meta->metadata_log, meta->n_metadata_log,
                                    sizeof(IceMetadataLogEntry), &is_ok);
    for (int32_t i = 0; is_ok && i < meta->n_metadata_log; i++) {
        copy->metadata_log[i].metadata_file =
                dup_str(arena, meta->metadata_log[i].metadata_file, &is_ok);
    }
    copy->refs = copy_array(arena, meta->refs, meta->n_refs, sizeof(IceRef), &is_ok);
    for (int32_t i = 0; is_ok && i < meta->n_refs; i++) {
        copy->refs[i].name = dup_str(arena, meta->refs[i].name, &is_ok);
    }
    if (!is_ok) {
        ice_meta_free(copy);
        return err_nomem(err, "table metadata copy");
    }
    *out = copy;
    return ERR_OK;
}

ErrCode ice_meta_new(Mem *mem, const char *location, const IceSchema *schema,
                     const IcePartitionSpec *spec, const IceKV *properties, int32_t n_properties,
                     IceTableMeta **out, Err *err)
{
    Arena scratch;
    arena_init(&scratch, mem, 4096);
    IcePrim *result_types = NULL;
    ErrCode rc = ice_partition_spec_result_types(spec, schema, &scratch, &result_types, err);
    arena_fini(&scratch);
    if (rc != ERR_OK) {
        return rc;
    }
    IceTableMeta *meta;
    rc = ice_meta_alloc(mem, &meta, err);
    if (rc != ERR_OK) {
        return rc;
    }
    Arena *arena = &meta->arena;
    bool is_ok = true;
    uuid_random_text(meta->table_uuid);
    meta->location = dup_str(arena, location, &is_ok);
    meta->last_updated_ms = datetime_now_us() / 1000;
    meta->schemas = arena_alloc(arena, sizeof(IceSchema));
    meta->specs = arena_alloc(arena, sizeof(IcePartitionSpec));
    IceSortOrder *unsorted = arena_zalloc(arena, sizeof *unsorted);
    if (!meta->schemas || !meta->specs || !unsorted) {
        ice_meta_free(meta);
        return err_nomem(err, "table metadata");
    }
    ice_meta_copy_schema(arena, schema, &meta->schemas[0], &is_ok);
    meta->schemas[0].schema_id = 0;
    meta->n_schemas = 1;
    meta->last_column_id = schema->highest_field_id;
    ice_meta_copy_spec(arena, spec, &meta->specs[0], &is_ok);
    meta->specs[0].spec_id = 0;
    meta->n_specs = 1;
    meta->last_partition_id = 999; /* the spec's "no partition field yet" value */
    for (int32_t i = 0; i < spec->n_fields; i++) {
        if (spec->fields[i].field_id > meta->last_partition_id) {
            meta->last_partition_id = spec->fields[i].field_id;
        }
    }
    meta->sort_orders = unsorted;
    meta->n_sort_orders = 1;
    meta->properties = copy_kvs(arena, properties, n_properties, &is_ok);
    meta->n_properties = n_properties;
    if (!is_ok) {
        ice_meta_free(meta);
        return err_nomem(err, "table metadata");
    }
    *out = meta;
    return ERR_OK;
}

/* ---- lookups ------------------------------------------------------------------------- */

const IceSchema *ice_meta_schema(const IceTableMeta *meta, int32_t schema_id)
{
    for (int32_t i = 0; i < meta->n_schemas; i++) {
        if (meta->schemas[i].schema_id == schema_id) {
            return &meta->schemas[i];
        }
    }
    return NULL;
}

const IceSchema *ice_meta_current_schema(const IceTableMeta *meta)
{
    return ice_meta_schema(meta, meta->current_schema_id);
}

const IcePartitionSpec *ice_meta_spec(const IceTableMeta *meta, int32_t spec_id)
{
    for (int32_t i = 0; i < meta->n_specs; i++) {
        if (meta->specs[i].spec_id == spec_id) {
            return &meta->specs[i];
        }
    }
    return NULL;
}

const IceSnapshot *ice_meta_snapshot(const IceTableMeta *meta, int64_t snapshot_id)
{
    for (int32_t i = 0; i < meta->n_snapshots; i++) {
        if (meta->snapshots[i].snapshot_id == snapshot_id) {
            return &meta->snapshots[i];
        }
    }
    return NULL;
}

const IceRef *ice_meta_ref(const IceTableMeta *meta, const char *name)
{
    for (int32_t i = 0; i < meta->n_refs; i++) {
        if (strcmp(meta->refs[i].name, name) == 0) {
            return &meta->refs[i];
        }
    }
    return NULL;
}

static const char *kv_find(const IceKV *kvs, int32_t n, const char *key)
{
    for (int32_t i = 0; i < n; i++) {
        if (strcmp(kvs[i].key, key) == 0) {
            return kvs[i].value;
        }
    }
    return NULL;
}

const char *ice_meta_property(const IceTableMeta *meta, const char *key)
{
    return kv_find(meta->properties, meta->n_properties, key);
}

const char *ice_snapshot_summary(const IceSnapshot *snapshot, const char *key)
{
    return kv_find(snapshot->summary, snapshot->n_summary, key);
}

ErrCode ice_meta_snapshot_at(const IceTableMeta *meta, int64_t timestamp_ms,
                             const IceSnapshot **out, Err *err)
{
    const IceSnapshot *found = NULL;
    for (int32_t i = 0; i < meta->n_snapshot_log; i++) {
        if (meta->snapshot_log[i].timestamp_ms <= timestamp_ms) {
            const IceSnapshot *snap = ice_meta_snapshot(meta, meta->snapshot_log[i].snapshot_id);
            if (snap) {
                found = snap;
            }
        }
    }
    if (!found) {
        char text[40];
        datetime_format(timestamp_ms * 1000, DATETIME_RFC3339_TRIM, text, sizeof text);
        return err_set(err, ERR_NOT_FOUND, "the table has no snapshot as of %s", text);
    }
    *out = found;
    return ERR_OK;
}
