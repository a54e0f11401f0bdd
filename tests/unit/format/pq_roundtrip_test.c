/* pq_roundtrip_test.c — files written by pq_writer read back by pq_reader, every value
 * compared: every type (15 columns) x encoding choice (auto, plain, dictionary, delta,
 * byte_stream_split, each applied where the type allows it) x codec x nullability x data
 * page version. Small pages, row groups and dictionaries force several pages, several row
 * groups and dictionary fallback mid-chunk; odd files pass the string column as a
 * dictionary-encoded vector. Values include extremes (INT64_MIN/MAX, -0.0, NaN, "").
 * Values are compared as bytes (floats by bit pattern). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format/pq_reader.h"
#include "format/pq_writer.h"
#include "test_util.h"

#define N_COLS 15
#define N_ROWS 3000

static const ColTypeInfo types[N_COLS] = {
        {COL_BOOL, 0, 0, 0},      {COL_INT32, 0, 0, 0},       {COL_INT64, 0, 0, 0},
        {COL_FLOAT, 0, 0, 0},     {COL_DOUBLE, 0, 0, 0},      {COL_DECIMAL, 9, 2, 0},
        {COL_DECIMAL, 18, 4, 0},  {COL_DECIMAL, 30, 5, 0},    {COL_DATE, 0, 0, 0},
        {COL_TIMESTAMP, 0, 0, 0}, {COL_TIMESTAMPTZ, 0, 0, 0}, {COL_STRING, 0, 0, 0},
        {COL_BINARY, 0, 0, 0},    {COL_UUID, 0, 0, 16},       {COL_FIXED, 0, 0, 5}};
static const char *const names[N_COLS] = {"b",  "i32", "i64",  "f", "d",   "dec9", "dec18", "dec30",
                                          "dt", "ts",  "tstz", "s", "bin", "uid",  "fx"};
static const char *const words[6] = {"", "GET", "POST", "/api/v1/users/{id}", "ü☃", "DELETE"};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ULL;
    x ^= x >> 29;
    return x;
}

/* Deterministic value of (row, col) into the flat vector slot. */
static void fill(Arena *arena, ColVec *v, int c, size_t row, bool nullable)
{
    uint64_t r = mix(row * 131 + (uint64_t)c * 7919 + 1);
    if (nullable && row > 3 && r % 6 == 0) {
        colvec_set_valid(v->validity, row, false);
        return;
    }
    switch (types[c].id) {
    case COL_BOOL:
        ((uint8_t *)v->values)[row] = r & 1;
        break;
    case COL_INT32:
    case COL_DATE:
        ((int32_t *)v->values)[row] = row == 0   ? INT32_MIN
                                      : row == 1 ? INT32_MAX
                                                 : (int32_t)(r % 500) - 250;
        break;
    case COL_INT64:
    case COL_TIMESTAMP:
    case COL_TIMESTAMPTZ:
        ((int64_t *)v->values)[row] = row == 0   ? INT64_MIN
                                      : row == 1 ? INT64_MAX
                                                 : (int64_t)row * 1000 + (int64_t)(r % 3000);
        break;
    case COL_FLOAT:
        ((float *)v->values)[row] = row == 2 ? -0.0f : row == 3 ? NAN : (float)(r % 1000) / 8.0f;
        break;
    case COL_DOUBLE:
        ((double *)v->values)[row] = row == 2 ? -0.0 : row == 3 ? NAN : (double)(int64_t)r / 1e9;
        break;
    case COL_DECIMAL:
        if (types[c].precision <= 9) {
            ((int64_t *)v->values)[row] = (int64_t)(r % 2000) - 1000;
        } else if (types[c].precision <= 18) {
            ((int64_t *)v->values)[row] =
                    row == 0 ? -999999999999999999LL : (int64_t)(r >> 8) % 1000000000000LL;
        } else {
            uint8_t *b = arena_alloc(arena, 13);
            for (int k = 0; k < 13; k++) {
                b[k] = (uint8_t)mix(r + (uint64_t)k);
            }
            ((ColStr *)v->values)[row] = (ColStr){13, (const char *)b};
        }
        break;
    case COL_STRING: {
        const char *s = r % 3 ? words[r % 6]
                              : arena_sprintf(arena, "value-%zu-%llx", row, (unsigned long long)r);
        ((ColStr *)v->values)[row] = (ColStr){(uint32_t)strlen(s), s};
        break;
    }
    case COL_BINARY:
    case COL_UUID:
    case COL_FIXED: {
        uint32_t len =
                types[c].id == COL_BINARY ? (uint32_t)(r % 17) : (uint32_t)types[c].fixed_len;
        uint8_t *b = arena_alloc(arena, len + 1);
        for (uint32_t k = 0; k < len; k++) {
            b[k] = (uint8_t)mix(r + k);
        }
        ((ColStr *)v->values)[row] = (ColStr){len, (const char *)b};
        break;
    }
    }
}

static PqEncodingChoice encoding_for(int choice, ColType t, int32_t precision)
{
    bool is_int = t == COL_INT32 || t == COL_INT64 || t == COL_DATE || t == COL_TIMESTAMP ||
                  t == COL_TIMESTAMPTZ || (t == COL_DECIMAL && precision <= 18);
    switch (choice) {
    case 1:
        return PQ_CHOOSE_PLAIN;
    case 2:
        return t == COL_BOOL ? PQ_CHOOSE_AUTO : PQ_CHOOSE_DICTIONARY;
    case 3:
        return is_int ? PQ_CHOOSE_DELTA : PQ_CHOOSE_AUTO;
    case 4:
        return t == COL_FLOAT || t == COL_DOUBLE ? PQ_CHOOSE_BYTE_STREAM_SPLIT : PQ_CHOOSE_AUTO;
    default:
        return PQ_CHOOSE_AUTO;
    }
}

/* Bytes of row `row` of a flat or dictionary vector. */
static const void *value_at(const ColVec *v, size_t row, size_t *len)
{
    const ColVec *src = v->codes ? v->dict : v;
    size_t idx = v->codes ? v->codes[row] : row;
    if (colvec_is_bytes(v->type)) {
        const ColStr *s = (const ColStr *)src->values + idx;
        *len = s->len;
        return s->ptr;
    }
    size_t w = colvec_value_width(v->type);
    *len = w;
    return (const uint8_t *)src->values + idx * w;
}

static void roundtrip_one(Mem *mem, const ColVec *vecs, int choice, CompressCodec codec,
                          bool nullable, int page_version, bool dict_input)
{
    char dir[512], path[700];
    test_tmpdir("pq_roundtrip", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/rt-%d-%d-%d-%d.parquet", dir, choice, (int)codec, nullable,
             page_version);
    Err err;
    PqColumnSpec specs[N_COLS];
    for (int c = 0; c < N_COLS; c++) {
        specs[c] =
                (PqColumnSpec){.name = names[c],
                               .type = types[c],
                               .is_nullable = nullable,
                               .field_id = 100 + c,
                               .encoding = encoding_for(choice, types[c].id, types[c].precision)};
    }
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    opts.codec = codec;
    opts.data_page_version = page_version;
    opts.page_bytes = 1024;
    opts.row_group_rows = 1300;
    opts.dict_max_bytes = 2048;
    opts.n_threads = (choice & 1) ? 2 : 1;
    PqWriter *w = NULL;
    assert_ok(pq_writer_open(mem, path, specs, N_COLS, &opts, &w, &err), &err);
    /* two batches, the string column dictionary encoded on request */
    Arena batch;
    arena_init(&batch, mem, 0);
    size_t half = (N_ROWS / 2) & ~(size_t)7; /* validity slices start on a byte */
    for (int part = 0; part < 2; part++) {
        ColVec slice[N_COLS];
        size_t start = part ? half : 0, n = part ? N_ROWS - half : half;
        for (int c = 0; c < N_COLS; c++) {
            slice[c] = vecs[c];
            slice[c].n_rows = n;
            slice[c].values = (uint8_t *)vecs[c].values + start * colvec_value_width(types[c]);
            if (vecs[c].validity) {
                assert_int_equal(start % 8, 0);
                slice[c].validity = vecs[c].validity + start / 8;
            }
        }
        ColVec dict = {0};
        if (dict_input) {
            dict = slice[11];
            slice[11].codes = arena_alloc_array(&batch, n, sizeof(uint32_t));
            for (size_t i = 0; i < n; i++) {
                slice[11].codes[i] = (uint32_t)i;
            }
            dict.validity = NULL;
            slice[11].dict = &dict;
            slice[11].values = NULL;
        }
        assert_ok(pq_writer_write(w, slice, &err), &err);
    }
    arena_fini(&batch);
    PqFileStats stats;
    Arena arena;
    arena_init(&arena, mem, 0);
    assert_ok(pq_writer_close(w, &arena, &stats, &err), &err);
    assert_int_equal(stats.n_rows, N_ROWS);

    PqReader *r = NULL;
    assert_ok(pq_reader_open(mem, path, &r, &err), &err);
    assert_int_equal(pq_reader_n_rows(r), N_ROWS);
    assert_int_equal(pq_reader_n_columns(r), N_COLS);
    size_t base = 0;
    for (int32_t rg = 0; rg < pq_reader_n_row_groups(r); rg++) {
        size_t rg_rows = (size_t)pq_reader_row_group_rows(r, rg);
        for (int c = 0; c < N_COLS; c++) {
            assert_int_equal(pq_reader_column(r, c)->field_id, 100 + c);
            ColVec got;
            assert_ok(pq_reader_read_column(r, rg, c, &arena, &got, &err), &err);
            assert_int_equal(got.n_rows, rg_rows);
            for (size_t i = 0; i < rg_rows; i++) {
                size_t row = base + i;
                bool want_null = colvec_is_null(&vecs[c], row);
                if (colvec_is_null(&got, i) != want_null)
                    fail_msg("%s rg %d col %s row %zu: null mismatch", path, rg, names[c], row);
                if (want_null)
                    continue;
                size_t wl, gl;
                const void *wv = value_at(&vecs[c], row, &wl);
                const void *gv = value_at(&got, i, &gl);
                if (wl != gl || (wl && memcmp(wv, gv, wl) != 0))
                    fail_msg("%s rg %d col %s row %zu: value mismatch", path, rg, names[c], row);
            }
        }
        base += rg_rows;
        arena_reset(&arena);
    }
    assert_int_equal(base, N_ROWS);
    pq_reader_close(r);
    arena_fini(&arena);
}

static void roundtrip_codec(CompressCodec codec)
{
    Mem mem;
    mem_init(&mem, NULL, "roundtrip", 0);
    Err err;
    for (int nullable = 0; nullable < 2; nullable++) {
        Arena data;
        arena_init(&data, &mem, 0);
        ColVec vecs[N_COLS];
        for (int c = 0; c < N_COLS; c++) {
            assert_ok(colvec_alloc(&data, types[c], N_ROWS, nullable, &vecs[c], &err), &err);
            for (size_t row = 0; row < N_ROWS; row++) {
                fill(&data, &vecs[c], c, row, nullable);
            }
        }
        for (int choice = 0; choice < 5; choice++) {
            for (int version = 1; version <= 2; version++) {
                roundtrip_one(&mem, vecs, choice, codec, nullable, version, (choice + version) & 1);
            }
        }
        arena_fini(&data);
    }
    assert_int_equal(mem_used(&mem), 0);
}

static void pq_roundtrip_uncompressed(void **state)
{
    (void)state;
    roundtrip_codec(COMPRESS_NONE);
}

static void pq_roundtrip_snappy(void **state)
{
    (void)state;
    roundtrip_codec(COMPRESS_SNAPPY);
}

static void pq_roundtrip_gzip(void **state)
{
    (void)state;
    roundtrip_codec(COMPRESS_GZIP);
}

static void pq_roundtrip_zstd(void **state)
{
    (void)state;
    roundtrip_codec(COMPRESS_ZSTD);
}

static void pq_roundtrip_lz4_raw(void **state)
{
    (void)state;
    roundtrip_codec(COMPRESS_LZ4_RAW);
}

/* Regression: a page of one repeated value compresses hundreds of times over with gzip;
 * the reader's plausibility cap once allowed only 64x (+1 MiB) and rejected such genuine pages. */
static void pq_roundtrip_highly_compressible_page(void **state)
{
    (void)state;
    char dir[512], path[600];
    test_tmpdir("pq_roundtrip_ratio", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/constant.parquet", dir);
    Err err;
    err_init(&err);
    Arena arena;
    arena_init(&arena, NULL, 0);
    enum { ROWS = 2000000 };
    const PqColumnSpec spec = {
            .name = "c", .type = {COL_INT64, 0, 0, 0}, .field_id = 1, .encoding = PQ_CHOOSE_PLAIN};
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    opts.codec = COMPRESS_GZIP;  /* deflate turns long runs into ~1000x smaller output */
    opts.page_bytes = 16u << 20; /* pages of several MiB */
    opts.row_group_rows = ROWS;
    PqWriter *w = NULL;
    assert_ok(pq_writer_open(NULL, path, &spec, 1, &opts, &w, &err), &err);
    ColVec vec;
    assert_ok(colvec_alloc(&arena, spec.type, ROWS, false, &vec, &err), &err);
    for (size_t i = 0; i < ROWS; i++) {
        ((int64_t *)vec.values)[i] = 42;
    }
    assert_ok(pq_writer_write(w, &vec, &err), &err);
    PqFileStats stats;
    assert_ok(pq_writer_close(w, &arena, &stats, &err), &err);
    assert_true(stats.file_bytes < 64 * 1024); /* 16 MB of values, over 250x smaller */
    PqReader *r = NULL;
    assert_ok(pq_reader_open(NULL, path, &r, &err), &err);
    ColVec got;
    assert_ok(pq_reader_read_column(r, 0, 0, &arena, &got, &err), &err);
    assert_int_equal(got.n_rows, ROWS);
    assert_int_equal(((const int64_t *)got.values)[ROWS - 1], 42);
    pq_reader_close(r);
    arena_fini(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(pq_roundtrip_uncompressed),
            cmocka_unit_test(pq_roundtrip_snappy),
            cmocka_unit_test(pq_roundtrip_gzip),
            cmocka_unit_test(pq_roundtrip_zstd),
            cmocka_unit_test(pq_roundtrip_lz4_raw),
            cmocka_unit_test(pq_roundtrip_highly_compressible_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
