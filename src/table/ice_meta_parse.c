/* ice_meta_parse.c — reading metadata.json (Iceberg spec Appendix C) into IceTableMeta.
 *
 * jansson parses the text into a DOM; this file walks it with a path string kept for
 * messages ("schemas[0].fields[3].type: expected a string or an object"), copies what it
 * needs into the metadata's arena and frees the DOM. Version 1 metadata (a single `schema`
 * and `partition-spec`, no sequence numbers) is upgraded in memory the way the spec's
 * "Version 2" notes describe. Keys tarn does not model are kept as one JSON object in
 * `extra_json` and written back by ice_meta_write.c.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "table/ice_meta.h"
#include "table/ice_meta_int.h"

typedef struct MetaParser {
    Arena *arena;
    const char *source;
    Err *err;
    char path[256];
    int32_t next_partition_field_id; /* v1 specs without field ids: assigned from 1000 */
} MetaParser;

static ErrCode fail(MetaParser *parser, const char *what)
{
    return err_set(parser->err, ERR_CORRUPT, "%s: %s%s%s", parser->source, parser->path,
                   parser->path[0] ? ": " : "", what);
}

/* Append ".key" or "[i]" to the path; returns the old length to restore. */
static size_t path_push(MetaParser *parser, const char *key, int64_t index)
{
    size_t len = strlen(parser->path);
    size_t room = sizeof parser->path - len;
    if (key) {
        snprintf(parser->path + len, room, "%s%s", len ? "." : "", key);
    } else {
        snprintf(parser->path + len, room, "[%lld]", (long long)index);
    }
    return len;
}

static void path_pop(MetaParser *parser, size_t len)
{
    parser->path[len] = '\0';
}

/* An error about obj[key]: the key joins the path for the message. */
static ErrCode key_fail(MetaParser *parser, const char *key, const char *what)
{
    size_t mark = path_push(parser, key, 0);
    ErrCode rc = fail(parser, what);
    path_pop(parser, mark);
    return rc;
}

static ErrCode get_int(MetaParser *parser, json_t *obj, const char *key, bool is_required,
                       int64_t fallback, int64_t *out)
{
    json_t *value = json_object_get(obj, key);
    if (!value || json_is_null(value)) {
        if (is_required) {
            return key_fail(parser, key, "missing");
        }
        *out = fallback;
        return ERR_OK;
    }
    if (!json_is_integer(value)) {
        return key_fail(parser, key, "expected an integer");
    }
    *out = json_integer_value(value);
    return ERR_OK;
}

static ErrCode get_int32(MetaParser *parser, json_t *obj, const char *key, bool is_required,
                         int32_t fallback, int32_t *out)
{
    int64_t value;
    ErrCode rc = get_int(parser, obj, key, is_required, fallback, &value);
    if (rc != ERR_OK) {
        return rc;
    }
    if (value < INT32_MIN || value > INT32_MAX) {
        return key_fail(parser, key, "out of range for a 32-bit integer");
    }
    *out = (int32_t)value;
    return ERR_OK;
}

static ErrCode get_str(MetaParser *parser, json_t *obj, const char *key, bool is_required,
                       const char **out)
{
    json_t *value = json_object_get(obj, key);
    if (!value || json_is_null(value)) {
        *out = NULL;
        if (!is_required) {
            return ERR_OK;
        }
        return key_fail(parser, key, "missing");
    }
    if (!json_is_string(value)) {
        return key_fail(parser, key, "expected a string");
    }
    *out = arena_strdup(parser->arena, json_string_value(value));
    return *out ? ERR_OK : err_nomem(parser->err, "table metadata");
}

static ErrCode get_bool(MetaParser *parser, json_t *obj, const char *key, bool fallback, bool *out)
{
    json_t *value = json_object_get(obj, key);
    if (!value || json_is_null(value)) {
        *out = fallback;
        return ERR_OK;
    }
    if (!json_is_boolean(value)) {
        return key_fail(parser, key, "expected true or false");
    }
    *out = json_is_true(value);
    return ERR_OK;
}

/* The array at obj[key] (NULL when absent and optional). */
static ErrCode get_array(MetaParser *parser, json_t *obj, const char *key, bool is_required,
                         json_t **out)
{
    json_t *value = json_object_get(obj, key);
    *out = NULL;
    if (!value || json_is_null(value)) {
        if (!is_required) {
            return ERR_OK;
        }
        return key_fail(parser, key, "missing");
    }
    if (!json_is_array(value)) {
        return key_fail(parser, key, "expected an array");
    }
    *out = value;
    return ERR_OK;
}

static void *alloc_array(MetaParser *parser, size_t n, size_t size)
{
    /* one spare slot: a cloned-and-edited metadata often appends exactly one */
    return arena_alloc_array(parser->arena, n + 1, size);
}

/* Parses one array element (a JSON object) into `out`. */
typedef ErrCode (*ParseElement)(MetaParser *parser, json_t *element, void *out);

/* Parse every element of the array at obj[key] into a new arena array of `size`-byte items
 * (zeroed, with one spare slot); each element's errors carry "key[i]" in their path.
 * An absent optional array gives zero items. */
static ErrCode parse_each(MetaParser *parser, json_t *obj, const char *key, bool is_required,
                          size_t size, ParseElement parse_one, void **items_out, int32_t *n_out)
{
    json_t *array;
    ErrCode rc = get_array(parser, obj, key, is_required, &array);
    if (rc != ERR_OK) {
        return rc;
    }
    size_t n = array ? json_array_size(array) : 0;
    if (n > INT32_MAX / 2) {
        return fail(parser, "array too long");
    }
    char *items = alloc_array(parser, n, size);
    if (!items) {
        return err_nomem(parser->err, key);
    }
    memset(items, 0, (n + 1) * size);
    *items_out = items;
    *n_out = 0;
    for (size_t i = 0; i < n; i++) {
        size_t mark = path_push(parser, key, 0);
        path_push(parser, NULL, (int64_t)i);
        json_t *element = json_array_get(array, i);
        rc = json_is_object(element) ? parse_one(parser, element, items + i * size)
                                     : fail(parser, "expected an object");
        path_pop(parser, mark);
        if (rc != ERR_OK) {
            return rc;
        }
        (*n_out)++;
    }
    return ERR_OK;
}

/* ---- schemas ------------------------------------------------------------------------- */

typedef struct SchemaWalk {
    int32_t highest_id;
    int32_t depth;
} SchemaWalk;

static ErrCode parse_type(MetaParser *parser, json_t *json, SchemaWalk *walk, const IceType **out);

static void note_id(SchemaWalk *walk, int32_t id)
{
    if (id > walk->highest_id) {
        walk->highest_id = id;
    }
}

static ErrCode parse_fields(MetaParser *parser, json_t *array, SchemaWalk *walk,
                            const IceField **out, int32_t *n_out)
{
    size_t n = json_array_size(array);
    if (n > INT32_MAX / 2) {
        return fail(parser, "too many fields");
    }
    IceField *fields = alloc_array(parser, n, sizeof *fields);
    if (!fields) {
        return err_nomem(parser->err, "schema");
    }
    for (size_t i = 0; i < n; i++) {
        size_t mark = path_push(parser, NULL, (int64_t)i);
        json_t *field = json_array_get(array, i);
        ErrCode rc = ERR_OK;
        if (!json_is_object(field)) {
            rc = fail(parser, "expected a field object");
        }
        IceField *f = &fields[i];
        memset(f, 0, sizeof *f);
        if (rc == ERR_OK) {
            rc = get_int32(parser, field, "id", true, 0, &f->id);
        }
        if (rc == ERR_OK) {
            rc = get_str(parser, field, "name", true, &f->name);
        }
        if (rc == ERR_OK) {
            rc = get_bool(parser, field, "required", false, &f->is_required);
        }
        if (rc == ERR_OK) {
            rc = get_str(parser, field, "doc", false, &f->doc);
        }
        if (rc == ERR_OK) {
            json_t *type = json_object_get(field, "type");
            size_t type_mark = path_push(parser, "type", 0);
            rc = type ? parse_type(parser, type, walk, &f->type) : fail(parser, "missing");
            path_pop(parser, type_mark);
        }
        path_pop(parser, mark);
        if (rc != ERR_OK) {
            return rc;
        }
        note_id(walk, f->id);
    }
    *out = fields;
    *n_out = (int32_t)n;
    return ERR_OK;
}

static ErrCode parse_type(MetaParser *parser, json_t *json, SchemaWalk *walk, const IceType **out)
{
    if (++walk->depth > 64) {
        return fail(parser, "types nested more than 64 deep");
    }
    IceType *type = arena_zalloc(parser->arena, sizeof *type);
    if (!type) {
        return err_nomem(parser->err, "schema");
    }
    ErrCode rc = ERR_OK;
    if (json_is_string(json)) {
        rc = ice_prim_parse(json_string_value(json), &type->prim, parser->err);
        if (rc != ERR_OK) {
            err_prefix(parser->err, "%s: %s", parser->source, parser->path);
            if (rc == ERR_INVALID) { /* not a type name at all; a v3 type stays UNSUPPORTED */
                parser->err->code = rc = ERR_CORRUPT;
            }
        }
        type->id = type->prim.id;
    } else if (json_is_object(json)) {
        const char *kind = json_string_value(json_object_get(json, "type"));
        if (!kind) {
            rc = fail(parser, "a nested type needs a \"type\" string");
        } else if (strcmp(kind, "struct") == 0) {
            type->id = ICE_STRUCT;
            json_t *fields;
            rc = get_array(parser, json, "fields", true, &fields);
            if (rc == ERR_OK) {
                size_t mark = path_push(parser, "fields", 0);
                rc = parse_fields(parser, fields, walk, &type->fields, &type->n_fields);
                path_pop(parser, mark);
            }
        } else if (strcmp(kind, "list") == 0) {
            type->id = ICE_LIST;
            rc = get_int32(parser, json, "element-id", true, 0, &type->element_id);
            if (rc == ERR_OK) {
                rc = get_bool(parser, json, "element-required", false, &type->is_element_required);
            }
            if (rc == ERR_OK) {
                note_id(walk, type->element_id);
                json_t *element = json_object_get(json, "element");
                size_t mark = path_push(parser, "element", 0);
                rc = element ? parse_type(parser, element, walk, &type->element)
                             : fail(parser, "missing");
                path_pop(parser, mark);
            }
        } else if (strcmp(kind, "map") == 0) {
            type->id = ICE_MAP;
            rc = get_int32(parser, json, "key-id", true, 0, &type->key_id);
            if (rc == ERR_OK) {
                rc = get_int32(parser, json, "value-id", true, 0, &type->value_id);
            }
            if (rc == ERR_OK) {
                rc = get_bool(parser, json, "value-required", false, &type->is_value_required);
            }
            if (rc == ERR_OK) {
                note_id(walk, type->key_id);
                note_id(walk, type->value_id);
                json_t *key = json_object_get(json, "key");
                json_t *value = json_object_get(json, "value");
                size_t mark = path_push(parser, "key", 0);
                rc = key ? parse_type(parser, key, walk, &type->key) : fail(parser, "missing");
                path_pop(parser, mark);
                if (rc == ERR_OK) {
                    mark = path_push(parser, "value", 0);
                    rc = value ? parse_type(parser, value, walk, &type->value)
                               : fail(parser, "missing");
                    path_pop(parser, mark);
                }
            }
        } else {
            char what[96];
            snprintf(what, sizeof what, "unknown nested type \"%.40s\"", kind);
            rc = fail(parser, what);
        }
    } else {
        rc = fail(parser, "expected a type name or a nested type object");
    }
    walk->depth--;
    *out = type;
    return rc;
}

static ErrCode parse_schema(MetaParser *parser, json_t *json, IceSchema *out);

static ErrCode parse_schema_element(MetaParser *parser, json_t *json, void *out)
{
    return parse_schema(parser, json, out);
}

static ErrCode parse_schema(MetaParser *parser, json_t *json, IceSchema *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(json)) {
        return fail(parser, "expected a schema object");
    }
    ErrCode rc = get_int32(parser, json, "schema-id", false, 0, &out->schema_id);
    json_t *fields = NULL;
    if (rc == ERR_OK) {
        rc = get_array(parser, json, "fields", true, &fields);
    }
    SchemaWalk walk = {0, 0};
    if (rc == ERR_OK) {
        size_t mark = path_push(parser, "fields", 0);
        rc = parse_fields(parser, fields, &walk, &out->fields, &out->n_fields);
        path_pop(parser, mark);
    }
    out->highest_field_id = walk.highest_id;
    json_t *ids = NULL;
    if (rc == ERR_OK) {
        rc = get_array(parser, json, "identifier-field-ids", false, &ids);
    }
    if (rc == ERR_OK && ids) {
        size_t n = json_array_size(ids);
        int32_t *values = alloc_array(parser, n, sizeof *values);
        if (!values) {
            return err_nomem(parser->err, "schema");
        }
        for (size_t i = 0; i < n; i++) {
            json_t *id = json_array_get(ids, i);
            if (!json_is_integer(id)) {
                return key_fail(parser, "identifier-field-ids", "expected integers");
            }
            values[i] = (int32_t)json_integer_value(id);
        }
        out->identifier_field_ids = values;
        out->n_identifier_field_ids = (int32_t)n;
    }
    return rc;
}

/* ---- partition specs and sort orders --------------------------------------------------- */

static ErrCode parse_transform(MetaParser *parser, json_t *obj, IceTransform *out)
{
    const char *text;
    ErrCode rc = get_str(parser, obj, "transform", true, &text);
    if (rc != ERR_OK) {
        return rc;
    }
    rc = ice_transform_parse(text, out, parser->err);
    if (rc != ERR_OK) {
        err_prefix(parser->err, "%s: %s", parser->source, parser->path);
    }
    return rc;
}

static ErrCode parse_spec_field(MetaParser *parser, json_t *json, void *out)
{
    IcePartitionField *f = out;
    ErrCode rc = get_int32(parser, json, "source-id", true, 0, &f->source_id);
    if (rc == ERR_OK) {
        /* v1 specs may omit field-id: ids were assigned from 1000 in order */
        rc = get_int32(parser, json, "field-id", false, parser->next_partition_field_id,
                       &f->field_id);
    }
    if (rc == ERR_OK) {
        rc = get_str(parser, json, "name", true, &f->name);
    }
    if (rc == ERR_OK) {
        rc = parse_transform(parser, json, &f->transform);
    }
    parser->next_partition_field_id = f->field_id + 1;
    return rc;
}

/* A spec's field list at obj[key] ("fields", or v1's top-level "partition-spec"). */
static ErrCode parse_spec_fields(MetaParser *parser, json_t *obj, const char *key,
                                 IcePartitionSpec *out)
{
    void *fields;
    ErrCode rc = parse_each(parser, obj, key, true, sizeof(IcePartitionField), parse_spec_field,
                            &fields, &out->n_fields);
    out->fields = fields;
    return rc;
}

static ErrCode parse_spec(MetaParser *parser, json_t *json, void *out)
{
    IcePartitionSpec *spec = out;
    ErrCode rc = get_int32(parser, json, "spec-id", true, 0, &spec->spec_id);
    return rc == ERR_OK ? parse_spec_fields(parser, json, "fields", spec) : rc;
}

static ErrCode parse_specs(MetaParser *parser, json_t *root, IceTableMeta *meta)
{
    parser->next_partition_field_id = 1000;
    if (!json_object_get(root, "partition-specs")) {
        /* v1: the deprecated single `partition-spec` (a field list) is spec 0 */
        meta->specs = alloc_array(parser, 1, sizeof *meta->specs);
        if (!meta->specs) {
            return err_nomem(parser->err, "partition spec");
        }
        memset(meta->specs, 0, sizeof *meta->specs);
        meta->n_specs = 1;
        return parse_spec_fields(parser, root, "partition-spec", &meta->specs[0]);
    }
    void *specs;
    ErrCode rc = parse_each(parser, root, "partition-specs", true, sizeof(IcePartitionSpec),
                            parse_spec, &specs, &meta->n_specs);
    meta->specs = specs;
    return rc;
}

static ErrCode parse_sort_field(MetaParser *parser, json_t *json, void *out)
{
    IceSortField *sf = out;
    const char *direction = NULL, *null_order = NULL;
    ErrCode rc = parse_transform(parser, json, &sf->transform);
    if (rc == ERR_OK) {
        rc = get_int32(parser, json, "source-id", true, 0, &sf->source_id);
    }
    if (rc == ERR_OK) {
        rc = get_str(parser, json, "direction", true, &direction);
    }
    if (rc == ERR_OK) {
        rc = get_str(parser, json, "null-order", true, &null_order);
    }
    if (rc == ERR_OK) {
        sf->is_descending = strcmp(direction, "desc") == 0;
        sf->is_nulls_first = strcmp(null_order, "nulls-first") == 0;
    }
    return rc;
}

static ErrCode parse_sort_order(MetaParser *parser, json_t *json, void *out)
{
    IceSortOrder *order = out;
    ErrCode rc = get_int32(parser, json, "order-id", true, 0, &order->order_id);
    void *fields = NULL;
    if (rc == ERR_OK) {
        rc = parse_each(parser, json, "fields", true, sizeof(IceSortField), parse_sort_field,
                        &fields, &order->n_fields);
    }
    order->fields = fields;
    return rc;
}

static ErrCode parse_sort_orders(MetaParser *parser, json_t *root, IceTableMeta *meta)
{
    void *orders;
    ErrCode rc = parse_each(parser, root, "sort-orders", false, sizeof(IceSortOrder),
                            parse_sort_order, &orders, &meta->n_sort_orders);
    meta->sort_orders = orders;
    if (rc == ERR_OK && meta->n_sort_orders == 0) {
        /* v1 tables without orders: the unsorted order 0 (the spare slot, zeroed) */
        meta->n_sort_orders = 1;
    }
    return rc;
}

/* ---- snapshots, logs, refs ----------------------------------------------------------- */

static ErrCode parse_string_map(MetaParser *parser, json_t *obj, const char *first_key, IceKV **out,
                                int32_t *n_out)
{
    size_t n = json_object_size(obj);
    IceKV *kvs = alloc_array(parser, n, sizeof *kvs);
    if (!kvs) {
        return err_nomem(parser->err, "string map");
    }
    int32_t count = 0;
    /* `first_key` (the summary's "operation") goes first, as Java writes it */
    if (first_key) {
        json_t *value = json_object_get(obj, first_key);
        if (json_is_string(value)) {
            kvs[count].key = arena_strdup(parser->arena, first_key);
            kvs[count].value = arena_strdup(parser->arena, json_string_value(value));
            if (!kvs[count].key || !kvs[count].value) {
                return err_nomem(parser->err, "string map");
            }
            count++;
        }
    }
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        if (first_key && strcmp(key, first_key) == 0) {
            continue;
        }
        if (!json_is_string(value)) {
            return key_fail(parser, key, "expected a string value");
        }
        kvs[count].key = arena_strdup(parser->arena, key);
        kvs[count].value = arena_strdup(parser->arena, json_string_value(value));
        if (!kvs[count].key || !kvs[count].value) {
            return err_nomem(parser->err, "string map");
        }
        count++;
    }
    *out = kvs;
    *n_out = count;
    return ERR_OK;
}

static ErrCode parse_snapshot(MetaParser *parser, json_t *json, void *out)
{
    IceSnapshot *snap = out;
    ErrCode rc = get_int(parser, json, "snapshot-id", true, 0, &snap->snapshot_id);
    if (rc == ERR_OK) {
        rc = get_int(parser, json, "parent-snapshot-id", false, -1, &snap->parent_id);
    }
    if (rc == ERR_OK) {
        rc = get_int(parser, json, "sequence-number", false, 0, &snap->sequence_number);
    }
    if (rc == ERR_OK) {
        rc = get_int(parser, json, "timestamp-ms", true, 0, &snap->timestamp_ms);
    }
    if (rc == ERR_OK) {
        rc = get_str(parser, json, "manifest-list", false, &snap->manifest_list);
        if (rc == ERR_OK && !snap->manifest_list) {
            rc = json_object_get(json, "manifests")
                         ? err_set(parser->err, ERR_UNSUPPORTED,
                                   "%s: %s: v1 snapshots without a manifest list are not "
                                   "supported",
                                   parser->source, parser->path)
                         : fail(parser, "missing manifest-list");
        }
    }
    if (rc == ERR_OK) {
        rc = get_int32(parser, json, "schema-id", false, -1, &snap->schema_id);
    }
    json_t *summary = json_object_get(json, "summary");
    if (rc == ERR_OK && json_is_object(summary)) {
        size_t mark = path_push(parser, "summary", 0);
        IceKV *kvs = NULL;
        rc = parse_string_map(parser, summary, "operation", &kvs, &snap->n_summary);
        snap->summary = kvs;
        path_pop(parser, mark);
    }
    return rc;
}

static ErrCode parse_snapshot_log_entry(MetaParser *parser, json_t *json, void *out)
{
    IceSnapshotLogEntry *entry = out;
    ErrCode rc = get_int(parser, json, "timestamp-ms", true, 0, &entry->timestamp_ms);
    return rc == ERR_OK ? get_int(parser, json, "snapshot-id", true, 0, &entry->snapshot_id) : rc;
}

static ErrCode parse_metadata_log_entry(MetaParser *parser, json_t *json, void *out)
{
    IceMetadataLogEntry *entry = out;
    ErrCode rc = get_int(parser, json, "timestamp-ms", true, 0, &entry->timestamp_ms);
    return rc == ERR_OK ? get_str(parser, json, "metadata-file", true, &entry->metadata_file) : rc;
}

static ErrCode parse_snapshots_and_logs(MetaParser *parser, json_t *root, IceTableMeta *meta)
{
    void *snapshots, *snapshot_log, *metadata_log;
    ErrCode rc = parse_each(parser, root, "snapshots", false, sizeof(IceSnapshot), parse_snapshot,
                            &snapshots, &meta->n_snapshots);
    meta->snapshots = snapshots;
    if (rc == ERR_OK) {
        rc = parse_each(parser, root, "snapshot-log", false, sizeof(IceSnapshotLogEntry),
                        parse_snapshot_log_entry, &snapshot_log, &meta->n_snapshot_log);
        meta->snapshot_log = snapshot_log;
    }
    if (rc == ERR_OK) {
        rc = parse_each(parser, root, "metadata-log", false, sizeof(IceMetadataLogEntry),
                        parse_metadata_log_entry, &metadata_log, &meta->n_metadata_log);
        meta->metadata_log = metadata_log;
    }
    return rc;
}

static ErrCode parse_refs(MetaParser *parser, json_t *root, IceTableMeta *meta)
{
    json_t *refs = json_object_get(root, "refs");
    if (refs && !json_is_null(refs) && !json_is_object(refs)) {
        return key_fail(parser, "refs", "expected an object");
    }
    size_t n = json_is_object(refs) ? json_object_size(refs) : 0;
    /* +1: the spec's implicit main branch when refs omit it */
    meta->refs = alloc_array(parser, n + 1, sizeof *meta->refs);
    if (!meta->refs) {
        return err_nomem(parser->err, "refs");
    }
    const char *name;
    json_t *ref;
    if (n > 0) {
        json_object_foreach(refs, name, ref)
        {
            size_t mark = path_push(parser, "refs", 0);
            path_push(parser, name, 0);
            IceRef *out = &meta->refs[meta->n_refs];
            const char *type = NULL;
            ErrCode rc = json_is_object(ref) ? ERR_OK : fail(parser, "expected an object");
            out->name = arena_strdup(parser->arena, name);
            if (rc == ERR_OK && !out->name) {
                rc = err_nomem(parser->err, "refs");
            }
            if (rc == ERR_OK) {
                rc = get_int(parser, ref, "snapshot-id", true, 0, &out->snapshot_id);
            }
            if (rc == ERR_OK) {
                rc = get_str(parser, ref, "type", true, &type);
            }
            if (rc == ERR_OK && strcmp(type, "tag") != 0 && strcmp(type, "branch") != 0) {
                rc = fail(parser, "type must be \"branch\" or \"tag\"");
            }
            if (rc == ERR_OK) {
                out->is_tag = strcmp(type, "tag") == 0;
                rc = get_int32(parser, ref, "min-snapshots-to-keep", false, -1,
                               &out->min_snapshots_to_keep);
            }
            if (rc == ERR_OK) {
                rc = get_int(parser, ref, "max-snapshot-age-ms", false, -1,
                             &out->max_snapshot_age_ms);
            }
            if (rc == ERR_OK) {
                rc = get_int(parser, ref, "max-ref-age-ms", false, -1, &out->max_ref_age_ms);
            }
            path_pop(parser, mark);
            if (rc != ERR_OK) {
                return rc;
            }
            meta->n_refs++;
        }
    }
    if (meta->current_snapshot_id >= 0 && !ice_meta_ref(meta, "main")) {
        IceRef *main_ref = &meta->refs[meta->n_refs++];
        *main_ref = (IceRef){"main", false, meta->current_snapshot_id, -1, -1, -1};
    }
    return ERR_OK;
}

/* ---- the document -------------------------------------------------------------------- */

static const char *const modelled_keys[] = {
        "format-version",
        "table-uuid",
        "location",
        "last-sequence-number",
        "last-updated-ms",
        "last-column-id",
        "schema",
        "schemas",
        "current-schema-id",
        "partition-spec",
        "partition-specs",
        "default-spec-id",
        "last-partition-id",
        "properties",
        "current-snapshot-id",
        "snapshots",
        "snapshot-log",
        "metadata-log",
        "sort-orders",
        "default-sort-order-id",
        "refs",
};

static ErrCode keep_extra_keys(MetaParser *parser, json_t *root, IceTableMeta *meta)
{
    json_t *extra = json_object();
    if (!extra) {
        return err_nomem(parser->err, "table metadata");
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        bool is_modelled = false;
        for (size_t i = 0; i < sizeof modelled_keys / sizeof modelled_keys[0]; i++) {
            if (strcmp(key, modelled_keys[i]) == 0) {
                is_modelled = true;
                break;
            }
        }
        if (!is_modelled) {
            json_object_set(extra, key, value);
        }
    }
    ErrCode rc = ERR_OK;
    if (json_object_size(extra) > 0) {
        size_t len = json_dumpb(extra, NULL, 0, JSON_COMPACT);
        char *text = arena_alloc(parser->arena, len + 1);
        if (text && json_dumpb(extra, text, len, JSON_COMPACT) == len) {
            text[len] = '\0';
            meta->extra_json = text;
        } else {
            rc = err_nomem(parser->err, "table metadata");
        }
    }
    json_decref(extra);
    return rc;
}

static ErrCode parse_root(MetaParser *parser, json_t *root, IceTableMeta *meta)
{
    if (!json_is_object(root)) {
        return fail(parser, "expected a JSON object");
    }
    ErrCode rc = get_int32(parser, root, "format-version", true, 0, &meta->format_version);
    if (rc != ERR_OK) {
        return rc;
    }
    if (meta->format_version < 1 || meta->format_version > 2) {
        return err_set(parser->err, ERR_UNSUPPORTED,
                       "%s: format-version %d is not supported (tarn reads versions 1 and 2)",
                       parser->source, meta->format_version);
    }
    const char *uuid = NULL;
    rc = get_str(parser, root, "table-uuid", meta->format_version >= 2, &uuid);
    if (rc != ERR_OK) {
        return rc;
    }
    if (uuid) {
        snprintf(meta->table_uuid, sizeof meta->table_uuid, "%s", uuid);
    }
    bool is_v2 = meta->format_version >= 2;
    if ((rc = get_str(parser, root, "location", true, &meta->location)) != ERR_OK ||
        (rc = get_int(parser, root, "last-sequence-number", is_v2, 0,
                      &meta->last_sequence_number)) != ERR_OK ||
        (rc = get_int(parser, root, "last-updated-ms", true, 0, &meta->last_updated_ms)) !=
                ERR_OK ||
        (rc = get_int32(parser, root, "last-column-id", true, 0, &meta->last_column_id)) !=
                ERR_OK ||
        (rc = get_int(parser, root, "current-snapshot-id", false, -1,
                      &meta->current_snapshot_id)) != ERR_OK) {
        return rc;
    }
    /* schemas (v1: the single deprecated `schema`) */
    if (json_object_get(root, "schemas")) {
        void *schemas;
        rc = parse_each(parser, root, "schemas", true, sizeof(IceSchema), parse_schema_element,
                        &schemas, &meta->n_schemas);
        meta->schemas = schemas;
        if (rc != ERR_OK) {
            return rc;
        }
        rc = get_int32(parser, root, "current-schema-id", true, 0, &meta->current_schema_id);
    } else {
        json_t *schema = json_object_get(root, "schema");
        if (!schema) {
            return fail(parser, "missing \"schemas\"");
        }
        meta->schemas = alloc_array(parser, 1, sizeof *meta->schemas);
        if (!meta->schemas) {
            return err_nomem(parser->err, "schemas");
        }
        size_t mark = path_push(parser, "schema", 0);
        rc = parse_schema(parser, schema, &meta->schemas[0]);
        path_pop(parser, mark);
        meta->n_schemas = 1;
        meta->current_schema_id = meta->schemas[0].schema_id;
    }
    if (rc != ERR_OK) {
        return rc;
    }
    if (!ice_meta_current_schema(meta)) {
        return fail(parser, "current-schema-id names no schema");
    }
    if ((rc = parse_specs(parser, root, meta)) != ERR_OK ||
        (rc = get_int32(parser, root, "default-spec-id", false, meta->specs[0].spec_id,
                        &meta->default_spec_id)) != ERR_OK) {
        return rc;
    }
    int32_t highest_partition_id = 999;
    for (int32_t i = 0; i < meta->n_specs; i++) {
        for (int32_t f = 0; f < meta->specs[i].n_fields; f++) {
            if (meta->specs[i].fields[f].field_id > highest_partition_id) {
                highest_partition_id = meta->specs[i].fields[f].field_id;
            }
        }
    }
    if ((rc = get_int32(parser, root, "last-partition-id", false, highest_partition_id,
                        &meta->last_partition_id)) != ERR_OK) {
        return rc;
    }
    if (!ice_meta_spec(meta, meta->default_spec_id)) {
        return fail(parser, "default-spec-id names no partition spec");
    }
    if ((rc = parse_sort_orders(parser, root, meta)) != ERR_OK ||
        (rc = get_int32(parser, root, "default-sort-order-id", false, 0,
                        &meta->default_sort_order_id)) != ERR_OK) {
        return rc;
    }
    json_t *properties = json_object_get(root, "properties");
    if (json_is_object(properties)) {
        size_t mark = path_push(parser, "properties", 0);
        rc = parse_string_map(parser, properties, NULL, &meta->properties, &meta->n_properties);
        path_pop(parser, mark);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    if ((rc = parse_snapshots_and_logs(parser, root, meta)) != ERR_OK ||
        (rc = parse_refs(parser, root, meta)) != ERR_OK) {
        return rc;
    }
    if (meta->current_snapshot_id >= 0 && !ice_meta_snapshot(meta, meta->current_snapshot_id)) {
        return fail(parser, "current-snapshot-id names no snapshot");
    }
    return keep_extra_keys(parser, root, meta);
}

ErrCode ice_meta_parse(Mem *mem, const char *json, size_t json_len, const char *source,
                       IceTableMeta **out, Err *err)
{
    json_error_t json_err;
    json_t *root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES, &json_err);
    if (!root) {
        return err_set(err, ERR_CORRUPT, "%s: not valid JSON: %s (line %d, column %d)", source,
                       json_err.text, json_err.line, json_err.column);
    }
    IceTableMeta *meta;
    ErrCode rc = ice_meta_alloc(mem, &meta, err);
    if (rc == ERR_OK) {
        MetaParser parser = {&meta->arena, source, err, "", 1000};
        rc = parse_root(&parser, root, meta);
        if (rc != ERR_OK) {
            ice_meta_free(meta);
        } else {
            *out = meta;
        }
    }
    json_decref(root);
    return rc;
}

ErrCode ice_schema_parse(Arena *arena, const char *json, size_t json_len, IceSchema *out, Err *err)
{
    json_error_t json_err;
    json_t *root = json_loadb(json, json_len, 0, &json_err);
    if (!root) {
        return err_set(err, ERR_CORRUPT, "schema: not valid JSON: %s (line %d, column %d)",
                       json_err.text, json_err.line, json_err.column);
    }
    MetaParser parser = {arena, "schema", err, "", 1000};
    ErrCode rc = parse_schema(&parser, root, out);
    json_decref(root);
    return rc;
}
