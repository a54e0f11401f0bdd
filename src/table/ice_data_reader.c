/* ice_data_reader.c — an Iceberg data file read through the table schema (table layer;
 * contract in ice_data_reader.h).
 *
 * Open resolves the projection once: for each wanted field id, the Parquet column with
 * that field_id (pq_reader_find_field_id) and a conversion from the file's column type to
 * the field's:
 *
 *   conversion        file column               table field               work per row group
 *   SAME              the field's type          -                         none
 *   MISSING           (no column)               any                       all-NULL vector
 *   INT_TO_LONG       int                       long                      widen to int64
 *   FLOAT_TO_DOUBLE   float                     double                    widen to double
 *   DECIMAL_RETAG     decimal(P,S), P <= 18     decimal(P2,S), P2 <= 18   type only (int64)
 *   DECIMAL_TO_BYTES  decimal(P,S), P <= 18     decimal(P2,S), P2 > 18    int64 -> big-endian
 *   DECIMAL_WIDEN     decimal(P,S), P > 18      decimal(P2,S), P2 > P     sign-extend bytes
 *
 * Decimals wider than 18 digits are ColStr of big-endian two's complement bytes
 * (colvec.h); converted ones get the table precision's fixed width, as the Parquet reader
 * gives for FIXED_LEN_BYTE_ARRAY decimals. Converted vectors are flattened first.
 *
 * Row-group pruning hands ice_expr_to_pq_predicates a field id per Parquet column, or -1
 * for columns whose statistics cannot be compared with the table-typed constants (no
 * field id, not in the schema, or a conversion that changes the representation).
 *
 * Memory: the reader's own arena (charged to the Mem given at open) holds the projection;
 * the Parquet reader holds the mapping and footer. Decoded vectors go to the caller's
 * arena.
 */
#include "table/ice_data_reader.h"

#include <math.h>
#include <string.h>

#include "format/pq_reader.h"

/* Predicates checked per row group at most (conjuncts beyond are ignored: safe). */
#define READER_MAX_PREDICATES 64

typedef enum ReadConv {
    CONV_SAME,
    CONV_MISSING,
    CONV_INT_TO_LONG,
    CONV_FLOAT_TO_DOUBLE,
    CONV_DECIMAL_RETAG,
    CONV_DECIMAL_TO_BYTES,
    CONV_DECIMAL_WIDEN,
} ReadConv;

typedef struct ReadCol {
    int32_t field_id;
    const char *name; /* the table's name of the field */
    int32_t pq_col;   /* -1 when the file lacks the field */
    ColTypeInfo type; /* the table's column type */
    ReadConv conv;
} ReadCol;

struct IceDataReader {
    Mem *mem;
    Arena arena; /* path, projection, pruning map */
    PqReader *pq;
    const char *path;
    int32_t n_fields;
    ReadCol *cols;
    int32_t n_pq_cols;
    int32_t *pred_field_ids; /* per Parquet column: field id usable for pruning, or -1 */
};

/* Bytes of the smallest two's complement integer holding every `precision`-digit number
 * (the FIXED_LEN_BYTE_ARRAY width Parquet writers use). */
static uint32_t decimal_width(int32_t precision)
{
    uint32_t n = 1;
    while (floor((8.0 * n - 1) * log10(2.0)) < precision) {
        n++;
    }
    return n;
}

/* The conversion reading a file column of type `file` as `want`; false when none is legal. */
static bool choose_conv(ColTypeInfo file, IcePrim prim, ColTypeInfo want, ReadConv *conv)
{
    if (file.id == COL_INT32 && prim.id == ICE_LONG) {
        *conv = CONV_INT_TO_LONG;
        return true;
    }
    if (file.id == COL_FLOAT && prim.id == ICE_DOUBLE) {
        *conv = CONV_FLOAT_TO_DOUBLE;
        return true;
    }
    if (file.id != want.id)
        return false;
    *conv = CONV_SAME;
    switch (want.id) {
    case COL_DECIMAL:
        if (file.scale != want.scale || file.precision > want.precision)
            return false;
        if (file.precision == want.precision)
            return true;
        *conv = want.precision <= 18   ? CONV_DECIMAL_RETAG
                : file.precision <= 18 ? CONV_DECIMAL_TO_BYTES
                                       : CONV_DECIMAL_WIDEN;
        return true;
    case COL_FIXED:
    case COL_UUID:
        return file.fixed_len == want.fixed_len;
    case COL_BOOL:
    case COL_INT32:
    case COL_INT64:
    case COL_FLOAT:
    case COL_DOUBLE:
    case COL_DATE:
    case COL_TIMESTAMP:
    case COL_TIMESTAMPTZ:
    case COL_STRING:
    case COL_BINARY:
        return true;
    }
    return false;
}

/* The top-level field with `field_id`, or NULL. */
static const IceField *top_field(const IceSchema *schema, int32_t field_id)
{
    for (int32_t i = 0; i < schema->n_fields; i++) {
        if (schema->fields[i].id == field_id)
            return &schema->fields[i];
    }
    return NULL;
}

static ErrCode resolve_field(IceDataReader *r, const IceSchema *schema, int32_t field_id,
                             ReadCol *col, Err *err)
{
    const IceField *field = top_field(schema, field_id);
    if (!field) {
        if (ice_schema_find_id(schema, field_id))
            return err_set(err, ERR_UNSUPPORTED,
                           "field id %d is nested: only top-level fields "
                           "can be read",
                           field_id);
        return err_set(err, ERR_INVALID, "field id %d is not in schema %d", field_id,
                       schema->schema_id);
    }
    if (!field->type || !ice_type_is_primitive(field->type->id))
        return err_set(err, ERR_UNSUPPORTED,
                       "field \"%s\" (id %d) is nested: only primitive "
                       "fields can be read",
                       field->name, field_id);
    IcePrim prim = field->type->prim;
    *col = (ReadCol){.field_id = field_id,
                     .name = arena_strdup(&r->arena, field->name),
                     .pq_col = pq_reader_find_field_id(r->pq, field_id),
                     .type = ice_prim_to_col(prim),
                     .conv = CONV_MISSING};
    if (!col->name)
        return arena_error(&r->arena, err);
    if (col->pq_col < 0)
        return ERR_OK;
    const PqColumnInfo *info = pq_reader_column(r->pq, col->pq_col);
    if (info->unsupported)
        return err_set(err, ERR_UNSUPPORTED, "column \"%s\" for field \"%s\" (id %d): %s",
                       info->name, field->name, field_id, info->unsupported);
    if (!choose_conv(info->type, prim, col->type, &col->conv)) {
        char file_type[64], table_type[64];
        colvec_type_name(info->type, file_type, sizeof file_type);
        ice_prim_name(prim, table_type, sizeof table_type);
        return err_set(err, ERR_CORRUPT,
                       "column \"%s\" (field id %d) is %s, which cannot be read as field "
                       "\"%s\" of type %s",
                       info->name, field_id, file_type, field->name, table_type);
    }
    return ERR_OK;
}

/* Field ids for row-group pruning: only columns whose constants keep their representation. */
static ErrCode map_predicate_columns(IceDataReader *r, const IceSchema *schema, Err *err)
{
    r->n_pq_cols = pq_reader_n_columns(r->pq);
    r->pred_field_ids =
            arena_alloc_array(&r->arena, (size_t)r->n_pq_cols + 1, sizeof(*r->pred_field_ids));
    if (!r->pred_field_ids)
        return arena_error(&r->arena, err);
    for (int32_t c = 0; c < r->n_pq_cols; c++) {
        const PqColumnInfo *info = pq_reader_column(r->pq, c);
        const IceField *field = info->field_id >= 0 ? top_field(schema, info->field_id) : NULL;
        r->pred_field_ids[c] = -1;
        if (info->unsupported || !field || !field->type || !ice_type_is_primitive(field->type->id))
            continue;
        ReadConv conv;
        IcePrim prim = field->type->prim;
        if (!choose_conv(info->type, prim, ice_prim_to_col(prim), &conv))
            continue;
        if (conv == CONV_SAME || conv == CONV_INT_TO_LONG || conv == CONV_FLOAT_TO_DOUBLE ||
            conv == CONV_DECIMAL_RETAG) {
            r->pred_field_ids[c] = info->field_id;
        }
    }
    return ERR_OK;
}

ErrCode ice_data_reader_open(Mem *mem, const char *path, const IceSchema *schema,
                             const int32_t *field_ids, int32_t n_fields, IceDataReader **out,
                             Err *err)
{
    if (n_fields < 0)
        return err_set(err, ERR_INVALID, "data file \"%s\": negative projection size %d", path,
                       n_fields);
    IceDataReader *r = mem_calloc(mem, 1, sizeof(*r), err);
    if (!r)
        return ERR_NOMEM;
    r->mem = mem;
    arena_init(&r->arena, mem, 0);
    ErrCode rc = pq_reader_open(mem, path, &r->pq, err);
    if (rc != ERR_OK)
        goto out_free;
    r->path = arena_strdup(&r->arena, path);
    r->n_fields = n_fields;
    r->cols = arena_alloc_array(&r->arena, (size_t)n_fields + 1, sizeof(ReadCol));
    if (!r->path || !r->cols) {
        rc = arena_error(&r->arena, err);
        goto out_free;
    }
    for (int32_t i = 0; i < n_fields && rc == ERR_OK; i++) {
        rc = resolve_field(r, schema, field_ids[i], &r->cols[i], err);
    }
    if (rc == ERR_OK) {
        rc = map_predicate_columns(r, schema, err);
    }
    if (rc != ERR_OK) {
        err_prefix(err, "data file \"%s\"", path);
        goto out_free;
    }
    *out = r;
    return ERR_OK;
out_free:
    ice_data_reader_close(r);
    return rc;
}

void ice_data_reader_close(IceDataReader *r)
{
    if (!r)
        return;
    pq_reader_close(r->pq);
    arena_fini(&r->arena);
    mem_free(r->mem, r);
}

int32_t ice_data_reader_n_row_groups(const IceDataReader *r)
{
    return pq_reader_n_row_groups(r->pq);
}

int64_t ice_data_reader_row_group_rows(const IceDataReader *r, int32_t rg)
{
    return pq_reader_row_group_rows(r->pq, rg);
}

bool ice_data_reader_row_group_may_match(const IceDataReader *r, int32_t rg, const IceExpr *filter)
{
    if (!filter || rg < 0 || rg >= pq_reader_n_row_groups(r->pq))
        return true;
    if (filter->op == ICE_EXPR_FALSE)
        return false;
    PqPredicate preds[READER_MAX_PREDICATES];
    int32_t n_preds = ice_expr_to_pq_predicates(filter, r->pred_field_ids, r->n_pq_cols, preds,
                                                READER_MAX_PREDICATES);
    if (n_preds <= 0)
        return true;
    return pq_reader_row_group_may_match(r->pq, rg, preds, n_preds);
}

/* ---- conversions ------------------------------------------------------------------------ */

static ErrCode all_null(Arena *arena, ColTypeInfo type, size_t n_rows, ColVec *out, Err *err)
{
    ErrCode rc = colvec_alloc(arena, type, n_rows, true, out, err);
    if (rc != ERR_OK)
        return rc;
    memset(out->validity, 0, n_rows ? (n_rows + 7) / 8 : 1);
    return ERR_OK;
}

/* Widen int32 -> int64 or float -> double in a new values array. */
static ErrCode widen(Arena *arena, ColVec *vec, ReadConv conv, Err *err)
{
    size_t n = vec->n_rows;
    void *wide = arena_alloc_array(arena, n ? n : 1, 8);
    if (!wide)
        return arena_error(arena, err);
    if (conv == CONV_INT_TO_LONG) {
        const int32_t *src = vec->values;
        int64_t *dst = wide;
        for (size_t i = 0; i < n; i++) {
            dst[i] = src[i];
        }
    } else {
        const float *src = vec->values;
        double *dst = wide;
        for (size_t i = 0; i < n; i++) {
            dst[i] = src[i];
        }
    }
    vec->values = wide;
    return ERR_OK;
}

/* Sign-extend big-endian two's complement bytes (or an int64) to `width` bytes. */
static void store_be(uint8_t *dst, uint32_t width, const uint8_t *src, uint32_t src_len)
{
    uint8_t fill = src_len && (src[0] & 0x80) ? 0xff : 0x00;
    memset(dst, fill, width - src_len);
    memcpy(dst + width - src_len, src, src_len);
}

/* Decimal of at most 18 digits (int64) or narrower bytes -> `width`-byte big-endian. */
static ErrCode decimal_to_bytes(Arena *arena, ColVec *vec, ReadConv conv, uint32_t width, Err *err)
{
    size_t n = vec->n_rows;
    ColStr *strs = arena_alloc_array(arena, n ? n : 1, sizeof(ColStr));
    uint8_t *heap = arena_alloc_array(arena, n ? n : 1, width);
    if (!strs || !heap)
        return arena_error(arena, err);
    for (size_t i = 0; i < n; i++) {
        if (colvec_is_null(vec, i))
            continue;
        uint8_t *dst = heap + i * width;
        if (conv == CONV_DECIMAL_TO_BYTES) {
            uint64_t v = (uint64_t)((const int64_t *)vec->values)[i];
            uint8_t be[8];
            for (int k = 0; k < 8; k++) {
                be[k] = (uint8_t)(v >> (56 - 8 * k));
            }
            store_be(dst, width, be, 8);
        } else {
            ColStr s = ((const ColStr *)vec->values)[i];
            if (s.len > width)
                return err_set(err, ERR_CORRUPT, "row %zu: decimal of %u bytes is wider than %u", i,
                               s.len, width);
            store_be(dst, width, (const uint8_t *)s.ptr, s.len);
        }
        strs[i] = (ColStr){width, (const char *)dst};
    }
    vec->values = strs;
    return ERR_OK;
}

static ErrCode convert(Arena *arena, const ReadCol *col, ColVec *vec, Err *err)
{
    ErrCode rc = ERR_OK;
    switch (col->conv) {
    case CONV_SAME:
    case CONV_MISSING:
    case CONV_DECIMAL_RETAG:
        break;
    case CONV_INT_TO_LONG:
    case CONV_FLOAT_TO_DOUBLE:
        rc = colvec_flatten(arena, vec, err);
        if (rc == ERR_OK) {
            rc = widen(arena, vec, col->conv, err);
        }
        break;
    case CONV_DECIMAL_TO_BYTES:
    case CONV_DECIMAL_WIDEN:
        rc = colvec_flatten(arena, vec, err);
        if (rc == ERR_OK) {
            rc = decimal_to_bytes(arena, vec, col->conv, decimal_width(col->type.precision), err);
        }
        break;
    }
    if (rc == ERR_OK) {
        vec->type = col->type;
    }
    return rc;
}

ErrCode ice_data_reader_read(IceDataReader *r, int32_t rg, Arena *arena, ColVec *out, Err *err)
{
    int32_t n_rgs = pq_reader_n_row_groups(r->pq);
    if (rg < 0 || rg >= n_rgs)
        return err_set(err, ERR_INVALID, "data file \"%s\": row group %d out of range (%d)",
                       r->path, rg, n_rgs);
    int64_t n_rows = pq_reader_row_group_rows(r->pq, rg);
    for (int32_t i = 0; i < r->n_fields; i++) {
        const ReadCol *col = &r->cols[i];
        ErrCode rc;
        if (col->conv == CONV_MISSING) {
            rc = all_null(arena, col->type, (size_t)n_rows, &out[i], err);
        } else {
            rc = pq_reader_read_column(r->pq, rg, col->pq_col, arena, &out[i], err);
            if (rc == ERR_OK) {
                rc = convert(arena, col, &out[i], err);
            }
        }
        if (rc != ERR_OK) {
            err_prefix(err, "data file \"%s\": row group %d: field \"%s\" (id %d)", r->path, rg,
                       col->name, col->field_id);
            return rc;
        }
    }
    return ERR_OK;
}
