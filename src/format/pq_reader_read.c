/* pq_reader_read.c — decoding one column chunk into a ColVec (pq_reader_read_column; see
 * pq_reader.h for the contract and pq_reader_int.h for the file split).
 *
 * Steps for column c of row group g:
 *   1. Locate the chunk: [dictionary_page_offset or data_page_offset, + total_compressed_size)
 *      must lie inside the file; the chunk's num_values must equal the group's rows (flat
 *      columns have one value per row); the codec must be one compress.h has.
 *   2. Walk pages: decode each PageHeader (pq_meta_dec.c), check its compressed size against
 *      the bytes left in the chunk, cap its declared uncompressed size (<= 1 GiB, and <= the
 *      codec's largest possible expansion of the compressed bytes + 1 MiB, see
 *      max_expansion(): a larger claim is hostile), then
 *        DICTIONARY_PAGE  PLAIN values decoded once into a dictionary ColVec
 *        DATA_PAGE (v1)   whole body compressed: [def levels: u32 len + RLE] [values]
 *        DATA_PAGE_V2     [def levels, RLE, no prefix, never compressed] [values, compressed
 *                         when is_compressed]
 *        INDEX_PAGE       skipped
 *      until the group's rows are filled. Each page consumes at least its header, so the
 *      walk ends.
 *   3. Values are decoded densely (non-null values only) straight into the output array at
 *      the page's first row, converted in place (widening runs backwards so it can be in
 *      place), then spread out backwards to their rows when the page has NULLs, zeroing
 *      NULL slots and clearing their validity bits.
 *
 * Dictionary mode: after a dictionary page, data pages decode their indices straight into
 * ColVec.codes (checked against the dictionary size). If a page that is not
 * dictionary-encoded follows (a writer's fallback to PLAIN), the rows so far are
 * materialised from the dictionary and the chunk continues flat.
 *
 * Memory: output arrays, the dictionary and decompressed pages whose bytes ColStr values
 * point into live in the caller's arena; pages of fixed-width columns are decompressed
 * into one reused buffer. Uncompressed pages are never copied: ColStr point into the
 * mapping. Nothing is shared between calls, so calls may run concurrently.
 */
#include <string.h>

#include "base/hash.h"
#include "format/compress.h"
#include "format/pq_dec.h"
#include "format/pq_meta_dec.h"
#include "format/pq_reader_int.h"

#define PQ_PAGE_MAX_BYTES   ((size_t)1 << 30)
#define PQ_PAGE_SLACK_BYTES ((size_t)1 << 20)
#define PQ_MAX_GROUP_ROWS   ((size_t)INT32_MAX)

typedef struct ColRead {
    const PqReader *r;
    int32_t rg, col;
    Arena *arena;
    const PqColumnInfo *info;
    const PqLeafPlan *plan;
    const PqColumnMeta *cm;
    CompressCodec codec;
    size_t width;      /* output slot bytes */
    bool out_is_bytes; /* slots are ColStr pointing into page bytes */
    size_t n_rows, row_pos;
    uint8_t *values;   /* flat output; NULL in dictionary mode */
    uint8_t *validity; /* nullable columns */
    uint32_t *codes;   /* dictionary mode */
    bool is_dict_mode;
    ColVec *dict;
    size_t n_nulls;
    uint8_t *levels;
    size_t levels_cap;
    uint32_t *indices;
    size_t indices_cap;
    uint8_t *page_buf; /* reused decompression buffer (fixed-width outputs) */
    size_t page_buf_cap;
    ColStr *strs; /* scratch for byte decimals */
    size_t strs_cap;
    uint8_t *keep_pool; /* one block for the pages values point into (see keep_buffer) */
    size_t keep_left;
    bool has_keep_pool; /* the pool was tried (it is sized once per chunk) */
} ColRead;

static const char *encoding_name(PqEncoding enc)
{
    switch (enc) {
    case PQ_ENC_PLAIN:
        return "PLAIN";
    case PQ_ENC_PLAIN_DICTIONARY:
        return "PLAIN_DICTIONARY";
    case PQ_ENC_RLE:
        return "RLE";
    case PQ_ENC_BIT_PACKED:
        return "BIT_PACKED";
    case PQ_ENC_DELTA_BINARY_PACKED:
        return "DELTA_BINARY_PACKED";
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        return "DELTA_LENGTH_BYTE_ARRAY";
    case PQ_ENC_DELTA_BYTE_ARRAY:
        return "DELTA_BYTE_ARRAY";
    case PQ_ENC_RLE_DICTIONARY:
        return "RLE_DICTIONARY";
    case PQ_ENC_BYTE_STREAM_SPLIT:
        return "BYTE_STREAM_SPLIT";
    }
    return "unknown";
}

static const char *phys_name(PqType type)
{
    static const char *const names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                        "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return (unsigned)type < TN_ARRAY_LEN(names) ? names[type] : "unknown";
}

/* Make *buf hold at least `need` bytes (contents not kept). */
static ErrCode scratch(ColRead *c, void **buf, size_t *cap, size_t need, Err *err)
{
    if (*cap >= need && *buf)
        return ERR_OK;
    size_t want = TN_MAX(need, *cap * 2);
    void *p = arena_alloc(c->arena, want ? want : 1);
    if (!p)
        return arena_error(c->arena, err);
    *buf = p;
    *cap = want;
    return ERR_OK;
}

/* In-place conversion of n dense decoded fixed-width values (see PqConv). Errors:
 * ERR_INVALID for a millisecond timestamp outside the microsecond range (about ±292,000
 * years), as DuckDB refuses it too, rather than wrapping around. */
static ErrCode convert_fixed(PqConv conv, uint8_t *dst, size_t n, Err *err)
{
    int32_t *v32 = (int32_t *)(void *)dst;
    int64_t *v64 = (int64_t *)(void *)dst;
    switch (conv) {
    case PQ_CONV_NONE:
    case PQ_CONV_BYTES_I64:
        return ERR_OK;
    case PQ_CONV_I8:
        for (size_t i = 0; i < n; i++) {
            v32[i] = (int8_t)v32[i];
        }
        return ERR_OK;
    case PQ_CONV_I16:
        for (size_t i = 0; i < n; i++) {
            v32[i] = (int16_t)v32[i];
        }
        return ERR_OK;
    case PQ_CONV_U8:
        for (size_t i = 0; i < n; i++) {
            v32[i] &= 0xff;
        }
        return ERR_OK;
    case PQ_CONV_U16:
        for (size_t i = 0; i < n; i++) {
            v32[i] &= 0xffff;
        }
        return ERR_OK;
    case PQ_CONV_I32_TO_I64:
    case PQ_CONV_U32_TO_I64:
        /* Backwards: slot i (8 bytes at 8i) only overlaps 4-byte inputs 2i and 2i+1 >= i. */
        for (size_t i = n; i-- > 0;) {
            uint32_t raw;
            memcpy(&raw, dst + i * 4, 4);
            int64_t wide = conv == PQ_CONV_I32_TO_I64 ? (int64_t)(int32_t)raw : (int64_t)raw;
            memcpy(dst + i * 8, &wide, 8);
        }
        return ERR_OK;
    case PQ_CONV_MILLIS:
        for (size_t i = 0; i < n; i++) {
            int64_t millis = v64[i];
            if (__builtin_mul_overflow(millis, 1000, &v64[i]))
                return err_set(err, ERR_INVALID,
                               "timestamp of %lld milliseconds is out of the microsecond range",
                               (long long)millis);
        }
        return ERR_OK;
    case PQ_CONV_NANOS:
        for (size_t i = 0; i < n; i++) {
            v64[i] = pq_nanos_to_micros(v64[i]);
        }
        return ERR_OK;
    }
    return ERR_OK;
}

static ErrCode decode_fixed(ColRead *c, PqEncoding enc, const uint8_t *data, size_t len, size_t n,
                            uint8_t *dst, Err *err)
{
    PqType phys = c->plan->phys;
    size_t pw = phys == PQ_INT32 || phys == PQ_FLOAT ? 4 : 8;
    size_t used;
    ErrCode rc;
    if (enc == PQ_ENC_PLAIN)
        rc = pq_plain_decode_fixed(data, len, pw, dst, n, err);
    else if (enc == PQ_ENC_DELTA_BINARY_PACKED && phys == PQ_INT32)
        rc = pq_delta_decode_i32(data, len, (int32_t *)(void *)dst, n, &used, err);
    else if (enc == PQ_ENC_DELTA_BINARY_PACKED && phys == PQ_INT64)
        rc = pq_delta_decode_i64(data, len, (int64_t *)(void *)dst, n, &used, err);
    else if (enc == PQ_ENC_BYTE_STREAM_SPLIT)
        rc = pq_bss_decode(data, len, pw, dst, n, err);
    else
        return err_set(err, ERR_UNSUPPORTED, "encoding %s is not supported for %s columns",
                       encoding_name(enc), phys_name(phys));
    if (rc == ERR_OK)
        rc = convert_fixed(c->plan->conv, dst, n, err);
    return rc;
}

static ErrCode decode_bytes(ColRead *c, PqEncoding enc, const uint8_t *data, size_t len, size_t n,
                            uint8_t *dst, Err *err)
{
    const PqLeafPlan *plan = c->plan;
    ColStr *strs = (ColStr *)(void *)dst;
    ErrCode rc;
    if (plan->conv == PQ_CONV_BYTES_I64) {
        rc = scratch(c, (void **)&c->strs, &c->strs_cap, n * sizeof(ColStr), err);
        if (rc != ERR_OK)
            return rc;
        strs = c->strs;
    }
    bool is_flba = plan->phys == PQ_FIXED_LEN_BYTE_ARRAY;
    if (enc == PQ_ENC_PLAIN && !is_flba) {
        rc = pq_plain_decode_byte_array(data, len, strs, n, err);
    } else if (enc == PQ_ENC_PLAIN) {
        rc = pq_plain_decode_flba(data, len, plan->type_len, strs, n, err);
    } else if (enc == PQ_ENC_DELTA_LENGTH_BYTE_ARRAY && !is_flba) {
        rc = pq_delta_length_decode(c->arena, data, len, strs, n, err);
    } else if (enc == PQ_ENC_DELTA_BYTE_ARRAY) {
        rc = pq_delta_byte_array_decode(c->arena, data, len, strs, n, err);
        for (size_t i = 0; rc == ERR_OK && is_flba && i < n; i++) {
            if (strs[i].len != plan->type_len)
                rc = err_set(err, ERR_CORRUPT, "value %zu has %u bytes, the column has %u", i,
                             strs[i].len, plan->type_len);
        }
    } else if (enc == PQ_ENC_BYTE_STREAM_SPLIT && is_flba) {
        size_t bytes;
        if (!size_mul(n, plan->type_len, &bytes))
            return err_set(err, ERR_CORRUPT, "byte-stream-split page too large");
        uint8_t *buf = arena_alloc(c->arena, bytes ? bytes : 1);
        if (!buf)
            return arena_error(c->arena, err);
        rc = pq_bss_decode(data, len, plan->type_len, buf, n, err);
        for (size_t i = 0; rc == ERR_OK && i < n; i++) {
            strs[i].len = plan->type_len;
            strs[i].ptr = (const char *)buf + i * plan->type_len;
        }
    } else {
        return err_set(err, ERR_UNSUPPORTED, "encoding %s is not supported for %s columns",
                       encoding_name(enc), phys_name(plan->phys));
    }
    if (rc == ERR_OK && plan->conv == PQ_CONV_BYTES_I64) {
        int64_t *out = (int64_t *)(void *)dst;
        for (size_t i = 0; i < n; i++) {
            out[i] = pq_be_to_i64((const uint8_t *)strs[i].ptr, strs[i].len);
        }
    }
    return rc;
}

/* Decode n non-null values encoded with `enc` into dst (n output slots). */
static ErrCode decode_dense(ColRead *c, PqEncoding enc, const uint8_t *data, size_t len, size_t n,
                            uint8_t *dst, Err *err)
{
    switch (c->plan->phys) {
    case PQ_BOOLEAN:
        if (enc == PQ_ENC_PLAIN)
            return pq_plain_decode_bool(data, len, dst, n, err);
        if (enc == PQ_ENC_RLE) {
            if (len < 4 || load_u32le(data) > len - 4)
                return err_set(err, ERR_CORRUPT, "RLE boolean length prefix passes the end");
            return pq_rle_decode_u8(data + 4, load_u32le(data), 1, dst, n, err);
        }
        break;
    case PQ_INT32:
    case PQ_INT64:
    case PQ_FLOAT:
    case PQ_DOUBLE:
        return decode_fixed(c, enc, data, len, n, dst, err);
    case PQ_INT96:
        if (enc == PQ_ENC_PLAIN)
            return pq_plain_decode_int96_us(data, len, (int64_t *)(void *)dst, n, err);
        break;
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        return decode_bytes(c, enc, data, len, n, dst, err);
    }
    return err_set(err, ERR_UNSUPPORTED, "encoding %s is not supported for %s columns",
                   encoding_name(enc), phys_name(c->plan->phys));
}

/* The most a codec can expand its input, rounded up: snappy emits at most 64 bytes per
 * 3-byte copy (~21x); an LZ4 match grows 255 bytes per extra length byte; deflate's best is
 * 258 bytes per ~2 bits (1032x); zstd's RLE blocks turn 4 bytes into 128 KiB (32768x).
 * A page claiming more than this for its compressed size cannot be genuine. */
static size_t max_expansion(CompressCodec codec)
{
    switch (codec) {
    case COMPRESS_NONE:
        return 1;
    case COMPRESS_SNAPPY:
        return 32;
    case COMPRESS_LZ4_RAW:
        return 256;
    case COMPRESS_GZIP:
    case COMPRESS_DEFLATE:
        return 1100;
    case COMPRESS_ZSTD:
        return 32768;
    }
    return 1;
}

/* True when `raw_len` bytes can come out of `packed_len` compressed bytes. */
static bool is_plausible_size(CompressCodec codec, size_t packed_len, size_t raw_len)
{
    size_t bound;
    if (!size_mul(packed_len, max_expansion(codec), &bound) ||
        !size_add(bound, PQ_PAGE_SLACK_BYTES, &bound))
        bound = SIZE_MAX;
    return raw_len <= PQ_PAGE_MAX_BYTES && raw_len <= bound;
}

/* A buffer for a decompressed page that values will point into. The first such page of a
 * chunk reserves one block of the chunk's declared uncompressed size (when plausible for its
 * compressed size) and later pages are carved from it: one allocation per chunk instead of
 * one per page, which also lets the system allocator reuse the block for the next chunk.
 * A failed reservation is ERR_NOMEM like any other allocation (no silent fallback). */
static ErrCode keep_buffer(ColRead *c, size_t raw_len, uint8_t **out, Err *err)
{
    if (!c->has_keep_pool) {
        c->has_keep_pool = true;
        size_t total = (size_t)c->cm->total_uncompressed_size;
        size_t packed = (size_t)c->cm->total_compressed_size;
        if (total >= raw_len && is_plausible_size(c->codec, packed, total)) {
            c->keep_pool = arena_alloc(c->arena, total ? total : 1);
            if (!c->keep_pool)
                return arena_error(c->arena, err);
            c->keep_left = total;
        }
    }
    if (c->keep_left >= raw_len) {
        *out = c->keep_pool;
        c->keep_pool += raw_len;
        c->keep_left -= raw_len;
        return ERR_OK;
    }
    *out = arena_alloc(c->arena, raw_len ? raw_len : 1);
    return *out ? ERR_OK : arena_error(c->arena, err);
}

/* Page bytes after decompression: src itself when not compressed (zero copy). `keep`: the
 * decoded values will point into the bytes, so they get a buffer of their own in the
 * caller's arena; otherwise the reused scratch buffer serves. */
static ErrCode page_bytes(ColRead *c, const uint8_t *src, size_t src_len, size_t raw_len,
                          bool is_compressed, bool keep, const uint8_t **out, size_t *out_len,
                          Err *err)
{
    /* Empty sections (a v2 page of only NULLs) may be stored without a codec frame. */
    if (!is_compressed || c->codec == COMPRESS_NONE || (src_len == 0 && raw_len == 0)) {
        *out = src;
        *out_len = src_len;
        return ERR_OK;
    }
    if (!is_plausible_size(c->codec, src_len, raw_len))
        return err_set(err, ERR_CORRUPT,
                       "uncompressed size %zu is implausible for %zu compressed bytes", raw_len,
                       src_len);
    uint8_t *dst = NULL;
    ErrCode rc;
    if (keep) {
        rc = keep_buffer(c, raw_len, &dst, err);
    } else {
        rc = scratch(c, (void **)&c->page_buf, &c->page_buf_cap, raw_len, err);
        dst = c->page_buf;
    }
    if (rc != ERR_OK)
        return rc;
    rc = decompress_block(c->codec, src, src_len, dst, raw_len, err);
    if (rc != ERR_OK)
        return rc;
    *out = dst;
    *out_len = raw_len;
    return ERR_OK;
}

static ErrCode read_dictionary(ColRead *c, const PqPageHeader *ph, const uint8_t *body, Err *err)
{
    if (c->dict || c->row_pos > 0)
        return err_set(err, ERR_CORRUPT, "dictionary page is not the first page of the chunk");
    if (!ph->has_dictionary_page_header)
        return err_set(err, ERR_CORRUPT, "dictionary page lacks its DictionaryPageHeader");
    const PqDictionaryPageHeader *dh = &ph->dictionary_page_header;
    PqEncoding enc = dh->encoding;
    if (enc != PQ_ENC_PLAIN && enc != PQ_ENC_PLAIN_DICTIONARY)
        return err_set(err, ERR_UNSUPPORTED, "dictionary encoding %s is not supported",
                       encoding_name(enc));
    const uint8_t *data;
    size_t len;
    ErrCode rc =
            page_bytes(c, body, (size_t)ph->compressed_page_size,
                       (size_t)ph->uncompressed_page_size, true, c->out_is_bytes, &data, &len, err);
    if (rc != ERR_OK)
        return rc;
    /* Each PLAIN value takes at least one byte (booleans one bit). */
    size_t n = dh->num_values < 0 ? SIZE_MAX : (size_t)dh->num_values;
    if (n > len * (c->plan->phys == PQ_BOOLEAN ? 8 : 1))
        return err_set(err, ERR_CORRUPT, "dictionary of %d values cannot fit in %zu bytes",
                       dh->num_values, len);
    ColVec *dict = arena_zalloc(c->arena, sizeof *dict);
    if (!dict)
        return arena_error(c->arena, err);
    rc = colvec_alloc(c->arena, c->info->type, n, false, dict, err);
    if (rc != ERR_OK)
        return rc;
    rc = decode_dense(c, PQ_ENC_PLAIN, data, len, n, dict->values, err);
    if (rc != ERR_OK) {
        err_prefix(err, "dictionary");
        return rc;
    }
    c->dict = dict;
    c->is_dict_mode = true;
    c->codes = arena_alloc(c->arena, (c->n_rows ? c->n_rows : 1) * sizeof(uint32_t));
    if (!c->codes)
        return arena_error(c->arena, err);
    return ERR_OK;
}

/* Allocate the flat output; in dictionary mode materialise the rows decoded so far. */
static ErrCode go_flat(ColRead *c, Err *err)
{
    size_t w = c->width;
    c->values = arena_alloc(c->arena, (c->n_rows ? c->n_rows : 1) * w);
    if (!c->values)
        return arena_error(c->arena, err);
    if (c->is_dict_mode) {
        const uint8_t *dv = c->dict->values;
        for (size_t row = 0; row < c->row_pos; row++) {
            bool is_null = c->validity && !(c->validity[row >> 3] & (1u << (row & 7)));
            if (is_null || c->dict->n_rows == 0)
                memset(c->values + row * w, 0, w);
            else
                memcpy(c->values + row * w, dv + (size_t)c->codes[row] * w, w);
        }
    }
    c->is_dict_mode = false;
    c->codes = NULL;
    return ERR_OK;
}

TN_INLINE void spread_w(uint8_t *base, const uint8_t *levels, size_t nv, size_t nn, uint8_t max_def,
                        const size_t w)
{
    size_t j = nn;
    for (size_t row = nv; row-- > 0;) {
        if (levels[row] == max_def) {
            j--;
            if (j != row)
                memcpy(base + row * w, base + j * w, w);
        } else {
            memset(base + row * w, 0, w);
        }
    }
}

/* Move nn dense slots at base to their rows among nv (levels == max_def), zeroing NULLs. */
static void spread(uint8_t *base, const uint8_t *levels, size_t nv, size_t nn, uint8_t max_def,
                   size_t w)
{
    switch (w) {
    case 1:
        spread_w(base, levels, nv, nn, max_def, 1);
        return;
    case 4:
        spread_w(base, levels, nv, nn, max_def, 4);
        return;
    case 8:
        spread_w(base, levels, nv, nn, max_def, 8);
        return;
    case 16:
        spread_w(base, levels, nv, nn, max_def, 16);
        return;
    default:
        spread_w(base, levels, nv, nn, max_def, w);
        return;
    }
}

TN_INLINE void gather_w(uint8_t *dst, const uint8_t *dict, const uint32_t *idx, size_t n,
                        const size_t w)
{
    for (size_t i = 0; i < n; i++) {
        memcpy(dst + i * w, dict + (size_t)idx[i] * w, w);
    }
}

static void gather(uint8_t *dst, const uint8_t *dict, const uint32_t *idx, size_t n, size_t w)
{
    if (w == 4)
        gather_w(dst, dict, idx, n, 4);
    else if (w == 8)
        gather_w(dst, dict, idx, n, 8);
    else if (w == 16)
        gather_w(dst, dict, idx, n, 16);
    else
        gather_w(dst, dict, idx, n, w);
}

/* Values of one data page: nv rows, nn of them non-null, levels NULL when nn == nv. */
static ErrCode page_values(ColRead *c, PqEncoding enc, const uint8_t *data, size_t len, size_t nv,
                           size_t nn, const uint8_t *levels, Err *err)
{
    bool is_dict_enc = enc == PQ_ENC_RLE_DICTIONARY || enc == PQ_ENC_PLAIN_DICTIONARY;
    ErrCode rc;
    if (is_dict_enc && !c->dict)
        return err_set(err, ERR_CORRUPT, "dictionary-encoded page without a dictionary page");
    if ((!is_dict_enc && c->is_dict_mode) || (!c->is_dict_mode && !c->values)) {
        rc = go_flat(c, err);
        if (rc != ERR_OK)
            return rc;
    }
    uint8_t max_def = (uint8_t)c->plan->max_def;
    if (is_dict_enc) {
        uint32_t *idx = c->is_dict_mode ? c->codes + c->row_pos : NULL;
        if (!idx) {
            rc = scratch(c, (void **)&c->indices, &c->indices_cap, nn * sizeof(uint32_t), err);
            if (rc != ERR_OK)
                return rc;
            idx = c->indices;
        }
        uint32_t max_code;
        rc = pq_dict_indices_decode(data, len, idx, nn, &max_code, err);
        if (rc != ERR_OK)
            return rc;
        if (nn > 0 && max_code >= c->dict->n_rows) {
            /* The bound is loose; find an index that really is out of range. */
            for (size_t i = 0; i < nn; i++) {
                if (idx[i] >= c->dict->n_rows)
                    return err_set(err, ERR_CORRUPT,
                                   "dictionary index %u out of range (%zu entries)", idx[i],
                                   c->dict->n_rows);
            }
        }
        if (c->is_dict_mode) {
            if (nn < nv)
                spread((uint8_t *)idx, levels, nv, nn, max_def, sizeof(uint32_t));
            return ERR_OK;
        }
        uint8_t *dst = c->values + c->row_pos * c->width;
        gather(dst, c->dict->values, idx, nn, c->width);
    } else {
        uint8_t *dst = c->values + c->row_pos * c->width;
        rc = decode_dense(c, enc, data, len, nn, dst, err);
        if (rc != ERR_OK)
            return rc;
    }
    if (nn < nv)
        spread(c->values + c->row_pos * c->width, levels, nv, nn, max_def, c->width);
    return ERR_OK;
}

/* Decode nv definition levels; returns the non-null count and marks NULL rows. */
static ErrCode def_levels(ColRead *c, const uint8_t *data, size_t len, size_t nv, size_t *nn,
                          Err *err)
{
    ErrCode rc = scratch(c, (void **)&c->levels, &c->levels_cap, nv, err);
    if (rc != ERR_OK)
        return rc;
    rc = pq_rle_decode_u8(data, len, 1, c->levels, nv, err);
    if (rc != ERR_OK) {
        err_prefix(err, "definition levels");
        return rc;
    }
    size_t count = 0;
    for (size_t i = 0; i < nv; i++) {
        count += c->levels[i] == 1;
    }
    if (count < nv) {
        for (size_t i = 0; i < nv; i++) {
            if (c->levels[i] != 1) {
                size_t row = c->row_pos + i;
                c->validity[row >> 3] &= (uint8_t) ~(1u << (row & 7));
            }
        }
        c->n_nulls += nv - count;
    }
    *nn = count;
    return ERR_OK;
}

static ErrCode page_rows(ColRead *c, int64_t nv_raw, size_t *nv, Err *err)
{
    if (nv_raw < 0 || (uint64_t)nv_raw > c->n_rows - c->row_pos)
        return err_set(err, ERR_CORRUPT,
                       "page holds %lld values but only %zu of the row group's %zu rows remain",
                       (long long)nv_raw, c->n_rows - c->row_pos, c->n_rows);
    *nv = (size_t)nv_raw;
    return ERR_OK;
}

/* Whether values decoded from a data page in `enc` point into the page's bytes (only
 * byte-string outputs from PLAIN or DELTA_LENGTH_BYTE_ARRAY do; dictionary indices,
 * DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT values are copied out). */
static bool keeps_page(const ColRead *c, PqEncoding enc)
{
    return c->out_is_bytes && (enc == PQ_ENC_PLAIN || enc == PQ_ENC_DELTA_LENGTH_BYTE_ARRAY);
}

static ErrCode read_data_v1(ColRead *c, const PqPageHeader *ph, const uint8_t *body, Err *err)
{
    if (!ph->has_data_page_header)
        return err_set(err, ERR_CORRUPT, "data page lacks its DataPageHeader");
    const PqDataPageHeader *dh = &ph->data_page_header;
    size_t nv = 0;
    ErrCode rc = page_rows(c, dh->num_values, &nv, err);
    if (rc != ERR_OK)
        return rc;
    const uint8_t *data;
    size_t len;
    rc = page_bytes(c, body, (size_t)ph->compressed_page_size, (size_t)ph->uncompressed_page_size,
                    true, keeps_page(c, dh->encoding), &data, &len, err);
    if (rc != ERR_OK)
        return rc;
    size_t nn = nv;
    if (c->plan->max_def > 0) {
        if (dh->definition_level_encoding != PQ_ENC_RLE)
            return err_set(err, ERR_UNSUPPORTED, "definition level encoding %s is not supported",
                           encoding_name(dh->definition_level_encoding));
        if (len < 4 || load_u32le(data) > len - 4)
            return err_set(err, ERR_CORRUPT, "definition levels length prefix passes the end");
        uint32_t levels_len = load_u32le(data);
        rc = def_levels(c, data + 4, levels_len, nv, &nn, err);
        if (rc != ERR_OK)
            return rc;
        data += 4 + levels_len;
        len -= 4 + (size_t)levels_len;
    }
    rc = page_values(c, dh->encoding, data, len, nv, nn, c->levels, err);
    if (rc == ERR_OK)
        c->row_pos += nv;
    return rc;
}

static ErrCode read_data_v2(ColRead *c, const PqPageHeader *ph, const uint8_t *body, Err *err)
{
    if (!ph->has_data_page_header_v2)
        return err_set(err, ERR_CORRUPT, "data page v2 lacks its DataPageHeaderV2");
    const PqDataPageHeaderV2 *dh = &ph->data_page_header_v2;
    size_t nv = 0;
    ErrCode rc = page_rows(c, dh->num_values, &nv, err);
    if (rc != ERR_OK)
        return rc;
    int64_t def_len = dh->definition_levels_byte_length;
    int64_t rep_len = dh->repetition_levels_byte_length;
    if (def_len < 0 || rep_len < 0 || def_len + rep_len > ph->compressed_page_size ||
        def_len + rep_len > ph->uncompressed_page_size)
        return err_set(err, ERR_CORRUPT, "level lengths %lld + %lld exceed the page size",
                       (long long)rep_len, (long long)def_len);
    size_t nn = nv;
    if (c->plan->max_def > 0) {
        rc = def_levels(c, body + rep_len, (size_t)def_len, nv, &nn, err);
        if (rc != ERR_OK)
            return rc;
    }
    size_t skip = (size_t)(def_len + rep_len);
    const uint8_t *data;
    size_t len;
    rc = page_bytes(c, body + skip, (size_t)ph->compressed_page_size - skip,
                    (size_t)ph->uncompressed_page_size - skip, dh->is_compressed,
                    keeps_page(c, dh->encoding), &data, &len, err);
    if (rc != ERR_OK)
        return rc;
    rc = page_values(c, dh->encoding, data, len, nv, nn, c->levels, err);
    if (rc == ERR_OK)
        c->row_pos += nv;
    return rc;
}

static ErrCode map_codec(PqCodec codec, CompressCodec *out, Err *err)
{
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        *out = COMPRESS_NONE;
        return ERR_OK;
    case PQ_CODEC_SNAPPY:
        *out = COMPRESS_SNAPPY;
        return ERR_OK;
    case PQ_CODEC_GZIP:
        *out = COMPRESS_GZIP;
        return ERR_OK;
    case PQ_CODEC_ZSTD:
        *out = COMPRESS_ZSTD;
        return ERR_OK;
    case PQ_CODEC_LZ4_RAW:
        *out = COMPRESS_LZ4_RAW;
        return ERR_OK;
    case PQ_CODEC_LZO:
        return err_set(err, ERR_UNSUPPORTED, "compression codec LZO is not supported");
    case PQ_CODEC_BROTLI:
        return err_set(err, ERR_UNSUPPORTED, "compression codec BROTLI is not supported");
    case PQ_CODEC_LZ4:
        return err_set(err, ERR_UNSUPPORTED,
                       "compression codec LZ4 (Hadoop framing) is not supported; use LZ4_RAW");
    }
    return err_set(err, ERR_UNSUPPORTED, "compression codec %d is not supported", (int)codec);
}

/* Walk the chunk's pages until every row is decoded; *page_at tracks the current page. */
static ErrCode walk_pages(ColRead *c, size_t start, size_t end, size_t *page_at, Err *err)
{
    const uint8_t *d = c->r->data;
    size_t pos = start;
    while (c->row_pos < c->n_rows) {
        *page_at = pos;
        if (pos >= end)
            return err_set(err, ERR_CORRUPT, "column chunk ends after %zu of %zu rows", c->row_pos,
                           c->n_rows);
        PqPageHeader ph;
        size_t header_len;
        ErrCode rc = pq_meta_dec_page_header(d + pos, end - pos, &ph, &header_len, err);
        if (rc != ERR_OK)
            return rc;
        const uint8_t *body = d + pos + header_len;
        if ((size_t)ph.compressed_page_size > end - pos - header_len)
            return err_set(err, ERR_CORRUPT,
                           "compressed page size %d exceeds the %zu bytes left in the chunk",
                           ph.compressed_page_size, end - pos - header_len);
        switch (ph.type) {
        case PQ_PAGE_DICTIONARY:
            rc = read_dictionary(c, &ph, body, err);
            break;
        case PQ_PAGE_DATA:
            rc = read_data_v1(c, &ph, body, err);
            break;
        case PQ_PAGE_DATA_V2:
            rc = read_data_v2(c, &ph, body, err);
            break;
        case PQ_PAGE_INDEX:
            break;
        }
        if (rc != ERR_OK)
            return rc;
        pos += header_len + (size_t)ph.compressed_page_size;
    }
    return ERR_OK;
}

static ErrCode chunk_range(const ColRead *c, size_t *start, size_t *end, Err *err)
{
    const PqColumnMeta *cm = c->cm;
    int64_t first = cm->data_page_offset;
    if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 &&
        cm->dictionary_page_offset < first)
        first = cm->dictionary_page_offset;
    size_t file_end = c->r->len - 8;
    if (first < 4 || (uint64_t)first >= file_end || cm->total_compressed_size <= 0 ||
        (uint64_t)cm->total_compressed_size > file_end - (uint64_t)first)
        return err_set(err, ERR_CORRUPT,
                       "chunk at offset %lld of %lld bytes does not lie inside the file (%zu "
                       "bytes)",
                       (long long)first, (long long)cm->total_compressed_size, c->r->len);
    *start = (size_t)first;
    *end = (size_t)first + (size_t)cm->total_compressed_size;
    return ERR_OK;
}

static ErrCode read_chunk(ColRead *c, ColVec *out, size_t *page_at, Err *err)
{
    size_t start = 0, end = 0;
    ErrCode rc = chunk_range(c, &start, &end, err);
    if (rc != ERR_OK)
        return rc;
    if (c->cm->num_values != (int64_t)c->n_rows)
        return err_set(err, ERR_CORRUPT, "chunk holds %lld values for %zu rows",
                       (long long)c->cm->num_values, c->n_rows);
    if (c->cm->type != c->plan->phys)
        return err_set(err, ERR_CORRUPT, "chunk type %s differs from the schema's %s",
                       phys_name(c->cm->type), phys_name(c->plan->phys));
    rc = map_codec(c->cm->codec, &c->codec, err);
    if (rc != ERR_OK)
        return rc;
    if (c->plan->max_def > 0) {
        size_t bitmap = (c->n_rows + 7) / 8;
        c->validity = arena_alloc(c->arena, bitmap ? bitmap : 1);
        if (!c->validity)
            return arena_error(c->arena, err);
        memset(c->validity, 0xff, bitmap ? bitmap : 1);
    }
    rc = walk_pages(c, start, end, page_at, err);
    if (rc != ERR_OK)
        return rc;
    if (!c->values && !c->is_dict_mode) {
        rc = go_flat(c, err); /* no data page at all (zero rows) */
        if (rc != ERR_OK)
            return rc;
    }
    ColVec vec = {.type = c->info->type, .n_rows = c->n_rows};
    vec.validity = c->n_nulls ? c->validity : NULL;
    if (c->is_dict_mode) {
        vec.codes = c->codes;
        vec.dict = c->dict;
        vec.dict_id = hash_u64(c->r->dict_seed ^ ((uint64_t)(uint32_t)c->rg << 32) ^
                               (uint64_t)(uint32_t)c->col) |
                      1;
    } else {
        vec.values = c->values;
    }
    *out = vec;
    return ERR_OK;
}

ErrCode pq_reader_read_column(PqReader *reader, int32_t rg, int32_t col, Arena *arena, ColVec *out,
                              Err *err)
{
    if (rg < 0 || rg >= reader->meta.n_row_groups || col < 0 || col >= reader->n_columns)
        return err_set(err, ERR_INVALID,
                       "parquet file \"%s\": row group %d, column %d out of range", reader->name,
                       rg, col);
    const PqColumnInfo *info = &reader->columns[col];
    if (info->unsupported)
        return err_set(err, ERR_UNSUPPORTED, "parquet file \"%s\": column \"%s\": %s", reader->name,
                       info->name, info->unsupported);
    const PqRowGroup *g = &reader->meta.row_groups[rg];
    ColRead c = {
            .r = reader,
            .rg = rg,
            .col = col,
            .arena = arena,
            .info = info,
            .plan = &reader->plans[col],
            .cm = &g->columns[col].meta_data,
            .width = colvec_value_width(info->type),
            .out_is_bytes = colvec_is_bytes(info->type),
            .n_rows = (size_t)g->num_rows,
    };
    size_t page_at = 0;
    ErrCode rc;
    if (c.n_rows > PQ_MAX_GROUP_ROWS)
        rc = err_set(err, ERR_CORRUPT, "row group of %zu rows exceeds %zu", c.n_rows,
                     PQ_MAX_GROUP_ROWS);
    else
        rc = read_chunk(&c, out, &page_at, err);
    if (rc != ERR_OK) {
        if (page_at)
            err_prefix(err, "parquet file \"%s\": row group %d: column \"%s\": page at offset %zu",
                       reader->name, rg, info->name, page_at);
        else
            err_prefix(err, "parquet file \"%s\": row group %d: column \"%s\"", reader->name, rg,
                       info->name);
    }
    return rc;
}
