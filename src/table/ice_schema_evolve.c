/* ice_schema_evolve.c — schema evolution builders and the legality check (see
 * ice_schema_evolve.h). Builders copy the top-level field array (nested types are shared:
 * schemas are immutable) and edit the copy. */
#include "table/ice_schema_evolve.h"

#include <stdio.h>
#include <string.h>

static int32_t find_column(const IceSchema *schema, const char *name)
{
    for (int32_t i = 0; i < schema->n_fields; i++) {
        if (strcmp(schema->fields[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

/* A copy of the schema with room for one more field. */
static ErrCode copy_schema(Arena *arena, const IceSchema *schema, IceSchema *out, IceField **fields,
                           Err *err)
{
    *fields = arena_alloc_array(arena, (size_t)schema->n_fields + 1, sizeof **fields);
    if (!*fields) {
        return err_nomem(err, "schema");
    }
    if (schema->n_fields > 0) {
        memcpy(*fields, schema->fields, (size_t)schema->n_fields * sizeof **fields);
    }
    *out = *schema;
    out->fields = *fields;
    return ERR_OK;
}

static ErrCode unknown_column(const char *name, Err *err)
{
    return err_set(err, ERR_INVALID, "column \"%s\" does not exist", name);
}

ErrCode ice_schema_add_column(Arena *arena, const IceSchema *schema, int32_t last_column_id,
                              const char *name, IcePrim type, const char *after, IceSchema *out,
                              Err *err)
{
    if (find_column(schema, name) >= 0) {
        return err_set(err, ERR_INVALID, "column \"%s\" already exists", name);
    }
    int32_t position = schema->n_fields;
    if (after) {
        position = after[0] ? find_column(schema, after) + 1 : 0;
        if (position == 0 && after[0]) {
            return unknown_column(after, err);
        }
    }
    IceField *fields;
    ErrCode rc = copy_schema(arena, schema, out, &fields, err);
    if (rc != ERR_OK) {
        return rc;
    }
    IceType *new_type = arena_zalloc(arena, sizeof *new_type);
    char *new_name = arena_strdup(arena, name);
    if (!new_type || !new_name) {
        return err_nomem(err, "schema");
    }
    new_type->id = type.id;
    new_type->prim = type;
    memmove(&fields[position + 1], &fields[position],
            (size_t)(schema->n_fields - position) * sizeof *fields);
    int32_t id = last_column_id + 1;
    fields[position] = (IceField){id, new_name, false, new_type, NULL};
    out->n_fields = schema->n_fields + 1;
    out->highest_field_id = id > schema->highest_field_id ? id : schema->highest_field_id;
    return ERR_OK;
}

ErrCode ice_schema_rename_column(Arena *arena, const IceSchema *schema, const char *from,
                                 const char *to, IceSchema *out, Err *err)
{
    int32_t idx = find_column(schema, from);
    if (idx < 0) {
        return unknown_column(from, err);
    }
    if (strcmp(from, to) != 0 && find_column(schema, to) >= 0) {
        return err_set(err, ERR_INVALID, "column \"%s\" already exists", to);
    }
    IceField *fields;
    ErrCode rc = copy_schema(arena, schema, out, &fields, err);
    if (rc == ERR_OK) {
        fields[idx].name = arena_strdup(arena, to);
        rc = fields[idx].name ? ERR_OK : err_nomem(err, "schema");
    }
    return rc;
}

ErrCode ice_schema_drop_column(Arena *arena, const IceSchema *schema, const char *name,
                               IceSchema *out, Err *err)
{
    int32_t idx = find_column(schema, name);
    if (idx < 0) {
        return unknown_column(name, err);
    }
    if (schema->n_fields == 1) {
        return err_set(err, ERR_INVALID, "cannot drop \"%s\", the table's only column", name);
    }
    for (int32_t i = 0; i < schema->n_identifier_field_ids; i++) {
        if (schema->identifier_field_ids[i] == schema->fields[idx].id) {
            return err_set(err, ERR_INVALID, "cannot drop \"%s\": it is an identifier field", name);
        }
    }
    IceField *fields;
    ErrCode rc = copy_schema(arena, schema, out, &fields, err);
    if (rc == ERR_OK) {
        memmove(&fields[idx], &fields[idx + 1],
                (size_t)(schema->n_fields - idx - 1) * sizeof *fields);
        out->n_fields = schema->n_fields - 1;
    }
    return rc;
}

bool ice_prim_can_promote(IcePrim from, IcePrim to)
{
    if (from.id == to.id) {
        switch (from.id) {
        case ICE_DECIMAL:
            return from.scale == to.scale && to.precision >= from.precision;
        case ICE_FIXED:
            return from.length == to.length;
        default:
            return true;
        }
    }
    return (from.id == ICE_INT && to.id == ICE_LONG) ||
           (from.id == ICE_FLOAT && to.id == ICE_DOUBLE);
}

ErrCode ice_schema_widen_column(Arena *arena, const IceSchema *schema, const char *name,
                                IcePrim type, IceSchema *out, Err *err)
{
    int32_t idx = find_column(schema, name);
    if (idx < 0) {
        return unknown_column(name, err);
    }
    const IceType *old = schema->fields[idx].type;
    char from[48], to[48];
    ice_prim_name(type, to, sizeof to);
    if (!ice_type_is_primitive(old->id) || !ice_prim_can_promote(old->prim, type)) {
        if (ice_type_is_primitive(old->id)) {
            ice_prim_name(old->prim, from, sizeof from);
        } else {
            snprintf(from, sizeof from, "a nested type");
        }
        return err_set(err, ERR_INVALID,
                       "column \"%s\" cannot change from %s to %s (Iceberg allows int to long, "
                       "float to double and wider decimals)",
                       name, from, to);
    }
    IceField *fields;
    ErrCode rc = copy_schema(arena, schema, out, &fields, err);
    IceType *new_type = rc == ERR_OK ? arena_zalloc(arena, sizeof *new_type) : NULL;
    if (rc == ERR_OK && !new_type) {
        rc = err_nomem(err, "schema");
    }
    if (rc == ERR_OK) {
        new_type->id = type.id;
        new_type->prim = type;
        fields[idx].type = new_type;
    }
    return rc;
}

ErrCode ice_schema_move_column(Arena *arena, const IceSchema *schema, const char *name,
                               const char *after, IceSchema *out, Err *err)
{
    int32_t idx = find_column(schema, name);
    if (idx < 0) {
        return unknown_column(name, err);
    }
    int32_t after_idx = after[0] ? find_column(schema, after) : -1;
    if (after[0] && after_idx < 0) {
        return unknown_column(after, err);
    }
    if (after_idx == idx) {
        return err_set(err, ERR_INVALID, "cannot move column \"%s\" after itself", name);
    }
    IceField *fields;
    ErrCode rc = copy_schema(arena, schema, out, &fields, err);
    if (rc != ERR_OK) {
        return rc;
    }
    IceField moved = fields[idx];
    memmove(&fields[idx], &fields[idx + 1], (size_t)(schema->n_fields - idx - 1) * sizeof *fields);
    int32_t position = after_idx < 0 ? 0 : (after_idx > idx ? after_idx : after_idx + 1);
    memmove(&fields[position + 1], &fields[position],
            (size_t)(schema->n_fields - 1 - position) * sizeof *fields);
    fields[position] = moved;
    return ERR_OK;
}

/* ---- the legality check ---------------------------------------------------------------- */

static ErrCode check_type(const IceType *old, const IceType *next, const char *name, Err *err);

static ErrCode check_fields(const IceField *old, int32_t n_old, const IceField *next,
                            int32_t n_next, int32_t last_column_id, Err *err)
{
    for (int32_t i = 0; i < n_next; i++) {
        for (int32_t j = 0; j < i; j++) {
            if (strcmp(next[i].name, next[j].name) == 0) {
                return err_set(err, ERR_INVALID, "column \"%s\" appears twice", next[i].name);
            }
        }
        const IceField *before = NULL;
        for (int32_t j = 0; j < n_old; j++) {
            if (old[j].id == next[i].id) {
                before = &old[j];
            }
        }
        if (!before) {
            if (next[i].id <= last_column_id) {
                return err_set(err, ERR_INVALID,
                               "new column \"%s\" reuses field id %d (ids up to %d are taken)",
                               next[i].name, next[i].id, last_column_id);
            }
            if (next[i].is_required) {
                return err_set(err, ERR_INVALID,
                               "new column \"%s\" cannot be required: existing rows have no "
                               "value for it",
                               next[i].name);
            }
            continue;
        }
        if (next[i].is_required && !before->is_required) {
            return err_set(err, ERR_INVALID,
                           "column \"%s\" cannot become required: it may hold NULLs", next[i].name);
        }
        ErrCode rc = check_type(before->type, next[i].type, next[i].name, err);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    return ERR_OK;
}

static ErrCode check_type(const IceType *old, const IceType *next, const char *name, Err *err)
{
    if (ice_type_is_primitive(old->id) && ice_type_is_primitive(next->id)) {
        if (ice_prim_can_promote(old->prim, next->prim)) {
            return ERR_OK;
        }
        char from[48], to[48];
        ice_prim_name(old->prim, from, sizeof from);
        ice_prim_name(next->prim, to, sizeof to);
        return err_set(err, ERR_INVALID, "column \"%s\" cannot change from %s to %s", name, from,
                       to);
    }
    if (old->id != next->id) {
        return err_set(err, ERR_INVALID, "column \"%s\" cannot change its kind of type", name);
    }
    switch (old->id) {
    case ICE_STRUCT:
        /* nested new fields: any id above the old ones is new (checked loosely here: the
         * metadata's last-column-id grows to the highest id) */
        return check_fields(old->fields, old->n_fields, next->fields, next->n_fields, INT32_MIN,
                            err);
    case ICE_LIST:
        return old->element_id != next->element_id
                       ? err_set(err, ERR_INVALID, "list column \"%s\" changed its element id",
                                 name)
                       : check_type(old->element, next->element, name, err);
    default: /* ICE_MAP */
        if (old->key_id != next->key_id || old->value_id != next->value_id) {
            return err_set(err, ERR_INVALID, "map column \"%s\" changed its key or value id", name);
        }
        ErrCode rc = check_type(old->key, next->key, name, err);
        return rc == ERR_OK ? check_type(old->value, next->value, name, err) : rc;
    }
}

ErrCode ice_schema_check_evolution(const IceTableMeta *meta, const IceSchema *next, Err *err)
{
    const IceSchema *current = ice_meta_current_schema(meta);
    /* an id not in the current schema must be above last-column-id: ids of dropped
     * columns are never reused, old files may still hold them */
    ErrCode rc = check_fields(current->fields, current->n_fields, next->fields, next->n_fields,
                              meta->last_column_id, err);
    if (rc != ERR_OK) {
        return rc;
    }
    const IcePartitionSpec *spec = ice_meta_spec(meta, meta->default_spec_id);
    for (int32_t i = 0; spec && i < spec->n_fields; i++) {
        if (spec->fields[i].transform.kind == ICE_TR_VOID) {
            continue;
        }
        if (!ice_schema_find_id(next, spec->fields[i].source_id)) {
            const IceField *gone = ice_schema_find_id(current, spec->fields[i].source_id);
            return err_set(err, ERR_INVALID,
                           "column \"%s\" cannot be dropped: the table is partitioned by it "
                           "(%s)",
                           gone ? gone->name : "?", spec->fields[i].name);
        }
    }
    return ERR_OK;
}
