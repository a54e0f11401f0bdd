/* pq_reader_test.c — the Parquet reader on fixtures written by DuckDB (tests/data/parquet/,
 * see the README there) and on small files built byte by byte here: values and NULLs read
 * back, nested columns listed as unsupported and refused by name, row-group pruning, and
 * every kind of broken file (truncated, bad magic, footer length past the start, corrupt
 * page header, hostile sizes and counts, unsupported codec) failing with a message that
 * names the file, row group, column and offset. */
#include <stdio.h>
#include <string.h>

#include "base/file.h"
#include "format/pq_meta_dec.h"
#include "format/pq_reader.h"
#include "format/pq_writer.h"
#include "test_util.h"

/* tests/data/parquet/<name>, found from this file's path. */
static const char *fixture(const char *name, char *buf, size_t len)
{
    const char *here = __FILE__;
    const char *cut = strstr(here, "tests/unit/");
    int prefix = cut ? (int)(cut - here) : 0;
    snprintf(buf, len, "%.*stests/data/parquet/%s", prefix, here, name);
    return buf;
}

/* ---- a tiny Parquet writer for hostile files ---------------------------------------- */

typedef struct Buf {
    uint8_t data[4096];
    size_t len;
} Buf;

static void put(Buf *b, const void *p, size_t n)
{
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_byte(Buf *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put_varint(Buf *b, uint64_t v)
{
    while (v >= 0x80) {
        put_byte(b, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    put_byte(b, (uint8_t)v);
}

static void put_zz(Buf *b, int64_t v)
{
    put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* Field header with delta from `*last` (short form only; ids here ascend by <= 15). */
static void field(Buf *b, int *last, int id, int type)
{
    put_byte(b, (uint8_t)(((id - *last) << 4) | type));
    *last = id;
}

static void field_i(Buf *b, int *last, int id, int64_t v)
{
    field(b, last, id, 6);
    put_zz(b, v);
}

static void field_str(Buf *b, int *last, int id, const char *s)
{
    field(b, last, id, 8);
    put_varint(b, strlen(s));
    put(b, s, strlen(s));
}

static void field_bin(Buf *b, int *last, int id, const uint8_t *bytes, size_t len)
{
    field(b, last, id, 8);
    put_varint(b, len);
    put(b, bytes, len);
}

/* One REQUIRED leaf column in one row group, for footer-level cases. */
typedef struct OneColumn {
    const char *name; /* NULL: "c" */
    PqType phys;
    int32_t type_length;      /* FIXED_LEN_BYTE_ARRAY only */
    int converted;            /* a PqConvertedType, or -1 for none */
    int32_t scale, precision; /* DECIMAL only */
    int codec;                /* CompressionCodec of the chunk */
    int64_t chunk_offset;     /* data_page_offset; 0: 4, where the chunk starts */
    bool has_dict_page;       /* the chunk starts with a dictionary page */
    int64_t rows;
    const Buf *page;         /* the chunk's pages; NULL: one placeholder byte */
    const uint8_t *stat_min; /* deprecated Statistics.min/max, or NULL */
    const uint8_t *stat_max;
    size_t stat_len;
} OneColumn;

/* "PAR1", the chunk, a footer describing the column as `c` says, its length, "PAR1". */
static void build_one_column_file(const OneColumn *c, Buf *f)
{
    f->len = 0;
    put(f, "PAR1", 4);
    size_t chunk_len = c->page ? c->page->len : 1;
    if (c->page) {
        put(f, c->page->data, c->page->len);
    } else {
        put_byte(f, 0);
    }
    Buf m = {.len = 0};
    int last = 0;
    field_i(&m, &last, 1, 1);
    field(&m, &last, 2, 9);
    put_byte(&m, 0x2c); /* two SchemaElements */
    int s = 0;
    field_str(&m, &s, 4, "schema");
    field_i(&m, &s, 5, 1);
    put_byte(&m, 0);
    s = 0;
    field_i(&m, &s, 1, c->phys);
    if (c->type_length)
        field_i(&m, &s, 2, c->type_length);
    const char *name = c->name ? c->name : "c";
    field_i(&m, &s, 3, PQ_REQUIRED);
    field_str(&m, &s, 4, name);
    if (c->converted >= 0)
        field_i(&m, &s, 6, c->converted);
    if (c->precision) {
        field_i(&m, &s, 7, c->scale);
        field_i(&m, &s, 8, c->precision);
    }
    put_byte(&m, 0);
    field_i(&m, &last, 3, c->rows);
    field(&m, &last, 4, 9);
    put_byte(&m, 0x1c);
    int rg = 0;
    field(&m, &rg, 1, 9);
    put_byte(&m, 0x1c);
    int cc = 0;
    field_i(&m, &cc, 2, 4);
    field(&m, &cc, 3, 12);
    int cm = 0;
    field_i(&m, &cm, 1, c->phys);
    field(&m, &cm, 2, 9);
    put_byte(&m, 0x15); /* encodings: [PLAIN] */
    put_byte(&m, 0);
    field(&m, &cm, 3, 9);
    put_byte(&m, 0x18);
    put_varint(&m, strlen(name));
    put(&m, name, strlen(name));
    field_i(&m, &cm, 4, c->codec);
    field_i(&m, &cm, 5, c->rows);
    field_i(&m, &cm, 6, (int64_t)chunk_len);
    field_i(&m, &cm, 7, (int64_t)chunk_len);
    field_i(&m, &cm, 9, c->chunk_offset ? c->chunk_offset : 4);
    if (c->has_dict_page)
        field_i(&m, &cm, 11, 4);
    if (c->stat_min) {
        field(&m, &cm, 12, 12);
        int st = 0;
        field_bin(&m, &st, 1, c->stat_max, c->stat_len);
        field_bin(&m, &st, 2, c->stat_min, c->stat_len);
        field_i(&m, &st, 3, 0);
        put_byte(&m, 0); /* Statistics */
    }
    put_byte(&m, 0); /* ColumnMetaData */
    put_byte(&m, 0); /* ColumnChunk */
    field_i(&m, &rg, 2, 12);
    field_i(&m, &rg, 3, c->rows);
    put_byte(&m, 0); /* RowGroup */
    put_byte(&m, 0); /* FileMetaData */
    put(f, m.data, m.len);
    uint8_t len_le[4];
    store_u32le(len_le, (uint32_t)m.len);
    put(f, len_le, 4);
    put(f, "PAR1", 4);
}

typedef struct Spec {
    int32_t page_uncompressed; /* page header sizes */
    int32_t page_compressed;
    int32_t page_values;
    int codec;
    int64_t chunk_offset; /* 0: the real one */
    int64_t rows;
    bool has_dict;     /* a dictionary page (values 10, 20) and RLE_DICTIONARY indices */
    uint8_t bad_index; /* with has_dict: the third index (valid: 0 or 1) */
} Spec;

/* A file with one REQUIRED INT32 column "x" holding 1, 2, 3 in one PLAIN v1 page. */
static size_t build_file(const Spec *spec, uint8_t *out)
{
    Buf page = {.len = 0};
    int last = 0;
    field_i(&page, &last, 1, 0);
    field_i(&page, &last, 2, spec->page_uncompressed);
    field_i(&page, &last, 3, spec->page_compressed);
    field(&page, &last, 5, 12);
    int inner = 0;
    field_i(&page, &inner, 1, spec->page_values);
    field_i(&page, &inner, 2, 0);
    field_i(&page, &inner, 3, 3);
    field_i(&page, &inner, 4, 3);
    put_byte(&page, 0);
    put_byte(&page, 0);
    const uint8_t values[12] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
    if (spec->has_dict) {
        /* Replace the PLAIN page by: dictionary page [10, 20], then a data page whose
         * indices are 1, 0, bad_index (bit width 2, one bit-packed group). */
        Buf dict = {.len = 0};
        last = 0;
        field_i(&dict, &last, 1, 2);
        field_i(&dict, &last, 2, 8);
        field_i(&dict, &last, 3, 8);
        field(&dict, &last, 7, 12);
        inner = 0;
        field_i(&dict, &inner, 1, 2);
        field_i(&dict, &inner, 2, 0);
        put_byte(&dict, 0);
        put_byte(&dict, 0);
        const uint8_t dict_values[8] = {10, 0, 0, 0, 20, 0, 0, 0};
        put(&dict, dict_values, sizeof dict_values);
        page.len = 0;
        put(&page, dict.data, dict.len);
        last = 0;
        field_i(&page, &last, 1, 0);
        field_i(&page, &last, 2, 4);
        field_i(&page, &last, 3, 4);
        field(&page, &last, 5, 12);
        inner = 0;
        field_i(&page, &inner, 1, 3);
        field_i(&page, &inner, 2, 8);
        field_i(&page, &inner, 3, 3);
        field_i(&page, &inner, 4, 3);
        put_byte(&page, 0);
        put_byte(&page, 0);
        const uint8_t indices[4] = {2, 0x03, (uint8_t)(1 | (spec->bad_index << 4)), 0};
        put(&page, indices, sizeof indices);
    } else {
        put(&page, values, sizeof values);
    }
    Buf f;
    const OneColumn c = {.name = "x",
                         .phys = PQ_INT32,
                         .converted = -1,
                         .rows = spec->rows,
                         .page = &page,
                         .codec = spec->codec,
                         .chunk_offset = spec->chunk_offset,
                         .has_dict_page = spec->has_dict};
    build_one_column_file(&c, &f);
    memcpy(out, f.data, f.len);
    return f.len;
}

static const Spec good_spec = {
        .page_uncompressed = 12, .page_compressed = 12, .page_values = 3, .codec = 0, .rows = 3};

/* Open `file` and read column 0 of row group 0; returns the code, err filled. */
static ErrCode open_and_read(const uint8_t *file, size_t len, ColVec *vec, Arena *arena, Err *err)
{
    PqReader *r;
    ErrCode rc = pq_reader_open_buffer(NULL, file, len, "hand.parquet", &r, err);
    if (rc != ERR_OK)
        return rc;
    rc = pq_reader_read_column(r, 0, 0, arena, vec, err);
    pq_reader_close(r);
    return rc;
}

static void pq_reader_reads_hand_built_file(void **state)
{
    (void)state;
    uint8_t file[4096];
    size_t len = build_file(&good_spec, file);
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vec;
    assert_ok(open_and_read(file, len, &vec, &arena, &err), &err);
    assert_int_equal(vec.n_rows, 3);
    assert_null(vec.validity);
    assert_int_equal(((int32_t *)vec.values)[2], 3);
    arena_fini(&arena);
}

static void expect_read_error(const Spec *spec, ErrCode want, const char *needle)
{
    uint8_t file[4096];
    size_t len = build_file(spec, file);
    Err err;
    err_init(&err);
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vec;
    ErrCode rc = open_and_read(file, len, &vec, &arena, &err);
    if (rc != want || !strstr(err.msg, needle))
        fail_msg("expected %s with \"%s\", got %s: %s", err_code_name(want), needle,
                 err_code_name(rc), err.msg);
    arena_fini(&arena);
}

static void pq_reader_rejects_hostile_sizes(void **state)
{
    (void)state;
    Spec s = good_spec;
    s.codec = 1; /* snappy, with an uncompressed size no codec could produce */
    s.page_uncompressed = 1 << 30;
    expect_read_error(&s, ERR_CORRUPT, "implausible");
    s = good_spec;
    s.page_compressed = 1000;
    expect_read_error(&s, ERR_CORRUPT, "exceeds the");
    s = good_spec;
    s.page_values = 4;
    expect_read_error(&s, ERR_CORRUPT, "page holds 4 values");
    s = good_spec;
    s.rows = 4;
    expect_read_error(&s, ERR_CORRUPT, "chunk ends after 3 of 4 rows");
    s = good_spec;
    s.chunk_offset = 1 << 20;
    expect_read_error(&s, ERR_CORRUPT, "does not lie inside the file");
    s = good_spec;
    s.page_values = -1;
    expect_read_error(&s, ERR_CORRUPT, "row group 0: column \"x\": page at offset 4");
}

static void pq_reader_reads_dictionary_and_checks_indices(void **state)
{
    (void)state;
    Spec s = good_spec;
    s.has_dict = true;
    uint8_t file[4096];
    size_t len = build_file(&s, file);
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vec;
    assert_ok(open_and_read(file, len, &vec, &arena, &err), &err);
    assert_non_null(vec.codes);
    assert_int_equal(vec.dict->n_rows, 2);
    assert_int_equal(vec.codes[0], 1);
    assert_int_equal(vec.codes[2], 0);
    assert_int_equal(((int32_t *)vec.dict->values)[vec.codes[0]], 20);
    assert_ok(colvec_flatten(&arena, &vec, &err), &err);
    assert_int_equal(((int32_t *)vec.values)[1], 10);
    arena_fini(&arena);
    s.bad_index = 3;
    expect_read_error(&s, ERR_CORRUPT, "dictionary index 3 out of range (2 entries)");
    s.bad_index = 2;
    expect_read_error(&s, ERR_CORRUPT, "dictionary index 2 out of range");
}

static void pq_reader_names_unsupported_codecs(void **state)
{
    (void)state;
    Spec s = good_spec;
    s.codec = 3;
    expect_read_error(&s, ERR_UNSUPPORTED, "LZO");
    s.codec = 4;
    expect_read_error(&s, ERR_UNSUPPORTED, "BROTLI");
    s.codec = 5;
    expect_read_error(&s, ERR_UNSUPPORTED, "LZ4");
}

static void pq_reader_rejects_truncated_and_bad_magic(void **state)
{
    (void)state;
    uint8_t file[4096];
    size_t len = build_file(&good_spec, file);
    Err err;
    PqReader *r;
    for (size_t cut = 0; cut < len; cut++) {
        assert_int_equal(pq_reader_open_buffer(NULL, file, cut, "cut.parquet", &r, &err),
                         ERR_CORRUPT);
    }
    assert_non_null(strstr(err.msg, "cut.parquet"));
    uint8_t bad[4096];
    memcpy(bad, file, len);
    bad[len - 1] = 'X';
    assert_int_equal(pq_reader_open_buffer(NULL, bad, len, "bad.parquet", &r, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "magic"));
    memcpy(bad, file, len);
    store_u32le(bad + len - 8, (uint32_t)len);
    assert_int_equal(pq_reader_open_buffer(NULL, bad, len, "bad.parquet", &r, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "footer length"));
}

static void pq_reader_reads_duckdb_fixture_and_refuses_nested(void **state)
{
    (void)state;
    char path[1024];
    Err err;
    PqReader *r;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    assert_ok(pq_reader_open(&mem, fixture("basic.parquet", path, sizeof path), &r, &err), &err);
    assert_int_equal(pq_reader_n_rows(r), 10);
    assert_int_equal(pq_reader_n_columns(r), 4);
    int32_t s_col = pq_reader_find_column(r, "s");
    int32_t st_col = pq_reader_find_column(r, "st.a");
    assert_true(s_col >= 0 && st_col >= 0);
    assert_non_null(pq_reader_column(r, st_col)->unsupported);
    assert_null(pq_reader_column(r, s_col)->unsupported);
    Arena arena;
    arena_init(&arena, &mem, 0);
    ColVec vec;
    assert_ok(pq_reader_read_column(r, 0, s_col, &arena, &vec, &err), &err);
    assert_true(colvec_is_null(&vec, 0));
    assert_false(colvec_is_null(&vec, 1));
    const ColStr *strs = vec.codes ? vec.dict->values : vec.values;
    const ColStr *v1 = &strs[vec.codes ? vec.codes[1] : 1];
    assert_int_equal(v1->len, 2);
    assert_memory_equal(v1->ptr, "v1", 2);
    assert_int_equal(colvec_null_count(&vec), 4);
    assert_int_equal(pq_reader_read_column(r, 0, st_col, &arena, &vec, &err), ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "\"st.a\""));
    int32_t id_col = pq_reader_find_column(r, "id");
    assert_ok(pq_reader_read_column(r, 0, id_col, &arena, &vec, &err), &err);
    assert_int_equal(vec.type.id, COL_INT32);
    assert_int_equal(((int32_t *)vec.values)[9], 9);
    arena_fini(&arena);
    pq_reader_close(r);
    assert_int_equal(mem_used(&mem), 0);
}

static void pq_reader_rejects_corrupt_page_header(void **state)
{
    (void)state;
    char path[1024];
    Err err;
    StrBuf sb;
    strbuf_init(&sb, NULL);
    assert_ok(file_read_all(fixture("basic.parquet", path, sizeof path), &sb, &err), &err);
    PqReader *r;
    assert_ok(pq_reader_open_buffer(NULL, (uint8_t *)sb.data, sb.len, "basic", &r, &err), &err);
    const PqColumnMeta *cm = &pq_reader_meta(r)->row_groups[0].columns[0].meta_data;
    int64_t at = cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0
                         ? cm->dictionary_page_offset
                         : cm->data_page_offset;
    memset(sb.data + at, 0xff, 6);
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vec;
    assert_int_equal(pq_reader_read_column(r, 0, 0, &arena, &vec, &err), ERR_CORRUPT);
    char want[64];
    snprintf(want, sizeof want, "page at offset %lld", (long long)at);
    assert_non_null(strstr(err.msg, want));
    assert_non_null(strstr(err.msg, "row group 0"));
    arena_fini(&arena);
    pq_reader_close(r);
    strbuf_fini(&sb);
}

static void pq_reader_prunes_row_groups_by_statistics(void **state)
{
    (void)state;
    char path[1024];
    Err err;
    PqReader *r;
    assert_ok(pq_reader_open(NULL, fixture("row_groups.parquet", path, sizeof path), &r, &err),
              &err);
    assert_int_equal(pq_reader_n_row_groups(r), 3);
    int32_t k = pq_reader_find_column(r, "k");
    int32_t g = pq_reader_find_column(r, "g");
    PqPredicate eq = {.col = k, .cmp = PQ_CMP_EQ, .i64 = 3000};
    assert_false(pq_reader_row_group_may_match(r, 0, &eq, 1));
    assert_true(pq_reader_row_group_may_match(r, 1, &eq, 1));
    assert_false(pq_reader_row_group_may_match(r, 2, &eq, 1));
    PqPredicate lt = {.col = k, .cmp = PQ_CMP_LT, .i64 = 2048};
    assert_true(pq_reader_row_group_may_match(r, 0, &lt, 1));
    assert_false(pq_reader_row_group_may_match(r, 1, &lt, 1));
    PqPredicate str = {.col = g, .cmp = PQ_CMP_EQ, .str = {.len = 5, .ptr = "name2"}};
    assert_false(pq_reader_row_group_may_match(r, 0, &str, 1));
    assert_true(pq_reader_row_group_may_match(r, 2, &str, 1));
    PqPredicate is_null = {.col = k, .cmp = PQ_CMP_IS_NULL};
    assert_false(pq_reader_row_group_may_match(r, 0, &is_null, 1));
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vec;
    assert_ok(pq_reader_read_column(r, 2, k, &arena, &vec, &err), &err);
    assert_int_equal(vec.n_rows, 6000 - 4096);
    assert_int_equal(((int64_t *)vec.values)[0], 4096);
    arena_fini(&arena);
    pq_reader_close(r);
}

/* Regression: the deprecated Statistics.min/max were trusted for a decimal stored as
 * FIXED_LEN_BYTE_ARRAY. Old writers computed them by signed byte comparison, which is not
 * numeric order for big-endian two's complement, so a row group was pruned wrongly. Here
 * the deprecated pair claims min = 1, max = -1 for rows holding -1 and 1 (dec(9,2)); the
 * reader must not use it and must keep the group for "= 0.01". */
static void pq_reader_ignores_deprecated_stats_of_byte_decimals(void **state)
{
    (void)state;
    const uint8_t minus_one[4] = {0xff, 0xff, 0xff, 0xff};
    const uint8_t one[4] = {0, 0, 0, 1};
    const OneColumn c = {.phys = PQ_FIXED_LEN_BYTE_ARRAY,
                         .type_length = 4,
                         .converted = PQ_CT_DECIMAL,
                         .scale = 2,
                         .precision = 9,
                         .rows = 2,
                         .stat_min = one,
                         .stat_max = minus_one,
                         .stat_len = 4};
    Buf f;
    build_one_column_file(&c, &f);
    Err err;
    PqReader *r;
    assert_ok(pq_reader_open_buffer(NULL, f.data, f.len, "decimal.parquet", &r, &err), &err);
    assert_int_equal(pq_reader_column(r, 0)->type.id, COL_DECIMAL);
    PqPredicate eq = {.col = 0, .cmp = PQ_CMP_EQ, .i64 = 1};
    assert_true(pq_reader_row_group_may_match(r, 0, &eq, 1));
    pq_reader_close(r);
}

/* Regression: INT64 TIMESTAMP_MILLIS values were multiplied by 1000 with wrap-around, so a
 * value past the microsecond range came back as a wrong, in-range instant. It is now an
 * error naming the value, as DuckDB refuses it too. */
static void pq_reader_rejects_millis_past_the_micros_range(void **state)
{
    (void)state;
    const int64_t millis = INT64_MAX / 1000 + 1;
    Buf page = {.len = 0};
    int last = 0;
    field_i(&page, &last, 1, 0);
    field_i(&page, &last, 2, 8);
    field_i(&page, &last, 3, 8);
    field(&page, &last, 5, 12);
    int inner = 0;
    field_i(&page, &inner, 1, 1);
    field_i(&page, &inner, 2, 0);
    field_i(&page, &inner, 3, 3);
    field_i(&page, &inner, 4, 3);
    put_byte(&page, 0);
    put_byte(&page, 0);
    uint8_t value[8];
    store_u64le(value, (uint64_t)millis);
    put(&page, value, 8);
    const OneColumn c = {
            .phys = PQ_INT64, .converted = PQ_CT_TIMESTAMP_MILLIS, .rows = 1, .page = &page};
    Buf f;
    build_one_column_file(&c, &f);
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vec;
    assert_int_equal(open_and_read(f.data, f.len, &vec, &arena, &err), ERR_INVALID);
    assert_non_null(strstr(err.msg, "timestamp of 9223372036854776 milliseconds is out of"));
    assert_non_null(strstr(err.msg, "column \"c\""));
    arena_fini(&arena);
}

/* Regression: a SchemaElement field 4 (the name, a string) that arrived again as an integer
 * was stored as the Iceberg field id (field 9). It is a field of the wrong type: skipped. */
static void pq_meta_skips_a_schema_name_of_the_wrong_type(void **state)
{
    (void)state;
    Buf m = {.len = 0};
    int last = 0;
    field_i(&m, &last, 1, 1);
    field(&m, &last, 2, 9);
    put_byte(&m, 0x2c); /* two SchemaElements */
    int s = 0;
    field_str(&m, &s, 4, "schema");
    field_i(&m, &s, 5, 1);
    put_byte(&m, 0);
    s = 0;
    field_i(&m, &s, 1, PQ_INT32);
    field_i(&m, &s, 3, PQ_REQUIRED);
    field_str(&m, &s, 4, "c");
    put_byte(&m, 0x06); /* long-form header: i64 field ... */
    put_zz(&m, 4);      /* ... with id 4 again */
    put_zz(&m, 7);
    put_byte(&m, 0);
    field_i(&m, &last, 3, 0);
    field(&m, &last, 4, 9);
    put_byte(&m, 0x0c); /* no row groups */
    put_byte(&m, 0);
    Arena arena;
    arena_init(&arena, NULL, 0);
    PqFileMeta meta;
    Err err;
    assert_ok(pq_meta_dec_file(&arena, m.data, m.len, &meta, &err), &err);
    assert_int_equal(meta.n_schema, 2);
    assert_string_equal(meta.schema[1].name, "c");
    assert_false(meta.schema[1].has_field_id);
    arena_fini(&arena);
}

static void pq_meta_skips_unknown_fields_and_logical_types(void **state)
{
    (void)state;
    /* FileMetaData: version 1; schema [root "r" (1 child), INT64 "v" with LogicalType member
     * 19 (unknown to tarn)]; num_rows 0; row_groups []; unknown field 99 (long form). */
    const uint8_t footer[] = {0x15, 0x02, 0x19, 0x2c, 0x48, 0x01, 'r',  0x15, 0x02, 0x00,
                              0x15, 0x04, 0x38, 0x01, 'v',  0x6c, 0x0c, 0x26, 0x00, 0x00,
                              0x00, 0x16, 0x00, 0x19, 0x0c, 0x05, 0xc6, 0x01, 0x0e, 0x00};
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    PqFileMeta meta;
    assert_ok(pq_meta_dec_file(&arena, footer, sizeof footer, &meta, &err), &err);
    assert_int_equal(meta.n_schema, 2);
    assert_string_equal(meta.schema[1].name, "v");
    assert_int_equal(meta.schema[1].type, PQ_INT64);
    assert_int_equal(meta.schema[1].logical.kind, PQ_LT_OTHER);
    assert_int_equal(meta.n_row_groups, 0);
    /* Without the required row_groups field: corrupt, naming it. */
    uint8_t cut[sizeof footer];
    memcpy(cut, footer, sizeof footer);
    cut[23] = 0x29; /* list under id 5 (key_value) instead of id 4 */
    assert_int_equal(pq_meta_dec_file(&arena, cut, sizeof cut, &meta, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "row_groups"));
    arena_fini(&arena);
}

static void pq_meta_decodes_page_index(void **state)
{
    (void)state;
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    const uint8_t oi_bytes[] = {0x19, 0x1c, 0x16, 0x08, 0x15, 0xc8, 0x01, 0x16, 0x00, 0x00, 0x00};
    PqOffsetIndex oi;
    assert_ok(pq_meta_dec_offset_index(&arena, oi_bytes, sizeof oi_bytes, &oi, &err), &err);
    assert_int_equal(oi.n_pages, 1);
    assert_int_equal(oi.page_locations[0].offset, 4);
    assert_int_equal(oi.page_locations[0].compressed_page_size, 100);
    const uint8_t ci_bytes[] = {0x19, 0x11, 0x01, 0x19, 0x18, 0x01, 'a',  0x19, 0x18,
                                0x01, 'b',  0x15, 0x02, 0x19, 0x16, 0x0e, 0x00};
    PqColumnIndex ci;
    assert_ok(pq_meta_dec_column_index(&arena, ci_bytes, sizeof ci_bytes, &ci, &err), &err);
    assert_int_equal(ci.n_pages, 1);
    assert_true(ci.null_pages[0]);
    assert_int_equal(ci.min_values[0].ptr[0], 'a');
    assert_int_equal(ci.boundary_order, PQ_BOUNDARY_ASCENDING);
    assert_int_equal(ci.null_counts[0], 7);
    assert_int_equal(pq_meta_dec_column_index(&arena, ci_bytes, 11, &ci, &err), ERR_CORRUPT);
    arena_fini(&arena);
}

/* ---- out of memory ------------------------------------------------------------------- */

/* A file of 3000 rows in two row groups with an INT32 (DELTA), a nullable INT64, a nullable
 * dictionary-encoded string column falling back to PLAIN, a BYTE_STREAM_SPLIT double and a
 * decimal(30,2), compressed with `codec`, pages of version `page_version`. */
static void write_oom_fixture(const char *path, CompressCodec codec, int page_version)
{
    enum { ROWS = 3000, COLS = 5 };
    const PqColumnSpec specs[COLS] = {
            {.name = "i", .type = {.id = COL_INT32}, .field_id = 1, .encoding = PQ_CHOOSE_DELTA},
            {.name = "l", .type = {.id = COL_INT64}, .is_nullable = true, .field_id = 2},
            {.name = "s",
             .type = {.id = COL_STRING},
             .is_nullable = true,
             .field_id = 3,
             .encoding = PQ_CHOOSE_DICTIONARY},
            {.name = "d",
             .type = {.id = COL_DOUBLE},
             .field_id = 4,
             .encoding = PQ_CHOOSE_BYTE_STREAM_SPLIT},
            {.name = "m", .type = {.id = COL_DECIMAL, .precision = 30, .scale = 2}, .field_id = 5},
    };
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vecs[COLS];
    for (int c = 0; c < COLS; c++) {
        assert_ok(colvec_alloc(&arena, specs[c].type, ROWS, specs[c].is_nullable, &vecs[c], &err),
                  &err);
    }
    char text[ROWS][16];
    uint8_t dec[13] = {0};
    for (size_t row = 0; row < ROWS; row++) {
        ((int32_t *)vecs[0].values)[row] = (int32_t)(row * 7) - 1000;
        ((int64_t *)vecs[1].values)[row] = (int64_t)row << 33;
        /* Few distinct strings first (dictionary), then many (fallback to PLAIN). */
        int len = snprintf(text[row], sizeof text[row], "v%zu", row < 1500 ? row % 5 : row);
        ((ColStr *)vecs[2].values)[row] = (ColStr){.ptr = text[row], .len = (uint32_t)len};
        ((double *)vecs[3].values)[row] = (double)row / 3.0;
        ((ColStr *)vecs[4].values)[row] = (ColStr){.ptr = (const char *)dec, .len = 13};
        if (row % 3 == 0) {
            vecs[1].validity[row / 8] &= (uint8_t) ~(1u << (row % 8));
            vecs[2].validity[row / 8] &= (uint8_t) ~(1u << (row % 8));
        }
    }
    dec[12] = 42;
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    opts.codec = codec;
    opts.data_page_version = page_version;
    opts.page_bytes = 2048;
    opts.row_group_rows = 2000;
    opts.dict_max_bytes = 256;
    PqWriter *w = NULL;
    assert_ok(pq_writer_open(NULL, path, specs, COLS, &opts, &w, &err), &err);
    assert_ok(pq_writer_write(w, vecs, &err), &err);
    assert_ok(pq_writer_close(w, NULL, NULL, &err), &err);
    arena_fini(&arena);
}

/* Open `path` and read every column of every row group with allocations charged to mem
 * (arena blocks small, so decoding takes many). */
static ErrCode read_everything(Mem *mem, const char *path, Err *err)
{
    PqReader *r = NULL;
    ErrCode rc = pq_reader_open(mem, path, &r, err);
    if (rc != ERR_OK)
        return rc;
    Arena arena;
    arena_init(&arena, mem, 1024);
    for (int32_t rg = 0; rc == ERR_OK && rg < pq_reader_n_row_groups(r); rg++) {
        for (int32_t col = 0; rc == ERR_OK && col < pq_reader_n_columns(r); col++) {
            ColVec vec;
            rc = pq_reader_read_column(r, rg, col, &arena, &vec, err);
        }
    }
    arena_fini(&arena);
    pq_reader_close(r);
    return rc;
}

/* SQLite-style: fail allocation n for n = 1, 2, ... until the whole read succeeds; every
 * failure is ERR_NOMEM and leaves nothing allocated. */
static void pq_reader_fails_cleanly_out_of_memory(void **state)
{
    (void)state;
    const struct {
        CompressCodec codec;
        int page_version;
    } cases[] = {{COMPRESS_ZSTD, 1}, {COMPRESS_GZIP, 2}, {COMPRESS_NONE, 1}};
    char dir[512], path[700];
    test_tmpdir("pq_reader_oom", dir, sizeof dir);
    for (size_t k = 0; k < TN_ARRAY_LEN(cases); k++) {
        snprintf(path, sizeof path, "%s/oom-%zu.parquet", dir, k);
        write_oom_fixture(path, cases[k].codec, cases[k].page_version);
        Err err;
        Mem mem;
        mem_init(&mem, NULL, "test", 0);
        assert_ok(read_everything(&mem, path, &err), &err);
        assert_int_equal(mem_used(&mem), 0);
        long n_failed = 0;
        for (long n = 1;; n++) {
            mem_init(&mem, NULL, "test", 0);
            mem_fail_at(&mem, n);
            err_init(&err);
            ErrCode rc = read_everything(&mem, path, &err);
            if (mem_used(&mem) != 0)
                fail_msg("case %zu, allocation %ld failing: %zu bytes left", k, n, mem_used(&mem));
            bool has_fired = atomic_load(&mem.fail_countdown) == 0;
            if (rc == ERR_OK && !has_fired)
                break; /* n is past the last allocation */
            if (rc == ERR_OK)
                fail_msg("case %zu: allocation %ld failed but the read succeeded", k, n);
            if (rc != ERR_NOMEM)
                fail_msg("case %zu, allocation %ld failing: %s: %s", k, n, err_code_name(rc),
                         err.msg);
            n_failed++;
        }
        assert_true(n_failed > 10);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(pq_reader_reads_hand_built_file),
            cmocka_unit_test(pq_reader_rejects_hostile_sizes),
            cmocka_unit_test(pq_reader_reads_dictionary_and_checks_indices),
            cmocka_unit_test(pq_reader_names_unsupported_codecs),
            cmocka_unit_test(pq_meta_skips_unknown_fields_and_logical_types),
            cmocka_unit_test(pq_meta_decodes_page_index),
            cmocka_unit_test(pq_reader_rejects_truncated_and_bad_magic),
            cmocka_unit_test(pq_reader_reads_duckdb_fixture_and_refuses_nested),
            cmocka_unit_test(pq_reader_rejects_corrupt_page_header),
            cmocka_unit_test(pq_reader_prunes_row_groups_by_statistics),
            cmocka_unit_test(pq_reader_ignores_deprecated_stats_of_byte_decimals),
            cmocka_unit_test(pq_reader_rejects_millis_past_the_micros_range),
            cmocka_unit_test(pq_meta_skips_a_schema_name_of_the_wrong_type),
            cmocka_unit_test(pq_reader_fails_cleanly_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
