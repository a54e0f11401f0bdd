/* pq_reader.c — opening Parquet files: footer, schema, type mapping, lookups and row-group
 * pruning (see pq_reader.h; column decoding is in pq_reader_read.c).
 *
 * File layout (SPECS.md §1.1):
 *
 *   offset 0         "PAR1"
 *   4 ..             column chunks (pages)
 *   len-8-F .. len-8 FileMetaData, Thrift compact, F bytes
 *   len-8            u32 LE F
 *   len-4            "PAR1"
 *
 * Open checks both magics, that F fits before the trailer, decodes the footer into the
 * reader's arena (pq_meta_dec.c), then walks the schema depth-first: the root's children
 * are the top-level fields; a leaf directly under the root that is REQUIRED or OPTIONAL is
 * flat and decodable, anything below a group or REPEATED is listed with `unsupported`.
 * Every row group must have one column chunk per leaf, each with metadata whose byte range
 * lies inside the file; deeper checks happen when a chunk is read.
 *
 * Pruning compares each predicate's constant with the chunk's min/max statistics in the
 * column's own sort order: signed for ints, dates, timestamps and int-backed decimals,
 * unsigned bytewise for strings and binary, IEEE for floats (NaN bounds: may match). The
 * deprecated min/max fields are used only for signed numeric columns (their order was
 * signed bytewise for byte types, which is wrong). Anything unknown means "may match".
 */
#include "format/pq_reader.h"

#include <string.h>

#include "base/hash.h"
#include "format/pq_meta_dec.h"
#include "format/pq_reader_int.h"

#define PQ_MAX_SCHEMA_DEPTH 64

static ErrCode corrupt_file(const PqReader *r, Err *err, const char *what)
{
    return err_set(err, ERR_CORRUPT, "parquet file \"%s\": %s", r->name, what);
}

/* ---- type mapping ------------------------------------------------------------------- */

static bool is_decimal(const PqSchemaElement *e, int32_t *precision, int32_t *scale)
{
    if (e->logical.kind == PQ_LT_DECIMAL) {
        *precision = e->logical.precision;
        *scale = e->logical.scale;
        return true;
    }
    if (e->has_converted_type && e->converted_type == PQ_CT_DECIMAL) {
        *precision = e->precision;
        *scale = e->scale;
        return true;
    }
    return false;
}

static const char *map_int32(const PqSchemaElement *e, ColTypeInfo *t, PqLeafPlan *plan)
{
    const PqLogicalType *lt = &e->logical;
    PqConvertedType ct = e->has_converted_type ? e->converted_type : (PqConvertedType)-1;
    t->id = COL_INT32;
    if (lt->kind == PQ_LT_DATE || ct == PQ_CT_DATE) {
        t->id = COL_DATE;
        return NULL;
    }
    if (lt->kind == PQ_LT_TIME || ct == PQ_CT_TIME_MILLIS)
        return "time type is not supported";
    int bits = 32;
    bool is_signed = true;
    if (lt->kind == PQ_LT_INTEGER) {
        bits = lt->bit_width;
        is_signed = lt->is_signed;
    } else if (ct >= PQ_CT_UINT_8 && ct <= PQ_CT_INT_64) {
        static const int widths[] = {8, 16, 32, 64};
        bits = widths[(ct - PQ_CT_UINT_8) % 4];
        is_signed = ct >= PQ_CT_INT_8;
    }
    plan->is_unsigned = !is_signed;
    if (bits == 8)
        plan->conv = is_signed ? PQ_CONV_I8 : PQ_CONV_U8;
    else if (bits == 16)
        plan->conv = is_signed ? PQ_CONV_I16 : PQ_CONV_U16;
    else if (bits == 32 && !is_signed) {
        t->id = COL_INT64;
        plan->conv = PQ_CONV_U32_TO_I64;
        plan->is_unsigned = true;
    } else if (bits != 32)
        return "integer annotation does not match INT32";
    return NULL;
}

static const char *map_int64(const PqSchemaElement *e, ColTypeInfo *t, PqLeafPlan *plan)
{
    const PqLogicalType *lt = &e->logical;
    PqConvertedType ct = e->has_converted_type ? e->converted_type : (PqConvertedType)-1;
    t->id = COL_INT64;
    if (lt->kind == PQ_LT_TIMESTAMP) {
        t->id = lt->is_adjusted_to_utc ? COL_TIMESTAMPTZ : COL_TIMESTAMP;
        plan->conv = lt->unit == PQ_UNIT_MILLIS  ? PQ_CONV_MILLIS
                     : lt->unit == PQ_UNIT_NANOS ? PQ_CONV_NANOS
                                                 : PQ_CONV_NONE;
        return NULL;
    }
    if (lt->kind == PQ_LT_NONE && (ct == PQ_CT_TIMESTAMP_MILLIS || ct == PQ_CT_TIMESTAMP_MICROS)) {
        /* Legacy annotations imply UTC-normalised instants (LogicalTypes.md). */
        t->id = COL_TIMESTAMPTZ;
        plan->conv = ct == PQ_CT_TIMESTAMP_MILLIS ? PQ_CONV_MILLIS : PQ_CONV_NONE;
        return NULL;
    }
    if (lt->kind == PQ_LT_TIME || ct == PQ_CT_TIME_MICROS)
        return "time type is not supported";
    if ((lt->kind == PQ_LT_INTEGER && !lt->is_signed) || ct == PQ_CT_UINT_64)
        plan->is_unsigned = true;
    return NULL;
}

static const char *map_bytes(const PqSchemaElement *e, ColTypeInfo *t, PqLeafPlan *plan)
{
    const PqLogicalType *lt = &e->logical;
    PqConvertedType ct = e->has_converted_type ? e->converted_type : (PqConvertedType)-1;
    if (e->type == PQ_FIXED_LEN_BYTE_ARRAY) {
        if (e->type_length <= 0)
            return "fixed-length byte array without a positive type_length";
        plan->type_len = (uint32_t)e->type_length;
        t->fixed_len = e->type_length;
        t->id = COL_FIXED;
        if (lt->kind == PQ_LT_UUID && e->type_length == 16)
            t->id = COL_UUID;
        return NULL;
    }
    t->id = COL_BINARY;
    if (lt->kind == PQ_LT_STRING || lt->kind == PQ_LT_ENUM || lt->kind == PQ_LT_JSON ||
        ct == PQ_CT_UTF8 || ct == PQ_CT_ENUM || ct == PQ_CT_JSON)
        t->id = COL_STRING;
    (void)plan;
    return NULL;
}

/* ColType, conversion and unsupported reason (NULL when decodable) of a flat leaf. */
static const char *map_leaf(const PqSchemaElement *e, ColTypeInfo *t, PqLeafPlan *plan)
{
    memset(t, 0, sizeof *t);
    plan->phys = e->type;
    int32_t precision, scale;
    if (is_decimal(e, &precision, &scale) && e->type != PQ_BOOLEAN && e->type != PQ_FLOAT &&
        e->type != PQ_DOUBLE && e->type != PQ_INT96) {
        if (precision <= 0 || precision > 38 || scale < 0 || scale > precision)
            return "decimal with invalid precision or scale";
        t->id = COL_DECIMAL;
        t->precision = precision;
        t->scale = scale;
        if (e->type == PQ_INT32 || e->type == PQ_INT64) {
            if (precision > 18)
                return "decimal wider than 18 digits stored in an integer";
            plan->conv = e->type == PQ_INT32 ? PQ_CONV_I32_TO_I64 : PQ_CONV_NONE;
            return NULL;
        }
        if (e->type == PQ_FIXED_LEN_BYTE_ARRAY) {
            if (e->type_length <= 0)
                return "fixed-length byte array without a positive type_length";
            plan->type_len = (uint32_t)e->type_length;
        }
        plan->conv = precision <= 18 ? PQ_CONV_BYTES_I64 : PQ_CONV_NONE;
        return NULL;
    }
    switch (e->type) {
    case PQ_BOOLEAN:
        t->id = COL_BOOL;
        return NULL;
    case PQ_INT32:
        return map_int32(e, t, plan);
    case PQ_INT64:
        return map_int64(e, t, plan);
    case PQ_INT96:
        t->id = COL_TIMESTAMP;
        return NULL;
    case PQ_FLOAT:
        t->id = COL_FLOAT;
        return NULL;
    case PQ_DOUBLE:
        t->id = COL_DOUBLE;
        return NULL;
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        return map_bytes(e, t, plan);
    }
    return "unknown physical type";
}

/* ---- schema walk ---------------------------------------------------------------------- */

typedef struct Walk {
    PqReader *r;
    int32_t next; /* next schema element */
    int32_t n_leaves;
    Err *err;
} Walk;

static ErrCode add_leaf(Walk *w, const PqSchemaElement *e, const char *path, bool is_nested)
{
    PqReader *r = w->r;
    PqColumnInfo *info = &r->columns[w->n_leaves];
    PqLeafPlan *plan = &r->plans[w->n_leaves];
    memset(plan, 0, sizeof *plan);
    info->name = path;
    info->leaf_idx = w->n_leaves;
    info->field_id = e->has_field_id ? e->field_id : -1;
    info->element = e;
    bool is_repeated = e->has_repetition && e->repetition == PQ_REPEATED;
    info->is_nullable = !e->has_repetition || e->repetition != PQ_REQUIRED;
    const char *why = map_leaf(e, &info->type, plan);
    if (is_nested)
        why = "nested column (inside a struct, list or map) is not supported";
    else if (is_repeated)
        why = "repeated column is not supported";
    info->unsupported = why;
    plan->max_def = info->is_nullable ? 1 : 0;
    w->n_leaves++;
    return ERR_OK;
}

static ErrCode walk_children(Walk *w, int32_t n_children, const char *prefix, bool is_nested,
                             int depth)
{
    PqReader *r = w->r;
    if (depth > PQ_MAX_SCHEMA_DEPTH)
        return err_set(w->err, ERR_CORRUPT, "parquet file \"%s\": schema nested deeper than %d",
                       r->name, PQ_MAX_SCHEMA_DEPTH);
    for (int32_t i = 0; i < n_children; i++) {
        if (w->next >= r->meta.n_schema)
            return err_set(w->err, ERR_CORRUPT,
                           "parquet file \"%s\": schema declares more children than its %d "
                           "elements",
                           r->name, r->meta.n_schema);
        const PqSchemaElement *e = &r->meta.schema[w->next++];
        const char *path = prefix ? arena_sprintf(&r->arena, "%s.%s", prefix, e->name) : e->name;
        if (!path)
            return arena_error(&r->arena, w->err);
        bool is_group = !e->has_type || (e->has_num_children && e->num_children > 0);
        if (!is_group) {
            ErrCode rc = add_leaf(w, e, path, is_nested);
            if (rc != ERR_OK)
                return rc;
            continue;
        }
        int32_t kids = e->has_num_children ? e->num_children : 0;
        if (kids < 0)
            return err_set(w->err, ERR_CORRUPT,
                           "parquet file \"%s\": schema element \"%s\" has %d children", r->name,
                           e->name, kids);
        ErrCode rc = walk_children(w, kids, path, true, depth + 1);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static ErrCode build_schema(PqReader *r, Err *err)
{
    const PqFileMeta *m = &r->meta;
    if (m->n_schema < 1 || !m->schema[0].has_num_children || m->schema[0].num_children < 0)
        return corrupt_file(r, err, "schema has no root group");
    r->columns = arena_alloc_array(&r->arena, (size_t)m->n_schema, sizeof *r->columns);
    r->plans = arena_alloc_array(&r->arena, (size_t)m->n_schema, sizeof *r->plans);
    if (!r->columns || !r->plans)
        return arena_error(&r->arena, err);
    Walk w = {.r = r, .next = 1, .err = err};
    ErrCode rc = walk_children(&w, m->schema[0].num_children, NULL, false, 1);
    if (rc != ERR_OK)
        return rc;
    r->n_columns = w.n_leaves;
    return ERR_OK;
}

/* Each row group has a chunk with metadata per leaf, its byte range inside the file. */
static ErrCode check_row_groups(PqReader *r, Err *err)
{
    for (int32_t rg = 0; rg < r->meta.n_row_groups; rg++) {
        const PqRowGroup *g = &r->meta.row_groups[rg];
        if (g->n_columns != r->n_columns)
            return err_set(err, ERR_CORRUPT,
                           "parquet file \"%s\": row group %d has %d column chunks, the schema "
                           "has %d leaves",
                           r->name, rg, g->n_columns, r->n_columns);
        if (g->num_rows < 0)
            return err_set(err, ERR_CORRUPT, "parquet file \"%s\": row group %d has %lld rows",
                           r->name, rg, (long long)g->num_rows);
        for (int32_t c = 0; c < g->n_columns; c++) {
            const PqColumnChunk *cc = &g->columns[c];
            if (!cc->has_meta_data || cc->file_path)
                return err_set(err, ERR_CORRUPT,
                               "parquet file \"%s\": row group %d, column \"%s\": chunk has no "
                               "metadata or lives in another file",
                               r->name, rg, r->columns[c].name);
        }
    }
    return ERR_OK;
}

static ErrCode parse_footer(PqReader *r, Err *err)
{
    const uint8_t *d = r->data;
    size_t len = r->len;
    if (len < 12)
        return err_set(err, ERR_CORRUPT,
                       "parquet file \"%s\": %zu bytes is too short for a parquet file", r->name,
                       len);
    if (memcmp(d, PQ_MAGIC, 4) != 0 || memcmp(d + len - 4, PQ_MAGIC, 4) != 0)
        return err_set(err, ERR_CORRUPT,
                       "parquet file \"%s\": bad magic bytes at offset %s (not a parquet file)",
                       r->name, memcmp(d, PQ_MAGIC, 4) != 0 ? "0" : "end-4");
    uint32_t footer_len = load_u32le(d + len - 8);
    if (footer_len > len - 12)
        return err_set(err, ERR_CORRUPT,
                       "parquet file \"%s\": footer length %u at offset %zu exceeds the %zu "
                       "bytes before it",
                       r->name, footer_len, len - 8, len - 12);
    size_t footer_at = len - 8 - footer_len;
    ErrCode rc = pq_meta_dec_file(&r->arena, d + footer_at, footer_len, &r->meta, err);
    if (rc != ERR_OK) {
        err_prefix(err, "parquet file \"%s\": footer at offset %zu", r->name, footer_at);
        return rc;
    }
    if (r->meta.n_row_groups < 0 || r->meta.num_rows < 0)
        return corrupt_file(r, err, "footer has negative counts");
    rc = build_schema(r, err);
    if (rc == ERR_OK)
        rc = check_row_groups(r, err);
    return rc;
}

static ErrCode reader_new(Mem *mem, const char *name, PqReader **out, Err *err)
{
    PqReader *r = mem_calloc(mem, 1, sizeof *r, err);
    if (!r)
        return ERR_NOMEM;
    r->mem = mem;
    arena_init(&r->arena, mem, 0);
    r->name = arena_strdup(&r->arena, name ? name : "(buffer)");
    if (!r->name) {
        ErrCode rc = arena_error(&r->arena, err);
        pq_reader_close(r);
        return rc;
    }
    r->dict_seed = hash_u64((uint64_t)(uintptr_t)r);
    *out = r;
    return ERR_OK;
}

ErrCode pq_reader_open_buffer(Mem *mem, const uint8_t *data, size_t len, const char *name,
                              PqReader **out, Err *err)
{
    PqReader *r;
    ErrCode rc = reader_new(mem, name, &r, err);
    if (rc != ERR_OK)
        return rc;
    r->data = data;
    r->len = len;
    rc = parse_footer(r, err);
    if (rc != ERR_OK) {
        pq_reader_close(r);
        return rc;
    }
    *out = r;
    return ERR_OK;
}

ErrCode pq_reader_open(Mem *mem, const char *path, PqReader **out, Err *err)
{
    PqReader *r;
    ErrCode rc = reader_new(mem, path, &r, err);
    if (rc != ERR_OK)
        return rc;
    rc = file_map(path, &r->map, err);
    if (rc != ERR_OK) {
        pq_reader_close(r);
        return rc;
    }
    r->data = r->map.data;
    r->len = r->map.len;
    rc = parse_footer(r, err);
    if (rc != ERR_OK) {
        pq_reader_close(r);
        return rc;
    }
    *out = r;
    return ERR_OK;
}

void pq_reader_close(PqReader *reader)
{
    if (!reader)
        return;
    file_unmap(&reader->map);
    arena_fini(&reader->arena);
    mem_free(reader->mem, reader);
}

const PqFileMeta *pq_reader_meta(const PqReader *reader)
{
    return &reader->meta;
}

int64_t pq_reader_n_rows(const PqReader *reader)
{
    return reader->meta.num_rows;
}

int32_t pq_reader_n_row_groups(const PqReader *reader)
{
    return reader->meta.n_row_groups;
}

int64_t pq_reader_row_group_rows(const PqReader *reader, int32_t rg)
{
    if (rg < 0 || rg >= reader->meta.n_row_groups)
        return 0;
    return reader->meta.row_groups[rg].num_rows;
}

int32_t pq_reader_n_columns(const PqReader *reader)
{
    return reader->n_columns;
}

const PqColumnInfo *pq_reader_column(const PqReader *reader, int32_t col)
{
    if (col < 0 || col >= reader->n_columns)
        return NULL;
    return &reader->columns[col];
}

int32_t pq_reader_find_column(const PqReader *reader, const char *name)
{
    for (int32_t c = 0; c < reader->n_columns; c++) {
        if (strcmp(reader->columns[c].name, name) == 0)
            return c;
    }
    return -1;
}

int32_t pq_reader_find_field_id(const PqReader *reader, int32_t field_id)
{
    for (int32_t c = 0; c < reader->n_columns; c++) {
        if (reader->columns[c].field_id == field_id && field_id >= 0)
            return c;
    }
    return -1;
}

/* ---- row-group pruning ---------------------------------------------------------------- */

typedef enum StatKind {
    STAT_NONE,
    STAT_I64,
    STAT_F64,
    STAT_BYTES,
} StatKind;

typedef struct StatVal {
    int64_t i64;
    double f64;
    PqBytes bytes;
} StatVal;

/* How a column's statistics compare, or STAT_NONE when tarn does not prune on it. */
static StatKind stat_kind(const PqColumnInfo *info, const PqLeafPlan *plan)
{
    if (plan->is_unsigned && plan->phys == PQ_INT64)
        return STAT_NONE;
    switch (info->type.id) {
    case COL_BOOL:
    case COL_INT32:
    case COL_INT64:
    case COL_DATE:
    case COL_TIMESTAMP:
    case COL_TIMESTAMPTZ:
        return plan->phys == PQ_INT96 ? STAT_NONE : STAT_I64;
    case COL_DECIMAL:
        return info->type.precision <= 18 ? STAT_I64 : STAT_NONE;
    case COL_FLOAT:
    case COL_DOUBLE:
        return STAT_F64;
    case COL_STRING:
    case COL_BINARY:
    case COL_UUID:
    case COL_FIXED:
        return STAT_BYTES;
    }
    return STAT_NONE;
}

/* Decode one PLAIN statistics value into the column's comparison representation. */
static bool stat_decode(const PqLeafPlan *plan, StatKind kind, PqBytes raw, StatVal *out)
{
    if (kind == STAT_BYTES) {
        out->bytes = raw;
        return true;
    }
    if (plan->conv == PQ_CONV_BYTES_I64) {
        if (raw.len == 0 || raw.len > 8)
            return false;
        out->i64 = pq_be_to_i64(raw.ptr, raw.len);
        return true;
    }
    switch (plan->phys) {
    case PQ_BOOLEAN:
        if (raw.len < 1)
            return false;
        out->i64 = raw.ptr[0] != 0;
        return true;
    case PQ_INT32:
        if (raw.len != 4)
            return false;
        out->i64 = plan->is_unsigned ? (int64_t)load_u32le(raw.ptr)
                                     : (int64_t)(int32_t)load_u32le(raw.ptr);
        return true;
    case PQ_INT64:
        if (raw.len != 8)
            return false;
        out->i64 = (int64_t)load_u64le(raw.ptr);
        if (plan->conv == PQ_CONV_MILLIS && __builtin_mul_overflow(out->i64, 1000, &out->i64))
            return false; /* out of range: no pruning on this bound */
        else if (plan->conv == PQ_CONV_NANOS)
            out->i64 = pq_nanos_to_micros(out->i64);
        return true;
    case PQ_FLOAT: {
        if (raw.len != 4)
            return false;
        uint32_t bits = load_u32le(raw.ptr);
        float f;
        memcpy(&f, &bits, 4);
        out->f64 = f;
        return out->f64 == out->f64;
    }
    case PQ_DOUBLE: {
        if (raw.len != 8)
            return false;
        uint64_t bits = load_u64le(raw.ptr);
        memcpy(&out->f64, &bits, 8);
        return out->f64 == out->f64;
    }
    case PQ_INT96:
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        return false;
    }
    return false;
}

/* <0, 0, >0 as a compares with the predicate constant. */
static int stat_cmp(StatKind kind, const StatVal *a, const PqPredicate *p)
{
    if (kind == STAT_I64)
        return (a->i64 > p->i64) - (a->i64 < p->i64);
    if (kind == STAT_F64)
        return (a->f64 > p->f64) - (a->f64 < p->f64);
    uint32_t n = TN_MIN(a->bytes.len, p->str.len);
    int c = n ? memcmp(a->bytes.ptr, p->str.ptr, n) : 0;
    if (c != 0)
        return c;
    return (a->bytes.len > p->str.len) - (a->bytes.len < p->str.len);
}

static bool pred_may_match(const PqReader *r, const PqRowGroup *g, const PqPredicate *p)
{
    if (p->col < 0 || p->col >= r->n_columns)
        return true;
    const PqColumnInfo *info = &r->columns[p->col];
    const PqLeafPlan *plan = &r->plans[p->col];
    const PqColumnMeta *cm = &g->columns[p->col].meta_data;
    if (info->unsupported || !cm->has_statistics)
        return true;
    const PqStatistics *st = &cm->statistics;
    if (p->cmp == PQ_CMP_IS_NULL)
        return !(st->has_null_count && st->null_count == 0);
    if (st->has_null_count && st->null_count >= g->num_rows && g->num_rows > 0)
        return false; /* all NULL: no comparison and no IS NOT NULL can hold */
    if (p->cmp == PQ_CMP_IS_NOT_NULL)
        return true;
    StatKind kind = stat_kind(info, plan);
    if (kind == STAT_NONE)
        return true;
    if (r->meta.n_column_orders > p->col && r->meta.column_orders[p->col] != PQ_ORDER_TYPE_DEFINED)
        return true;
    PqBytes raw_min, raw_max;
    if (st->has_min_value && st->has_max_value) {
        raw_min = st->min_value;
        raw_max = st->max_value;
    } else if (st->has_min && st->has_max && !plan->is_unsigned &&
               (plan->phys == PQ_INT32 || plan->phys == PQ_INT64 || plan->phys == PQ_FLOAT ||
                plan->phys == PQ_DOUBLE)) {
        /* The deprecated fields were written in signed order: only trusted for signed
         * numeric physical types (not for decimals or anything stored as bytes). */
        raw_min = st->min;
        raw_max = st->max;
    } else {
        return true;
    }
    StatVal lo, hi;
    if (!stat_decode(plan, kind, raw_min, &lo) || !stat_decode(plan, kind, raw_max, &hi))
        return true;
    switch (p->cmp) {
    case PQ_CMP_EQ:
        return stat_cmp(kind, &lo, p) <= 0 && stat_cmp(kind, &hi, p) >= 0;
    case PQ_CMP_LT:
        return stat_cmp(kind, &lo, p) < 0;
    case PQ_CMP_LE:
        return stat_cmp(kind, &lo, p) <= 0;
    case PQ_CMP_GT:
        return stat_cmp(kind, &hi, p) > 0;
    case PQ_CMP_GE:
        return stat_cmp(kind, &hi, p) >= 0;
    case PQ_CMP_IS_NULL:
    case PQ_CMP_IS_NOT_NULL:
        return true;
    }
    return true;
}

bool pq_reader_row_group_may_match(const PqReader *reader, int32_t rg, const PqPredicate *preds,
                                   int32_t n_preds)
{
    if (rg < 0 || rg >= reader->meta.n_row_groups)
        return true;
    const PqRowGroup *g = &reader->meta.row_groups[rg];
    for (int32_t i = 0; i < n_preds; i++) {
        if (!pred_may_match(reader, g, &preds[i]))
            return false;
    }
    return true;
}
