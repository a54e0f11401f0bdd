/* ice_meta_write.c — writing IceTableMeta as v2 metadata.json (Iceberg spec Appendix C),
 * and the schema and partition-spec JSON that manifests carry in their Avro headers.
 *
 * The document is built as a jansson tree in the key order Java Iceberg writes
 * (format-version, table-uuid, location, last-sequence-number, last-updated-ms,
 * last-column-id, current-schema-id, schemas, default-spec-id, partition-specs,
 * last-partition-id, default-sort-order-id, sort-orders, properties, current-snapshot-id,
 * refs, snapshots, statistics..., snapshot-log, metadata-log), then dumped into the
 * caller's StrBuf. Keys kept from the parsed file (extra_json) are merged back in.
 */
#include <jansson.h>
#include <string.h>

#include "table/ice_meta.h"

/* jansson reports allocation failure as NULL from constructors and -1 from setters; the
 * builder below threads one flag through instead of checking every call. */
typedef struct JsonBuild {
    bool is_ok;
} JsonBuild;

static json_t *take(JsonBuild *build, json_t *value)
{
    if (!value) {
        build->is_ok = false;
    }
    return value;
}

static void set(JsonBuild *build, json_t *obj, const char *key, json_t *value)
{
    if (!value || json_object_set_new(obj, key, value) != 0) {
        build->is_ok = false;
    }
}

static void append(JsonBuild *build, json_t *array, json_t *value)
{
    if (!value || json_array_append_new(array, value) != 0) {
        build->is_ok = false;
    }
}

static json_t *type_json(JsonBuild *build, const IceType *type);

static json_t *fields_json(JsonBuild *build, const IceField *fields, int32_t n_fields)
{
    json_t *array = take(build, json_array());
    if (!array) {
        return NULL;
    }
    for (int32_t i = 0; i < n_fields; i++) {
        const IceField *field = &fields[i];
        json_t *obj = take(build, json_object());
        if (!obj) {
            break;
        }
        set(build, obj, "id", json_integer(field->id));
        set(build, obj, "name", json_string(field->name));
        set(build, obj, "required", json_boolean(field->is_required));
        set(build, obj, "type", type_json(build, field->type));
        if (field->doc) {
            set(build, obj, "doc", json_string(field->doc));
        }
        append(build, array, obj);
    }
    return array;
}

static json_t *type_json(JsonBuild *build, const IceType *type)
{
    if (ice_type_is_primitive(type->id)) {
        char name[48];
        ice_prim_name(type->prim, name, sizeof name);
        return take(build, json_string(name));
    }
    json_t *obj = take(build, json_object());
    if (!obj) {
        return NULL;
    }
    switch (type->id) {
    case ICE_STRUCT:
        set(build, obj, "type", json_string("struct"));
        set(build, obj, "fields", fields_json(build, type->fields, type->n_fields));
        break;
    case ICE_LIST:
        set(build, obj, "type", json_string("list"));
        set(build, obj, "element-id", json_integer(type->element_id));
        set(build, obj, "element", type_json(build, type->element));
        set(build, obj, "element-required", json_boolean(type->is_element_required));
        break;
    default: /* ICE_MAP */
        set(build, obj, "type", json_string("map"));
        set(build, obj, "key-id", json_integer(type->key_id));
        set(build, obj, "key", type_json(build, type->key));
        set(build, obj, "value-id", json_integer(type->value_id));
        set(build, obj, "value", type_json(build, type->value));
        set(build, obj, "value-required", json_boolean(type->is_value_required));
        break;
    }
    return obj;
}

static json_t *schema_json(JsonBuild *build, const IceSchema *schema)
{
    json_t *obj = take(build, json_object());
    if (!obj) {
        return NULL;
    }
    set(build, obj, "type", json_string("struct"));
    set(build, obj, "schema-id", json_integer(schema->schema_id));
    if (schema->n_identifier_field_ids > 0) {
        json_t *ids = take(build, json_array());
        for (int32_t i = 0; ids && i < schema->n_identifier_field_ids; i++) {
            append(build, ids, json_integer(schema->identifier_field_ids[i]));
        }
        set(build, obj, "identifier-field-ids", ids);
    }
    set(build, obj, "fields", fields_json(build, schema->fields, schema->n_fields));
    return obj;
}

static json_t *spec_fields_json(JsonBuild *build, const IcePartitionSpec *spec)
{
    json_t *array = take(build, json_array());
    for (int32_t i = 0; array && i < spec->n_fields; i++) {
        const IcePartitionField *field = &spec->fields[i];
        char transform[48];
        ice_transform_format(field->transform, transform, sizeof transform);
        json_t *obj = take(build, json_object());
        if (!obj) {
            break;
        }
        set(build, obj, "name", json_string(field->name));
        set(build, obj, "transform", json_string(transform));
        set(build, obj, "source-id", json_integer(field->source_id));
        set(build, obj, "field-id", json_integer(field->field_id));
        append(build, array, obj);
    }
    return array;
}

static json_t *string_map_json(JsonBuild *build, const IceKV *kvs, int32_t n)
{
    json_t *obj = take(build, json_object());
    for (int32_t i = 0; obj && i < n; i++) {
        set(build, obj, kvs[i].key, json_string(kvs[i].value));
    }
    return obj;
}

static json_t *sort_order_json(JsonBuild *build, const IceSortOrder *order)
{
    json_t *obj = take(build, json_object());
    if (!obj) {
        return NULL;
    }
    set(build, obj, "order-id", json_integer(order->order_id));
    json_t *fields = take(build, json_array());
    for (int32_t i = 0; fields && i < order->n_fields; i++) {
        const IceSortField *field = &order->fields[i];
        char transform[48];
        ice_transform_format(field->transform, transform, sizeof transform);
        json_t *f = take(build, json_object());
        if (!f) {
            break;
        }
        set(build, f, "transform", json_string(transform));
        set(build, f, "source-id", json_integer(field->source_id));
        set(build, f, "direction", json_string(field->is_descending ? "desc" : "asc"));
        set(build, f, "null-order",
            json_string(field->is_nulls_first ? "nulls-first" : "nulls-last"));
        append(build, fields, f);
    }
    set(build, obj, "fields", fields);
    return obj;
}

static json_t *snapshot_json(JsonBuild *build, const IceSnapshot *snap)
{
    json_t *obj = take(build, json_object());
    if (!obj) {
        return NULL;
    }
    set(build, obj, "snapshot-id", json_integer(snap->snapshot_id));
    if (snap->parent_id >= 0) {
        set(build, obj, "parent-snapshot-id", json_integer(snap->parent_id));
    }
    set(build, obj, "sequence-number", json_integer(snap->sequence_number));
    set(build, obj, "timestamp-ms", json_integer(snap->timestamp_ms));
    set(build, obj, "summary", string_map_json(build, snap->summary, snap->n_summary));
    set(build, obj, "manifest-list", json_string(snap->manifest_list));
    if (snap->schema_id >= 0) {
        set(build, obj, "schema-id", json_integer(snap->schema_id));
    }
    return obj;
}

static json_t *ref_json(JsonBuild *build, const IceRef *ref)
{
    json_t *obj = take(build, json_object());
    if (!obj) {
        return NULL;
    }
    set(build, obj, "snapshot-id", json_integer(ref->snapshot_id));
    set(build, obj, "type", json_string(ref->is_tag ? "tag" : "branch"));
    if (ref->min_snapshots_to_keep >= 0) {
        set(build, obj, "min-snapshots-to-keep", json_integer(ref->min_snapshots_to_keep));
    }
    if (ref->max_snapshot_age_ms >= 0) {
        set(build, obj, "max-snapshot-age-ms", json_integer(ref->max_snapshot_age_ms));
    }
    if (ref->max_ref_age_ms >= 0) {
        set(build, obj, "max-ref-age-ms", json_integer(ref->max_ref_age_ms));
    }
    return obj;
}

static json_t *meta_json(JsonBuild *build, const IceTableMeta *meta)
{
    json_t *root = take(build, json_object());
    if (!root) {
        return NULL;
    }
    set(build, root, "format-version", json_integer(2));
    set(build, root, "table-uuid", json_string(meta->table_uuid));
    set(build, root, "location", json_string(meta->location));
    set(build, root, "last-sequence-number", json_integer(meta->last_sequence_number));
    set(build, root, "last-updated-ms", json_integer(meta->last_updated_ms));
    set(build, root, "last-column-id", json_integer(meta->last_column_id));
    set(build, root, "current-schema-id", json_integer(meta->current_schema_id));
    json_t *schemas = take(build, json_array());
    for (int32_t i = 0; schemas && i < meta->n_schemas; i++) {
        append(build, schemas, schema_json(build, &meta->schemas[i]));
    }
    set(build, root, "schemas", schemas);
    set(build, root, "default-spec-id", json_integer(meta->default_spec_id));
    json_t *specs = take(build, json_array());
    for (int32_t i = 0; specs && i < meta->n_specs; i++) {
        json_t *spec = take(build, json_object());
        if (!spec) {
            break;
        }
        set(build, spec, "spec-id", json_integer(meta->specs[i].spec_id));
        set(build, spec, "fields", spec_fields_json(build, &meta->specs[i]));
        append(build, specs, spec);
    }
    set(build, root, "partition-specs", specs);
    set(build, root, "last-partition-id", json_integer(meta->last_partition_id));
    set(build, root, "default-sort-order-id", json_integer(meta->default_sort_order_id));
    json_t *orders = take(build, json_array());
    for (int32_t i = 0; orders && i < meta->n_sort_orders; i++) {
        append(build, orders, sort_order_json(build, &meta->sort_orders[i]));
    }
    set(build, root, "sort-orders", orders);
    set(build, root, "properties", string_map_json(build, meta->properties, meta->n_properties));
    set(build, root, "current-snapshot-id",
        meta->current_snapshot_id >= 0 ? json_integer(meta->current_snapshot_id) : json_null());
    json_t *refs = take(build, json_object());
    for (int32_t i = 0; refs && i < meta->n_refs; i++) {
        set(build, refs, meta->refs[i].name, ref_json(build, &meta->refs[i]));
    }
    set(build, root, "refs", refs);
    json_t *snapshots = take(build, json_array());
    for (int32_t i = 0; snapshots && i < meta->n_snapshots; i++) {
        append(build, snapshots, snapshot_json(build, &meta->snapshots[i]));
    }
    set(build, root, "snapshots", snapshots);
    if (meta->extra_json) {
        json_t *extra = json_loads(meta->extra_json, 0, NULL);
        if (!extra || json_object_update(root, extra) != 0) {
            build->is_ok = false;
        }
        json_decref(extra);
    }
    json_t *snapshot_log = take(build, json_array());
    for (int32_t i = 0; snapshot_log && i < meta->n_snapshot_log; i++) {
        json_t *entry = take(build, json_object());
        if (!entry) {
            break;
        }
        set(build, entry, "timestamp-ms", json_integer(meta->snapshot_log[i].timestamp_ms));
        set(build, entry, "snapshot-id", json_integer(meta->snapshot_log[i].snapshot_id));
        append(build, snapshot_log, entry);
    }
    set(build, root, "snapshot-log", snapshot_log);
    json_t *metadata_log = take(build, json_array());
    for (int32_t i = 0; metadata_log && i < meta->n_metadata_log; i++) {
        json_t *entry = take(build, json_object());
        if (!entry) {
            break;
        }
        set(build, entry, "timestamp-ms", json_integer(meta->metadata_log[i].timestamp_ms));
        set(build, entry, "metadata-file", json_string(meta->metadata_log[i].metadata_file));
        append(build, metadata_log, entry);
    }
    set(build, root, "metadata-log", metadata_log);
    return root;
}

/* Dump `root` (consumed) into `out`. */
static ErrCode dump(json_t *root, JsonBuild *build, size_t flags, StrBuf *out, Err *err,
                    const char *what)
{
    if (!build->is_ok || !root) {
        json_decref(root);
        return err_nomem(err, what);
    }
    size_t len = json_dumpb(root, NULL, 0, flags);
    ErrCode rc = strbuf_reserve(out, len + 1, err);
    if (rc == ERR_OK) {
        size_t written = json_dumpb(root, out->data + out->len, len, flags);
        if (written != len) {
            rc = err_set(err, ERR_INTERNAL, "%s: JSON size changed while writing", what);
        } else {
            out->len += len;
            out->data[out->len] = '\0';
        }
    }
    json_decref(root);
    return rc;
}

ErrCode ice_meta_write_json(const IceTableMeta *meta, bool is_pretty, StrBuf *out, Err *err)
{
    JsonBuild build = {true};
    json_t *root = meta_json(&build, meta);
    size_t flags = JSON_REAL_PRECISION(17) | (is_pretty ? JSON_INDENT(2) : JSON_COMPACT);
    return dump(root, &build, flags, out, err, "table metadata JSON");
}

ErrCode ice_schema_write_json(const IceSchema *schema, StrBuf *out, Err *err)
{
    JsonBuild build = {true};
    return dump(schema_json(&build, schema), &build, JSON_COMPACT, out, err, "schema JSON");
}

ErrCode ice_spec_fields_write_json(const IcePartitionSpec *spec, StrBuf *out, Err *err)
{
    JsonBuild build = {true};
    return dump(spec_fields_json(&build, spec), &build, JSON_COMPACT, out, err,
                "partition spec JSON");
}
