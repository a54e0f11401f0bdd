/* pq_writer_chunk.c — encode one buffered column chunk into Parquet pages (format layer;
 * called by pq_writer.c, possibly from several threads, one column each).
 *
 * Steps for a chunk:
 *   1. Pick the value encoding from the spec's choice and the type (pq_writer.h).
 *   2. Dictionary: code every non-NULL value through pq_dict until the dictionary's PLAIN
 *      size would pass dict_max_bytes. When more than half of the coded values were
 *      distinct (and, for an explicit PQ_CHOOSE_DICTIONARY, the dictionary filled up), the
 *      dictionary is not worth it and the whole chunk uses the fallback encoding (an
 *      optimization: high-cardinality columns skip the dictionary page); otherwise the dictionary
 * page is written first, rows before the fill point become RLE_DICTIONARY pages and the rest
 * fallback pages.
 *   3. Pages: rows are cut into pages of ~page_bytes by the average encoded value size of
 *      the region; each page body is [def levels][values], compressed whole (v1), or levels
 *      raw and values compressed (v2). Statistics are taken per page and merged.
 * All output goes to the column's own PqColEnc buffers; nothing is shared but the Mem.
 *
 * Page bodies, v1 (SPECS.md §1.1, §1.5):
 *   OPTIONAL: u32 LE levels length | RLE hybrid def levels (bit width 1) | values
 *   REQUIRED: values
 *   values:   PLAIN | DELTA_BINARY_PACKED | BYTE_STREAM_SPLIT |
 *             RLE_DICTIONARY = u8 bit width + RLE hybrid codes |
 *             RLE (booleans, v2 only) = u32 LE length + RLE hybrid bit width 1
 */
#include <string.h>
#include <zlib.h>

#include "format/compress.h"
#include "format/pq_enc.h"
#include "format/pq_meta_enc.h"
#include "format/pq_writer_int.h"

/* Upper bound on rows per page whatever the estimate: keeps page statistics useful and
 * num_values far from INT32_MAX. */
#define PAGE_MAX_ROWS (1 << 20)

PqCodec pq_writer_codec(CompressCodec codec)
{
    switch (codec) {
    case COMPRESS_NONE:
        return PQ_CODEC_UNCOMPRESSED;
    case COMPRESS_SNAPPY:
        return PQ_CODEC_SNAPPY;
    case COMPRESS_GZIP:
        return PQ_CODEC_GZIP;
    case COMPRESS_ZSTD:
        return PQ_CODEC_ZSTD;
    case COMPRESS_LZ4_RAW:
        return PQ_CODEC_LZ4_RAW;
    case COMPRESS_DEFLATE:
        break;
    }
    return PQ_CODEC_UNCOMPRESSED;
}

static bool is_int_kind(const PqWCol *col)
{
    return col->phys == PQ_INT32 || col->phys == PQ_INT64;
}

/* Encoding for non-dictionary pages. */
static PqEncoding fallback_encoding(const PqWCol *col, int page_version)
{
    switch (col->spec.encoding) {
    case PQ_CHOOSE_PLAIN:
        break;
    case PQ_CHOOSE_DELTA:
        return PQ_ENC_DELTA_BINARY_PACKED;
    case PQ_CHOOSE_BYTE_STREAM_SPLIT:
        return PQ_ENC_BYTE_STREAM_SPLIT;
    case PQ_CHOOSE_AUTO:
    case PQ_CHOOSE_DICTIONARY:
        if (is_int_kind(col))
            return PQ_ENC_DELTA_BINARY_PACKED;
        break;
    }
    if (col->phys == PQ_BOOLEAN && page_version == 2)
        return PQ_ENC_RLE;
    return PQ_ENC_PLAIN;
}

static bool wants_dictionary(const PqWCol *col)
{
    if (col->phys == PQ_BOOLEAN)
        return false;
    if (col->spec.encoding == PQ_CHOOSE_DICTIONARY)
        return true;
    return col->spec.encoding == PQ_CHOOSE_AUTO && col->phys != PQ_FLOAT && col->phys != PQ_DOUBLE;
}

static void page_stats(const PqWCol *col, int64_t v0, int64_t v1, PqStats *st)
{
    pq_stats_init(st, col->stats_kind);
    size_t n = (size_t)(v1 - v0);
    const PqColBuf *b = &col->buf;
    switch (col->stats_kind) {
    case PQ_STATS_BOOL:
        pq_stats_update_bool(st, (const uint8_t *)b->vals.data + v0, n);
        break;
    case PQ_STATS_I32:
        pq_stats_update_i32(st, (const int32_t *)b->vals.data + v0, n);
        break;
    case PQ_STATS_I64:
        pq_stats_update_i64(st, (const int64_t *)b->vals.data + v0, n);
        break;
    case PQ_STATS_FLOAT:
        pq_stats_update_float(st, (const float *)b->vals.data + v0, n);
        break;
    case PQ_STATS_DOUBLE:
        pq_stats_update_double(st, (const double *)b->vals.data + v0, n);
        break;
    case PQ_STATS_BYTES:
    case PQ_STATS_BYTES_SIGNED:
        pq_stats_update_bytes(st, (const uint8_t *)b->heap.data,
                              (const uint32_t *)b->offs.data + v0, n);
        break;
    }
}

/* Compress (or copy) body[from..) onto comp; returns the payload. */
static ErrCode compress_tail(const PqWriter *w, PqWCol *col, size_t from, Err *err)
{
    PqColEnc *e = &col->enc;
    if (e->body.len == from)
        return ERR_OK;
    if (col->codec == COMPRESS_NONE)
        return strbuf_append(&e->comp, e->body.data + from, e->body.len - from, err);
    int level = w->opts.codec_level;
    if (level == 0 && col->codec == COMPRESS_ZSTD) {
        level = PQ_WRITER_ZSTD_LEVEL;
    }
    return compress_block(col->codec, level, e->body.data + from, e->body.len - from, &e->comp,
                          err);
}

/* Write the page in e->body (levels_len leading bytes of v2 levels) with header `hdr`. */
static ErrCode emit_page(const PqWriter *w, PqWCol *col, PqPageHeader *hdr, size_t levels_len,
                         Err *err)
{
    PqColEnc *e = &col->enc;
    strbuf_clear(&e->comp);
    strbuf_clear(&e->hdr);
    ErrCode rc;
    if (levels_len > 0) {
        rc = strbuf_append(&e->comp, e->body.data, levels_len, err);
        if (rc != ERR_OK)
            return rc;
    }
    rc = compress_tail(w, col, levels_len, err);
    if (rc != ERR_OK)
        return rc;
    if (e->body.len > INT32_MAX || e->comp.len > INT32_MAX)
        return err_set(err, ERR_LIMIT, "page of %zu bytes is too large", e->body.len);
    hdr->uncompressed_page_size = (int32_t)e->body.len;
    hdr->compressed_page_size = (int32_t)e->comp.len;
    if (w->opts.write_page_crc) {
        hdr->has_crc = true;
        hdr->crc = (int32_t)crc32(0L, (const Bytef *)e->comp.data, (uInt)e->comp.len);
    }
    rc = pq_meta_enc_page_header(&e->hdr, hdr, err);
    if (rc != ERR_OK)
        return rc;
    rc = strbuf_reserve(&e->chunk, e->hdr.len + e->comp.len, err);
    if (rc != ERR_OK)
        return rc;
    memcpy(e->chunk.data + e->chunk.len, e->hdr.data, e->hdr.len);
    if (e->comp.len) {
        memcpy(e->chunk.data + e->chunk.len + e->hdr.len, e->comp.data, e->comp.len);
    }
    e->chunk.len += e->hdr.len + e->comp.len;
    e->total_uncompressed += (int64_t)(e->hdr.len + e->body.len);
    return ERR_OK;
}

static ErrCode emit_dict_page(const PqWriter *w, PqWCol *col, Err *err)
{
    PqColEnc *e = &col->enc;
    strbuf_clear(&e->body);
    ErrCode rc;
    if (col->width) {
        rc = pq_enc_plain_fixed(&e->body, e->dict.values.data, e->dict.n_entries, col->width, err);
    } else if (col->phys == PQ_FIXED_LEN_BYTE_ARRAY) {
        rc = strbuf_append(&e->body, e->dict.values.data, e->dict.values.len, err);
    } else {
        rc = pq_enc_plain_bytes(&e->body, (const uint8_t *)e->dict.values.data,
                                (const uint32_t *)e->dict.offs.data, e->dict.n_entries, err);
    }
    if (rc != ERR_OK)
        return rc;
    PqPageHeader hdr = {.type = PQ_PAGE_DICTIONARY, .has_dictionary_page_header = true};
    hdr.dictionary_page_header.num_values = (int32_t)e->dict.n_entries;
    hdr.dictionary_page_header.encoding = PQ_ENC_PLAIN;
    e->has_dict_page = true;
    return emit_page(w, col, &hdr, 0, err);
}

/* 0/1 bytes (definition levels, booleans) as RLE hybrid of bit width 1, after a u32 LE byte
 * length when `has_length` (v1 levels and RLE booleans; v2 levels have none). */
static ErrCode rle_bits(StrBuf *out, const uint8_t *bits, size_t n, bool has_length, Err *err)
{
    size_t at = out->len;
    if (has_length) {
        ErrCode rc = strbuf_append(out, "\0\0\0\0", 4, err);
        if (rc != ERR_OK)
            return rc;
    }
    ErrCode rc = pq_enc_rle_u8(out, bits, n, 1, err);
    if (rc == ERR_OK && has_length) {
        store_u32le(out->data + at, (uint32_t)(out->len - at - 4));
    }
    return rc;
}

/* Values v0..v1 in `enc` appended to e->body. */
static ErrCode encode_values(PqWCol *col, PqEncoding enc, int64_t v0, int64_t v1, Err *err)
{
    PqColEnc *e = &col->enc;
    PqColBuf *b = &col->buf;
    size_t n = (size_t)(v1 - v0);
    const char *fixed = b->vals.data + (size_t)v0 * col->width;
    switch (enc) {
    case PQ_ENC_RLE_DICTIONARY: {
        int bw = TN_MAX(1, pq_bit_width(e->dict.n_entries ? e->dict.n_entries - 1 : 0));
        ErrCode rc = strbuf_append_byte(&e->body, (unsigned char)bw, err);
        if (rc != ERR_OK)
            return rc;
        return pq_enc_rle(&e->body, (const uint32_t *)e->codes.data + v0, n, bw, err);
    }
    case PQ_ENC_DELTA_BINARY_PACKED:
        if (col->phys == PQ_INT32)
            return pq_enc_delta_i32(&e->body, (const int32_t *)(const void *)fixed, n, err);
        return pq_enc_delta_i64(&e->body, (const int64_t *)(const void *)fixed, n, err);
    case PQ_ENC_BYTE_STREAM_SPLIT:
        return pq_enc_bss(&e->body, fixed, n, col->width, err);
    case PQ_ENC_RLE:
        return rle_bits(&e->body, (const uint8_t *)fixed, n, true, err);
    case PQ_ENC_PLAIN:
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_BIT_PACKED:
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
    case PQ_ENC_DELTA_BYTE_ARRAY:
        break;
    }
    if (col->phys == PQ_BOOLEAN)
        return pq_enc_plain_bool(&e->body, (const uint8_t *)fixed, n, err);
    if (col->width)
        return pq_enc_plain_fixed(&e->body, fixed, n, col->width, err);
    const uint32_t *offs = (const uint32_t *)b->offs.data + v0;
    if (col->phys == PQ_FIXED_LEN_BYTE_ARRAY) {
        if (offs[n] == offs[0])
            return ERR_OK;
        return strbuf_append(&e->body, b->heap.data + offs[0], offs[n] - offs[0], err);
    }
    return pq_enc_plain_bytes(&e->body, (const uint8_t *)b->heap.data, offs, n, err);
}

/* One data page of rows r0..r1 holding values v0..v1. */
static ErrCode emit_data_page(const PqWriter *w, PqWCol *col, PqEncoding enc, int64_t r0,
                              int64_t r1, int64_t v0, int64_t v1, Err *err)
{
    PqColEnc *e = &col->enc;
    bool is_v2 = w->opts.data_page_version == 2;
    strbuf_clear(&e->body);
    size_t levels_len = 0;
    ErrCode rc;
    if (col->spec.is_nullable) {
        rc = rle_bits(&e->body, (const uint8_t *)col->buf.defs.data + r0, (size_t)(r1 - r0), !is_v2,
                      err);
        if (rc != ERR_OK)
            return rc;
        levels_len = e->body.len;
    }
    rc = encode_values(col, enc, v0, v1, err);
    if (rc != ERR_OK)
        return rc;
    PqPageInfo info = {.offset = (int64_t)e->chunk.len, .first_row = r0, .n_rows = r1 - r0};
    page_stats(col, v0, v1, &info.stats);
    info.stats.null_count = (r1 - r0) - (v1 - v0);
    if (v1 > v0 && !info.stats.has_bounds) {
        e->has_index_bounds = false;
    }
    PqPageHeader hdr = {0};
    if (is_v2) {
        hdr.type = PQ_PAGE_DATA_V2;
        hdr.has_data_page_header_v2 = true;
        PqDataPageHeaderV2 *h = &hdr.data_page_header_v2;
        h->num_values = (int32_t)(r1 - r0);
        h->num_nulls = (int32_t)info.stats.null_count;
        h->num_rows = (int32_t)(r1 - r0);
        h->encoding = enc;
        h->definition_levels_byte_length = (int32_t)levels_len;
        h->is_compressed = col->codec != COMPRESS_NONE;
    } else {
        hdr.type = PQ_PAGE_DATA;
        hdr.has_data_page_header = true;
        hdr.data_page_header.num_values = (int32_t)(r1 - r0);
        hdr.data_page_header.encoding = enc;
        hdr.data_page_header.definition_level_encoding = PQ_ENC_RLE;
        hdr.data_page_header.repetition_level_encoding = PQ_ENC_RLE;
        levels_len = 0; /* v1: the whole body is compressed */
    }
    rc = emit_page(w, col, &hdr, levels_len, err);
    if (rc != ERR_OK)
        return rc;
    info.size_with_header = (int32_t)((int64_t)e->chunk.len - info.offset);
    if (e->pages.len == 0) {
        e->data_page_offset = info.offset;
    }
    e->data_enc_count[enc]++;
    pq_stats_merge(&e->stats, &info.stats);
    return strbuf_append(&e->pages, &info, sizeof(info), err);
}

/* Estimated encoded bytes per value (x8, to keep bit widths exact) for page sizing. */
static size_t value_bits(const PqWCol *col, PqEncoding enc, int64_t v0, int64_t v1)
{
    switch (enc) {
    case PQ_ENC_RLE_DICTIONARY:
        return (size_t)TN_MAX(1, pq_bit_width(col->enc.dict.n_entries));
    case PQ_ENC_RLE:
        return 1;
    case PQ_ENC_DELTA_BINARY_PACKED:
        return col->width * 4; /* deltas usually take half the width or less */
    case PQ_ENC_PLAIN:
    case PQ_ENC_BYTE_STREAM_SPLIT:
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_BIT_PACKED:
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
    case PQ_ENC_DELTA_BYTE_ARRAY:
        break;
    }
    if (col->phys == PQ_BOOLEAN)
        return 1;
    if (col->width)
        return col->width * 8;
    if (v1 <= v0)
        return 8;
    const uint32_t *offs = (const uint32_t *)col->buf.offs.data;
    size_t avg = (offs[v1] - offs[v0]) / (size_t)(v1 - v0);
    return (avg + (col->phys == PQ_BYTE_ARRAY ? 4 : 0)) * 8 + 1;
}

/* Row index of the first row after `n_vals` non-NULL values starting at row r, v. */
static int64_t rows_for_values(const PqWCol *col, int64_t r, int64_t n_vals)
{
    if (!col->spec.is_nullable)
        return r + n_vals;
    const uint8_t *defs = (const uint8_t *)col->buf.defs.data;
    int64_t end = col->buf.n_rows;
    while (r < end && n_vals > 0) {
        n_vals -= defs[r++];
    }
    return r;
}

/* Pages for rows r0..r_end (values v0..). Returns the value index reached in *v_out. */
static ErrCode emit_region(const PqWriter *w, PqWCol *col, PqEncoding enc, int64_t r0,
                           int64_t r_end, int64_t v0, int64_t v_end, Err *err)
{
    size_t bits = value_bits(col, enc, v0, v_end);
    int64_t page_rows = (int64_t)TN_MIN(TN_MAX(w->opts.page_bytes * 8 / bits, 1), PAGE_MAX_ROWS);
    const uint8_t *defs = (const uint8_t *)col->buf.defs.data;
    int64_t r = r0, v = v0;
    while (r < r_end) {
        int64_t r1 = TN_MIN(r + page_rows, r_end);
        int64_t v1 = v;
        if (col->spec.is_nullable) {
            for (int64_t i = r; i < r1; i++) {
                v1 += defs[i];
            }
        } else {
            v1 = v + (r1 - r);
        }
        ErrCode rc = emit_data_page(w, col, enc, r, r1, v, v1, err);
        if (rc != ERR_OK)
            return rc;
        r = r1;
        v = v1;
    }
    return ERR_OK;
}

static ErrCode build_dictionary(const PqWriter *w, PqWCol *col, size_t *n_done, Err *err)
{
    PqColEnc *e = &col->enc;
    PqColBuf *b = &col->buf;
    size_t n = (size_t)b->n_values;
    strbuf_clear(&e->codes);
    ErrCode rc = strbuf_reserve(&e->codes, n * 4 + 4, err);
    if (rc != ERR_OK)
        return rc;
    uint32_t *codes = (uint32_t *)(void *)e->codes.data;
    if (col->width) {
        return pq_dict_add_fixed(&e->dict, b->vals.data, n, w->opts.dict_max_bytes, codes, n_done,
                                 err);
    }
    size_t fixed = col->phys == PQ_FIXED_LEN_BYTE_ARRAY ? (size_t)col->fixed_len : 0;
    return pq_dict_add_bytes(&e->dict, (const uint8_t *)b->heap.data,
                             (const uint32_t *)b->offs.data, n, fixed, w->opts.dict_max_bytes,
                             codes, n_done, err);
}

static void reset_enc(PqWCol *col)
{
    PqColEnc *e = &col->enc;
    strbuf_clear(&e->chunk);
    strbuf_clear(&e->pages);
    pq_dict_reset(&e->dict);
    pq_stats_init(&e->stats, col->stats_kind);
    e->total_uncompressed = 0;
    e->has_dict_page = false;
    e->data_page_offset = 0;
    memset(e->data_enc_count, 0, sizeof(e->data_enc_count));
    e->has_index_bounds = true;
    e->rc = ERR_OK;
}

static ErrCode encode_chunk(const PqWriter *w, PqWCol *col, Err *err)
{
    reset_enc(col);
    PqColBuf *b = &col->buf;
    PqEncoding fb = fallback_encoding(col, w->opts.data_page_version);
    int64_t dict_values = 0;
    if (wants_dictionary(col) && b->n_values > 0) {
        size_t n_done = 0;
        ErrCode rc = build_dictionary(w, col, &n_done, err);
        if (rc != ERR_OK)
            return rc;
        bool is_full = n_done < (size_t)b->n_values;
        bool pays = col->enc.dict.n_entries * 2 <= n_done;
        /* AUTO also drops a dictionary that did not fill up but holds mostly distinct values
         * (unique timestamps, ids): it would be as large as the values plus the codes. An
         * explicit PQ_CHOOSE_DICTIONARY keeps it unless it filled up. */
        bool is_auto = col->spec.encoding == PQ_CHOOSE_AUTO;
        if (pays || (!is_full && !is_auto)) {
            dict_values = (int64_t)n_done;
        }
    }
    int64_t split_row = 0;
    if (dict_values > 0) {
        ErrCode rc = emit_dict_page(w, col, err);
        if (rc != ERR_OK)
            return rc;
        split_row = dict_values == b->n_values ? b->n_rows : rows_for_values(col, 0, dict_values);
        rc = emit_region(w, col, PQ_ENC_RLE_DICTIONARY, 0, split_row, 0, dict_values, err);
        if (rc != ERR_OK)
            return rc;
    }
    if (split_row < b->n_rows) {
        ErrCode rc = emit_region(w, col, fb, split_row, b->n_rows, dict_values, b->n_values, err);
        if (rc != ERR_OK)
            return rc;
    }
    col->enc.stats.null_count = b->n_rows - b->n_values;
    return ERR_OK;
}

ErrCode pq_writer_encode_chunk(const PqWriter *w, PqWCol *col)
{
    err_init(&col->enc.err);
    ErrCode rc = encode_chunk(w, col, &col->enc.err);
    col->enc.rc = rc;
    return rc;
}
