/* pq_meta_dec.c — Parquet Thrift structs -> pq_meta.h (see pq_meta_dec.h).
 *
 * Table-driven: each plain struct is a StructSpec, a static list of FieldSpecs giving the
 * Thrift field id, the value's kind (which fixes the wire types it accepts) and where it
 * goes in the C struct (offsetof), plus its `has_*` flag, nested struct or list element.
 * dec_struct is the one field loop: read a field header, find the first spec with that id
 * whose kind accepts the wire type, read the value there, else skip it (an unknown id or
 * an unexpected type is treated as a field from a newer writer). Every spec read sets its
 * bit in a seen mask; required fields are checked at the struct's STOP in table order, so
 * the first one missing is named (or one fixed message when the struct has `missing_all`).
 * Unions (LogicalType, TimeUnit, ColumnOrder) are hand-written: their member id is the value.
 * Lists are sized by their header, which thrift_dec.c has already checked against the bytes
 * left, so an array allocation is at most the struct size times the input length.
 */
#include "format/pq_meta_dec.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "format/thrift_dec.h"

typedef struct Ctx {
    ThriftDec dec;
    Arena *arena; /* NULL: byte strings borrow from the buffer (page headers) */
} Ctx;

typedef ErrCode (*ElemFn)(Ctx *ctx, void *elem, Err *err);

typedef enum FieldKind {
    F_I8,     /* any int wire type, range-checked as i32, stored truncated to int8_t */
    F_I16,    /* same, stored truncated to int16_t */
    F_I32,    /* int32_t or a 32-bit enum; range-checked against `max` when `what` is set */
    F_I64,    /* int64_t */
    F_BOOL,   /* bool (the value travels in the field header) */
    F_STRING, /* const char *, arena copy */
    F_BYTES,  /* PqBytes, arena copy or borrowed when Ctx.arena is NULL */
    F_STRUCT, /* nested struct: `sub` table, or `fn` for a hand-written union */
    F_LIST,   /* arena array of `elem_size` slots, count (int32_t) at `count_offset` */
} FieldKind;

typedef struct StructSpec StructSpec;

typedef struct FieldSpec {
    int16_t id;
    FieldKind kind;
    bool is_required;
    const char *name;      /* member name, for "lacks required field" */
    size_t offset;         /* of the value (F_LIST: of the array pointer) */
    size_t has_at;         /* offset of the has_ flag plus one; 0: no flag */
    int32_t max;           /* F_I32 with `what`: largest valid enum value */
    const char *what;      /* F_I32: enum name for "unknown" errors, NULL: unchecked */
    ThriftType elem_type;  /* F_LIST: wanted element type (I32 accepts any int) */
    size_t elem_size;      /* F_LIST */
    size_t count_offset;   /* F_LIST */
    const StructSpec *sub; /* F_STRUCT, F_LIST of structs */
    ElemFn fn;             /* otherwise, for F_STRUCT and F_LIST */
} FieldSpec;

struct StructSpec {
    const char *name;
    const FieldSpec *fields; /* at most 32 */
    uint32_t n_fields;
    const char *missing_all; /* one name for any missing required field, or NULL */
    void (*init)(void *obj); /* defaults other than zero, or NULL */
};

#define SPEC(name_, fields_, ...)                                                            \
    {                                                                                        \
        .name = (name_), .fields = (fields_), .n_fields = TN_ARRAY_LEN(fields_), __VA_ARGS__ \
    }
#define FLD(T, id_, kind_, m, ...)                                                      \
    {                                                                                   \
        .id = (id_), .kind = (kind_), .name = #m, .offset = offsetof(T, m), __VA_ARGS__ \
    }
#define HAS(T, m)         .has_at = offsetof(T, m) + 1
#define REQ               .is_required = true
#define ENUM(max_, what_) .max = (max_), .what = (what_)
#define LIST(T, n, want, E) \
    .elem_type = (want), .elem_size = sizeof(E), .count_offset = offsetof(T, n)

/* F_I32 stores enums as 32-bit integers. */
_Static_assert(sizeof(PqType) == sizeof(int32_t), "enum size");
_Static_assert(sizeof(PqRepetition) == sizeof(int32_t), "enum size");
_Static_assert(sizeof(PqConvertedType) == sizeof(int32_t), "enum size");
_Static_assert(sizeof(PqEncoding) == sizeof(int32_t), "enum size");
_Static_assert(sizeof(PqCodec) == sizeof(int32_t), "enum size");
_Static_assert(sizeof(PqPageType) == sizeof(int32_t), "enum size");
_Static_assert(sizeof(PqBoundaryOrder) == sizeof(int32_t), "enum size");

#define TRY(expr)             \
    do {                      \
        ErrCode rc_ = (expr); \
        if (rc_ != ERR_OK)    \
            return rc_;       \
    } while (0)

static ErrCode dec_struct(Ctx *ctx, const StructSpec *spec, void *obj, Err *err);

static bool is_int(ThriftType type)
{
    return type == THRIFT_I8 || type == THRIFT_I16 || type == THRIFT_I32 || type == THRIFT_I64;
}

static ErrCode read_int(Ctx *ctx, ThriftType type, int64_t *out, Err *err)
{
    if (type == THRIFT_I8) {
        int8_t v;
        TRY(thrift_read_i8(&ctx->dec, &v, err));
        *out = v;
        return ERR_OK;
    }
    return thrift_read_i64(&ctx->dec, out, err);
}

static ErrCode read_i32(Ctx *ctx, ThriftType type, int32_t *out, Err *err)
{
    size_t at = thrift_dec_offset(&ctx->dec);
    int64_t v;
    TRY(read_int(ctx, type, &v, err));
    if (v < INT32_MIN || v > INT32_MAX)
        return err_set(err, ERR_CORRUPT, "i32 value %lld out of range at offset %zu", (long long)v,
                       at);
    *out = (int32_t)v;
    return ERR_OK;
}

static ErrCode read_enum(Ctx *ctx, ThriftType type, int32_t max, const char *what, int32_t *out,
                         Err *err)
{
    size_t at = thrift_dec_offset(&ctx->dec);
    TRY(read_i32(ctx, type, out, err));
    if (what && (*out < 0 || *out > max))
        return err_set(err, ERR_CORRUPT, "%s %d unknown at offset %zu", what, *out, at);
    return ERR_OK;
}

static ErrCode read_bytes(Ctx *ctx, PqBytes *out, Err *err)
{
    const uint8_t *ptr;
    uint32_t len;
    TRY(thrift_read_binary(&ctx->dec, &ptr, &len, err));
    if (ctx->arena) {
        ptr = arena_memdup(ctx->arena, ptr, len);
        if (!ptr)
            return arena_error(ctx->arena, err);
    }
    out->ptr = ptr;
    out->len = len;
    return ERR_OK;
}

static ErrCode read_string(Ctx *ctx, const char **out, Err *err)
{
    const uint8_t *ptr;
    uint32_t len;
    TRY(thrift_read_binary(&ctx->dec, &ptr, &len, err));
    char *s = arena_strndup(ctx->arena, (const char *)ptr, len);
    if (!s)
        return arena_error(ctx->arena, err);
    *out = s;
    return ERR_OK;
}

static ErrCode missing(const Ctx *ctx, const char *strct, const char *field, Err *err)
{
    return err_set(err, ERR_CORRUPT, "%s ending at offset %zu lacks required field %s", strct,
                   thrift_dec_offset(&ctx->dec), field);
}

/* ---- List elements read by function (scalars and unions) ----------------------------- */

static ErrCode elem_i64(Ctx *ctx, void *elem, Err *err)
{
    return thrift_read_i64(&ctx->dec, elem, err);
}

static ErrCode elem_bool(Ctx *ctx, void *elem, Err *err)
{
    return thrift_read_list_bool(&ctx->dec, elem, err);
}

static ErrCode elem_string(Ctx *ctx, void *elem, Err *err)
{
    return read_string(ctx, elem, err);
}

static ErrCode elem_bytes(Ctx *ctx, void *elem, Err *err)
{
    return read_bytes(ctx, elem, err);
}

static ErrCode elem_encoding(Ctx *ctx, void *elem, Err *err)
{
    int32_t v = 0;
    TRY(read_i32(ctx, THRIFT_I32, &v, err));
    *(PqEncoding *)elem = (PqEncoding)v;
    return ERR_OK;
}

/* Unions whose value is the id of their member (TimeUnit, ColumnOrder): *out becomes the
 * id of the last struct member in 1..max_id; member bodies and other members are skipped. */
static ErrCode dec_id_union(Ctx *ctx, int16_t max_id, int32_t *out, Err *err)
{
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (type == THRIFT_STRUCT && id >= 1 && id <= max_id)
            *out = id;
        TRY(thrift_skip(&ctx->dec, type, err));
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

_Static_assert(PQ_ORDER_TYPE_DEFINED == 1 && PQ_ORDER_IEEE_754_TOTAL == 2, "member ids");
_Static_assert(PQ_UNIT_MILLIS == 1 && PQ_UNIT_NANOS == 3, "member ids");

/* Unknown ColumnOrder members read as PQ_ORDER_UNKNOWN. */
static ErrCode elem_column_order(Ctx *ctx, void *elem, Err *err)
{
    int32_t order = PQ_ORDER_UNKNOWN;
    TRY(dec_id_union(ctx, PQ_ORDER_IEEE_754_TOTAL, &order, err));
    *(PqColumnOrder *)elem = (PqColumnOrder)order;
    return ERR_OK;
}

/* An unknown TimeUnit member leaves the unit as it was. */
static ErrCode dec_time_unit(Ctx *ctx, void *obj, Err *err)
{
    PqTimeUnit *unit = obj;
    int32_t id = (int32_t)*unit;
    TRY(dec_id_union(ctx, PQ_UNIT_NANOS, &id, err));
    *unit = (PqTimeUnit)id;
    return ERR_OK;
}

/* ---- The generic struct decoder --------------------------------------------------------- */

/* Read a list into an arena array; the element type was checked, element bodies are read
 * by f->sub or f->fn. */
static ErrCode read_list(Ctx *ctx, const FieldSpec *f, char *obj, Err *err)
{
    ThriftType elem_type;
    uint32_t count;
    ThriftType want = f->elem_type;
    size_t at = thrift_dec_offset(&ctx->dec);
    TRY(thrift_list_begin(&ctx->dec, &elem_type, &count, err));
    if (count > INT32_MAX)
        return err_set(err, ERR_CORRUPT, "list at offset %zu too long", at);
    bool type_ok = elem_type == want || (want == THRIFT_I32 && is_int(elem_type)) ||
                   (want == THRIFT_BOOL_TRUE && elem_type == THRIFT_BOOL_FALSE);
    if (!type_ok)
        return err_set(err, ERR_CORRUPT, "list at offset %zu has element type %d, expected %d", at,
                       (int)elem_type, (int)want);
    char *array = arena_alloc_array(ctx->arena, count ? count : 1, f->elem_size);
    if (!array)
        return arena_error(ctx->arena, err);
    for (uint32_t i = 0; i < count; i++) {
        void *elem = array + (size_t)i * f->elem_size;
        TRY(f->sub ? dec_struct(ctx, f->sub, elem, err) : f->fn(ctx, elem, err));
    }
    thrift_list_end(&ctx->dec);
    int32_t n = (int32_t)count;
    memcpy(obj + f->offset, &array, sizeof array); /* T * slots share void *'s representation */
    memcpy(obj + f->count_offset, &n, sizeof n);
    return ERR_OK;
}

#define WIRE(t) (1u << (t))

/* The wire types each kind reads (others are skipped as a newer writer's field). */
static const uint16_t kind_wire_types[] = {
        [F_I8] = WIRE(THRIFT_I8) | WIRE(THRIFT_I16) | WIRE(THRIFT_I32) | WIRE(THRIFT_I64),
        [F_I16] = WIRE(THRIFT_I8) | WIRE(THRIFT_I16) | WIRE(THRIFT_I32) | WIRE(THRIFT_I64),
        [F_I32] = WIRE(THRIFT_I8) | WIRE(THRIFT_I16) | WIRE(THRIFT_I32) | WIRE(THRIFT_I64),
        [F_I64] = WIRE(THRIFT_I8) | WIRE(THRIFT_I16) | WIRE(THRIFT_I32) | WIRE(THRIFT_I64),
        [F_BOOL] = WIRE(THRIFT_BOOL_TRUE) | WIRE(THRIFT_BOOL_FALSE),
        [F_STRING] = WIRE(THRIFT_BINARY),
        [F_BYTES] = WIRE(THRIFT_BINARY),
        [F_STRUCT] = WIRE(THRIFT_STRUCT),
        [F_LIST] = WIRE(THRIFT_LIST),
};

/* Read the value of field f (wire type `type`, bool value `b`) into obj. */
static ErrCode read_field(Ctx *ctx, const FieldSpec *f, ThriftType type, bool b, char *obj,
                          Err *err)
{
    void *dst = obj + f->offset;
    int32_t v = 0;
    switch (f->kind) {
    case F_I8:
        TRY(read_i32(ctx, type, &v, err));
        *(int8_t *)dst = (int8_t)v;
        break;
    case F_I16:
        TRY(read_i32(ctx, type, &v, err));
        *(int16_t *)dst = (int16_t)v;
        break;
    case F_I32:
        TRY(read_enum(ctx, type, f->max, f->what, &v, err));
        memcpy(dst, &v, sizeof v); /* int32_t or a 32-bit enum */
        break;
    case F_I64:
        TRY(read_int(ctx, type, dst, err));
        break;
    case F_BOOL:
        *(bool *)dst = b;
        break;
    case F_STRING:
        TRY(read_string(ctx, dst, err));
        break;
    case F_BYTES:
        TRY(read_bytes(ctx, dst, err));
        break;
    case F_STRUCT:
        TRY(f->sub ? dec_struct(ctx, f->sub, dst, err) : f->fn(ctx, dst, err));
        break;
    case F_LIST:
        TRY(read_list(ctx, f, obj, err));
        break;
    }
    if (f->has_at)
        *(bool *)(obj + f->has_at - 1) = true;
    return ERR_OK;
}

/* The one field loop: decode a struct described by `spec` into obj (not zeroed here). */
static ErrCode dec_struct(Ctx *ctx, const StructSpec *spec, void *obj, Err *err)
{
    assert(spec->n_fields <= 32);
    uint32_t seen = 0;
    if (spec->init)
        spec->init(obj);
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        uint32_t i = 0;
        while (i < spec->n_fields &&
               (spec->fields[i].id != id || !(kind_wire_types[spec->fields[i].kind] & WIRE(type))))
            i++;
        if (i == spec->n_fields) {
            TRY(thrift_skip(&ctx->dec, type, err));
            continue;
        }
        TRY(read_field(ctx, &spec->fields[i], type, b, obj, err));
        seen |= 1u << i;
    }
    thrift_struct_end(&ctx->dec);
    for (uint32_t i = 0; i < spec->n_fields; i++) {
        const FieldSpec *f = &spec->fields[i];
        if (f->is_required && !(seen & (1u << i)))
            return missing(ctx, spec->name, spec->missing_all ? spec->missing_all : f->name, err);
    }
    return ERR_OK;
}

/* ---- LogicalType ------------------------------------------------------------------ */

/* The bodies of the LogicalType members with fields, all decoded into PqLogicalType. */
static const FieldSpec decimal_fields[] = {
        FLD(PqLogicalType, 1, F_I32, scale),
        FLD(PqLogicalType, 2, F_I32, precision),
};
static const FieldSpec time_fields[] = {
        FLD(PqLogicalType, 1, F_BOOL, is_adjusted_to_utc),
        FLD(PqLogicalType, 2, F_STRUCT, unit, .fn = dec_time_unit),
};
static const FieldSpec integer_fields[] = {
        FLD(PqLogicalType, 1, F_I8, bit_width),
        FLD(PqLogicalType, 2, F_BOOL, is_signed),
};
static const StructSpec decimal_spec = SPEC("DecimalType", decimal_fields);
static const StructSpec time_spec = SPEC("TimeType", time_fields);
static const StructSpec integer_spec = SPEC("IntType", integer_fields);
static const StructSpec empty_spec = {.name = "LogicalType member"};

static bool known_logical(int16_t id)
{
    return (id >= PQ_LT_STRING && id <= PQ_LT_TIMESTAMP) ||
           (id >= PQ_LT_INTEGER && id <= PQ_LT_FLOAT16);
}

/* Union LogicalType: the member's id is the kind, its body fills the kind's fields. */
static ErrCode dec_logical(Ctx *ctx, void *obj, Err *err)
{
    PqLogicalType *lt = obj;
    memset(lt, 0, sizeof *lt);
    lt->unit = PQ_UNIT_MICROS;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (type == THRIFT_STRUCT && known_logical(id)) {
            lt->kind = (PqLogicalKind)id;
            const StructSpec *member = id == PQ_LT_DECIMAL                         ? &decimal_spec
                                       : id == PQ_LT_TIME || id == PQ_LT_TIMESTAMP ? &time_spec
                                       : id == PQ_LT_INTEGER                       ? &integer_spec
                                                                                   : &empty_spec;
            TRY(dec_struct(ctx, member, lt, err));
            continue;
        }
        if (type == THRIFT_STRUCT)
            lt->kind = PQ_LT_OTHER;
        TRY(thrift_skip(&ctx->dec, type, err));
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

/* ---- Footer: FileMetaData and what it holds ------------------------------------------ */

static const FieldSpec schema_fields[] = {
        FLD(PqSchemaElement, 1, F_I32, type, HAS(PqSchemaElement, has_type),
            ENUM(PQ_FIXED_LEN_BYTE_ARRAY, "physical type")),
        FLD(PqSchemaElement, 2, F_I32, type_length),
        FLD(PqSchemaElement, 3, F_I32, repetition, HAS(PqSchemaElement, has_repetition),
            ENUM(PQ_REPEATED, "repetition type")),
        FLD(PqSchemaElement, 4, F_STRING, name, REQ),
        FLD(PqSchemaElement, 5, F_I32, num_children, HAS(PqSchemaElement, has_num_children)),
        FLD(PqSchemaElement, 6, F_I32, converted_type, HAS(PqSchemaElement, has_converted_type)),
        FLD(PqSchemaElement, 7, F_I32, scale, HAS(PqSchemaElement, has_scale_precision)),
        FLD(PqSchemaElement, 8, F_I32, precision, HAS(PqSchemaElement, has_scale_precision)),
        FLD(PqSchemaElement, 9, F_I32, field_id, HAS(PqSchemaElement, has_field_id)),
        FLD(PqSchemaElement, 10, F_STRUCT, logical, .fn = dec_logical),
};
static const StructSpec schema_spec = SPEC("SchemaElement", schema_fields);

static const FieldSpec key_value_fields[] = {
        FLD(PqKeyValue, 1, F_STRING, key, REQ),
        FLD(PqKeyValue, 2, F_STRING, value),
};
static const StructSpec key_value_spec = SPEC("KeyValue", key_value_fields);

static const FieldSpec statistics_fields[] = {
        FLD(PqStatistics, 1, F_BYTES, max, HAS(PqStatistics, has_max)),
        FLD(PqStatistics, 2, F_BYTES, min, HAS(PqStatistics, has_min)),
        FLD(PqStatistics, 3, F_I64, null_count, HAS(PqStatistics, has_null_count)),
        FLD(PqStatistics, 4, F_I64, distinct_count, HAS(PqStatistics, has_distinct_count)),
        FLD(PqStatistics, 5, F_BYTES, max_value, HAS(PqStatistics, has_max_value)),
        FLD(PqStatistics, 6, F_BYTES, min_value, HAS(PqStatistics, has_min_value)),
        FLD(PqStatistics, 7, F_BOOL, is_max_value_exact, HAS(PqStatistics, has_is_max_value_exact)),
        FLD(PqStatistics, 8, F_BOOL, is_min_value_exact, HAS(PqStatistics, has_is_min_value_exact)),
};
static const StructSpec statistics_spec = SPEC("Statistics", statistics_fields);

static const FieldSpec page_enc_stats_fields[] = {
        FLD(PqPageEncodingStats, 1, F_I32, page_type),
        FLD(PqPageEncodingStats, 2, F_I32, encoding),
        FLD(PqPageEncodingStats, 3, F_I32, count),
};
static const StructSpec page_enc_stats_spec = SPEC("PageEncodingStats", page_enc_stats_fields);

static const FieldSpec column_meta_fields[] = {
        FLD(PqColumnMeta, 1, F_I32, type, REQ, ENUM(PQ_FIXED_LEN_BYTE_ARRAY, "physical type")),
        FLD(PqColumnMeta, 2, F_LIST, encodings, REQ,
            LIST(PqColumnMeta, n_encodings, THRIFT_I32, PqEncoding), .fn = elem_encoding),
        FLD(PqColumnMeta, 3, F_LIST, path_in_schema, REQ,
            LIST(PqColumnMeta, n_path, THRIFT_BINARY, char *), .fn = elem_string),
        FLD(PqColumnMeta, 4, F_I32, codec, REQ),
        FLD(PqColumnMeta, 5, F_I64, num_values, REQ),
        FLD(PqColumnMeta, 6, F_I64, total_uncompressed_size, REQ),
        FLD(PqColumnMeta, 7, F_I64, total_compressed_size, REQ),
        FLD(PqColumnMeta, 8, F_LIST, key_value,
            LIST(PqColumnMeta, n_key_value, THRIFT_STRUCT, PqKeyValue), .sub = &key_value_spec),
        FLD(PqColumnMeta, 9, F_I64, data_page_offset, REQ),
        FLD(PqColumnMeta, 10, F_I64, index_page_offset, HAS(PqColumnMeta, has_index_page_offset)),
        FLD(PqColumnMeta, 11, F_I64, dictionary_page_offset,
            HAS(PqColumnMeta, has_dictionary_page_offset)),
        FLD(PqColumnMeta, 12, F_STRUCT, statistics, HAS(PqColumnMeta, has_statistics),
            .sub = &statistics_spec),
        FLD(PqColumnMeta, 13, F_LIST, encoding_stats,
            LIST(PqColumnMeta, n_encoding_stats, THRIFT_STRUCT, PqPageEncodingStats),
            .sub = &page_enc_stats_spec),
        FLD(PqColumnMeta, 14, F_I64, bloom_filter_offset, HAS(PqColumnMeta, has_bloom_filter)),
        FLD(PqColumnMeta, 15, F_I32, bloom_filter_length),
};
static const StructSpec column_meta_spec = SPEC("ColumnMetaData", column_meta_fields);

static const FieldSpec column_chunk_fields[] = {
        FLD(PqColumnChunk, 1, F_STRING, file_path),
        FLD(PqColumnChunk, 2, F_I64, file_offset),
        FLD(PqColumnChunk, 3, F_STRUCT, meta_data, HAS(PqColumnChunk, has_meta_data),
            .sub = &column_meta_spec),
        FLD(PqColumnChunk, 4, F_I64, offset_index_offset, HAS(PqColumnChunk, has_offset_index)),
        FLD(PqColumnChunk, 5, F_I32, offset_index_length),
        FLD(PqColumnChunk, 6, F_I64, column_index_offset, HAS(PqColumnChunk, has_column_index)),
        FLD(PqColumnChunk, 7, F_I32, column_index_length),
};
static const StructSpec column_chunk_spec = SPEC("ColumnChunk", column_chunk_fields);

static const FieldSpec sorting_column_fields[] = {
        FLD(PqSortingColumn, 1, F_I32, column_idx),
        FLD(PqSortingColumn, 2, F_BOOL, descending),
        FLD(PqSortingColumn, 3, F_BOOL, nulls_first),
};
static const StructSpec sorting_column_spec = SPEC("SortingColumn", sorting_column_fields);

static const FieldSpec row_group_fields[] = {
        FLD(PqRowGroup, 1, F_LIST, columns, REQ,
            LIST(PqRowGroup, n_columns, THRIFT_STRUCT, PqColumnChunk), .sub = &column_chunk_spec),
        FLD(PqRowGroup, 2, F_I64, total_byte_size),
        FLD(PqRowGroup, 3, F_I64, num_rows, REQ),
        FLD(PqRowGroup, 4, F_LIST, sorting_columns,
            LIST(PqRowGroup, n_sorting_columns, THRIFT_STRUCT, PqSortingColumn),
            .sub = &sorting_column_spec),
        FLD(PqRowGroup, 5, F_I64, file_offset, HAS(PqRowGroup, has_file_offset)),
        FLD(PqRowGroup, 6, F_I64, total_compressed_size,
            HAS(PqRowGroup, has_total_compressed_size)),
        FLD(PqRowGroup, 7, F_I16, ordinal, HAS(PqRowGroup, has_ordinal)),
};
static const StructSpec row_group_spec = SPEC("RowGroup", row_group_fields);

static const FieldSpec file_fields[] = {
        FLD(PqFileMeta, 1, F_I32, version, REQ),
        FLD(PqFileMeta, 2, F_LIST, schema, REQ,
            LIST(PqFileMeta, n_schema, THRIFT_STRUCT, PqSchemaElement), .sub = &schema_spec),
        FLD(PqFileMeta, 3, F_I64, num_rows, REQ),
        FLD(PqFileMeta, 4, F_LIST, row_groups, REQ,
            LIST(PqFileMeta, n_row_groups, THRIFT_STRUCT, PqRowGroup), .sub = &row_group_spec),
        FLD(PqFileMeta, 5, F_LIST, key_value,
            LIST(PqFileMeta, n_key_value, THRIFT_STRUCT, PqKeyValue), .sub = &key_value_spec),
        FLD(PqFileMeta, 6, F_STRING, created_by),
        FLD(PqFileMeta, 7, F_LIST, column_orders,
            LIST(PqFileMeta, n_column_orders, THRIFT_STRUCT, PqColumnOrder),
            .fn = elem_column_order),
};
static const StructSpec file_spec = SPEC("FileMetaData", file_fields);

ErrCode pq_meta_dec_file(Arena *arena, const uint8_t *data, size_t len, PqFileMeta *out, Err *err)
{
    Ctx ctx = {.arena = arena};
    thrift_dec_init(&ctx.dec, data, len);
    PqFileMeta fm;
    memset(&fm, 0, sizeof fm);
    ErrCode rc = dec_struct(&ctx, &file_spec, &fm, err);
    if (rc != ERR_OK)
        return rc;
    *out = fm;
    return ERR_OK;
}

/* ---- PageHeader ------------------------------------------------------------------------ */

static const FieldSpec data_page_fields[] = {
        FLD(PqDataPageHeader, 1, F_I32, num_values, REQ),
        FLD(PqDataPageHeader, 2, F_I32, encoding, REQ),
        FLD(PqDataPageHeader, 3, F_I32, definition_level_encoding),
        FLD(PqDataPageHeader, 4, F_I32, repetition_level_encoding),
        FLD(PqDataPageHeader, 5, F_STRUCT, statistics, HAS(PqDataPageHeader, has_statistics),
            .sub = &statistics_spec),
};
static const StructSpec data_page_spec = SPEC("DataPageHeader", data_page_fields);

static void data_page_v2_init(void *obj)
{
    PqDataPageHeaderV2 *h = obj;
    h->is_compressed = true;
}

static const FieldSpec data_page_v2_fields[] = {
        FLD(PqDataPageHeaderV2, 1, F_I32, num_values, REQ),
        FLD(PqDataPageHeaderV2, 2, F_I32, num_nulls, REQ),
        FLD(PqDataPageHeaderV2, 3, F_I32, num_rows, REQ),
        FLD(PqDataPageHeaderV2, 4, F_I32, encoding, REQ),
        FLD(PqDataPageHeaderV2, 5, F_I32, definition_levels_byte_length, REQ),
        FLD(PqDataPageHeaderV2, 6, F_I32, repetition_levels_byte_length, REQ),
        FLD(PqDataPageHeaderV2, 7, F_BOOL, is_compressed),
        FLD(PqDataPageHeaderV2, 8, F_STRUCT, statistics, HAS(PqDataPageHeaderV2, has_statistics),
            .sub = &statistics_spec),
};
static const StructSpec data_page_v2_spec = SPEC(
        "DataPageHeaderV2", data_page_v2_fields,
        .missing_all = "num_values/num_nulls/num_rows/encoding/levels", .init = data_page_v2_init);

static const FieldSpec dict_page_fields[] = {
        FLD(PqDictionaryPageHeader, 1, F_I32, num_values, REQ),
        FLD(PqDictionaryPageHeader, 2, F_I32, encoding, REQ),
        FLD(PqDictionaryPageHeader, 3, F_BOOL, is_sorted,
            HAS(PqDictionaryPageHeader, has_is_sorted)),
};
static const StructSpec dict_page_spec = SPEC("DictionaryPageHeader", dict_page_fields);

static const FieldSpec page_header_fields[] = {
        FLD(PqPageHeader, 1, F_I32, type, REQ, ENUM(PQ_PAGE_DATA_V2, "page type")),
        FLD(PqPageHeader, 2, F_I32, uncompressed_page_size, REQ),
        FLD(PqPageHeader, 3, F_I32, compressed_page_size, REQ),
        FLD(PqPageHeader, 4, F_I32, crc, HAS(PqPageHeader, has_crc)),
        FLD(PqPageHeader, 5, F_STRUCT, data_page_header, HAS(PqPageHeader, has_data_page_header),
            .sub = &data_page_spec),
        FLD(PqPageHeader, 7, F_STRUCT, dictionary_page_header,
            HAS(PqPageHeader, has_dictionary_page_header), .sub = &dict_page_spec),
        FLD(PqPageHeader, 8, F_STRUCT, data_page_header_v2,
            HAS(PqPageHeader, has_data_page_header_v2), .sub = &data_page_v2_spec),
};
static const StructSpec page_header_spec = SPEC("PageHeader", page_header_fields);

ErrCode pq_meta_dec_page_header(const uint8_t *data, size_t len, PqPageHeader *out,
                                size_t *header_len, Err *err)
{
    Ctx ctx = {.arena = NULL};
    thrift_dec_init(&ctx.dec, data, len);
    PqPageHeader ph;
    memset(&ph, 0, sizeof ph);
    ErrCode rc = dec_struct(&ctx, &page_header_spec, &ph, err);
    if (rc != ERR_OK)
        return rc;
    if (ph.uncompressed_page_size < 0 || ph.compressed_page_size < 0)
        return err_set(err, ERR_CORRUPT, "PageHeader has a negative page size (%d, %d)",
                       ph.uncompressed_page_size, ph.compressed_page_size);
    *out = ph;
    *header_len = thrift_dec_offset(&ctx.dec);
    return ERR_OK;
}

/* ---- Page index ------------------------------------------------------------------------ */

static const FieldSpec page_location_fields[] = {
        FLD(PqPageLocation, 1, F_I64, offset, REQ),
        FLD(PqPageLocation, 2, F_I32, compressed_page_size, REQ),
        FLD(PqPageLocation, 3, F_I64, first_row_index, REQ),
};
static const StructSpec page_location_spec =
        SPEC("PageLocation", page_location_fields,
             .missing_all = "offset/compressed_page_size/first_row_index");

static const FieldSpec offset_index_fields[] = {
        FLD(PqOffsetIndex, 1, F_LIST, page_locations, REQ,
            LIST(PqOffsetIndex, n_pages, THRIFT_STRUCT, PqPageLocation),
            .sub = &page_location_spec),
};
static const StructSpec offset_index_spec = SPEC("OffsetIndex", offset_index_fields);

ErrCode pq_meta_dec_offset_index(Arena *arena, const uint8_t *data, size_t len, PqOffsetIndex *out,
                                 Err *err)
{
    Ctx ctx = {.arena = arena};
    thrift_dec_init(&ctx.dec, data, len);
    PqOffsetIndex oi = {0};
    TRY(dec_struct(&ctx, &offset_index_spec, &oi, err));
    *out = oi;
    return ERR_OK;
}

/* ColumnIndex plus the length of each of its lists, which must agree. */
typedef struct ColumnIndexWire {
    PqColumnIndex ci;
    int32_t n_null, n_min, n_max, n_counts;
} ColumnIndexWire;

static const FieldSpec column_index_fields[] = {
        FLD(ColumnIndexWire, 1, F_LIST, ci.null_pages, REQ,
            LIST(ColumnIndexWire, n_null, THRIFT_BOOL_TRUE, bool), .fn = elem_bool),
        FLD(ColumnIndexWire, 2, F_LIST, ci.min_values, REQ,
            LIST(ColumnIndexWire, n_min, THRIFT_BINARY, PqBytes), .fn = elem_bytes),
        FLD(ColumnIndexWire, 3, F_LIST, ci.max_values, REQ,
            LIST(ColumnIndexWire, n_max, THRIFT_BINARY, PqBytes), .fn = elem_bytes),
        FLD(ColumnIndexWire, 4, F_I32, ci.boundary_order, REQ,
            ENUM(PQ_BOUNDARY_DESCENDING, "boundary order")),
        FLD(ColumnIndexWire, 5, F_LIST, ci.null_counts,
            LIST(ColumnIndexWire, n_counts, THRIFT_I32, int64_t), .fn = elem_i64),
};
static const StructSpec column_index_spec =
        SPEC("ColumnIndex", column_index_fields,
             .missing_all = "null_pages/min_values/max_values/boundary_order");

ErrCode pq_meta_dec_column_index(Arena *arena, const uint8_t *data, size_t len, PqColumnIndex *out,
                                 Err *err)
{
    Ctx ctx = {.arena = arena};
    thrift_dec_init(&ctx.dec, data, len);
    ColumnIndexWire w = {.n_counts = -1};
    TRY(dec_struct(&ctx, &column_index_spec, &w, err));
    if (w.n_min != w.n_null || w.n_max != w.n_null || (w.n_counts >= 0 && w.n_counts != w.n_null))
        return err_set(err, ERR_CORRUPT, "ColumnIndex lists have different lengths (%d, %d, %d)",
                       w.n_null, w.n_min, w.n_max);
    w.ci.n_pages = w.n_null;
    *out = w.ci;
    return ERR_OK;
}
