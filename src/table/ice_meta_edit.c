/* ice_meta_edit.c — the edits table operations apply to a cloned IceTableMeta before
 * writing it as the next version: add a schema or partition spec (reusing an identical
 * one, as Java's TableMetadata builder does), set properties, add snapshots, move and
 * remove refs, keep the metadata log.
 *
 * Arrays grow by copying into a larger arena allocation: metadata is small and edited a
 * handful of times per commit, so simplicity wins over amortized growth.
 */
#include <stdlib.h>
#include <string.h>

#include "table/ice_meta.h"
#include "table/ice_meta_int.h"

static void *grow(Arena *arena, const void *old, int32_t n, size_t size)
{
    void *bigger = arena_alloc_array(arena, (size_t)n + 1, size);
    if (bigger && n > 0) {
        memcpy(bigger, old, (size_t)n * size);
    }
    return bigger;
}

static bool types_equal(const IceType *a, const IceType *b);

static bool fields_equal(const IceField *a, int32_t n_a, const IceField *b, int32_t n_b)
{
    if (n_a != n_b) {
        return false;
    }
    for (int32_t i = 0; i < n_a; i++) {
        if (a[i].id != b[i].id || a[i].is_required != b[i].is_required ||
            strcmp(a[i].name, b[i].name) != 0 || !types_equal(a[i].type, b[i].type)) {
            return false;
        }
    }
    return true;
}

static bool types_equal(const IceType *a, const IceType *b)
{
    if (a->id != b->id) {
        return false;
    }
    switch (a->id) {
    case ICE_STRUCT:
        return fields_equal(a->fields, a->n_fields, b->fields, b->n_fields);
    case ICE_LIST:
        return a->element_id == b->element_id && a->is_element_required == b->is_element_required &&
               types_equal(a->element, b->element);
    case ICE_MAP:
        return a->key_id == b->key_id && a->value_id == b->value_id &&
               a->is_value_required == b->is_value_required && types_equal(a->key, b->key) &&
               types_equal(a->value, b->value);
    default:
        return a->prim.precision == b->prim.precision && a->prim.scale == b->prim.scale &&
               a->prim.length == b->prim.length;
    }
}

ErrCode ice_meta_add_schema(IceTableMeta *meta, const IceSchema *schema, int32_t *schema_id_out,
                            Err *err)
{
    int32_t id = -1;
    int32_t highest_id = -1;
    for (int32_t i = 0; i < meta->n_schemas; i++) {
        const IceSchema *old = &meta->schemas[i];
        if (old->schema_id > highest_id) {
            highest_id = old->schema_id;
        }
        if (fields_equal(old->fields, old->n_fields, schema->fields, schema->n_fields)) {
            id = old->schema_id;
        }
    }
    if (id < 0) {
        IceSchema *schemas = grow(&meta->arena, meta->schemas, meta->n_schemas, sizeof *schemas);
        if (!schemas) {
            return err_nomem(err, "schema");
        }
        bool is_ok = true;
        ice_meta_copy_schema(&meta->arena, schema, &schemas[meta->n_schemas], &is_ok);
        if (!is_ok) {
            return err_nomem(err, "schema");
        }
        id = highest_id + 1;
        schemas[meta->n_schemas].schema_id = id;
        meta->schemas = schemas;
        meta->n_schemas++;
    }
    meta->current_schema_id = id;
    if (schema->highest_field_id > meta->last_column_id) {
        meta->last_column_id = schema->highest_field_id;
    }
    if (schema_id_out) {
        *schema_id_out = id;
    }
    return ERR_OK;
}

static bool specs_equal(const IcePartitionSpec *a, const IcePartitionSpec *b)
{
    if (a->n_fields != b->n_fields) {
        return false;
    }
    for (int32_t i = 0; i < a->n_fields; i++) {
        const IcePartitionField *fa = &a->fields[i], *fb = &b->fields[i];
        if (fa->source_id != fb->source_id || fa->field_id != fb->field_id ||
            fa->transform.kind != fb->transform.kind ||
            fa->transform.param != fb->transform.param || strcmp(fa->name, fb->name) != 0) {
            return false;
        }
    }
    return true;
}

ErrCode ice_meta_add_spec(IceTableMeta *meta, const IcePartitionSpec *spec, int32_t *spec_id_out,
                          Err *err)
{
    IcePrim *result_types;
    ErrCode rc = ice_partition_spec_result_types(spec, ice_meta_current_schema(meta), &meta->arena,
                                                 &result_types, err);
    if (rc != ERR_OK) {
        return rc;
    }
    int32_t id = -1;
    int32_t highest_id = -1;
    for (int32_t i = 0; i < meta->n_specs; i++) {
        if (meta->specs[i].spec_id > highest_id) {
            highest_id = meta->specs[i].spec_id;
        }
        if (specs_equal(&meta->specs[i], spec)) {
            id = meta->specs[i].spec_id;
        }
    }
    if (id < 0) {
        IcePartitionSpec *specs = grow(&meta->arena, meta->specs, meta->n_specs, sizeof *specs);
        if (!specs) {
            return err_nomem(err, "partition spec");
        }
        bool is_ok = true;
        ice_meta_copy_spec(&meta->arena, spec, &specs[meta->n_specs], &is_ok);
        if (!is_ok) {
            return err_nomem(err, "partition spec");
        }
        id = highest_id + 1;
        specs[meta->n_specs].spec_id = id;
        meta->specs = specs;
        meta->n_specs++;
    }
    for (int32_t i = 0; i < spec->n_fields; i++) {
        if (spec->fields[i].field_id > meta->last_partition_id) {
            meta->last_partition_id = spec->fields[i].field_id;
        }
    }
    meta->default_spec_id = id;
    if (spec_id_out) {
        *spec_id_out = id;
    }
    return ERR_OK;
}

ErrCode ice_meta_set_property(IceTableMeta *meta, const char *key, const char *value, Err *err)
{
    for (int32_t i = 0; i < meta->n_properties; i++) {
        if (strcmp(meta->properties[i].key, key) != 0) {
            continue;
        }
        if (!value) {
            memmove(&meta->properties[i], &meta->properties[i + 1],
                    (size_t)(meta->n_properties - i - 1) * sizeof *meta->properties);
            meta->n_properties--;
            return ERR_OK;
        }
        meta->properties[i].value = arena_strdup(&meta->arena, value);
        return meta->properties[i].value ? ERR_OK : err_nomem(err, "table property");
    }
    if (!value) {
        return ERR_OK;
    }
    IceKV *props = grow(&meta->arena, meta->properties, meta->n_properties, sizeof *props);
    if (!props) {
        return err_nomem(err, "table property");
    }
    props[meta->n_properties].key = arena_strdup(&meta->arena, key);
    props[meta->n_properties].value = arena_strdup(&meta->arena, value);
    if (!props[meta->n_properties].key || !props[meta->n_properties].value) {
        return err_nomem(err, "table property");
    }
    meta->properties = props;
    meta->n_properties++;
    return ERR_OK;
}

ErrCode ice_meta_add_snapshot(IceTableMeta *meta, const IceSnapshot *snapshot, Err *err)
{
    IceSnapshot *snaps = grow(&meta->arena, meta->snapshots, meta->n_snapshots, sizeof *snaps);
    if (!snaps) {
        return err_nomem(err, "snapshot");
    }
    IceSnapshot *copy = &snaps[meta->n_snapshots];
    *copy = *snapshot;
    copy->manifest_list = arena_strdup(&meta->arena, snapshot->manifest_list);
    IceKV *summary =
            arena_alloc_array(&meta->arena, (size_t)snapshot->n_summary + 1, sizeof *summary);
    if (!copy->manifest_list || !summary) {
        return err_nomem(err, "snapshot");
    }
    for (int32_t i = 0; i < snapshot->n_summary; i++) {
        summary[i].key = arena_strdup(&meta->arena, snapshot->summary[i].key);
        summary[i].value = arena_strdup(&meta->arena, snapshot->summary[i].value);
        if (!summary[i].key || !summary[i].value) {
            return err_nomem(err, "snapshot");
        }
    }
    copy->summary = summary;
    meta->snapshots = snaps;
    meta->n_snapshots++;
    if (snapshot->sequence_number > meta->last_sequence_number) {
        meta->last_sequence_number = snapshot->sequence_number;
    }
    return ERR_OK;
}

ErrCode ice_meta_set_ref(IceTableMeta *meta, const char *name, bool is_tag, int64_t snapshot_id,
                         Err *err)
{
    const IceSnapshot *snap = ice_meta_snapshot(meta, snapshot_id);
    if (!snap) {
        return err_set(err, ERR_NOT_FOUND, "snapshot %lld does not exist", (long long)snapshot_id);
    }
    IceRef *ref = NULL;
    for (int32_t i = 0; i < meta->n_refs; i++) {
        if (strcmp(meta->refs[i].name, name) == 0) {
            ref = &meta->refs[i];
        }
    }
    if (ref && ref->is_tag != is_tag) {
        return err_set(err, ERR_INVALID, "ref \"%s\" is a %s, not a %s", name,
                       ref->is_tag ? "tag" : "branch", is_tag ? "tag" : "branch");
    }
    if (is_tag && strcmp(name, "main") == 0) {
        return err_set(err, ERR_INVALID, "\"main\" is the table's main branch, not a tag");
    }
    if (!ref) {
        IceRef *refs = grow(&meta->arena, meta->refs, meta->n_refs, sizeof *refs);
        if (!refs) {
            return err_nomem(err, "ref");
        }
        ref = &refs[meta->n_refs];
        *ref = (IceRef){arena_strdup(&meta->arena, name), is_tag, snapshot_id, -1, -1, -1};
        if (!ref->name) {
            return err_nomem(err, "ref");
        }
        meta->refs = refs;
        meta->n_refs++;
    }
    ref->snapshot_id = snapshot_id;
    if (strcmp(name, "main") == 0) {
        meta->current_snapshot_id = snapshot_id;
        IceSnapshotLogEntry *log =
                grow(&meta->arena, meta->snapshot_log, meta->n_snapshot_log, sizeof *log);
        if (!log) {
            return err_nomem(err, "snapshot log");
        }
        log[meta->n_snapshot_log] = (IceSnapshotLogEntry){snap->timestamp_ms, snapshot_id};
        meta->snapshot_log = log;
        meta->n_snapshot_log++;
    }
    return ERR_OK;
}

ErrCode ice_meta_remove_ref(IceTableMeta *meta, const char *name, Err *err)
{
    if (strcmp(name, "main") == 0) {
        return err_set(err, ERR_INVALID, "the main branch cannot be removed");
    }
    for (int32_t i = 0; i < meta->n_refs; i++) {
        if (strcmp(meta->refs[i].name, name) == 0) {
            memmove(&meta->refs[i], &meta->refs[i + 1],
                    (size_t)(meta->n_refs - i - 1) * sizeof *meta->refs);
            meta->n_refs--;
            return ERR_OK;
        }
    }
    return err_set(err, ERR_NOT_FOUND, "ref \"%s\" does not exist", name);
}

ErrCode ice_meta_log_previous(IceTableMeta *meta, const char *metadata_file, int64_t timestamp_ms,
                              Err *err)
{
    int32_t keep = 100;
    const char *max_text = ice_meta_property(meta, "write.metadata.previous-versions-max");
    if (max_text) {
        long value = strtol(max_text, NULL, 10);
        if (value >= 1 && value <= 100000) {
            keep = (int32_t)value;
        }
    }
    IceMetadataLogEntry *log =
            grow(&meta->arena, meta->metadata_log, meta->n_metadata_log, sizeof *log);
    if (!log) {
        return err_nomem(err, "metadata log");
    }
    log[meta->n_metadata_log].timestamp_ms = timestamp_ms;
    log[meta->n_metadata_log].metadata_file = arena_strdup(&meta->arena, metadata_file);
    if (!log[meta->n_metadata_log].metadata_file) {
        return err_nomem(err, "metadata log");
    }
    int32_t n = meta->n_metadata_log + 1;
    if (n > keep) {
        memmove(log, log + (n - keep), (size_t)keep * sizeof *log);
        n = keep;
    }
    meta->metadata_log = log;
    meta->n_metadata_log = n;
    return ERR_OK;
}
