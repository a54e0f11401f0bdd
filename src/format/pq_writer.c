/* pq_writer.c — Parquet file writer: open, buffer batches, place row groups, page indexes,
 * footer, close (format layer; contract in pq_writer.h, chunk encoding in
 * pq_writer_chunk.c, shared state in pq_writer_int.h).
 *
 * File layout written (SPECS.md §1.1):
 *   "PAR1" | row group 0: chunk col 0 | chunk col 1 | ... | row group 1 ... |
 *   ColumnIndex of every chunk | OffsetIndex of every chunk |
 *   FileMetaData | u32 LE footer length | "PAR1"
 *
 * States: OPEN (appending; a row group fills) -> flush (encode all columns, maybe in
 * parallel; append chunks in column order; record footer structs in the arena) -> OPEN ...
 * -> close (flush the last group, write indexes and footer, commit) or abort (unlink).
 * Any error leaves the writer only abortable; close frees it either way.
 *
 * Type mapping (ColType -> physical + logical/converted):
 *   BOOL -> BOOLEAN; INT32 -> INT32 INTEGER(32,signed) INT_32; INT64 -> INT64
 *   INTEGER(64,signed) INT_64; FLOAT; DOUBLE; DECIMAL p<=9 -> INT32, p<=18 -> INT64, else
 *   FIXED_LEN_BYTE_ARRAY of the minimal width, all DECIMAL(scale,precision); DATE -> INT32
 *   DATE; TIMESTAMP[TZ] -> INT64 TIMESTAMP(MICROS, utc=false|true) TIMESTAMP_MICROS;
 *   STRING -> BYTE_ARRAY STRING UTF8; BINARY -> BYTE_ARRAY; UUID -> FLBA(16) UUID;
 *   FIXED -> FLBA(fixed_len).
 */
#include "format/pq_writer.h"

#include <math.h>
#include <string.h>

#include "format/pq_writer_int.h"

/* Rows appended per step, so the byte limit of a row group is checked often enough. */
#define APPEND_STEP_ROWS 65536

void pq_writer_options_default(PqWriterOptions *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->codec = COMPRESS_ZSTD;
    opts->codec_level = 0;
    opts->row_group_bytes = (size_t)128 << 20;
    opts->row_group_rows = 131072;
    opts->page_bytes = (size_t)1 << 20;
    opts->dict_max_bytes = (size_t)1 << 20;
    opts->data_page_version = 1;
    opts->write_page_index = true;
    opts->n_threads = 1;
}

/* Bytes of the smallest two's complement integer holding every `precision`-digit number. */
static int32_t decimal_bytes(int32_t precision)
{
    int32_t n = 1;
    while (floor((8.0 * n - 1) * log10(2.0)) < precision) {
        n++;
    }
    return n;
}

static ErrCode bad_encoding(const PqColumnSpec *spec, Err *err)
{
    char type_name[64];
    colvec_type_name(spec->type, type_name, sizeof type_name);
    return err_set(err, ERR_INVALID, "column \"%s\": encoding choice %d cannot encode type %s",
                   spec->name, (int)spec->encoding, type_name);
}

static ErrCode setup_type(PqWCol *col, Err *err)
{
    const PqColumnSpec *spec = &col->spec;
    if ((unsigned)spec->type.id > (unsigned)COL_FIXED)
        return err_set(err, ERR_INVALID, "column \"%s\": unknown type %d", spec->name,
                       (int)spec->type.id);
    switch (spec->type.id) {
    case COL_BOOL:
        col->phys = PQ_BOOLEAN, col->width = 1, col->stats_kind = PQ_STATS_BOOL;
        break;
    case COL_INT32:
    case COL_DATE:
        col->phys = PQ_INT32, col->width = 4, col->stats_kind = PQ_STATS_I32;
        break;
    case COL_INT64:
    case COL_TIMESTAMP:
    case COL_TIMESTAMPTZ:
        col->phys = PQ_INT64, col->width = 8, col->stats_kind = PQ_STATS_I64;
        break;
    case COL_FLOAT:
        col->phys = PQ_FLOAT, col->width = 4, col->stats_kind = PQ_STATS_FLOAT;
        break;
    case COL_DOUBLE:
        col->phys = PQ_DOUBLE, col->width = 8, col->stats_kind = PQ_STATS_DOUBLE;
        break;
    case COL_DECIMAL: {
        int32_t p = spec->type.precision, s = spec->type.scale;
        if (p < 1 || p > 76 || s < 0 || s > p)
            return err_set(err, ERR_INVALID, "column \"%s\": invalid decimal(%d,%d)", spec->name, p,
                           s);
        if (p <= 9) {
            col->phys = PQ_INT32, col->width = 4, col->stats_kind = PQ_STATS_I32;
        } else if (p <= 18) {
            col->phys = PQ_INT64, col->width = 8, col->stats_kind = PQ_STATS_I64;
        } else {
            col->phys = PQ_FIXED_LEN_BYTE_ARRAY, col->width = 0;
            col->fixed_len = decimal_bytes(p), col->stats_kind = PQ_STATS_BYTES_SIGNED;
        }
        break;
    }
    case COL_STRING:
    case COL_BINARY:
        col->phys = PQ_BYTE_ARRAY, col->width = 0, col->stats_kind = PQ_STATS_BYTES;
        break;
    case COL_UUID:
        col->phys = PQ_FIXED_LEN_BYTE_ARRAY, col->width = 0, col->fixed_len = 16;
        col->stats_kind = PQ_STATS_BYTES;
        break;
    case COL_FIXED:
        if (spec->type.fixed_len <= 0)
            return err_set(err, ERR_INVALID, "column \"%s\": fixed length %d is not positive",
                           spec->name, spec->type.fixed_len);
        col->phys = PQ_FIXED_LEN_BYTE_ARRAY, col->width = 0;
        col->fixed_len = spec->type.fixed_len, col->stats_kind = PQ_STATS_BYTES;
        break;
    }
    switch (spec->encoding) {
    case PQ_CHOOSE_AUTO:
    case PQ_CHOOSE_PLAIN:
        return ERR_OK;
    case PQ_CHOOSE_DICTIONARY:
        return col->phys == PQ_BOOLEAN ? bad_encoding(spec, err) : ERR_OK;
    case PQ_CHOOSE_DELTA:
        return col->phys == PQ_INT32 || col->phys == PQ_INT64 ? ERR_OK : bad_encoding(spec, err);
    case PQ_CHOOSE_BYTE_STREAM_SPLIT:
        return col->phys == PQ_FLOAT || col->phys == PQ_DOUBLE ? ERR_OK : bad_encoding(spec, err);
    }
    return bad_encoding(spec, err);
}

static void col_init(PqWCol *col, Mem *mem)
{
    PqColBuf *b = &col->buf;
    strbuf_init(&b->vals, mem);
    strbuf_init(&b->heap, mem);
    strbuf_init(&b->offs, mem);
    strbuf_init(&b->defs, mem);
    PqColEnc *e = &col->enc;
    strbuf_init(&e->chunk, mem);
    strbuf_init(&e->body, mem);
    strbuf_init(&e->comp, mem);
    strbuf_init(&e->hdr, mem);
    strbuf_init(&e->codes, mem);
    strbuf_init(&e->pages, mem);
    pq_dict_init(&e->dict, mem, col->width);
    pq_stats_init(&col->file_stats, col->stats_kind);
    strbuf_init(&col->file_min, mem);
    strbuf_init(&col->file_max, mem);
}

static void col_fini(PqWCol *col)
{
    PqColBuf *b = &col->buf;
    strbuf_fini(&b->vals);
    strbuf_fini(&b->heap);
    strbuf_fini(&b->offs);
    strbuf_fini(&b->defs);
    PqColEnc *e = &col->enc;
    strbuf_fini(&e->chunk);
    strbuf_fini(&e->body);
    strbuf_fini(&e->comp);
    strbuf_fini(&e->hdr);
    strbuf_fini(&e->codes);
    strbuf_fini(&e->pages);
    pq_dict_fini(&e->dict);
    strbuf_fini(&col->file_min);
    strbuf_fini(&col->file_max);
}

void pq_writer_free(PqWriter *w)
{
    if (w->is_open) {
        file_out_abort(&w->out);
        w->is_open = false;
    }
    for (int32_t c = 0; c < w->n_cols && w->cols; c++) {
        col_fini(&w->cols[c]);
    }
    mem_free(w->mem, w->cols);
    mem_free(w->mem, w->row_groups);
    strbuf_fini(&w->col_index);
    strbuf_fini(&w->off_index);
    strbuf_fini(&w->scratch);
    arena_fini(&w->arena);
    mem_free(w->mem, w);
}

static ErrCode open_columns(PqWriter *w, const PqColumnSpec *cols, Err *err)
{
    for (int32_t c = 0; c < w->n_cols; c++) {
        PqWCol *col = &w->cols[c];
        col->spec = cols[c];
        if (!cols[c].name || !cols[c].name[0])
            return err_set(err, ERR_INVALID, "column %d has no name", (int)c);
        ErrCode rc = setup_type(col, err);
        if (rc != ERR_OK)
            return rc;
        col->codec = cols[c].has_codec ? cols[c].codec : w->opts.codec;
        if (col->codec == COMPRESS_DEFLATE)
            return err_set(err, ERR_INVALID, "column \"%s\": codec deflate is not a Parquet codec",
                           cols[c].name);
        col->spec.name = arena_strdup(&w->arena, cols[c].name);
        if (!col->spec.name)
            return arena_error(&w->arena, err);
        col_init(col, w->mem);
    }
    return ERR_OK;
}

ErrCode pq_writer_open(Mem *mem, const char *path, const PqColumnSpec *cols, int32_t n_cols,
                       const PqWriterOptions *opts, PqWriter **out, Err *err)
{
    if (n_cols <= 0)
        return err_set(err, ERR_INVALID, "parquet file \"%s\" needs at least one column", path);
    if (opts->data_page_version != 1 && opts->data_page_version != 2)
        return err_set(err, ERR_INVALID, "data page version %d is not 1 or 2",
                       opts->data_page_version);
    if (opts->codec == COMPRESS_DEFLATE)
        return err_set(err, ERR_INVALID, "codec deflate is not a Parquet codec");
    PqWriter *w = mem_calloc(mem, 1, sizeof(PqWriter), err);
    if (!w)
        return ERR_NOMEM;
    w->mem = mem;
    w->opts = *opts;
    PqWriterOptions defaults;
    pq_writer_options_default(&defaults);
    if (w->opts.row_group_bytes == 0) {
        w->opts.row_group_bytes = defaults.row_group_bytes;
    }
    /* Byte-string offsets are uint32: keep a row group's heap well under 4 GiB. */
    w->opts.row_group_bytes = TN_MIN(w->opts.row_group_bytes, (size_t)1 << 30);
    if (w->opts.row_group_rows <= 0) {
        w->opts.row_group_rows = defaults.row_group_rows;
    }
    if (w->opts.page_bytes == 0) {
        w->opts.page_bytes = defaults.page_bytes;
    }
    if (w->opts.dict_max_bytes == 0) {
        w->opts.dict_max_bytes = defaults.dict_max_bytes;
    }
    w->opts.n_threads = TN_MAX(1, w->opts.n_threads);
    arena_init(&w->arena, mem, 0);
    strbuf_init(&w->col_index, mem);
    strbuf_init(&w->off_index, mem);
    strbuf_init(&w->scratch, mem);
    w->cols = mem_calloc(mem, (size_t)n_cols, sizeof(PqWCol), err);
    ErrCode rc = ERR_NOMEM;
    if (!w->cols)
        goto out_free;
    w->n_cols = n_cols;
    rc = open_columns(w, cols, err);
    if (rc != ERR_OK)
        goto out_free;
    if (opts->created_by) {
        w->opts.created_by = arena_strdup(&w->arena, opts->created_by);
    } else {
        w->opts.created_by = arena_strdup(&w->arena, "tarn version " TARN_VERSION " (build tarn)");
    }
    if (!w->opts.created_by) {
        rc = arena_error(&w->arena, err);
        goto out_free;
    }
    rc = file_out_open(&w->out, mem, path, err);
    if (rc != ERR_OK)
        goto out_free;
    w->is_open = true;
    rc = file_out_write(&w->out, PQ_MAGIC, 4, err);
    if (rc != ERR_OK)
        goto out_free;
    *out = w;
    return ERR_OK;
out_free:
    pq_writer_free(w);
    return rc;
}

/* ---- appending ------------------------------------------------------------------------ */

static ErrCode check_batch(const PqWriter *w, const ColVec *batch, Err *err)
{
    size_t n_rows = batch[0].n_rows;
    for (int32_t c = 0; c < w->n_cols; c++) {
        const PqWCol *col = &w->cols[c];
        const ColVec *v = &batch[c];
        ColTypeInfo t = col->spec.type;
        bool same = v->type.id == t.id;
        if (same && t.id == COL_DECIMAL) {
            same = v->type.precision == t.precision && v->type.scale == t.scale;
        } else if (same && t.id == COL_FIXED) {
            same = v->type.fixed_len == t.fixed_len;
        }
        if (!same) {
            char want[64], got[64];
            colvec_type_name(t, want, sizeof want);
            colvec_type_name(v->type, got, sizeof got);
            return err_set(err, ERR_INVALID, "column \"%s\": expected type %s, got %s",
                           col->spec.name, want, got);
        }
        if (v->n_rows != n_rows)
            return err_set(err, ERR_INVALID, "column \"%s\": %zu rows, expected %zu",
                           col->spec.name, v->n_rows, n_rows);
        bool has_data = v->codes ? v->dict && v->dict->values : v->values != NULL;
        if (n_rows > 0 && !has_data)
            return err_set(err, ERR_INVALID, "column \"%s\": vector has no values", col->spec.name);
        if (!col->spec.is_nullable && v->validity) {
            for (size_t r = 0; r < n_rows; r++) {
                if (colvec_is_null(v, r))
                    return err_set(err, ERR_INVALID,
                                   "column \"%s\" is required but row %zu is NULL", col->spec.name,
                                   r);
            }
        }
    }
    return ERR_OK;
}

/* Reject an int-backed decimal's unscaled value with more than `precision` digits: readers
 * size their decimal from the declared precision (DuckDB keeps decimal(4,2) in an int16),
 * so such a value would read back wrong, not fail. */
static ErrCode check_decimals(const PqWCol *col, const ColVec *v, size_t start, size_t n, Err *err)
{
    static const int64_t max_unscaled[19] = {0,
                                             9,
                                             99,
                                             999,
                                             9999,
                                             99999,
                                             999999,
                                             9999999,
                                             99999999,
                                             999999999,
                                             9999999999LL,
                                             99999999999LL,
                                             999999999999LL,
                                             9999999999999LL,
                                             99999999999999LL,
                                             999999999999999LL,
                                             9999999999999999LL,
                                             99999999999999999LL,
                                             999999999999999999LL};
    const int64_t limit = max_unscaled[col->spec.type.precision];
    const int64_t *base = v->codes ? v->dict->values : v->values;
    for (size_t i = start; i < start + n; i++) {
        if (colvec_is_null(v, i))
            continue;
        int64_t x = base[v->codes ? v->codes[i] : i];
        if (x < -limit || x > limit)
            return err_set(err, ERR_INVALID,
                           "column \"%s\": row %zu: unscaled value %lld does not fit "
                           "decimal(%d,%d)",
                           col->spec.name, i, (long long)x, col->spec.type.precision,
                           col->spec.type.scale);
    }
    return ERR_OK;
}

/* Append rows start..start+n of a fixed-width column. */
static ErrCode append_fixed(PqWCol *col, const ColVec *v, size_t start, size_t n, size_t *bytes,
                            Err *err)
{
    const size_t width = col->width;
    const size_t src_width = colvec_value_width(v->type);
    const uint8_t *base = v->codes ? v->dict->values : v->values;
    const bool is_bool = col->phys == PQ_BOOLEAN;
    PqColBuf *b = &col->buf;
    ErrCode rc = strbuf_reserve(&b->vals, n * width, err);
    if (rc != ERR_OK)
        return rc;
    if (col->spec.type.id == COL_DECIMAL) {
        rc = check_decimals(col, v, start, n, err);
        if (rc != ERR_OK)
            return rc;
    }
    uint8_t *dst = (uint8_t *)b->vals.data + b->vals.len;
    if (!v->codes && !v->validity && !is_bool && src_width == width) {
        memcpy(dst, base + start * width, n * width);
        b->vals.len += n * width;
        b->n_values += (int64_t)n;
        *bytes += n * width;
        return ERR_OK;
    }
    size_t k = 0;
    for (size_t i = start; i < start + n; i++) {
        if (colvec_is_null(v, i))
            continue;
        const uint8_t *src = base + (v->codes ? v->codes[i] : i) * src_width;
        if (is_bool) {
            dst[k] = src[0] != 0;
        } else if (src_width == width) {
            memcpy(dst + k * width, src, width);
        } else {
            int64_t wide; /* decimal(p<=9) arrives as int64, checked to fit above */
            memcpy(&wide, src, 8);
            int32_t narrow = (int32_t)wide;
            memcpy(dst + k * 4, &narrow, 4);
        }
        k++;
    }
    b->vals.len += k * width;
    b->n_values += (int64_t)k;
    *bytes += k * width;
    return ERR_OK;
}

/* Append rows start..start+n of a byte-string column. */
static ErrCode append_bytes(PqWCol *col, const ColVec *v, size_t start, size_t n, size_t *bytes,
                            Err *err)
{
    const ColStr *base = v->codes ? v->dict->values : v->values;
    PqColBuf *b = &col->buf;
    ErrCode rc = strbuf_reserve(&b->offs, (n + 1) * 4, err);
    if (rc != ERR_OK)
        return rc;
    if (b->offs.len == 0) {
        memset(b->offs.data, 0, 4);
        b->offs.len = 4;
    }
    const bool is_fixed = col->phys == PQ_FIXED_LEN_BYTE_ARRAY;
    const bool is_decimal = col->spec.type.id == COL_DECIMAL;
    const uint32_t flen = (uint32_t)col->fixed_len;
    for (size_t i = start; i < start + n; i++) {
        if (colvec_is_null(v, i))
            continue;
        ColStr s = base[v->codes ? v->codes[i] : i];
        uint32_t len = s.len;
        if (is_fixed && (is_decimal ? (len == 0 || len > flen) : len != flen))
            return err_set(err, ERR_INVALID, "column \"%s\": row %zu has %u bytes, expected %u",
                           col->spec.name, i, len, flen);
        uint32_t out_len = is_fixed ? flen : len;
        if (b->heap.len + out_len > UINT32_MAX)
            return err_set(err, ERR_LIMIT, "column \"%s\": row group holds over 4 GiB of values",
                           col->spec.name);
        rc = strbuf_reserve(&b->heap, out_len, err);
        if (rc != ERR_OK)
            return rc;
        char *dst = b->heap.data + b->heap.len;
        if (out_len > len) { /* decimal: sign-extend to the column width */
            memset(dst, (s.ptr[0] & 0x80) ? 0xff : 0, out_len - len);
            dst += out_len - len;
        }
        if (len) {
            memcpy(dst, s.ptr, len);
        }
        b->heap.len += out_len;
        uint32_t end = (uint32_t)b->heap.len;
        memcpy(b->offs.data + b->offs.len, &end, 4);
        b->offs.len += 4;
        b->n_values++;
        *bytes += out_len + 4;
    }
    return ERR_OK;
}

static ErrCode append_column(PqWCol *col, const ColVec *v, size_t start, size_t n, size_t *bytes,
                             Err *err)
{
    PqColBuf *b = &col->buf;
    if (col->spec.is_nullable) {
        ErrCode rc = strbuf_reserve(&b->defs, n, err);
        if (rc != ERR_OK)
            return rc;
        uint8_t *defs = (uint8_t *)b->defs.data + b->defs.len;
        if (!v->validity) {
            memset(defs, 1, n);
        } else {
            for (size_t i = 0; i < n; i++) {
                defs[i] = !colvec_is_null(v, start + i);
            }
        }
        b->defs.len += n;
        *bytes += n / 8;
    }
    b->n_rows += (int64_t)n;
    if (col->width)
        return append_fixed(col, v, start, n, bytes, err);
    return append_bytes(col, v, start, n, bytes, err);
}

ErrCode pq_writer_write(PqWriter *w, const ColVec *batch, Err *err)
{
    ErrCode rc = check_batch(w, batch, err);
    if (rc != ERR_OK)
        return rc;
    size_t n_rows = batch[0].n_rows;
    size_t pos = 0;
    while (pos < n_rows) {
        size_t room = (size_t)(w->opts.row_group_rows - w->rg_rows);
        size_t take = TN_MIN(TN_MIN(n_rows - pos, room), APPEND_STEP_ROWS);
        for (int32_t c = 0; c < w->n_cols; c++) {
            rc = append_column(&w->cols[c], &batch[c], pos, take, &w->rg_bytes, err);
            if (rc != ERR_OK)
                return rc;
        }
        w->rg_rows += (int64_t)take;
        pos += take;
        if (w->rg_rows >= w->opts.row_group_rows || w->rg_bytes >= w->opts.row_group_bytes) {
            rc = pq_writer_flush_row_group(w, err);
            if (rc != ERR_OK)
                return rc;
        }
    }
    return ERR_OK;
}
