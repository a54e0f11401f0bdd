/* avro_schema.c — Avro schema JSON to AvroSchema and back (see avro.h; spec section
 * "Schema Declaration").
 *
 * Parsing walks the jansson tree recursively. A JSON string is a primitive name or a
 * reference to a named type; an object is {"type": ...} with the kind's attributes; an
 * array is a union. Named types (record, enum, fixed) get a full name: a "name" with a dot
 * is already full, else it joins "namespace" or, without one, the enclosing named type's
 * namespace. Each is registered (full name -> node) before its fields are parsed, so a
 * record may refer to itself. A reference without a dot is looked up in the enclosing
 * namespace first, then as a full name in the null namespace.
 *
 * Attributes: "logicalType" everywhere, precision/scale for a valid decimal (an invalid one
 * falls back to its underlying type, as the spec asks), Iceberg's "field-id", "element-id",
 * "key-id", "value-id" as integers or numeric strings. Everything else ("doc", "default",
 * "aliases", "adjust-to-utc", ...) is kept as compact JSON text in other_attrs/field_attrs
 * and written back by avro_schema_to_json, so a schema survives a round trip through tarn.
 *
 * Checks: nesting at most AVRO_MAX_SCHEMA_DEPTH; names non-empty; no duplicate field names,
 * enum symbols or named types; unions hold no union and no two branches of one unnamed kind
 * or one name. Memory: nodes and strings in the caller's arena; the jansson tree and the
 * name table are freed before returning.
 *
 * Writing emits each named type in full at its first occurrence and by full name after it
 * (so recursive schemas terminate), with "namespace": "" where a type without a namespace
 * sits inside a namespaced one.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "format/avro.h"

typedef struct SchemaParser {
    Arena *arena;
    HashMap names; /* full name -> (uintptr_t)AvroSchema * */
    Err *err;
} SchemaParser;

static ErrCode parse_node(SchemaParser *sp, json_t *json, const char *ns, const char *path,
                          int depth, const AvroSchema **out);

const char *avro_kind_name(AvroKind kind)
{
    switch (kind) {
    case AVRO_NULL:
        return "null";
    case AVRO_BOOLEAN:
        return "boolean";
    case AVRO_INT:
        return "int";
    case AVRO_LONG:
        return "long";
    case AVRO_FLOAT:
        return "float";
    case AVRO_DOUBLE:
        return "double";
    case AVRO_BYTES:
        return "bytes";
    case AVRO_STRING:
        return "string";
    case AVRO_RECORD:
        return "record";
    case AVRO_ENUM:
        return "enum";
    case AVRO_ARRAY:
        return "array";
    case AVRO_MAP:
        return "map";
    case AVRO_UNION:
        return "union";
    case AVRO_FIXED:
        return "fixed";
    }
    return "unknown";
}

static bool primitive_kind(const char *name, AvroKind *out)
{
    static const AvroKind prims[] = {AVRO_NULL,  AVRO_BOOLEAN, AVRO_INT,   AVRO_LONG,
                                     AVRO_FLOAT, AVRO_DOUBLE,  AVRO_BYTES, AVRO_STRING};
    for (size_t i = 0; i < TN_ARRAY_LEN(prims); i++) {
        if (strcmp(name, avro_kind_name(prims[i])) == 0) {
            *out = prims[i];
            return true;
        }
    }
    return false;
}

static const char *shown(const char *path)
{
    return path[0] ? path : "(root)";
}

static ErrCode nomem(SchemaParser *sp)
{
    return arena_error(sp->arena, sp->err);
}

static AvroSchema *new_node(SchemaParser *sp, AvroKind kind)
{
    AvroSchema *s = arena_zalloc(sp->arena, sizeof *s);
    if (!s)
        return NULL;
    s->kind = kind;
    s->element_id = -1;
    s->key_id = -1;
    s->value_id = -1;
    return s;
}

/* An Iceberg id attribute: absent -> -1; else an integer, or a string of one, within 32 bits
 * (Java Iceberg accepts both forms). Iceberg's ids are not negative, but one that is does
 * not make the file unreadable: it simply never matches a lookup. */
static ErrCode parse_id(SchemaParser *sp, json_t *obj, const char *key, const char *path,
                        int32_t *out)
{
    json_t *v = json_object_get(obj, key);
    *out = -1;
    if (!v)
        return ERR_OK;
    long long n = 0;
    bool is_ok = false;
    if (json_is_integer(v)) {
        n = json_integer_value(v);
        is_ok = true;
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        errno = 0;
        n = strtoll(s, &end, 10);
        is_ok = !errno && end != s && !*end && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'));
    }
    if (!is_ok || n < INT32_MIN || n > INT32_MAX)
        return err_set(sp->err, ERR_INVALID,
                       "avro schema at %s: attribute \"%s\" must be a 32-bit integer", shown(path),
                       key);
    *out = (int32_t)n;
    return ERR_OK;
}

/* The attributes of `obj` not in `known`, as compact JSON object text in the arena, or NULL
 * when there are none. */
static ErrCode other_attrs(SchemaParser *sp, json_t *obj, const char *const *known, size_t n_known,
                           const char **out)
{
    *out = NULL;
    json_t *rest = json_object();
    if (!rest)
        return err_nomem(sp->err, "avro schema attributes");
    const char *key;
    json_t *value;
    ErrCode rc = ERR_OK;
    json_object_foreach(obj, key, value)
    {
        bool is_known = false;
        for (size_t i = 0; i < n_known && !is_known; i++)
            is_known = strcmp(key, known[i]) == 0;
        if (!is_known && json_object_set(rest, key, value) != 0) {
            rc = err_nomem(sp->err, "avro schema attributes");
            goto out_free;
        }
    }
    if (json_object_size(rest) == 0)
        goto out_free;
    size_t len = json_dumpb(rest, NULL, 0, JSON_COMPACT);
    char *text = arena_alloc(sp->arena, len + 1);
    if (!text) {
        rc = nomem(sp);
        goto out_free;
    }
    if (json_dumpb(rest, text, len, JSON_COMPACT) != len) {
        rc = err_set(sp->err, ERR_INTERNAL, "could not serialise avro schema attributes");
        goto out_free;
    }
    text[len] = '\0';
    *out = text;
out_free:
    json_decref(rest);
    return rc;
}

/* Fail when two of names[0..n) are equal (hash set, so hostile schemas stay linear). */
static ErrCode check_unique(SchemaParser *sp, const char *const *names, size_t n, size_t stride,
                            const char *what, const char *path)
{
    HashMap seen;
    hashmap_init(&seen, sp->arena->mem);
    ErrCode rc = ERR_OK;
    for (size_t i = 0; i < n && rc == ERR_OK; i++) {
        const char *name = *(const char *const *)((const char *)names + i * stride);
        if (hashmap_get(&seen, name, strlen(name), NULL))
            rc = err_set(sp->err, ERR_INVALID, "avro schema at %s: duplicate %s \"%s\"",
                         shown(path), what, name);
        else
            rc = hashmap_put(&seen, name, strlen(name), 0, sp->err);
    }
    hashmap_fini(&seen);
    return rc;
}

static ErrCode required_name(SchemaParser *sp, json_t *obj, const char *key, const char *path,
                             const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        strlen(json_string_value(v)) != json_string_length(v))
        return err_set(sp->err, ERR_INVALID, "avro schema at %s: \"%s\" must be a non-empty string",
                       shown(path), key);
    *out = json_string_value(v);
    return ERR_OK;
}

/* The full name of a named type and the namespace its children inherit. */
static ErrCode full_name(SchemaParser *sp, json_t *obj, const char *ns, const char *path,
                         const char **name_out, const char **ns_out)
{
    const char *name;
    ErrCode rc = required_name(sp, obj, "name", path, &name);
    if (rc != ERR_OK)
        return rc;
    json_t *ns_json = json_object_get(obj, "namespace");
    if (ns_json && !json_is_string(ns_json) && !json_is_null(ns_json))
        return err_set(sp->err, ERR_INVALID, "avro schema at %s: \"namespace\" must be a string",
                       shown(path));
    if (json_is_string(ns_json))
        ns = json_string_value(ns_json);
    const char *full;
    if (strchr(name, '.') || !ns || !ns[0])
        full = arena_strdup(sp->arena, name);
    else
        full = arena_sprintf(sp->arena, "%s.%s", ns, name);
    if (!full)
        return nomem(sp);
    AvroKind prim;
    if (primitive_kind(full, &prim))
        return err_set(sp->err, ERR_INVALID,
                       "avro schema at %s: \"%s\" cannot name a type "
                       "(it is a primitive type's name)",
                       shown(path), full);
    const char *dot = strrchr(full, '.');
    const char *child_ns = dot ? arena_strndup(sp->arena, full, (size_t)(dot - full)) : "";
    if (!child_ns)
        return nomem(sp);
    *name_out = full;
    *ns_out = child_ns;
    return ERR_OK;
}

static ErrCode register_named(SchemaParser *sp, AvroSchema *s, const char *path)
{
    if (hashmap_get(&sp->names, s->name, strlen(s->name), NULL))
        return err_set(sp->err, ERR_INVALID,
                       "avro schema at %s: named type \"%s\" is defined twice", shown(path),
                       s->name);
    return hashmap_put(&sp->names, s->name, strlen(s->name), (uint64_t)(uintptr_t)s, sp->err);
}

static ErrCode lookup_named(SchemaParser *sp, const char *name, const char *ns, const char *path,
                            const AvroSchema **out)
{
    uint64_t v;
    if (!strchr(name, '.') && ns && ns[0]) {
        char *full = arena_sprintf(sp->arena, "%s.%s", ns, name);
        if (!full)
            return nomem(sp);
        if (hashmap_get(&sp->names, full, strlen(full), &v)) {
            *out = (const AvroSchema *)(uintptr_t)v;
            return ERR_OK;
        }
    }
    if (hashmap_get(&sp->names, name, strlen(name), &v)) {
        *out = (const AvroSchema *)(uintptr_t)v;
        return ERR_OK;
    }
    return err_set(sp->err, ERR_INVALID, "avro schema at %s: unknown type \"%s\"", shown(path),
                   name);
}

static char *child_path(SchemaParser *sp, const char *path, const char *sep, const char *name)
{
    return arena_sprintf(sp->arena, "%s%s%s", path, path[0] ? sep : "", name);
}

static ErrCode parse_fields(SchemaParser *sp, json_t *obj, AvroSchema *s, const char *ns,
                            const char *path, int depth)
{
    json_t *fields = json_object_get(obj, "fields");
    if (!json_is_array(fields))
        return err_set(sp->err, ERR_INVALID,
                       "avro schema at %s: record \"%s\" needs a \"fields\" array", shown(path),
                       s->name);
    size_t n = json_array_size(fields);
    if (n > INT32_MAX)
        return err_set(sp->err, ERR_INVALID, "avro schema at %s: too many fields", shown(path));
    AvroField *out = arena_alloc_array(sp->arena, n ? n : 1, sizeof *out);
    const char **attrs = arena_alloc_array(sp->arena, n ? n : 1, sizeof *attrs);
    if (!out || !attrs)
        return nomem(sp);
    static const char *const known[] = {"name", "type", "field-id"};
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(fields, i);
        if (!json_is_object(f))
            return err_set(sp->err, ERR_INVALID, "avro schema at %s: field %zu is not an object",
                           shown(path), i);
        ErrCode rc = required_name(sp, f, "name", path, &out[i].name);
        if (rc != ERR_OK)
            return rc;
        out[i].name = arena_strdup(sp->arena, out[i].name);
        const char *fpath = out[i].name ? child_path(sp, path, ".", out[i].name) : NULL;
        if (!fpath)
            return nomem(sp);
        json_t *type = json_object_get(f, "type");
        if (!type)
            return err_set(sp->err, ERR_INVALID, "avro schema at %s: field has no \"type\"", fpath);
        rc = parse_id(sp, f, "field-id", fpath, &out[i].field_id);
        if (rc == ERR_OK)
            rc = parse_node(sp, type, ns, fpath, depth + 1, &out[i].schema);
        if (rc == ERR_OK)
            rc = other_attrs(sp, f, known, TN_ARRAY_LEN(known), &attrs[i]);
        if (rc != ERR_OK)
            return rc;
    }
    s->fields = out;
    s->n_fields = (int32_t)n;
    s->field_attrs = attrs;
    return check_unique(sp, &out[0].name, n, sizeof *out, "field", path);
}

static ErrCode parse_symbols(SchemaParser *sp, json_t *obj, AvroSchema *s, const char *path)
{
    json_t *symbols = json_object_get(obj, "symbols");
    if (!json_is_array(symbols))
        return err_set(sp->err, ERR_INVALID,
                       "avro schema at %s: enum \"%s\" needs a \"symbols\" array", shown(path),
                       s->name);
    size_t n = json_array_size(symbols);
    if (n > INT32_MAX)
        return err_set(sp->err, ERR_INVALID, "avro schema at %s: too many symbols", shown(path));
    const char **out = arena_alloc_array(sp->arena, n ? n : 1, sizeof *out);
    if (!out)
        return nomem(sp);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(symbols, i);
        if (!json_is_string(v) || json_string_length(v) == 0)
            return err_set(sp->err, ERR_INVALID,
                           "avro schema at %s: enum symbol %zu must be a non-empty string",
                           shown(path), i);
        out[i] = arena_strdup(sp->arena, json_string_value(v));
        if (!out[i])
            return nomem(sp);
    }
    s->symbols = out;
    s->n_symbols = (int32_t)n;
    return check_unique(sp, out, n, sizeof *out, "enum symbol", path);
}

/* "logicalType": "decimal" with a valid precision and scale for its underlying type, or the
 * logical type is dropped (its attributes then land in other_attrs). */
static bool is_valid_decimal(json_t *obj, const AvroSchema *s)
{
    json_t *p = json_object_get(obj, "precision");
    json_t *sc = json_object_get(obj, "scale");
    if (!json_is_integer(p) || (sc && !json_is_integer(sc)))
        return false;
    long long precision = json_integer_value(p);
    long long scale = sc ? json_integer_value(sc) : 0;
    if (precision < 1 || scale < 0 || scale > precision)
        return false;
    if (s->kind == AVRO_FIXED) {
        /* n bytes of two's complement hold floor(log10(2^(8n-1) - 1)) decimal digits */
        double digits = floor(((double)s->fixed_size * 8 - 1) * log10(2.0));
        return s->fixed_size > 0 && (double)precision <= digits;
    }
    return s->kind == AVRO_BYTES;
}

/* logicalType, decimal parameters and other_attrs, common to every object-form schema. */
static ErrCode parse_common(SchemaParser *sp, json_t *obj, AvroSchema *s, const char *const *known,
                            size_t n_known)
{
    const char *keys[16];
    size_t n = 0;
    for (; n < n_known; n++)
        keys[n] = known[n];
    keys[n++] = "type";
    json_t *lt = json_object_get(obj, "logicalType");
    if (json_is_string(lt)) {
        bool is_decimal = strcmp(json_string_value(lt), "decimal") == 0;
        if (!is_decimal || is_valid_decimal(obj, s)) {
            s->logical_type = arena_strdup(sp->arena, json_string_value(lt));
            if (!s->logical_type)
                return nomem(sp);
            keys[n++] = "logicalType";
        }
        if (is_decimal && s->logical_type) {
            s->precision = (int32_t)json_integer_value(json_object_get(obj, "precision"));
            json_t *scale = json_object_get(obj, "scale");
            s->scale = scale ? (int32_t)json_integer_value(scale) : 0;
            keys[n++] = "precision";
            keys[n++] = "scale";
        }
    }
    return other_attrs(sp, obj, keys, n, &s->other_attrs);
}

static ErrCode parse_named(SchemaParser *sp, json_t *obj, AvroKind kind, const char *ns,
                           const char *path, int depth, const AvroSchema **out)
{
    AvroSchema *s = new_node(sp, kind);
    if (!s)
        return nomem(sp);
    const char *child_ns = "";
    ErrCode rc = full_name(sp, obj, ns, path, &s->name, &child_ns);
    if (rc != ERR_OK)
        return rc;
    const char *npath = path[0] ? path : s->name;
    rc = register_named(sp, s, npath);
    if (rc != ERR_OK)
        return rc;
    static const char *const record_keys[] = {"name", "namespace", "fields"};
    static const char *const enum_keys[] = {"name", "namespace", "symbols"};
    static const char *const fixed_keys[] = {"name", "namespace", "size"};
    if (kind == AVRO_RECORD) {
        rc = parse_fields(sp, obj, s, child_ns, npath, depth);
        if (rc == ERR_OK)
            rc = parse_common(sp, obj, s, record_keys, TN_ARRAY_LEN(record_keys));
    } else if (kind == AVRO_ENUM) {
        rc = parse_symbols(sp, obj, s, npath);
        if (rc == ERR_OK)
            rc = parse_common(sp, obj, s, enum_keys, TN_ARRAY_LEN(enum_keys));
    } else {
        json_t *size = json_object_get(obj, "size");
        if (!json_is_integer(size) || json_integer_value(size) < 0 ||
            json_integer_value(size) > INT32_MAX)
            return err_set(sp->err, ERR_INVALID,
                           "avro schema at %s: fixed \"%s\" needs a non-negative integer \"size\"",
                           shown(npath), s->name);
        s->fixed_size = (int32_t)json_integer_value(size);
        rc = parse_common(sp, obj, s, fixed_keys, TN_ARRAY_LEN(fixed_keys));
    }
    *out = s;
    return rc;
}

/* Iceberg writes a map with non-string keys as an array of {key, value} records with
 * logicalType "map"; the ids live on the record's fields. */
static void derive_map_ids(AvroSchema *s)
{
    const AvroSchema *rec = s->items;
    if (!s->logical_type || strcmp(s->logical_type, "map") != 0 || rec->kind != AVRO_RECORD)
        return;
    for (int32_t i = 0; i < rec->n_fields; i++) {
        if (s->key_id == -1 && strcmp(rec->fields[i].name, "key") == 0)
            s->key_id = rec->fields[i].field_id;
        if (s->value_id == -1 && strcmp(rec->fields[i].name, "value") == 0)
            s->value_id = rec->fields[i].field_id;
    }
}

static ErrCode parse_container(SchemaParser *sp, json_t *obj, AvroKind kind, const char *ns,
                               const char *path, int depth, const AvroSchema **out)
{
    AvroSchema *s = new_node(sp, kind);
    if (!s)
        return nomem(sp);
    const char *key = kind == AVRO_ARRAY ? "items" : "values";
    json_t *child = json_object_get(obj, key);
    if (!child)
        return err_set(sp->err, ERR_INVALID, "avro schema at %s: %s needs \"%s\"", shown(path),
                       avro_kind_name(kind), key);
    const char *cpath = arena_sprintf(sp->arena, "%s%s", path, kind == AVRO_ARRAY ? "[]" : "{}");
    if (!cpath)
        return nomem(sp);
    ErrCode rc = parse_node(sp, child, ns, cpath, depth + 1,
                            kind == AVRO_ARRAY ? &s->items : &s->values);
    if (rc == ERR_OK && kind == AVRO_ARRAY)
        rc = parse_id(sp, obj, "element-id", path, &s->element_id);
    if (rc == ERR_OK)
        rc = parse_id(sp, obj, "key-id", path, &s->key_id);
    if (rc == ERR_OK)
        rc = parse_id(sp, obj, "value-id", path, &s->value_id);
    static const char *const array_keys[] = {"items", "element-id", "key-id", "value-id"};
    static const char *const map_keys[] = {"values", "key-id", "value-id"};
    if (rc == ERR_OK && kind == AVRO_ARRAY)
        rc = parse_common(sp, obj, s, array_keys, TN_ARRAY_LEN(array_keys));
    else if (rc == ERR_OK)
        rc = parse_common(sp, obj, s, map_keys, TN_ARRAY_LEN(map_keys));
    if (rc == ERR_OK && kind == AVRO_ARRAY)
        derive_map_ids(s);
    *out = s;
    return rc;
}

static ErrCode parse_object(SchemaParser *sp, json_t *obj, const char *ns, const char *path,
                            int depth, const AvroSchema **out)
{
    json_t *type = json_object_get(obj, "type");
    if (json_is_object(type) || json_is_array(type)) {
        /* {"type": {...}}: not in the spec's grammar, but some writers nest; the outer
         * object's other attributes are dropped */
        return parse_node(sp, type, ns, path, depth + 1, out);
    }
    if (!json_is_string(type))
        return err_set(sp->err, ERR_INVALID, "avro schema at %s: object has no \"type\" string",
                       shown(path));
    const char *name = json_string_value(type);
    AvroKind kind;
    if (primitive_kind(name, &kind)) {
        AvroSchema *s = new_node(sp, kind);
        if (!s)
            return nomem(sp);
        *out = s;
        return parse_common(sp, obj, s, NULL, 0);
    }
    if (strcmp(name, "record") == 0 || strcmp(name, "error") == 0)
        return parse_named(sp, obj, AVRO_RECORD, ns, path, depth, out);
    if (strcmp(name, "enum") == 0)
        return parse_named(sp, obj, AVRO_ENUM, ns, path, depth, out);
    if (strcmp(name, "fixed") == 0)
        return parse_named(sp, obj, AVRO_FIXED, ns, path, depth, out);
    if (strcmp(name, "array") == 0)
        return parse_container(sp, obj, AVRO_ARRAY, ns, path, depth, out);
    if (strcmp(name, "map") == 0)
        return parse_container(sp, obj, AVRO_MAP, ns, path, depth, out);
    /* {"type": "SomeRecord"}: a reference in object form */
    return lookup_named(sp, name, ns, path, out);
}

static bool same_branch(const AvroSchema *a, const AvroSchema *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == AVRO_RECORD || a->kind == AVRO_ENUM || a->kind == AVRO_FIXED)
        return strcmp(a->name, b->name) == 0;
    return true;
}

static ErrCode parse_union(SchemaParser *sp, json_t *arr, const char *ns, const char *path,
                           int depth, const AvroSchema **out)
{
    AvroSchema *s = new_node(sp, AVRO_UNION);
    size_t n = json_array_size(arr);
    if (n > INT32_MAX)
        return err_set(sp->err, ERR_INVALID, "avro schema at %s: too many union branches",
                       shown(path));
    const AvroSchema **branches = arena_alloc_array(sp->arena, n ? n : 1, sizeof *branches);
    if (!s || !branches)
        return nomem(sp);
    for (size_t i = 0; i < n; i++) {
        char idx[24];
        snprintf(idx, sizeof idx, "|%zu", i);
        const char *bpath = arena_sprintf(sp->arena, "%s%s", path, idx);
        if (!bpath)
            return nomem(sp);
        ErrCode rc = parse_node(sp, json_array_get(arr, i), ns, bpath, depth + 1, &branches[i]);
        if (rc != ERR_OK)
            return rc;
        if (branches[i]->kind == AVRO_UNION)
            return err_set(sp->err, ERR_INVALID, "avro schema at %s: a union cannot hold a union",
                           shown(path));
        /* unions are short (Iceberg's have two branches), so the pairwise check is cheap;
         * it is bounded by the JSON size in any case */
        for (size_t j = 0; j < i; j++) {
            if (same_branch(branches[j], branches[i]))
                return err_set(sp->err, ERR_INVALID, "avro schema at %s: union has two %s branches",
                               shown(path),
                               branches[i]->name ? branches[i]->name
                                                 : avro_kind_name(branches[i]->kind));
        }
    }
    s->branches = branches;
    s->n_branches = (int32_t)n;
    *out = s;
    return ERR_OK;
}

static ErrCode parse_node(SchemaParser *sp, json_t *json, const char *ns, const char *path,
                          int depth, const AvroSchema **out)
{
    if (depth > AVRO_MAX_SCHEMA_DEPTH)
        return err_set(sp->err, ERR_INVALID, "avro schema at %s: nested deeper than %d levels",
                       shown(path), AVRO_MAX_SCHEMA_DEPTH);
    if (json_is_string(json)) {
        const char *name = json_string_value(json);
        AvroKind kind;
        if (primitive_kind(name, &kind)) {
            AvroSchema *s = new_node(sp, kind);
            if (!s)
                return nomem(sp);
            *out = s;
            return ERR_OK;
        }
        return lookup_named(sp, name, ns, path, out);
    }
    if (json_is_array(json))
        return parse_union(sp, json, ns, path, depth, out);
    if (json_is_object(json))
        return parse_object(sp, json, ns, path, depth, out);
    return err_set(sp->err, ERR_INVALID, "avro schema at %s: expected a string, object or array",
                   shown(path));
}

ErrCode avro_schema_parse(Arena *arena, const char *json, size_t json_len, const AvroSchema **out,
                          Err *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, json_len, JSON_DECODE_ANY, &jerr);
    if (!root)
        return err_set(err, ERR_INVALID, "avro schema is not valid JSON: %s at line %d column %d",
                       jerr.text, jerr.line, jerr.column);
    SchemaParser sp = {.arena = arena, .err = err};
    hashmap_init(&sp.names, arena->mem);
    const AvroSchema *schema = NULL;
    ErrCode rc = parse_node(&sp, root, "", "", 0, &schema);
    hashmap_fini(&sp.names);
    json_decref(root);
    if (rc == ERR_OK)
        *out = schema;
    return rc;
}

/* ---- writing ------------------------------------------------------------------------ */

typedef struct JsonWriter {
    StrBuf *out;
    HashMap emitted; /* full names already written in full */
    Err *err;
} JsonWriter;

static ErrCode put(JsonWriter *jw, const char *text)
{
    return strbuf_append_str(jw->out, text, jw->err);
}

static ErrCode put_string(JsonWriter *jw, const char *s)
{
    ErrCode rc = strbuf_append_byte(jw->out, '"', jw->err);
    for (const unsigned char *p = (const unsigned char *)s; rc == ERR_OK && *p; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[3] = {'\\', (char)*p, '\0'};
            rc = put(jw, esc);
        } else if (*p < 0x20) {
            rc = strbuf_appendf(jw->out, jw->err, "\\u%04x", *p);
        } else {
            rc = strbuf_append_byte(jw->out, *p, jw->err);
        }
    }
    if (rc == ERR_OK)
        rc = strbuf_append_byte(jw->out, '"', jw->err);
    return rc;
}

static ErrCode put_key_string(JsonWriter *jw, const char *key, const char *value)
{
    ErrCode rc = strbuf_appendf(jw->out, jw->err, ",\"%s\":", key);
    return rc == ERR_OK ? put_string(jw, value) : rc;
}

static ErrCode put_key_int(JsonWriter *jw, const char *key, int32_t value)
{
    return strbuf_appendf(jw->out, jw->err, ",\"%s\":%d", key, (int)value);
}

/* Append the members of a JSON object text ("{...}") after ours. */
static ErrCode put_attrs(JsonWriter *jw, const char *attrs)
{
    if (!attrs)
        return ERR_OK;
    size_t len = strlen(attrs);
    if (len < 2 || attrs[0] != '{' || attrs[len - 1] != '}')
        return err_set(jw->err, ERR_INVALID, "avro schema attributes are not a JSON object: %.40s",
                       attrs);
    if (len == 2)
        return ERR_OK;
    ErrCode rc = strbuf_append_byte(jw->out, ',', jw->err);
    return rc == ERR_OK ? strbuf_append(jw->out, attrs + 1, len - 2, jw->err) : rc;
}

static ErrCode put_common(JsonWriter *jw, const AvroSchema *s)
{
    ErrCode rc = ERR_OK;
    if (s->logical_type) {
        rc = put_key_string(jw, "logicalType", s->logical_type);
        if (rc == ERR_OK && strcmp(s->logical_type, "decimal") == 0) {
            rc = put_key_int(jw, "precision", s->precision);
            if (rc == ERR_OK)
                rc = put_key_int(jw, "scale", s->scale);
        }
    }
    if (rc == ERR_OK)
        rc = put_attrs(jw, s->other_attrs);
    if (rc == ERR_OK)
        rc = put(jw, "}");
    return rc;
}

/* `in_ns`: the enclosing namespace is not empty, so a name without a dot would join it when
 * read back unless it says "namespace": "". */
static ErrCode put_schema(JsonWriter *jw, const AvroSchema *s, bool in_ns, int depth);

static ErrCode put_fields(JsonWriter *jw, const AvroSchema *s, bool in_ns, int depth)
{
    ErrCode rc = put(jw, ",\"fields\":[");
    for (int32_t i = 0; rc == ERR_OK && i < s->n_fields; i++) {
        const AvroField *f = &s->fields[i];
        if (!f->name || !f->schema)
            return err_set(jw->err, ERR_INVALID,
                           "avro record \"%s\" has a field without a name or type", s->name);
        rc = put(jw, i ? ",{\"name\":" : "{\"name\":");
        if (rc == ERR_OK)
            rc = put_string(jw, f->name);
        if (rc == ERR_OK)
            rc = put(jw, ",\"type\":");
        if (rc == ERR_OK)
            rc = put_schema(jw, f->schema, in_ns, depth + 1);
        if (rc == ERR_OK && f->field_id != -1)
            rc = put_key_int(jw, "field-id", f->field_id);
        if (rc == ERR_OK && s->field_attrs)
            rc = put_attrs(jw, s->field_attrs[i]);
        if (rc == ERR_OK)
            rc = put(jw, "}");
    }
    return rc == ERR_OK ? put(jw, "]") : rc;
}

static ErrCode put_symbols(JsonWriter *jw, const AvroSchema *s)
{
    ErrCode rc = put(jw, ",\"symbols\":[");
    for (int32_t i = 0; rc == ERR_OK && i < s->n_symbols; i++) {
        if (!s->symbols[i])
            return err_set(jw->err, ERR_INVALID, "avro enum \"%s\" has a NULL symbol", s->name);
        if (i)
            rc = put(jw, ",");
        if (rc == ERR_OK)
            rc = put_string(jw, s->symbols[i]);
    }
    return rc == ERR_OK ? put(jw, "]") : rc;
}

static ErrCode put_named(JsonWriter *jw, const AvroSchema *s, bool in_ns, int depth)
{
    if (!s->name || !s->name[0])
        return err_set(jw->err, ERR_INVALID, "avro %s schema has no name", avro_kind_name(s->kind));
    size_t name_len = strlen(s->name);
    if (hashmap_get(&jw->emitted, s->name, name_len, NULL))
        return put_string(jw, s->name);
    ErrCode rc = hashmap_put(&jw->emitted, s->name, name_len, 0, jw->err);
    if (rc == ERR_OK)
        rc = strbuf_appendf(jw->out, jw->err, "{\"type\":\"%s\"", avro_kind_name(s->kind));
    if (rc == ERR_OK)
        rc = put_key_string(jw, "name", s->name);
    bool has_ns = strchr(s->name, '.') != NULL;
    if (rc == ERR_OK && !has_ns && in_ns)
        rc = put(jw, ",\"namespace\":\"\"");
    if (rc != ERR_OK)
        return rc;
    switch (s->kind) {
    case AVRO_RECORD:
        if (s->n_fields > 0 && !s->fields)
            return err_set(jw->err, ERR_INVALID, "avro record \"%s\" has no fields array", s->name);
        rc = put_fields(jw, s, has_ns, depth);
        break;
    case AVRO_ENUM:
        if (s->n_symbols > 0 && !s->symbols)
            return err_set(jw->err, ERR_INVALID, "avro enum \"%s\" has no symbols array", s->name);
        rc = put_symbols(jw, s);
        break;
    case AVRO_FIXED:
        rc = put_key_int(jw, "size", s->fixed_size);
        break;
    case AVRO_NULL:
    case AVRO_BOOLEAN:
    case AVRO_INT:
    case AVRO_LONG:
    case AVRO_FLOAT:
    case AVRO_DOUBLE:
    case AVRO_BYTES:
    case AVRO_STRING:
    case AVRO_ARRAY:
    case AVRO_MAP:
    case AVRO_UNION:
        return err_set(jw->err, ERR_INTERNAL, "avro %s is not a named type",
                       avro_kind_name(s->kind));
    }
    return rc == ERR_OK ? put_common(jw, s) : rc;
}

/* key-id/value-id on a logicalType map array that merely repeat the item record's field ids
 * were derived by the parser, not written by the schema's author: leave them out. */
static bool is_derived_map_id(const AvroSchema *s, const char *field, int32_t id)
{
    const AvroSchema *rec = s->items;
    if (!s->logical_type || strcmp(s->logical_type, "map") != 0 || rec->kind != AVRO_RECORD)
        return false;
    for (int32_t i = 0; i < rec->n_fields; i++) {
        if (strcmp(rec->fields[i].name, field) == 0)
            return rec->fields[i].field_id == id;
    }
    return false;
}

static ErrCode put_container(JsonWriter *jw, const AvroSchema *s, bool in_ns, int depth)
{
    const AvroSchema *child = s->kind == AVRO_ARRAY ? s->items : s->values;
    if (!child)
        return err_set(jw->err, ERR_INVALID, "avro %s schema has no %s", avro_kind_name(s->kind),
                       s->kind == AVRO_ARRAY ? "items" : "values");
    ErrCode rc =
            strbuf_appendf(jw->out, jw->err, "{\"type\":\"%s\",\"%s\":", avro_kind_name(s->kind),
                           s->kind == AVRO_ARRAY ? "items" : "values");
    if (rc == ERR_OK)
        rc = put_schema(jw, child, in_ns, depth + 1);
    if (rc == ERR_OK && s->kind == AVRO_ARRAY && s->element_id != -1)
        rc = put_key_int(jw, "element-id", s->element_id);
    bool is_array = s->kind == AVRO_ARRAY;
    if (rc == ERR_OK && s->key_id != -1 && !(is_array && is_derived_map_id(s, "key", s->key_id)))
        rc = put_key_int(jw, "key-id", s->key_id);
    if (rc == ERR_OK && s->value_id != -1 &&
        !(is_array && is_derived_map_id(s, "value", s->value_id)))
        rc = put_key_int(jw, "value-id", s->value_id);
    return rc == ERR_OK ? put_common(jw, s) : rc;
}

static ErrCode put_union(JsonWriter *jw, const AvroSchema *s, bool in_ns, int depth)
{
    if (s->n_branches > 0 && !s->branches)
        return err_set(jw->err, ERR_INVALID, "avro union schema has no branches array");
    ErrCode rc = put(jw, "[");
    for (int32_t i = 0; rc == ERR_OK && i < s->n_branches; i++) {
        if (i)
            rc = put(jw, ",");
        if (rc == ERR_OK && !s->branches[i])
            rc = err_set(jw->err, ERR_INVALID, "avro union schema has a NULL branch");
        if (rc == ERR_OK)
            rc = put_schema(jw, s->branches[i], in_ns, depth + 1);
    }
    return rc == ERR_OK ? put(jw, "]") : rc;
}

static ErrCode put_schema(JsonWriter *jw, const AvroSchema *s, bool in_ns, int depth)
{
    if (depth > AVRO_MAX_SCHEMA_DEPTH)
        return err_set(jw->err, ERR_INVALID, "avro schema is nested deeper than %d levels",
                       AVRO_MAX_SCHEMA_DEPTH);
    ErrCode rc;
    switch (s->kind) {
    case AVRO_NULL:
    case AVRO_BOOLEAN:
    case AVRO_INT:
    case AVRO_LONG:
    case AVRO_FLOAT:
    case AVRO_DOUBLE:
    case AVRO_BYTES:
    case AVRO_STRING:
        if (!s->logical_type && !s->other_attrs)
            return strbuf_appendf(jw->out, jw->err, "\"%s\"", avro_kind_name(s->kind));
        rc = strbuf_appendf(jw->out, jw->err, "{\"type\":\"%s\"", avro_kind_name(s->kind));
        return rc == ERR_OK ? put_common(jw, s) : rc;
    case AVRO_RECORD:
    case AVRO_ENUM:
    case AVRO_FIXED:
        return put_named(jw, s, in_ns, depth);
    case AVRO_ARRAY:
    case AVRO_MAP:
        return put_container(jw, s, in_ns, depth);
    case AVRO_UNION:
        return put_union(jw, s, in_ns, depth);
    }
    return err_set(jw->err, ERR_INVALID, "avro schema has an unknown kind %d", (int)s->kind);
}

ErrCode avro_schema_to_json(const AvroSchema *schema, StrBuf *out, Err *err)
{
    JsonWriter jw = {.out = out, .err = err};
    hashmap_init(&jw.emitted, out->mem);
    ErrCode rc = put_schema(&jw, schema, false, 0);
    hashmap_fini(&jw.emitted);
    return rc;
}
