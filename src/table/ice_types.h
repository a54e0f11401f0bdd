/* ice_types.h — the Iceberg type system and schema model (table layer), shared by every
 * other table module: metadata JSON (schemas), manifests (partition tuples, bounds),
 * transforms, predicates and scan planning; later by the SQL binder.
 *
 * Types follow the Iceberg table spec (SPECS.md §2): primitives boolean, int, long, float,
 * double, decimal(P,S), date, time, timestamp, timestamptz, string, uuid, fixed[L],
 * binary; nested struct, list and map, each nested field carrying its own field id.
 * IcePrim is the flat description of a primitive type; IceType adds the nested kinds.
 *
 * IceValue is one primitive value (a partition value, a bound, a predicate literal):
 * int and date in i32; long, time, timestamp and timestamptz (µs) in i64; decimal
 * unscaled in dec (scale from the type); string, uuid, fixed, binary as borrowed bytes.
 *
 * Ownership: schemas and values are plain structs allocated in an arena owned by whoever
 * built them (usually an IceTableMeta); they own nothing and are immutable once built.
 */
#ifndef TARN_TABLE_ICE_TYPES_H
#define TARN_TABLE_ICE_TYPES_H

#include "base/arena.h"
#include "base/colvec.h"
#include "base/err.h"

typedef enum IceTypeId {
    ICE_BOOLEAN,
    ICE_INT,
    ICE_LONG,
    ICE_FLOAT,
    ICE_DOUBLE,
    ICE_DECIMAL,
    ICE_DATE,
    ICE_TIME,        /* µs since midnight, long */
    ICE_TIMESTAMP,   /* µs since epoch, no zone */
    ICE_TIMESTAMPTZ, /* µs since epoch, UTC */
    ICE_STRING,
    ICE_UUID,
    ICE_FIXED,
    ICE_BINARY,
    ICE_STRUCT,
    ICE_LIST,
    ICE_MAP,
} IceTypeId;

/* A primitive type with its parameters. */
typedef struct IcePrim {
    IceTypeId id;
    int32_t precision; /* decimal */
    int32_t scale;     /* decimal */
    int32_t length;    /* fixed; 16 for uuid */
} IcePrim;

typedef struct IceType IceType;

typedef struct IceField {
    int32_t id;
    const char *name;
    bool is_required;
    const IceType *type;
    const char *doc; /* or NULL */
} IceField;

struct IceType {
    IceTypeId id;
    IcePrim prim; /* primitives: id repeated here with parameters */
    /* struct */
    const IceField *fields;
    int32_t n_fields;
    /* list: element; map: key and value */
    int32_t element_id;
    bool is_element_required;
    const IceType *element;
    int32_t key_id;
    const IceType *key;
    int32_t value_id;
    bool is_value_required;
    const IceType *value;
};

typedef struct IceSchema {
    int32_t schema_id;
    const IceField *fields; /* the top-level struct's fields, in order */
    int32_t n_fields;
    const int32_t *identifier_field_ids;
    int32_t n_identifier_field_ids;
    int32_t highest_field_id; /* over every nested field */
} IceSchema;

typedef struct IceValue {
    IcePrim type;
    bool is_null;
    union {
        bool b;
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        __int128 dec; /* decimal unscaled */
        struct {
            const uint8_t *ptr;
            uint32_t len;
        } bytes;
    };
} IceValue;

/* True for the primitive kinds (everything before ICE_STRUCT). */
TN_INLINE bool ice_type_is_primitive(IceTypeId id)
{
    return id < ICE_STRUCT;
}

/* Iceberg's name for a primitive type: "int", "decimal(10,2)", "fixed[16]". Truncated to
 * buf_len like snprintf. */
void ice_prim_name(IcePrim prim, char *buf, size_t buf_len);

/* Parse a primitive type name as metadata JSON writes it ("long", "decimal(9, 2)",
 * "fixed[16]", "timestamptz"; case-insensitive). Errors: ERR_INVALID naming the text,
 * ERR_UNSUPPORTED for the format v3 types (timestamp_ns, variant, geometry, ...). */
TN_MUST_CHECK ErrCode ice_prim_parse(const char *text, IcePrim *out, Err *err);

/* The column-vector type holding values of `prim`, and back. ice_prim_from_col fails
 * (ERR_UNSUPPORTED) only for types Iceberg has no equivalent of. time maps to COL_INT64. */
ColTypeInfo ice_prim_to_col(IcePrim prim);
TN_MUST_CHECK ErrCode ice_prim_from_col(ColTypeInfo col, IcePrim *out, Err *err);

/* Find a field anywhere in the schema (nested fields included) by id; NULL if absent. */
const IceField *ice_schema_find_id(const IceSchema *schema, int32_t field_id);

/* Find a top-level field by name, case-sensitively; NULL if absent. */
const IceField *ice_schema_find_name(const IceSchema *schema, const char *name);

/* The type of any field id in the schema: struct fields, and also list elements and map
 * keys and values (which have ids but no IceField); NULL if absent. Borrowed from the
 * schema. */
const IceType *ice_schema_find_type(const IceSchema *schema, int32_t field_id);

/* The primitive type of `field_id` (with prim.id filled in); false when the id is absent or
 * names a struct, list or map. */
bool ice_schema_find_prim(const IceSchema *schema, int32_t field_id, IcePrim *out);

#endif
