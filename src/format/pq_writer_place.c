/* pq_writer_place.c — the second half of the Parquet writer: encode a buffered row group's
 * columns (in parallel when n_threads > 1), append the chunks in column order, record
 * their footer metadata, and at close write the page indexes and the footer (format layer;
 * see pq_writer_int.h for the shared state, pq_writer.c for the file layout).
 *
 * Parallelism: each worker claims the next column index from an atomic counter and
 * encodes it into that column's own buffers; the calling thread works too and joins the
 * others before placing anything, so file output stays single-threaded and ordered.
 * Footer structs and statistic bytes live in the writer arena until close.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "format/pq_meta_enc.h"
#include "format/pq_writer_int.h"

typedef struct EncodeJob {
    const PqWriter *w;
    atomic_int next;
} EncodeJob;

static void *encode_worker(void *arg)
{
    EncodeJob *job = arg;
    for (;;) {
        int c = atomic_fetch_add(&job->next, 1);
        if (c >= job->w->n_cols)
            break;
        err_ignore(pq_writer_encode_chunk(job->w, &job->w->cols[c])); /* rc kept in enc */
    }
    return NULL;
}

static ErrCode encode_all(PqWriter *w, Err *err)
{
    EncodeJob job = {.w = w};
    atomic_init(&job.next, 0);
    pthread_t threads[64];
    int n_extra = TN_MIN(TN_MIN(w->opts.n_threads, w->n_cols) - 1, (int)TN_ARRAY_LEN(threads));
    int n_started = 0;
    for (int t = 0; t < n_extra; t++) {
        if (pthread_create(&threads[n_started], NULL, encode_worker, &job) != 0)
            break; /* fewer helpers; the calling thread still finishes the work */
        n_started++;
    }
    encode_worker(&job);
    for (int t = 0; t < n_started; t++) {
        pthread_join(threads[t], NULL);
    }
    for (int32_t c = 0; c < w->n_cols; c++) {
        if (w->cols[c].enc.rc != ERR_OK) {
            *err = w->cols[c].enc.err;
            err_prefix(err, "column \"%s\"", w->cols[c].spec.name);
            return w->cols[c].enc.rc;
        }
    }
    return ERR_OK;
}

static bool is_signed_order(PqStatsKind kind)
{
    return kind != PQ_STATS_BYTES && kind != PQ_STATS_BYTES_SIGNED;
}

static ErrCode copy_bound(PqWriter *w, PqBytes src, PqBytes *dst, Err *err)
{
    uint8_t *p = arena_memdup(&w->arena, src.len ? src.ptr : (const uint8_t *)"", src.len);
    if (!p)
        return arena_error(&w->arena, err);
    *dst = (PqBytes){p, src.len};
    return ERR_OK;
}

static ErrCode chunk_statistics(PqWriter *w, const PqWCol *col, PqStatistics *st, Err *err)
{
    const PqStats *s = &col->enc.stats;
    memset(st, 0, sizeof(*st));
    st->has_null_count = true;
    st->null_count = s->null_count;
    if (!s->has_bounds)
        return ERR_OK;
    uint8_t buf[2][8];
    ErrCode rc = copy_bound(w, pq_stats_min_bytes(s, buf[0]), &st->min_value, err);
    if (rc == ERR_OK) {
        rc = copy_bound(w, pq_stats_max_bytes(s, buf[1]), &st->max_value, err);
    }
    if (rc != ERR_OK)
        return rc;
    st->has_min_value = st->has_max_value = true;
    if (is_signed_order(col->stats_kind)) {
        st->has_min = st->has_max = true;
        st->min = st->min_value;
        st->max = st->max_value;
    }
    return ERR_OK;
}

static ErrCode chunk_encodings(PqWriter *w, const PqWCol *col, PqColumnMeta *cm, Err *err)
{
    const PqColEnc *e = &col->enc;
    bool used[PQ_N_ENCODINGS] = {0};
    int32_t n_stats = e->has_dict_page;
    for (int i = 0; i < PQ_N_ENCODINGS; i++) {
        used[i] = e->data_enc_count[i] > 0;
        n_stats += used[i];
    }
    used[PQ_ENC_PLAIN] |= e->has_dict_page;
    used[PQ_ENC_RLE] |= col->spec.is_nullable;
    cm->encodings = arena_alloc_array(&w->arena, PQ_N_ENCODINGS, sizeof(PqEncoding));
    cm->encoding_stats =
            arena_alloc_array(&w->arena, (size_t)n_stats + 1, sizeof(PqPageEncodingStats));
    if (!cm->encodings || !cm->encoding_stats)
        return arena_error(&w->arena, err);
    for (int i = 0; i < PQ_N_ENCODINGS; i++) {
        if (used[i]) {
            cm->encodings[cm->n_encodings++] = (PqEncoding)i;
        }
    }
    if (e->has_dict_page) {
        cm->encoding_stats[cm->n_encoding_stats++] =
                (PqPageEncodingStats){PQ_PAGE_DICTIONARY, PQ_ENC_PLAIN, 1};
    }
    PqPageType data_type = w->opts.data_page_version == 2 ? PQ_PAGE_DATA_V2 : PQ_PAGE_DATA;
    for (int i = 0; i < PQ_N_ENCODINGS; i++) {
        if (e->data_enc_count[i] > 0) {
            cm->encoding_stats[cm->n_encoding_stats++] =
                    (PqPageEncodingStats){data_type, (PqEncoding)i, e->data_enc_count[i]};
        }
    }
    return ERR_OK;
}

/* Compare page bounds for the boundary order (same kind). */
static int cmp_bounds(PqStatsKind kind, const PqStats *a, const PqStats *b, bool use_min)
{
    switch (kind) {
    case PQ_STATS_BOOL:
    case PQ_STATS_I32:
    case PQ_STATS_I64: {
        int64_t x = use_min ? a->min.i : a->max.i, y = use_min ? b->min.i : b->max.i;
        return x < y ? -1 : x > y;
    }
    case PQ_STATS_FLOAT:
    case PQ_STATS_DOUBLE: {
        double x = use_min ? a->min.d : a->max.d, y = use_min ? b->min.d : b->max.d;
        return x < y ? -1 : x > y;
    }
    case PQ_STATS_BYTES:
    case PQ_STATS_BYTES_SIGNED:
        break;
    }
    return use_min ? pq_stats_cmp_bytes(kind, a->min_ptr, a->min_len, b->min_ptr, b->min_len)
                   : pq_stats_cmp_bytes(kind, a->max_ptr, a->max_len, b->max_ptr, b->max_len);
}

static PqBoundaryOrder boundary_order(const PqWCol *col, const PqPageInfo *pages, int32_t n)
{
    bool is_asc = true, is_desc = true;
    const PqStats *prev = NULL;
    for (int32_t i = 0; i < n; i++) {
        if (!pages[i].stats.has_bounds)
            continue;
        if (prev) {
            int lo = cmp_bounds(col->stats_kind, prev, &pages[i].stats, true);
            int hi = cmp_bounds(col->stats_kind, prev, &pages[i].stats, false);
            is_asc &= lo <= 0 && hi <= 0;
            is_desc &= lo >= 0 && hi >= 0;
        }
        prev = &pages[i].stats;
    }
    return is_asc    ? PQ_BOUNDARY_ASCENDING
           : is_desc ? PQ_BOUNDARY_DESCENDING
                     : PQ_BOUNDARY_UNORDERED;
}

/* Serialise the chunk's ColumnIndex and OffsetIndex; offsets become absolute at close. */
static ErrCode page_indexes(PqWriter *w, const PqWCol *col, int64_t base, PqColumnChunk *cc,
                            Err *err)
{
    const PqPageInfo *pages = (const PqPageInfo *)(const void *)col->enc.pages.data;
    int32_t n = (int32_t)(col->enc.pages.len / sizeof(PqPageInfo));
    size_t n_bytes = (size_t)n * (sizeof(PqPageLocation) + sizeof(bool) + 2 * sizeof(PqBytes) +
                                  sizeof(int64_t) + 16) +
                     64;
    uint8_t *scratch = mem_alloc(w->mem, n_bytes, err);
    if (!scratch)
        return ERR_NOMEM;
    PqPageLocation *locs = (PqPageLocation *)(void *)scratch;
    PqBytes *mins = (PqBytes *)(void *)(locs + n);
    PqBytes *maxs = mins + n;
    int64_t *nulls = (int64_t *)(void *)(maxs + n);
    uint8_t *bounds = (uint8_t *)(nulls + n);
    bool *null_pages = (bool *)(bounds + (size_t)n * 16);
    for (int32_t i = 0; i < n; i++) {
        locs[i] = (PqPageLocation){base + pages[i].offset, pages[i].size_with_header,
                                   pages[i].first_row};
        null_pages[i] = pages[i].stats.null_count == pages[i].n_rows;
        nulls[i] = pages[i].stats.null_count;
        mins[i] = maxs[i] = (PqBytes){(const uint8_t *)"", 0};
        if (pages[i].stats.has_bounds) {
            mins[i] = pq_stats_min_bytes(&pages[i].stats, bounds + i * 16);
            maxs[i] = pq_stats_max_bytes(&pages[i].stats, bounds + i * 16 + 8);
        }
    }
    PqOffsetIndex oi = {locs, n};
    size_t at = w->off_index.len;
    ErrCode rc = pq_meta_enc_offset_index(&w->off_index, &oi, err);
    if (rc != ERR_OK)
        goto out_free;
    cc->has_offset_index = true;
    cc->offset_index_offset = (int64_t)at;
    cc->offset_index_length = (int32_t)(w->off_index.len - at);
    if (col->enc.has_index_bounds) {
        PqColumnIndex ci = {null_pages, mins, maxs, n, boundary_order(col, pages, n), nulls};
        at = w->col_index.len;
        rc = pq_meta_enc_column_index(&w->col_index, &ci, err);
        if (rc != ERR_OK)
            goto out_free;
        cc->has_column_index = true;
        cc->column_index_offset = (int64_t)at;
        cc->column_index_length = (int32_t)(w->col_index.len - at);
    }
out_free:
    mem_free(w->mem, scratch);
    return rc;
}

/* Keep a file-level byte bound alive past the row group by copying it. */
static ErrCode keep_bound(StrBuf *copy, const uint8_t **ptr, uint32_t len, Err *err)
{
    if (*ptr == (const uint8_t *)copy->data && copy->data)
        return ERR_OK;
    StrBuf fresh;
    strbuf_init(&fresh, copy->mem);
    ErrCode rc = strbuf_append(&fresh, len ? *ptr : (const uint8_t *)"", len, err);
    if (rc != ERR_OK)
        return rc;
    strbuf_fini(copy);
    *copy = fresh;
    *ptr = (const uint8_t *)copy->data;
    return ERR_OK;
}

static ErrCode update_file_stats(PqWCol *col, Err *err)
{
    col->value_count += col->buf.n_rows;
    col->null_count += col->enc.stats.null_count;
    col->nan_count += col->enc.stats.nan_count;
    col->compressed_bytes += (int64_t)col->enc.chunk.len;
    PqStats chunk = col->enc.stats;
    chunk.null_count = chunk.nan_count = 0;
    pq_stats_merge(&col->file_stats, &chunk);
    if (col->width || !col->file_stats.has_bounds)
        return ERR_OK;
    ErrCode rc = keep_bound(&col->file_min, &col->file_stats.min_ptr, col->file_stats.min_len, err);
    if (rc != ERR_OK)
        return rc;
    return keep_bound(&col->file_max, &col->file_stats.max_ptr, col->file_stats.max_len, err);
}

static ErrCode place_chunk(PqWriter *w, PqWCol *col, PqColumnChunk *cc, Err *err)
{
    const PqColEnc *e = &col->enc;
    int64_t base = w->out.offset;
    ErrCode rc = file_out_write(&w->out, e->chunk.data, e->chunk.len, err);
    if (rc != ERR_OK)
        return rc;
    cc->has_meta_data = true;
    PqColumnMeta *cm = &cc->meta_data;
    cm->type = col->phys;
    cm->path_in_schema = arena_alloc(&w->arena, sizeof(const char *));
    if (!cm->path_in_schema)
        return arena_error(&w->arena, err);
    cm->path_in_schema[0] = col->spec.name;
    cm->n_path = 1;
    cm->codec = pq_writer_codec(col->codec);
    cm->num_values = col->buf.n_rows;
    cm->total_uncompressed_size = e->total_uncompressed;
    cm->total_compressed_size = (int64_t)e->chunk.len;
    cm->data_page_offset = base + e->data_page_offset;
    if (e->has_dict_page) {
        cm->has_dictionary_page_offset = true;
        cm->dictionary_page_offset = base;
    }
    cm->has_statistics = true;
    rc = chunk_statistics(w, col, &cm->statistics, err);
    if (rc == ERR_OK) {
        rc = chunk_encodings(w, col, cm, err);
    }
    if (rc == ERR_OK && w->opts.write_page_index) {
        rc = page_indexes(w, col, base, cc, err);
    }
    if (rc == ERR_OK) {
        rc = update_file_stats(col, err);
    }
    return rc;
}

static void reset_buffers(PqWCol *col)
{
    PqColBuf *b = &col->buf;
    strbuf_clear(&b->vals);
    strbuf_clear(&b->heap);
    strbuf_clear(&b->offs);
    strbuf_clear(&b->defs);
    b->n_rows = b->n_values = 0;
}

ErrCode pq_writer_flush_row_group(PqWriter *w, Err *err)
{
    if (w->rg_rows == 0)
        return ERR_OK;
    ErrCode rc = encode_all(w, err);
    if (rc != ERR_OK)
        return rc;
    if (w->n_row_groups == w->cap_row_groups) {
        int32_t cap = w->cap_row_groups ? w->cap_row_groups * 2 : 8;
        PqRowGroup *rgs = mem_realloc(w->mem, w->row_groups, (size_t)cap * sizeof(PqRowGroup), err);
        if (!rgs)
            return ERR_NOMEM;
        w->row_groups = rgs;
        w->cap_row_groups = cap;
    }
    PqRowGroup *rg = &w->row_groups[w->n_row_groups];
    memset(rg, 0, sizeof(*rg));
    rg->columns = arena_alloc_array(&w->arena, (size_t)w->n_cols, sizeof(PqColumnChunk));
    if (!rg->columns)
        return arena_error(&w->arena, err);
    rg->n_columns = w->n_cols;
    rg->num_rows = w->rg_rows;
    rg->has_file_offset = rg->has_total_compressed_size = true;
    rg->file_offset = w->out.offset;
    rg->has_ordinal = w->n_row_groups <= INT16_MAX;
    rg->ordinal = (int16_t)w->n_row_groups;
    for (int32_t c = 0; c < w->n_cols; c++) {
        rc = place_chunk(w, &w->cols[c], &rg->columns[c], err);
        if (rc != ERR_OK)
            return rc;
        rg->total_byte_size += w->cols[c].enc.total_uncompressed;
        rg->total_compressed_size += (int64_t)w->cols[c].enc.chunk.len;
        reset_buffers(&w->cols[c]);
    }
    w->n_row_groups++;
    w->n_rows += w->rg_rows;
    w->rg_rows = 0;
    w->rg_bytes = 0;
    return ERR_OK;
}

/* ---- close ---------------------------------------------------------------------------- */

static ErrCode write_page_indexes(PqWriter *w, Err *err)
{
    int64_t ci_base = w->out.offset;
    ErrCode rc = file_out_write(&w->out, w->col_index.data, w->col_index.len, err);
    if (rc != ERR_OK)
        return rc;
    int64_t oi_base = w->out.offset;
    rc = file_out_write(&w->out, w->off_index.data, w->off_index.len, err);
    if (rc != ERR_OK)
        return rc;
    for (int32_t g = 0; g < w->n_row_groups; g++) {
        for (int32_t c = 0; c < w->n_cols; c++) {
            PqColumnChunk *cc = &w->row_groups[g].columns[c];
            cc->column_index_offset += ci_base;
            cc->offset_index_offset += oi_base;
        }
    }
    return ERR_OK;
}

static void schema_leaf(const PqWCol *col, PqSchemaElement *el)
{
    const ColTypeInfo t = col->spec.type;
    el->has_type = true;
    el->type = col->phys;
    el->type_length = col->fixed_len;
    el->has_repetition = true;
    el->repetition = col->spec.is_nullable ? PQ_OPTIONAL : PQ_REQUIRED;
    el->name = col->spec.name;
    el->has_field_id = col->spec.field_id >= 0;
    el->field_id = col->spec.field_id;
    PqLogicalType *lt = &el->logical;
    switch (t.id) {
    case COL_BOOL:
    case COL_FLOAT:
    case COL_DOUBLE:
    case COL_BINARY:
    case COL_FIXED:
        break;
    case COL_INT32:
    case COL_INT64:
        el->has_converted_type = true;
        el->converted_type = t.id == COL_INT32 ? PQ_CT_INT_32 : PQ_CT_INT_64;
        *lt = (PqLogicalType){
                .kind = PQ_LT_INTEGER, .bit_width = t.id == COL_INT32 ? 32 : 64, .is_signed = true};
        break;
    case COL_DECIMAL:
        el->has_converted_type = el->has_scale_precision = true;
        el->converted_type = PQ_CT_DECIMAL;
        el->scale = t.scale;
        el->precision = t.precision;
        *lt = (PqLogicalType){.kind = PQ_LT_DECIMAL, .scale = t.scale, .precision = t.precision};
        break;
    case COL_DATE:
        el->has_converted_type = true;
        el->converted_type = PQ_CT_DATE;
        lt->kind = PQ_LT_DATE;
        break;
    case COL_TIMESTAMP:
    case COL_TIMESTAMPTZ:
        el->has_converted_type = true;
        el->converted_type = PQ_CT_TIMESTAMP_MICROS;
        *lt = (PqLogicalType){.kind = PQ_LT_TIMESTAMP,
                              .unit = PQ_UNIT_MICROS,
                              .is_adjusted_to_utc = t.id == COL_TIMESTAMPTZ};
        break;
    case COL_STRING:
        el->has_converted_type = true;
        el->converted_type = PQ_CT_UTF8;
        lt->kind = PQ_LT_STRING;
        break;
    case COL_UUID:
        lt->kind = PQ_LT_UUID;
        break;
    }
}

static ErrCode write_footer(PqWriter *w, Err *err)
{
    PqFileMeta meta = {.version = 1,
                       .num_rows = w->n_rows,
                       .row_groups = w->row_groups,
                       .n_row_groups = w->n_row_groups,
                       .created_by = w->opts.created_by};
    meta.n_schema = w->n_cols + 1;
    meta.schema = arena_alloc_array(&w->arena, (size_t)meta.n_schema, sizeof(PqSchemaElement));
    meta.column_orders = arena_alloc_array(&w->arena, (size_t)w->n_cols, sizeof(PqColumnOrder));
    meta.key_value =
            arena_alloc_array(&w->arena, (size_t)w->opts.n_key_value + 1, sizeof(PqKeyValue));
    if (!meta.schema || !meta.column_orders || !meta.key_value)
        return arena_error(&w->arena, err);
    meta.schema[0] =
            (PqSchemaElement){.name = "table", .has_num_children = true, .num_children = w->n_cols};
    for (int32_t c = 0; c < w->n_cols; c++) {
        schema_leaf(&w->cols[c], &meta.schema[c + 1]);
        meta.column_orders[c] = PQ_ORDER_TYPE_DEFINED;
    }
    meta.n_column_orders = w->n_cols;
    for (int32_t i = 0; i < w->opts.n_key_value; i++) {
        meta.key_value[i] = w->opts.key_value[i];
    }
    meta.n_key_value = w->opts.n_key_value;
    strbuf_clear(&w->scratch);
    ErrCode rc = pq_meta_enc_file(&w->scratch, &meta, err);
    if (rc != ERR_OK)
        return rc;
    uint8_t tail[8];
    store_u32le(tail, (uint32_t)w->scratch.len);
    memcpy(tail + 4, PQ_MAGIC, 4);
    rc = file_out_write(&w->out, w->scratch.data, w->scratch.len, err);
    if (rc == ERR_OK) {
        rc = file_out_write(&w->out, tail, 8, err);
    }
    return rc;
}

/* Iceberg serializes a decimal bound as its unscaled value in two's-complement big-endian,
 * in the fewest bytes (SPECS.md §2.5); Parquet's is little-endian (INT32/INT64) or
 * sign-extended to the column width (FLBA). Rewrite `b` into `out` (32 bytes: decimal(76)). */
static PqBytes iceberg_decimal(const PqWCol *col, PqBytes b, uint8_t out[32])
{
    uint32_t len = b.len;
    if (col->phys == PQ_FIXED_LEN_BYTE_ARRAY) {
        memcpy(out, b.ptr, len);
    } else {
        for (uint32_t k = 0; k < len; k++) {
            out[k] = b.ptr[len - 1 - k];
        }
    }
    uint32_t skip = 0;
    while (skip + 1 < len && ((out[skip] == 0x00 && out[skip + 1] < 0x80) ||
                              (out[skip] == 0xff && out[skip + 1] >= 0x80))) {
        skip++;
    }
    return (PqBytes){out + skip, len - skip};
}

static ErrCode fill_stats(PqWriter *w, Arena *arena, PqFileStats *stats, Err *err)
{
    memset(stats, 0, sizeof(*stats));
    stats->n_rows = w->n_rows;
    stats->file_bytes = w->out.offset;
    stats->n_row_groups = w->n_row_groups;
    stats->n_columns = w->n_cols;
    stats->columns = arena_alloc_array(arena, (size_t)w->n_cols, sizeof(PqColumnStats));
    if (!stats->columns)
        return arena_error(arena, err);
    for (int32_t c = 0; c < w->n_cols; c++) {
        const PqWCol *col = &w->cols[c];
        PqColumnStats *cs = &stats->columns[c];
        cs->field_id = col->spec.field_id;
        cs->value_count = col->value_count;
        cs->null_count = col->null_count;
        cs->nan_count = col->nan_count;
        cs->compressed_bytes = col->compressed_bytes;
        cs->has_bounds = col->file_stats.has_bounds;
        if (!cs->has_bounds)
            continue;
        uint8_t buf[2][8];
        PqBytes lo = pq_stats_min_bytes(&col->file_stats, buf[0]);
        PqBytes hi = pq_stats_max_bytes(&col->file_stats, buf[1]);
        uint8_t dec[2][32];
        if (col->spec.type.id == COL_DECIMAL) {
            lo = iceberg_decimal(col, lo, dec[0]);
            hi = iceberg_decimal(col, hi, dec[1]);
        }
        cs->lower_bound.ptr = arena_memdup(arena, lo.len ? lo.ptr : buf[0], lo.len);
        cs->upper_bound.ptr = arena_memdup(arena, hi.len ? hi.ptr : buf[1], hi.len);
        if (!cs->lower_bound.ptr || !cs->upper_bound.ptr)
            return arena_error(arena, err);
        cs->lower_bound.len = lo.len;
        cs->upper_bound.len = hi.len;
    }
    return ERR_OK;
}

ErrCode pq_writer_close(PqWriter *w, Arena *arena, PqFileStats *stats, Err *err)
{
    ErrCode rc = pq_writer_flush_row_group(w, err);
    if (rc == ERR_OK && w->opts.write_page_index) {
        rc = write_page_indexes(w, err);
    }
    if (rc == ERR_OK) {
        rc = write_footer(w, err);
    }
    PqFileStats result;
    if (rc == ERR_OK && stats) {
        rc = fill_stats(w, arena, &result, err);
    }
    if (rc == ERR_OK) {
        char path[sizeof w->out.path];
        memcpy(path, w->out.path, sizeof path);
        w->is_open = false;
        rc = file_out_commit(&w->out, w->opts.is_durable, err);
        if (rc != ERR_OK) {
            unlink(path);
        }
    }
    if (rc == ERR_OK && stats) {
        *stats = result;
    }
    pq_writer_free(w);
    return rc;
}

void pq_writer_abort(PqWriter *w)
{
    if (w) {
        pq_writer_free(w);
    }
}
