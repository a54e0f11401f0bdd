/* pq_meta_dec.c — Parquet Thrift structs -> pq_meta.h (see pq_meta_dec.h).
 *
 * One function per struct, each the same loop: read a field header, switch on the field id,
 * read the value when its wire type is the expected one, otherwise skip it (an unknown id
 * or an unexpected type is treated as a field from a newer writer). Required fields are
 * tracked in a bit mask and checked at the struct's STOP. Lists are sized by their header,
 * which thrift_dec.c has already checked against the bytes left, so an array allocation is
 * at most the struct size times the input length.
 */
#include "format/pq_meta_dec.h"

#include <string.h>

#include "format/thrift_dec.h"

typedef struct Ctx {
    ThriftDec dec;
    Arena *arena; /* NULL: byte strings borrow from the buffer (page headers) */
} Ctx;

typedef ErrCode (*ElemFn)(Ctx *ctx, void *elem, Err *err);

#define TRY(expr)             \
    do {                      \
        ErrCode rc_ = (expr); \
        if (rc_ != ERR_OK)    \
            return rc_;       \
    } while (0)

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
    if (max >= 0 && (*out < 0 || *out > max))
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

/* Read a list of structs (or scalars, via fn) into an arena array of elem_size slots. */
static ErrCode read_list(Ctx *ctx, ThriftType want, size_t elem_size, ElemFn fn, void **out,
                         int32_t *n_out, Err *err)
{
    ThriftType elem_type;
    uint32_t count;
    size_t at = thrift_dec_offset(&ctx->dec);
    TRY(thrift_list_begin(&ctx->dec, &elem_type, &count, err));
    if (count > INT32_MAX)
        return err_set(err, ERR_CORRUPT, "list at offset %zu too long", at);
    bool type_ok = elem_type == want || (want == THRIFT_I32 && is_int(elem_type)) ||
                   (want == THRIFT_BOOL_TRUE && elem_type == THRIFT_BOOL_FALSE);
    if (!type_ok)
        return err_set(err, ERR_CORRUPT, "list at offset %zu has element type %d, expected %d", at,
                       (int)elem_type, (int)want);
    void *array = arena_alloc_array(ctx->arena, count ? count : 1, elem_size);
    if (!array)
        return arena_error(ctx->arena, err);
    for (uint32_t i = 0; i < count; i++) {
        TRY(fn(ctx, (char *)array + (size_t)i * elem_size, err));
    }
    thrift_list_end(&ctx->dec);
    *out = array;
    *n_out = (int32_t)count;
    return ERR_OK;
}

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

/* ---- LogicalType ------------------------------------------------------------------ */

static ErrCode dec_time_unit(Ctx *ctx, PqTimeUnit *unit, Err *err)
{
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (type == THRIFT_STRUCT && id >= 1 && id <= 3)
            *unit = (PqTimeUnit)id;
        TRY(thrift_skip(&ctx->dec, type, err));
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

/* The body of one LogicalType member (DECIMAL, TIME/TIMESTAMP, INTEGER have fields). */
static ErrCode dec_logical_member(Ctx *ctx, int16_t member, PqLogicalType *lt, Err *err)
{
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (member == PQ_LT_DECIMAL && is_int(type) && (id == 1 || id == 2)) {
            TRY(read_i32(ctx, type, id == 1 ? &lt->scale : &lt->precision, err));
            continue;
        }
        if ((member == PQ_LT_TIME || member == PQ_LT_TIMESTAMP) && id == 1 &&
            (type == THRIFT_BOOL_TRUE || type == THRIFT_BOOL_FALSE)) {
            lt->is_adjusted_to_utc = b;
            continue;
        }
        if ((member == PQ_LT_TIME || member == PQ_LT_TIMESTAMP) && id == 2 &&
            type == THRIFT_STRUCT) {
            TRY(dec_time_unit(ctx, &lt->unit, err));
            continue;
        }
        if (member == PQ_LT_INTEGER && id == 1 && is_int(type)) {
            int32_t bits;
            TRY(read_i32(ctx, type, &bits, err));
            lt->bit_width = (int8_t)bits;
            continue;
        }
        if (member == PQ_LT_INTEGER && id == 2 &&
            (type == THRIFT_BOOL_TRUE || type == THRIFT_BOOL_FALSE)) {
            lt->is_signed = b;
            continue;
        }
        TRY(thrift_skip(&ctx->dec, type, err));
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

static bool known_logical(int16_t id)
{
    return (id >= PQ_LT_STRING && id <= PQ_LT_TIMESTAMP) ||
           (id >= PQ_LT_INTEGER && id <= PQ_LT_FLOAT16);
}

static ErrCode dec_logical(Ctx *ctx, PqLogicalType *lt, Err *err)
{
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
            TRY(dec_logical_member(ctx, id, lt, err));
            continue;
        }
        if (type == THRIFT_STRUCT)
            lt->kind = PQ_LT_OTHER;
        TRY(thrift_skip(&ctx->dec, type, err));
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

/* ---- SchemaElement, KeyValue, Statistics --------------------------------------------- */

static ErrCode elem_schema(Ctx *ctx, void *elem, Err *err)
{
    PqSchemaElement *se = elem;
    bool has_name = false;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        int32_t v = 0;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id == 4 && type == THRIFT_BINARY) {
            TRY(read_string(ctx, &se->name, err));
            has_name = true;
        } else if (id == 10 && type == THRIFT_STRUCT) {
            TRY(dec_logical(ctx, &se->logical, err));
        } else if (id >= 1 && id <= 9 && is_int(type)) {
            switch (id) {
            case 1:
                TRY(read_enum(ctx, type, PQ_FIXED_LEN_BYTE_ARRAY, "physical type", &v, err));
                se->has_type = true;
                se->type = (PqType)v;
                break;
            case 2:
                TRY(read_i32(ctx, type, &se->type_length, err));
                break;
            case 3:
                TRY(read_enum(ctx, type, PQ_REPEATED, "repetition type", &v, err));
                se->has_repetition = true;
                se->repetition = (PqRepetition)v;
                break;
            case 5:
                TRY(read_i32(ctx, type, &se->num_children, err));
                se->has_num_children = true;
                break;
            case 6:
                TRY(read_i32(ctx, type, &v, err));
                se->has_converted_type = true;
                se->converted_type = (PqConvertedType)v;
                break;
            case 7:
                TRY(read_i32(ctx, type, &se->scale, err));
                se->has_scale_precision = true;
                break;
            case 8:
                TRY(read_i32(ctx, type, &se->precision, err));
                se->has_scale_precision = true;
                break;
            default:
                TRY(read_i32(ctx, type, &se->field_id, err));
                se->has_field_id = true;
                break;
            }
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    if (!has_name)
        return missing(ctx, "SchemaElement", "name", err);
    return ERR_OK;
}

static ErrCode elem_key_value(Ctx *ctx, void *elem, Err *err)
{
    PqKeyValue *kv = elem;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if ((id == 1 || id == 2) && type == THRIFT_BINARY) {
            TRY(read_string(ctx, id == 1 ? &kv->key : &kv->value, err));
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    if (!kv->key)
        return missing(ctx, "KeyValue", "key", err);
    return ERR_OK;
}

static ErrCode dec_statistics(Ctx *ctx, PqStatistics *st, Err *err)
{
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        bool is_bool = type == THRIFT_BOOL_TRUE || type == THRIFT_BOOL_FALSE;
        if (type == THRIFT_BINARY && (id == 1 || id == 2 || id == 5 || id == 6)) {
            PqBytes *dst = id == 1   ? &st->max
                           : id == 2 ? &st->min
                           : id == 5 ? &st->max_value
                                     : &st->min_value;
            TRY(read_bytes(ctx, dst, err));
            st->has_max |= id == 1;
            st->has_min |= id == 2;
            st->has_max_value |= id == 5;
            st->has_min_value |= id == 6;
        } else if (is_int(type) && id == 3) {
            TRY(read_int(ctx, type, &st->null_count, err));
            st->has_null_count = true;
        } else if (is_int(type) && id == 4) {
            TRY(read_int(ctx, type, &st->distinct_count, err));
            st->has_distinct_count = true;
        } else if (is_bool && id == 7) {
            st->has_is_max_value_exact = true;
            st->is_max_value_exact = b;
        } else if (is_bool && id == 8) {
            st->has_is_min_value_exact = true;
            st->is_min_value_exact = b;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

/* ---- ColumnMetaData, ColumnChunk, RowGroup ------------------------------------------- */

static ErrCode elem_page_enc_stats(Ctx *ctx, void *elem, Err *err)
{
    PqPageEncodingStats *pes = elem;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        int32_t v = 0;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id >= 1 && id <= 3 && is_int(type)) {
            TRY(read_i32(ctx, type, &v, err));
            if (id == 1)
                pes->page_type = (PqPageType)v;
            else if (id == 2)
                pes->encoding = (PqEncoding)v;
            else
                pes->count = v;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

enum {
    CM_TYPE = 1,
    CM_ENC = 2,
    CM_PATH = 4,
    CM_CODEC = 8,
    CM_NV = 16,
    CM_TU = 32,
    CM_TC = 64,
    CM_DPO = 128
};

static ErrCode cm_int_field(Ctx *ctx, int16_t id, ThriftType type, PqColumnMeta *cm, unsigned *seen,
                            Err *err)
{
    int32_t v = 0;
    switch (id) {
    case 1:
        TRY(read_enum(ctx, type, PQ_FIXED_LEN_BYTE_ARRAY, "physical type", &v, err));
        cm->type = (PqType)v;
        *seen |= CM_TYPE;
        return ERR_OK;
    case 4:
        TRY(read_i32(ctx, type, &v, err));
        cm->codec = (PqCodec)v;
        *seen |= CM_CODEC;
        return ERR_OK;
    case 5:
        *seen |= CM_NV;
        return read_int(ctx, type, &cm->num_values, err);
    case 6:
        *seen |= CM_TU;
        return read_int(ctx, type, &cm->total_uncompressed_size, err);
    case 7:
        *seen |= CM_TC;
        return read_int(ctx, type, &cm->total_compressed_size, err);
    case 9:
        *seen |= CM_DPO;
        return read_int(ctx, type, &cm->data_page_offset, err);
    case 10:
        cm->has_index_page_offset = true;
        return read_int(ctx, type, &cm->index_page_offset, err);
    case 11:
        cm->has_dictionary_page_offset = true;
        return read_int(ctx, type, &cm->dictionary_page_offset, err);
    case 14:
        cm->has_bloom_filter = true;
        return read_int(ctx, type, &cm->bloom_filter_offset, err);
    case 15:
        return read_i32(ctx, type, &cm->bloom_filter_length, err);
    default:
        return thrift_skip(&ctx->dec, type, err);
    }
}

static ErrCode dec_column_meta(Ctx *ctx, PqColumnMeta *cm, Err *err)
{
    unsigned seen = 0;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        void *array;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (is_int(type)) {
            TRY(cm_int_field(ctx, id, type, cm, &seen, err));
        } else if (id == 2 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_I32, sizeof(PqEncoding), elem_encoding, &array,
                          &cm->n_encodings, err));
            cm->encodings = array;
            seen |= CM_ENC;
        } else if (id == 3 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_BINARY, sizeof(char *), elem_string, &array, &cm->n_path,
                          err));
            cm->path_in_schema = array;
            seen |= CM_PATH;
        } else if (id == 8 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_STRUCT, sizeof(PqKeyValue), elem_key_value, &array,
                          &cm->n_key_value, err));
            cm->key_value = array;
        } else if (id == 12 && type == THRIFT_STRUCT) {
            TRY(dec_statistics(ctx, &cm->statistics, err));
            cm->has_statistics = true;
        } else if (id == 13 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_STRUCT, sizeof(PqPageEncodingStats), elem_page_enc_stats,
                          &array, &cm->n_encoding_stats, err));
            cm->encoding_stats = array;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    static const char *const names[] = {"type",
                                        "encodings",
                                        "path_in_schema",
                                        "codec",
                                        "num_values",
                                        "total_uncompressed_size",
                                        "total_compressed_size",
                                        "data_page_offset"};
    for (unsigned i = 0; i < TN_ARRAY_LEN(names); i++) {
        if (!(seen & (1u << i)))
            return missing(ctx, "ColumnMetaData", names[i], err);
    }
    return ERR_OK;
}

static ErrCode elem_column_chunk(Ctx *ctx, void *elem, Err *err)
{
    PqColumnChunk *cc = elem;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id == 1 && type == THRIFT_BINARY) {
            TRY(read_string(ctx, &cc->file_path, err));
        } else if (id == 3 && type == THRIFT_STRUCT) {
            TRY(dec_column_meta(ctx, &cc->meta_data, err));
            cc->has_meta_data = true;
        } else if (is_int(type) && id == 2) {
            TRY(read_int(ctx, type, &cc->file_offset, err));
        } else if (is_int(type) && id == 4) {
            TRY(read_int(ctx, type, &cc->offset_index_offset, err));
            cc->has_offset_index = true;
        } else if (is_int(type) && id == 5) {
            TRY(read_i32(ctx, type, &cc->offset_index_length, err));
        } else if (is_int(type) && id == 6) {
            TRY(read_int(ctx, type, &cc->column_index_offset, err));
            cc->has_column_index = true;
        } else if (is_int(type) && id == 7) {
            TRY(read_i32(ctx, type, &cc->column_index_length, err));
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

static ErrCode elem_sorting_column(Ctx *ctx, void *elem, Err *err)
{
    PqSortingColumn *sc = elem;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id == 1 && is_int(type)) {
            TRY(read_i32(ctx, type, &sc->column_idx, err));
        } else if (id == 2 && (type == THRIFT_BOOL_TRUE || type == THRIFT_BOOL_FALSE)) {
            sc->descending = b;
        } else if (id == 3 && (type == THRIFT_BOOL_TRUE || type == THRIFT_BOOL_FALSE)) {
            sc->nulls_first = b;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

static ErrCode elem_row_group(Ctx *ctx, void *elem, Err *err)
{
    PqRowGroup *rg = elem;
    bool has_columns = false, has_num_rows = false;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        void *array;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id == 1 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_STRUCT, sizeof(PqColumnChunk), elem_column_chunk, &array,
                          &rg->n_columns, err));
            rg->columns = array;
            has_columns = true;
        } else if (id == 4 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_STRUCT, sizeof(PqSortingColumn), elem_sorting_column, &array,
                          &rg->n_sorting_columns, err));
            rg->sorting_columns = array;
        } else if (is_int(type) && id == 2) {
            TRY(read_int(ctx, type, &rg->total_byte_size, err));
        } else if (is_int(type) && id == 3) {
            TRY(read_int(ctx, type, &rg->num_rows, err));
            has_num_rows = true;
        } else if (is_int(type) && id == 5) {
            TRY(read_int(ctx, type, &rg->file_offset, err));
            rg->has_file_offset = true;
        } else if (is_int(type) && id == 6) {
            TRY(read_int(ctx, type, &rg->total_compressed_size, err));
            rg->has_total_compressed_size = true;
        } else if (is_int(type) && id == 7) {
            int32_t v;
            TRY(read_i32(ctx, type, &v, err));
            rg->ordinal = (int16_t)v;
            rg->has_ordinal = true;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    if (!has_columns)
        return missing(ctx, "RowGroup", "columns", err);
    if (!has_num_rows)
        return missing(ctx, "RowGroup", "num_rows", err);
    return ERR_OK;
}

static ErrCode elem_column_order(Ctx *ctx, void *elem, Err *err)
{
    PqColumnOrder *order = elem;
    *order = PQ_ORDER_UNKNOWN;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (type == THRIFT_STRUCT && (id == 1 || id == 2))
            *order = id == 1 ? PQ_ORDER_TYPE_DEFINED : PQ_ORDER_IEEE_754_TOTAL;
        TRY(thrift_skip(&ctx->dec, type, err));
    }
    thrift_struct_end(&ctx->dec);
    return ERR_OK;
}

/* ---- FileMetaData ----------------------------------------------------------------------- */

static ErrCode dec_file(Ctx *ctx, PqFileMeta *fm, Err *err)
{
    unsigned seen = 0;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        void *array;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id == 1 && is_int(type)) {
            TRY(read_i32(ctx, type, &fm->version, err));
            seen |= 1;
        } else if (id == 2 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_STRUCT, sizeof(PqSchemaElement), elem_schema, &array,
                          &fm->n_schema, err));
            fm->schema = array;
            seen |= 2;
        } else if (id == 3 && is_int(type)) {
            TRY(read_int(ctx, type, &fm->num_rows, err));
            seen |= 4;
        } else if (id == 4 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_STRUCT, sizeof(PqRowGroup), elem_row_group, &array,
                          &fm->n_row_groups, err));
            fm->row_groups = array;
            seen |= 8;
        } else if (id == 5 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_STRUCT, sizeof(PqKeyValue), elem_key_value, &array,
                          &fm->n_key_value, err));
            fm->key_value = array;
        } else if (id == 6 && type == THRIFT_BINARY) {
            TRY(read_string(ctx, &fm->created_by, err));
        } else if (id == 7 && type == THRIFT_LIST) {
            TRY(read_list(ctx, THRIFT_STRUCT, sizeof(PqColumnOrder), elem_column_order, &array,
                          &fm->n_column_orders, err));
            fm->column_orders = array;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    static const char *const names[] = {"version", "schema", "num_rows", "row_groups"};
    for (unsigned i = 0; i < TN_ARRAY_LEN(names); i++) {
        if (!(seen & (1u << i)))
            return missing(ctx, "FileMetaData", names[i], err);
    }
    return ERR_OK;
}

ErrCode pq_meta_dec_file(Arena *arena, const uint8_t *data, size_t len, PqFileMeta *out, Err *err)
{
    Ctx ctx = {.arena = arena};
    thrift_dec_init(&ctx.dec, data, len);
    PqFileMeta fm;
    memset(&fm, 0, sizeof fm);
    ErrCode rc = dec_file(&ctx, &fm, err);
    if (rc != ERR_OK)
        return rc;
    *out = fm;
    return ERR_OK;
}

/* ---- PageHeader ------------------------------------------------------------------------ */

static ErrCode dec_data_page_header(Ctx *ctx, PqDataPageHeader *h, Err *err)
{
    unsigned seen = 0;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        int32_t v = 0;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id >= 1 && id <= 4 && is_int(type)) {
            TRY(read_i32(ctx, type, &v, err));
            seen |= 1u << (id - 1);
            if (id == 1)
                h->num_values = v;
            else if (id == 2)
                h->encoding = (PqEncoding)v;
            else if (id == 3)
                h->definition_level_encoding = (PqEncoding)v;
            else
                h->repetition_level_encoding = (PqEncoding)v;
        } else if (id == 5 && type == THRIFT_STRUCT) {
            TRY(dec_statistics(ctx, &h->statistics, err));
            h->has_statistics = true;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    if ((seen & 3) != 3)
        return missing(ctx, "DataPageHeader", seen & 1 ? "encoding" : "num_values", err);
    return ERR_OK;
}

static ErrCode dec_data_page_header_v2(Ctx *ctx, PqDataPageHeaderV2 *h, Err *err)
{
    unsigned seen = 0;
    h->is_compressed = true;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        int32_t v = 0;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id >= 1 && id <= 6 && is_int(type)) {
            TRY(read_i32(ctx, type, &v, err));
            seen |= 1u << (id - 1);
            switch (id) {
            case 1:
                h->num_values = v;
                break;
            case 2:
                h->num_nulls = v;
                break;
            case 3:
                h->num_rows = v;
                break;
            case 4:
                h->encoding = (PqEncoding)v;
                break;
            case 5:
                h->definition_levels_byte_length = v;
                break;
            default:
                h->repetition_levels_byte_length = v;
                break;
            }
        } else if (id == 7 && (type == THRIFT_BOOL_TRUE || type == THRIFT_BOOL_FALSE)) {
            h->is_compressed = b;
        } else if (id == 8 && type == THRIFT_STRUCT) {
            TRY(dec_statistics(ctx, &h->statistics, err));
            h->has_statistics = true;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    if ((seen & 0x3f) != 0x3f)
        return missing(ctx, "DataPageHeaderV2", "num_values/num_nulls/num_rows/encoding/levels",
                       err);
    return ERR_OK;
}

static ErrCode dec_dict_page_header(Ctx *ctx, PqDictionaryPageHeader *h, Err *err)
{
    unsigned seen = 0;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        int32_t v = 0;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if ((id == 1 || id == 2) && is_int(type)) {
            TRY(read_i32(ctx, type, &v, err));
            seen |= (unsigned)id;
            if (id == 1)
                h->num_values = v;
            else
                h->encoding = (PqEncoding)v;
        } else if (id == 3 && (type == THRIFT_BOOL_TRUE || type == THRIFT_BOOL_FALSE)) {
            h->has_is_sorted = true;
            h->is_sorted = b;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    if ((seen & 3) != 3)
        return missing(ctx, "DictionaryPageHeader", seen & 1 ? "encoding" : "num_values", err);
    return ERR_OK;
}

static ErrCode dec_page_header(Ctx *ctx, PqPageHeader *ph, Err *err)
{
    unsigned seen = 0;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        int32_t v = 0;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id >= 1 && id <= 4 && is_int(type)) {
            if (id == 1) {
                TRY(read_enum(ctx, type, PQ_PAGE_DATA_V2, "page type", &v, err));
                ph->type = (PqPageType)v;
            } else {
                TRY(read_i32(ctx, type, &v, err));
            }
            seen |= 1u << (id - 1);
            if (id == 2)
                ph->uncompressed_page_size = v;
            else if (id == 3)
                ph->compressed_page_size = v;
            else if (id == 4)
                ph->crc = v;
            ph->has_crc |= id == 4;
        } else if (id == 5 && type == THRIFT_STRUCT) {
            TRY(dec_data_page_header(ctx, &ph->data_page_header, err));
            ph->has_data_page_header = true;
        } else if (id == 7 && type == THRIFT_STRUCT) {
            TRY(dec_dict_page_header(ctx, &ph->dictionary_page_header, err));
            ph->has_dictionary_page_header = true;
        } else if (id == 8 && type == THRIFT_STRUCT) {
            TRY(dec_data_page_header_v2(ctx, &ph->data_page_header_v2, err));
            ph->has_data_page_header_v2 = true;
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
        }
    }
    thrift_struct_end(&ctx->dec);
    if ((seen & 7) != 7)
        return missing(ctx, "PageHeader",
                       !(seen & 1)   ? "type"
                       : !(seen & 2) ? "uncompressed_page_size"
                                     : "compressed_page_size",
                       err);
    if (ph->uncompressed_page_size < 0 || ph->compressed_page_size < 0)
        return err_set(err, ERR_CORRUPT, "PageHeader has a negative page size (%d, %d)",
                       ph->uncompressed_page_size, ph->compressed_page_size);
    return ERR_OK;
}

ErrCode pq_meta_dec_page_header(const uint8_t *data, size_t len, PqPageHeader *out,
                                size_t *header_len, Err *err)
{
    Ctx ctx = {.arena = NULL};
    thrift_dec_init(&ctx.dec, data, len);
    PqPageHeader ph;
    memset(&ph, 0, sizeof ph);
    ErrCode rc = dec_page_header(&ctx, &ph, err);
    if (rc != ERR_OK)
        return rc;
    *out = ph;
    *header_len = thrift_dec_offset(&ctx.dec);
    return ERR_OK;
}

/* ---- Page index ------------------------------------------------------------------------ */

static ErrCode elem_page_location(Ctx *ctx, void *elem, Err *err)
{
    PqPageLocation *loc = elem;
    unsigned seen = 0;
    TRY(thrift_struct_begin(&ctx->dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        TRY(thrift_field_next(&ctx->dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id == 1 && is_int(type)) {
            TRY(read_int(ctx, type, &loc->offset, err));
        } else if (id == 2 && is_int(type)) {
            TRY(read_i32(ctx, type, &loc->compressed_page_size, err));
        } else if (id == 3 && is_int(type)) {
            TRY(read_int(ctx, type, &loc->first_row_index, err));
        } else {
            TRY(thrift_skip(&ctx->dec, type, err));
            continue;
        }
        seen |= 1u << (id - 1);
    }
    thrift_struct_end(&ctx->dec);
    if (seen != 7)
        return missing(ctx, "PageLocation", "offset/compressed_page_size/first_row_index", err);
    return ERR_OK;
}

ErrCode pq_meta_dec_offset_index(Arena *arena, const uint8_t *data, size_t len, PqOffsetIndex *out,
                                 Err *err)
{
    Ctx ctx = {.arena = arena};
    thrift_dec_init(&ctx.dec, data, len);
    PqOffsetIndex oi = {0};
    bool has_locations = false;
    TRY(thrift_struct_begin(&ctx.dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        void *array;
        TRY(thrift_field_next(&ctx.dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id == 1 && type == THRIFT_LIST) {
            TRY(read_list(&ctx, THRIFT_STRUCT, sizeof(PqPageLocation), elem_page_location, &array,
                          &oi.n_pages, err));
            oi.page_locations = array;
            has_locations = true;
        } else {
            TRY(thrift_skip(&ctx.dec, type, err));
        }
    }
    thrift_struct_end(&ctx.dec);
    if (!has_locations)
        return missing(&ctx, "OffsetIndex", "page_locations", err);
    *out = oi;
    return ERR_OK;
}

ErrCode pq_meta_dec_column_index(Arena *arena, const uint8_t *data, size_t len, PqColumnIndex *out,
                                 Err *err)
{
    Ctx ctx = {.arena = arena};
    thrift_dec_init(&ctx.dec, data, len);
    PqColumnIndex ci = {0};
    int32_t n_null = -1, n_min = -1, n_max = -1, n_counts = -1;
    bool has_order = false;
    TRY(thrift_struct_begin(&ctx.dec, err));
    for (;;) {
        int16_t id;
        ThriftType type;
        bool b;
        void *array;
        TRY(thrift_field_next(&ctx.dec, &id, &type, &b, err));
        if (type == THRIFT_STOP)
            break;
        if (id == 1 && type == THRIFT_LIST) {
            TRY(read_list(&ctx, THRIFT_BOOL_TRUE, sizeof(bool), elem_bool, &array, &n_null, err));
            ci.null_pages = array;
        } else if ((id == 2 || id == 3) && type == THRIFT_LIST) {
            TRY(read_list(&ctx, THRIFT_BINARY, sizeof(PqBytes), elem_bytes, &array,
                          id == 2 ? &n_min : &n_max, err));
            if (id == 2)
                ci.min_values = array;
            else
                ci.max_values = array;
        } else if (id == 4 && is_int(type)) {
            int32_t v;
            TRY(read_enum(&ctx, type, PQ_BOUNDARY_DESCENDING, "boundary order", &v, err));
            ci.boundary_order = (PqBoundaryOrder)v;
            has_order = true;
        } else if (id == 5 && type == THRIFT_LIST) {
            TRY(read_list(&ctx, THRIFT_I32, sizeof(int64_t), elem_i64, &array, &n_counts, err));
            ci.null_counts = array;
        } else {
            TRY(thrift_skip(&ctx.dec, type, err));
        }
    }
    thrift_struct_end(&ctx.dec);
    if (n_null < 0 || n_min < 0 || n_max < 0 || !has_order)
        return missing(&ctx, "ColumnIndex", "null_pages/min_values/max_values/boundary_order", err);
    if (n_min != n_null || n_max != n_null || (n_counts >= 0 && n_counts != n_null))
        return err_set(err, ERR_CORRUPT, "ColumnIndex lists have different lengths (%d, %d, %d)",
                       n_null, n_min, n_max);
    ci.n_pages = n_null;
    *out = ci;
    return ERR_OK;
}
