/* ice_types.c — names, parsing and column-vector mapping of Iceberg primitive types, and
 * schema lookups (table layer; see ice_types.h for the model).
 *
 * Type names follow the spec's "Primitive Types" table and Java's Types.fromPrimitiveString:
 * lower-case keywords, "decimal(P,S)" and "fixed[L]" with optional blanks inside the
 * brackets, matched case-insensitively. The v3 names (timestamp_ns, variant, geometry...)
 * are recognised only to say that tarn does not support them.
 *
 * Schema lookups walk the field tree depth-first: struct fields, then list elements and
 * map keys/values (whose structs may hold further fields). Schemas are small (tens to a
 * few hundred fields), so a walk per lookup is cheaper than keeping an index in sync.
 */
#include "table/ice_types.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void ice_prim_name(IcePrim prim, char *buf, size_t buf_len)
{
    const char *name = "";
    switch (prim.id) {
    case ICE_BOOLEAN:
        name = "boolean";
        break;
    case ICE_INT:
        name = "int";
        break;
    case ICE_LONG:
        name = "long";
        break;
    case ICE_FLOAT:
        name = "float";
        break;
    case ICE_DOUBLE:
        name = "double";
        break;
    case ICE_DECIMAL:
        snprintf(buf, buf_len, "decimal(%d,%d)", prim.precision, prim.scale);
        return;
    case ICE_DATE:
        name = "date";
        break;
    case ICE_TIME:
        name = "time";
        break;
    case ICE_TIMESTAMP:
        name = "timestamp";
        break;
    case ICE_TIMESTAMPTZ:
        name = "timestamptz";
        break;
    case ICE_STRING:
        name = "string";
        break;
    case ICE_UUID:
        name = "uuid";
        break;
    case ICE_FIXED:
        snprintf(buf, buf_len, "fixed[%d]", prim.length);
        return;
    case ICE_BINARY:
        name = "binary";
        break;
    case ICE_STRUCT:
        name = "struct";
        break;
    case ICE_LIST:
        name = "list";
        break;
    case ICE_MAP:
        name = "map";
        break;
    }
    snprintf(buf, buf_len, "%s", name);
}

static const struct {
    const char *name;
    IceTypeId id;
} simple_types[] = {
        {"boolean", ICE_BOOLEAN},
        {"int", ICE_INT},
        {"long", ICE_LONG},
        {"float", ICE_FLOAT},
        {"double", ICE_DOUBLE},
        {"date", ICE_DATE},
        {"time", ICE_TIME},
        {"timestamp", ICE_TIMESTAMP},
        {"timestamptz", ICE_TIMESTAMPTZ},
        {"string", ICE_STRING},
        {"uuid", ICE_UUID},
        {"binary", ICE_BINARY},
};

/* Types of format v3 and later that tarn recognises but cannot read or write. */
static const char *const newer_types[] = {
        "timestamp_ns", "timestamptz_ns", "unknown", "variant", "geometry", "geography",
};

/* Parse blanks, an unsigned decimal number of at most 10 digits, blanks. Advances *pos. */
static bool parse_number(const char *text, size_t *pos, int64_t *out)
{
    size_t at = *pos;
    while (text[at] == ' ' || text[at] == '\t') {
        at++;
    }
    int64_t value = 0;
    size_t n_digits = 0;
    while (isdigit((unsigned char)text[at]) && n_digits < 10) {
        value = value * 10 + (text[at] - '0');
        at++;
        n_digits++;
    }
    if (n_digits == 0 || isdigit((unsigned char)text[at]))
        return false;
    while (text[at] == ' ' || text[at] == '\t') {
        at++;
    }
    *pos = at;
    *out = value;
    return true;
}

/* "decimal(P,S)" after the keyword; false when malformed. */
static bool parse_decimal_args(const char *text, size_t pos, int64_t *precision, int64_t *scale)
{
    if (text[pos] != '(')
        return false;
    pos++;
    if (!parse_number(text, &pos, precision) || text[pos] != ',')
        return false;
    pos++;
    if (!parse_number(text, &pos, scale) || text[pos] != ')')
        return false;
    return text[pos + 1] == '\0';
}

ErrCode ice_prim_parse(const char *text, IcePrim *out, Err *err)
{
    for (size_t i = 0; i < TN_ARRAY_LEN(simple_types); i++) {
        if (strcasecmp(text, simple_types[i].name) == 0) {
            *out = (IcePrim){.id = simple_types[i].id,
                             .length = simple_types[i].id == ICE_UUID ? 16 : 0};
            return ERR_OK;
        }
    }
    if (strncasecmp(text, "decimal", 7) == 0) {
        int64_t precision, scale;
        if (!parse_decimal_args(text, 7, &precision, &scale))
            return err_set(err, ERR_INVALID, "invalid type \"%s\": expected decimal(P,S)", text);
        if (precision < 1 || precision > 38)
            return err_set(err, ERR_INVALID,
                           "invalid type \"%s\": decimal precision must be between 1 and 38", text);
        if (scale > 38)
            return err_set(err, ERR_INVALID,
                           "invalid type \"%s\": decimal scale must be between 0 and 38", text);
        *out = (IcePrim){
                .id = ICE_DECIMAL, .precision = (int32_t)precision, .scale = (int32_t)scale};
        return ERR_OK;
    }
    if (strncasecmp(text, "fixed", 5) == 0) {
        size_t pos = 5;
        int64_t length;
        if (text[pos] != '[')
            return err_set(err, ERR_INVALID, "invalid type \"%s\": expected fixed[L]", text);
        pos++;
        if (!parse_number(text, &pos, &length) || text[pos] != ']' || text[pos + 1] != '\0')
            return err_set(err, ERR_INVALID, "invalid type \"%s\": expected fixed[L]", text);
        if (length < 1 || length > INT32_MAX)
            return err_set(err, ERR_INVALID, "invalid type \"%s\": fixed length must be positive",
                           text);
        *out = (IcePrim){.id = ICE_FIXED, .length = (int32_t)length};
        return ERR_OK;
    }
    for (size_t i = 0; i < TN_ARRAY_LEN(newer_types); i++) {
        if (strcasecmp(text, newer_types[i]) == 0)
            return err_set(err, ERR_UNSUPPORTED,
                           "type \"%s\" (Iceberg format v3) is not supported by tarn", text);
    }
    return err_set(err, ERR_INVALID, "unknown Iceberg type \"%s\"", text);
}

ColTypeInfo ice_prim_to_col(IcePrim prim)
{
    switch (prim.id) {
    case ICE_BOOLEAN:
        return (ColTypeInfo){.id = COL_BOOL};
    case ICE_INT:
        return (ColTypeInfo){.id = COL_INT32};
    case ICE_LONG:
    case ICE_TIME:
        return (ColTypeInfo){.id = COL_INT64};
    case ICE_FLOAT:
        return (ColTypeInfo){.id = COL_FLOAT};
    case ICE_DOUBLE:
        return (ColTypeInfo){.id = COL_DOUBLE};
    case ICE_DECIMAL:
        return (ColTypeInfo){.id = COL_DECIMAL, .precision = prim.precision, .scale = prim.scale};
    case ICE_DATE:
        return (ColTypeInfo){.id = COL_DATE};
    case ICE_TIMESTAMP:
        return (ColTypeInfo){.id = COL_TIMESTAMP};
    case ICE_TIMESTAMPTZ:
        return (ColTypeInfo){.id = COL_TIMESTAMPTZ};
    case ICE_STRING:
        return (ColTypeInfo){.id = COL_STRING};
    case ICE_UUID:
        return (ColTypeInfo){.id = COL_UUID, .fixed_len = 16};
    case ICE_FIXED:
        return (ColTypeInfo){.id = COL_FIXED, .fixed_len = prim.length};
    case ICE_BINARY:
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        /* Nested kinds have no column vector of their own; callers pass primitives. */
        return (ColTypeInfo){.id = COL_BINARY};
    }
    return (ColTypeInfo){.id = COL_BINARY};
}

ErrCode ice_prim_from_col(ColTypeInfo col, IcePrim *out, Err *err)
{
    switch (col.id) {
    case COL_BOOL:
        *out = (IcePrim){.id = ICE_BOOLEAN};
        return ERR_OK;
    case COL_INT32:
        *out = (IcePrim){.id = ICE_INT};
        return ERR_OK;
    case COL_INT64:
        *out = (IcePrim){.id = ICE_LONG};
        return ERR_OK;
    case COL_FLOAT:
        *out = (IcePrim){.id = ICE_FLOAT};
        return ERR_OK;
    case COL_DOUBLE:
        *out = (IcePrim){.id = ICE_DOUBLE};
        return ERR_OK;
    case COL_DECIMAL:
        if (col.precision < 1 || col.precision > 38)
            return err_set(err, ERR_UNSUPPORTED,
                           "decimal(%d,%d) has no Iceberg equivalent (precision is 1 to 38)",
                           col.precision, col.scale);
        *out = (IcePrim){.id = ICE_DECIMAL, .precision = col.precision, .scale = col.scale};
        return ERR_OK;
    case COL_DATE:
        *out = (IcePrim){.id = ICE_DATE};
        return ERR_OK;
    case COL_TIMESTAMP:
        *out = (IcePrim){.id = ICE_TIMESTAMP};
        return ERR_OK;
    case COL_TIMESTAMPTZ:
        *out = (IcePrim){.id = ICE_TIMESTAMPTZ};
        return ERR_OK;
    case COL_STRING:
        *out = (IcePrim){.id = ICE_STRING};
        return ERR_OK;
    case COL_BINARY:
        *out = (IcePrim){.id = ICE_BINARY};
        return ERR_OK;
    case COL_UUID:
        *out = (IcePrim){.id = ICE_UUID, .length = 16};
        return ERR_OK;
    case COL_FIXED:
        *out = (IcePrim){.id = ICE_FIXED, .length = col.fixed_len};
        return ERR_OK;
    }
    return err_set(err, ERR_UNSUPPORTED, "column type %d has no Iceberg equivalent", (int)col.id);
}

/* Depth-first search below one type for a struct field with `field_id`. */
static const IceField *find_in_type(const IceType *type, int32_t field_id, int depth);

static const IceField *find_in_fields(const IceField *fields, int32_t n_fields, int32_t field_id,
                                      int depth)
{
    for (int32_t i = 0; i < n_fields; i++) {
        if (fields[i].id == field_id)
            return &fields[i];
    }
    for (int32_t i = 0; i < n_fields; i++) {
        const IceField *found = find_in_type(fields[i].type, field_id, depth + 1);
        if (found)
            return found;
    }
    return NULL;
}

/* Schemas parsed from files are trees, but a bound on depth keeps a corrupt cyclic
 * structure built by a buggy caller from recursing without end. */
#define ICE_TYPES_MAX_DEPTH 256

static const IceField *find_in_type(const IceType *type, int32_t field_id, int depth)
{
    if (!type || depth > ICE_TYPES_MAX_DEPTH)
        return NULL;
    switch (type->id) {
    case ICE_STRUCT:
        return find_in_fields(type->fields, type->n_fields, field_id, depth);
    case ICE_LIST:
        return find_in_type(type->element, field_id, depth + 1);
    case ICE_MAP: {
        const IceField *found = find_in_type(type->key, field_id, depth + 1);
        return found ? found : find_in_type(type->value, field_id, depth + 1);
    }
    case ICE_BOOLEAN:
    case ICE_INT:
    case ICE_LONG:
    case ICE_FLOAT:
    case ICE_DOUBLE:
    case ICE_DECIMAL:
    case ICE_DATE:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
    case ICE_STRING:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY:
        return NULL;
    }
    return NULL;
}

const IceField *ice_schema_find_id(const IceSchema *schema, int32_t field_id)
{
    return find_in_fields(schema->fields, schema->n_fields, field_id, 0);
}

const IceField *ice_schema_find_name(const IceSchema *schema, const char *name)
{
    for (int32_t i = 0; i < schema->n_fields; i++) {
        if (schema->fields[i].name && strcmp(schema->fields[i].name, name) == 0)
            return &schema->fields[i];
    }
    return NULL;
}

/* Type of the element, key or value with `field_id` anywhere below `type`. */
static const IceType *find_type_in(const IceType *type, int32_t field_id, int depth)
{
    if (!type || depth > ICE_TYPES_MAX_DEPTH)
        return NULL;
    if (type->id == ICE_STRUCT) {
        for (int32_t i = 0; i < type->n_fields; i++) {
            if (type->fields[i].id == field_id)
                return type->fields[i].type;
            const IceType *found = find_type_in(type->fields[i].type, field_id, depth + 1);
            if (found)
                return found;
        }
        return NULL;
    }
    if (type->id == ICE_LIST) {
        if (type->element_id == field_id)
            return type->element;
        return find_type_in(type->element, field_id, depth + 1);
    }
    if (type->id == ICE_MAP) {
        if (type->key_id == field_id)
            return type->key;
        if (type->value_id == field_id)
            return type->value;
        const IceType *found = find_type_in(type->key, field_id, depth + 1);
        return found ? found : find_type_in(type->value, field_id, depth + 1);
    }
    return NULL;
}

const IceType *ice_schema_find_type(const IceSchema *schema, int32_t field_id)
{
    for (int32_t i = 0; i < schema->n_fields; i++) {
        if (schema->fields[i].id == field_id)
            return schema->fields[i].type;
        const IceType *found = find_type_in(schema->fields[i].type, field_id, 1);
        if (found)
            return found;
    }
    return NULL;
}

bool ice_schema_find_prim(const IceSchema *schema, int32_t field_id, IcePrim *out)
{
    const IceType *type = ice_schema_find_type(schema, field_id);
    if (!type || !ice_type_is_primitive(type->id))
        return false;
    *out = type->prim;
    out->id = type->id;
    return true;
}
