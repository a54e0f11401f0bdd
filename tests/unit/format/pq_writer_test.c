/* pq_writer_test.c — the Parquet writer's contract (pq_writer.h): a file is produced with
 * PAR1 at both ends and a footer length that fits; per-column statistics; error paths
 * (NULL in a required column, type mismatch, row count mismatch, bad specs) return
 * ERR_INVALID; abort deletes the file; and the OOM loop: with allocation n failing, for
 * n = 1, 2, ... until the write succeeds, each failure returns ERR_NOMEM, leaves no file
 * and leaks nothing (mem_used == 0). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "format/pq_meta_dec.h"
#include "format/pq_writer.h"
#include "test_util.h"

#define N_ROWS 3000

static const PqColumnSpec specs[3] = {
        {.name = "id", .type = {COL_INT64, 0, 0, 0}, .is_nullable = false, .field_id = 1},
        {.name = "name", .type = {COL_STRING, 0, 0, 0}, .is_nullable = true, .field_id = 2},
        {.name = "score", .type = {COL_DOUBLE, 0, 0, 0}, .is_nullable = true, .field_id = 3},
};

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Three vectors of N_ROWS rows; every 5th name and every 7th score NULL. */
static void make_batch(Arena *arena, ColVec *vecs, Err *err)
{
    assert_ok(colvec_alloc(arena, specs[0].type, N_ROWS, false, &vecs[0], err), err);
    assert_ok(colvec_alloc(arena, specs[1].type, N_ROWS, true, &vecs[1], err), err);
    assert_ok(colvec_alloc(arena, specs[2].type, N_ROWS, true, &vecs[2], err), err);
    static const char *const names[4] = {"alpha", "beta", "", "gamma-ü"};
    for (size_t i = 0; i < N_ROWS; i++) {
        ((int64_t *)vecs[0].values)[i] = (int64_t)i * 3 - 100;
        ((ColStr *)vecs[1].values)[i] = (ColStr){(uint32_t)strlen(names[i % 4]), names[i % 4]};
        colvec_set_valid(vecs[1].validity, i, i % 5 != 0);
        ((double *)vecs[2].values)[i] = (double)i / 4.0;
        colvec_set_valid(vecs[2].validity, i, i % 7 != 0);
    }
}

static ErrCode write_file_threads(Mem *mem, const char *path, const ColVec *vecs, int n_threads,
                                  Arena *arena, PqFileStats *stats, Err *err)
{
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    opts.n_threads = n_threads;
    opts.row_group_rows = 1000; /* three row groups */
    opts.page_bytes = 2048;     /* several pages each */
    PqWriter *w = NULL;
    ErrCode rc = pq_writer_open(mem, path, specs, 3, &opts, &w, err);
    if (rc != ERR_OK)
        return rc;
    rc = pq_writer_write(w, vecs, err);
    if (rc != ERR_OK) {
        pq_writer_abort(w);
        return rc;
    }
    return pq_writer_close(w, arena, stats, err);
}

static ErrCode write_file(Mem *mem, const char *path, const ColVec *vecs, Arena *arena,
                          PqFileStats *stats, Err *err)
{
    return write_file_threads(mem, path, vecs, 1, arena, stats, err);
}

static void pq_writer_produces_a_file_with_footer_and_stats(void **state)
{
    (void)state;
    char dir[512], path[600];
    test_tmpdir("pq_writer_footer", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a.parquet", dir);
    Err err;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    ColVec vecs[3];
    make_batch(&arena, vecs, &err);
    PqFileStats stats;
    assert_ok(write_file(&mem, path, vecs, &arena, &stats, &err), &err);
    assert_int_equal(stats.n_rows, N_ROWS);
    assert_int_equal(stats.n_row_groups, 3);
    assert_int_equal(stats.columns[1].null_count, N_ROWS / 5);
    assert_int_equal(stats.columns[2].value_count, N_ROWS);
    assert_true(stats.columns[0].has_bounds);
    int64_t lo, hi;
    memcpy(&lo, stats.columns[0].lower_bound.ptr, 8);
    memcpy(&hi, stats.columns[0].upper_bound.ptr, 8);
    assert_int_equal(lo, -100);
    assert_int_equal(hi, (N_ROWS - 1) * 3 - 100);
    assert_int_equal(stats.columns[1].lower_bound.len, 0); /* "" is the smallest string */
    assert_memory_equal(stats.columns[1].upper_bound.ptr, "gamma-ü", strlen("gamma-ü"));

    StrBuf file;
    strbuf_init(&file, &mem);
    assert_ok(file_read_all(path, &file, &err), &err);
    assert_int_equal((int64_t)file.len, stats.file_bytes);
    assert_memory_equal(file.data, "PAR1", 4);
    assert_memory_equal(file.data + file.len - 4, "PAR1", 4);
    uint32_t footer_len = load_u32le(file.data + file.len - 8);
    assert_true(footer_len > 0 && footer_len < file.len - 12);
    strbuf_fini(&file);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void expect_write_error(const ColVec *vecs, ErrCode want, const char *msg_part)
{
    char dir[512], path[600];
    test_tmpdir("pq_writer_errors", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.parquet", dir);
    Err err;
    err_init(&err);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    PqWriter *w = NULL;
    assert_ok(pq_writer_open(&mem, path, specs, 3, &opts, &w, &err), &err);
    assert_int_equal(pq_writer_write(w, vecs, &err), want);
    assert_non_null(strstr(err.msg, msg_part));
    pq_writer_abort(w);
    assert_false(file_exists(path));
    assert_int_equal(mem_used(&mem), 0);
}

static void pq_writer_rejects_null_in_required_column(void **state)
{
    (void)state;
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vecs[3];
    make_batch(&arena, vecs, &err);
    ColVec with_null;
    assert_ok(colvec_alloc(&arena, specs[0].type, N_ROWS, true, &with_null, &err), &err);
    colvec_set_valid(with_null.validity, 17, false);
    vecs[0] = with_null;
    expect_write_error(vecs, ERR_INVALID, "row 17 is NULL");
    arena_fini(&arena);
}

static void pq_writer_rejects_type_and_row_count_mismatch(void **state)
{
    (void)state;
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    ColVec vecs[3];
    make_batch(&arena, vecs, &err);
    ColVec ints = vecs[0];
    vecs[0].type.id = COL_INT32;
    expect_write_error(vecs, ERR_INVALID, "expected type");
    vecs[0] = ints;
    vecs[2].n_rows = 5;
    expect_write_error(vecs, ERR_INVALID, "rows");
    arena_fini(&arena);
}

static void expect_open_error(const PqColumnSpec *spec, const PqWriterOptions *opts)
{
    char dir[512], path[600];
    test_tmpdir("pq_writer_specs", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/spec.parquet", dir);
    Err err;
    err_init(&err);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    PqWriter *w = NULL;
    assert_int_equal(pq_writer_open(&mem, path, spec, 1, opts, &w, &err), ERR_INVALID);
    assert_null(w);
    assert_false(file_exists(path));
    assert_int_equal(mem_used(&mem), 0);
}

static void pq_writer_rejects_bad_specs(void **state)
{
    (void)state;
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    PqColumnSpec s = {.name = "", .type = {COL_INT64, 0, 0, 0}, .field_id = -1};
    expect_open_error(&s, &opts); /* empty name */
    s.name = "x";
    s.type.id = COL_STRING;
    s.encoding = PQ_CHOOSE_DELTA;
    expect_open_error(&s, &opts); /* delta on strings */
    s.type.id = COL_INT32;
    s.encoding = PQ_CHOOSE_BYTE_STREAM_SPLIT;
    expect_open_error(&s, &opts); /* bss on ints */
    s.encoding = PQ_CHOOSE_DICTIONARY;
    s.type.id = COL_BOOL;
    expect_open_error(&s, &opts); /* dictionary booleans */
    s.encoding = PQ_CHOOSE_AUTO;
    s.type = (ColTypeInfo){COL_DECIMAL, 0, 0, 0};
    expect_open_error(&s, &opts); /* decimal(0,0) */
    s.type = (ColTypeInfo){COL_FIXED, 0, 0, 0};
    expect_open_error(&s, &opts); /* fixed(0) */
    s.type = (ColTypeInfo){COL_INT64, 0, 0, 0};
    opts.data_page_version = 3;
    expect_open_error(&s, &opts);
}

static void pq_writer_abort_deletes_the_file(void **state)
{
    (void)state;
    char dir[512], path[600];
    test_tmpdir("pq_writer_abort", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/abort.parquet", dir);
    Err err;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    ColVec vecs[3];
    make_batch(&arena, vecs, &err);
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    opts.row_group_rows = 1000;
    PqWriter *w = NULL;
    assert_ok(pq_writer_open(&mem, path, specs, 3, &opts, &w, &err), &err);
    assert_ok(pq_writer_write(w, vecs, &err), &err);
    assert_true(file_exists(path));
    pq_writer_abort(w);
    pq_writer_abort(NULL);
    assert_false(file_exists(path));
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void pq_writer_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    char dir[512], path[600];
    test_tmpdir("pq_writer_oom", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/oom.parquet", dir);
    Err err;
    Arena data;
    arena_init(&data, NULL, 0);
    ColVec vecs[3];
    make_batch(&data, vecs, &err);
    /* With 2 threads the failing allocation may land in a worker: its error must surface
     * as ERR_NOMEM and everything the other column built must still be freed. */
    for (int n_threads = 1; n_threads <= 2; n_threads++) {
        long n = 1;
        for (;; n++) {
            Mem mem;
            mem_init(&mem, NULL, "oom", 0);
            Arena arena;
            arena_init(&arena, &mem, 0);
            mem_fail_at(&mem, n);
            PqFileStats stats;
            err_init(&err);
            ErrCode rc = write_file_threads(&mem, path, vecs, n_threads, &arena, &stats, &err);
            arena_fini(&arena);
            if (rc == ERR_OK) {
                assert_int_equal(mem_used(&mem), 0);
                assert_int_equal(unlink(path), 0); /* the next round checks for leftovers */
                break;
            }
            if (rc != ERR_NOMEM)
                fail_msg("%d threads, allocation %ld: got %s: %s", n_threads, n, err_code_name(rc),
                         err.msg);
            if (mem_used(&mem) != 0)
                fail_msg("%d threads, allocation %ld: %zu bytes leaked", n_threads, n,
                         mem_used(&mem));
            if (file_exists(path))
                fail_msg("%d threads, allocation %ld (%s): file left behind", n_threads, n,
                         err.msg);
        }
        print_message("writer (%d threads) succeeded after %ld failing allocations\n", n_threads,
                      n - 1);
        assert_true(n > 5);
    }
    arena_fini(&data);
}

/* Every int-backed precision is enforced: decimal(4,2) cannot hold 100.00, decimal(9,2)
 * cannot hold 10^10 (it was once truncated to int32 silently), decimal(12,2) cannot hold
 * 10^12 (DuckDB would read them back wrong). */
static void pq_writer_rejects_decimal_wider_than_its_precision(void **state)
{
    (void)state;
    char dir[512], path[600];
    test_tmpdir("pq_writer_decimal_p", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/decimal.parquet", dir);
    static const struct {
        int32_t precision;
        int64_t fits, too_wide;
        const char *msg;
    } cases[] = {
            {4, -9999, 10000, "row 1: unscaled value 10000 does not fit decimal(4,2)"},
            {9, 999999999, 10000000000LL,
             "row 1: unscaled value 10000000000 does not fit decimal(9,2)"},
            {12, 999999999999LL, -1000000000000LL,
             "row 1: unscaled value -1000000000000 does not fit decimal(12,2)"},
    };
    for (size_t k = 0; k < TN_ARRAY_LEN(cases); k++) {
        Err err;
        err_init(&err);
        Arena arena;
        arena_init(&arena, NULL, 0);
        const PqColumnSpec spec = {.name = "price",
                                   .type = {COL_DECIMAL, cases[k].precision, 2, 0},
                                   .is_nullable = true,
                                   .field_id = 1};
        PqWriterOptions opts;
        pq_writer_options_default(&opts);
        PqWriter *w = NULL;
        assert_ok(pq_writer_open(NULL, path, &spec, 1, &opts, &w, &err), &err);
        ColVec vec;
        assert_ok(colvec_alloc(&arena, spec.type, 3, true, &vec, &err), &err);
        int64_t *values = vec.values;
        values[0] = cases[k].fits;
        values[1] = cases[k].too_wide;
        values[2] = INT64_MAX; /* NULL: not checked */
        colvec_set_valid(vec.validity, 2, false);
        assert_int_equal(pq_writer_write(w, &vec, &err), ERR_INVALID);
        assert_non_null(strstr(err.msg, cases[k].msg));
        pq_writer_abort(w);
        assert_false(file_exists(path));
        arena_fini(&arena);
    }
}

/* Decimal bounds for Iceberg are big-endian two's complement in the fewest bytes (SPECS.md
 * §2.5), for int32-, int64- and FLBA-backed decimals alike, not Parquet's PLAIN bytes. */
static void pq_writer_gives_iceberg_decimal_bounds(void **state)
{
    (void)state;
    char dir[512], path[600];
    test_tmpdir("pq_writer_decimal_bounds", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bounds.parquet", dir);
    Err err;
    err_init(&err);
    Arena arena;
    arena_init(&arena, NULL, 0);
    const PqColumnSpec dspecs[3] = {
            {.name = "d9", .type = {COL_DECIMAL, 9, 2, 0}, .field_id = 1},
            {.name = "d18", .type = {COL_DECIMAL, 18, 2, 0}, .field_id = 2},
            {.name = "d30", .type = {COL_DECIMAL, 30, 2, 0}, .field_id = 3},
    };
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    PqWriter *w = NULL;
    assert_ok(pq_writer_open(NULL, path, dspecs, 3, &opts, &w, &err), &err);
    ColVec vecs[3];
    for (int c = 0; c < 3; c++) {
        assert_ok(colvec_alloc(&arena, dspecs[c].type, 3, false, &vecs[c], &err), &err);
    }
    static const int64_t vals[3] = {300, -5, 7};
    static const ColStr wide[3] = {{2, "\x01\x2c"}, {1, "\xfb"}, {1, "\x07"}};
    for (int i = 0; i < 3; i++) {
        ((int64_t *)vecs[0].values)[i] = vals[i];
        ((int64_t *)vecs[1].values)[i] = vals[i] * 1000000000000LL;
        ((ColStr *)vecs[2].values)[i] = wide[i];
    }
    assert_ok(pq_writer_write(w, vecs, &err), &err);
    PqFileStats stats;
    assert_ok(pq_writer_close(w, &arena, &stats, &err), &err);
    /* -5 = fb, 300 = 01 2c; -5e12 = fb 73 d8 c6 b0 00, 3e14 = 01 10 d9 31 6e c0 00 */
    static const uint8_t lo18[6] = {0xfb, 0x73, 0xd8, 0xc6, 0xb0, 0x00};
    static const uint8_t hi18[7] = {0x01, 0x10, 0xd9, 0x31, 0x6e, 0xc0, 0x00};
    for (int c = 0; c < 3; c++) {
        const PqColumnStats *cs = &stats.columns[c];
        assert_true(cs->has_bounds);
        if (c == 1) {
            assert_int_equal(cs->lower_bound.len, 6);
            assert_memory_equal(cs->lower_bound.ptr, lo18, 6);
            assert_int_equal(cs->upper_bound.len, 7);
            assert_memory_equal(cs->upper_bound.ptr, hi18, 7);
            continue;
        }
        assert_int_equal(cs->lower_bound.len, 1);
        assert_int_equal(cs->lower_bound.ptr[0], 0xfb);
        assert_int_equal(cs->upper_bound.len, 2);
        assert_memory_equal(cs->upper_bound.ptr, "\x01\x2c", 2);
    }
    arena_fini(&arena);
}

/* The whole file at `path`, in `arena`. */
static uint8_t *slurp(Arena *arena, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > 12);
    rewind(f);
    uint8_t *data = arena_alloc(arena, (size_t)size);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return data;
}

/* Page index of a chunk with an all-NULL page: null_pages marks it (with empty bounds), the
 * order ignores it, null_counts count per page, OffsetIndex rows and offsets line up with
 * the chunk; a descending double column holding only zeros in one page gets -0.0/+0.0. */
static void pq_writer_page_index_marks_null_pages_and_order(void **state)
{
    (void)state;
    char dir[512], path[600];
    test_tmpdir("pq_writer_page_index", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/index.parquet", dir);
    Err err;
    err_init(&err);
    Arena arena;
    arena_init(&arena, NULL, 0);
    const PqColumnSpec ispecs[2] = {
            {.name = "v",
             .type = {COL_INT64, 0, 0, 0},
             .is_nullable = true,
             .field_id = 1,
             .encoding = PQ_CHOOSE_PLAIN},
            {.name = "d", .type = {COL_DOUBLE, 0, 0, 0}, .field_id = 2},
    };
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    opts.page_bytes = 64; /* 8 rows of 8 bytes per page */
    opts.codec = COMPRESS_NONE;
    PqWriter *w = NULL;
    assert_ok(pq_writer_open(NULL, path, ispecs, 2, &opts, &w, &err), &err);
    ColVec vecs[2];
    assert_ok(colvec_alloc(&arena, ispecs[0].type, 40, true, &vecs[0], &err), &err);
    assert_ok(colvec_alloc(&arena, ispecs[1].type, 40, false, &vecs[1], &err), &err);
    for (int i = 0; i < 40; i++) {
        ((int64_t *)vecs[0].values)[i] = i;
        colvec_set_valid(vecs[0].validity, (size_t)i, i < 8 || i >= 16); /* page 1 NULL */
        ((double *)vecs[1].values)[i] = i >= 16 && i < 24 ? (i % 2 ? 0.0 : -0.0) : 100.0 - i;
    }
    /* d descends: pages 0-1 from 100 to 85, page 2 zeros, pages 3-4 from -24 to -39 */
    for (int i = 24; i < 40; i++) {
        ((double *)vecs[1].values)[i] = -(double)i;
    }
    assert_ok(pq_writer_write(w, vecs, &err), &err);
    assert_ok(pq_writer_close(w, &arena, NULL, &err), &err);

    size_t len;
    const uint8_t *data = slurp(&arena, path, &len);
    uint32_t meta_len = load_u32le(data + len - 8);
    PqFileMeta meta;
    assert_ok(pq_meta_dec_file(&arena, data + len - 8 - meta_len, meta_len, &meta, &err), &err);
    assert_int_equal(meta.n_row_groups, 1);
    for (int c = 0; c < 2; c++) {
        const PqColumnChunk *cc = &meta.row_groups[0].columns[c];
        assert_true(cc->has_offset_index && cc->has_column_index);
        PqOffsetIndex oi;
        PqColumnIndex ci;
        assert_ok(pq_meta_dec_offset_index(&arena, data + cc->offset_index_offset,
                                           (size_t)cc->offset_index_length, &oi, &err),
                  &err);
        assert_ok(pq_meta_dec_column_index(&arena, data + cc->column_index_offset,
                                           (size_t)cc->column_index_length, &ci, &err),
                  &err);
        assert_int_equal(oi.n_pages, 5);
        assert_int_equal(ci.n_pages, 5);
        int64_t at = cc->meta_data.data_page_offset;
        for (int p = 0; p < 5; p++) {
            assert_int_equal(oi.page_locations[p].first_row_index, p * 8);
            assert_int_equal(oi.page_locations[p].offset, at);
            at += oi.page_locations[p].compressed_page_size;
            assert_non_null(ci.null_counts);
            assert_int_equal(ci.null_counts[p], c == 0 && p == 1 ? 8 : 0);
            assert_int_equal(ci.null_pages[p], c == 0 && p == 1);
        }
        assert_int_equal(at, cc->meta_data.data_page_offset + cc->meta_data.total_compressed_size);
        if (c == 0) {
            assert_int_equal(ci.boundary_order, PQ_BOUNDARY_ASCENDING);
            assert_int_equal(ci.min_values[1].len, 0);
            assert_int_equal(ci.max_values[1].len, 0);
            assert_int_equal((int64_t)load_u64le(ci.min_values[2].ptr), 16);
            assert_int_equal((int64_t)load_u64le(ci.max_values[0].ptr), 7);
            continue;
        }
        assert_int_equal(ci.boundary_order, PQ_BOUNDARY_DESCENDING);
        double lo, hi;
        memcpy(&lo, ci.min_values[2].ptr, 8);
        memcpy(&hi, ci.max_values[2].ptr, 8);
        assert_true(lo == 0.0 && signbit(lo) && hi == 0.0 && !signbit(hi));
    }
    arena_fini(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(pq_writer_produces_a_file_with_footer_and_stats),
            cmocka_unit_test(pq_writer_rejects_null_in_required_column),
            cmocka_unit_test(pq_writer_rejects_type_and_row_count_mismatch),
            cmocka_unit_test(pq_writer_rejects_bad_specs),
            cmocka_unit_test(pq_writer_rejects_decimal_wider_than_its_precision),
            cmocka_unit_test(pq_writer_gives_iceberg_decimal_bounds),
            cmocka_unit_test(pq_writer_page_index_marks_null_pages_and_order),
            cmocka_unit_test(pq_writer_abort_deletes_the_file),
            cmocka_unit_test(pq_writer_fails_cleanly_at_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
