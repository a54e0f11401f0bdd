/* ice_data_writer_test.c — partitioned Parquet data files from ice_data_writer, checked
 * by reading every file back with the Parquet reader: the row multiset equals what was
 * written, each row sits in the file of its partition (day(ts), identity(route),
 * bucket[2](user_id), computed here by brute force), the partition tuple, path and every
 * metric (counts, NaN counts, bounds with truncated multibyte strings and binary) match a
 * brute-force recomputation over the file's rows. Also: file roll at a small target size,
 * LRU eviction past max_open_files, abort deleting everything, and error paths. Random
 * data comes from a fixed seed (printed). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/pq_reader.h"
#include "table/ice_data_writer.h"
#include "test_util.h"

#define SEED       0x1ce6a7a5u
#define DAY_MICROS 86400000000LL
#define T0         1795478400000000LL /* 2026-11-24T00:00:00Z */

static const IceType t_tstz = {.id = ICE_TIMESTAMPTZ, .prim = {.id = ICE_TIMESTAMPTZ}};
static const IceType t_string = {.id = ICE_STRING, .prim = {.id = ICE_STRING}};
static const IceType t_long = {.id = ICE_LONG, .prim = {.id = ICE_LONG}};
static const IceType t_int = {.id = ICE_INT, .prim = {.id = ICE_INT}};
static const IceType t_float = {.id = ICE_FLOAT, .prim = {.id = ICE_FLOAT}};
static const IceType t_binary = {.id = ICE_BINARY, .prim = {.id = ICE_BINARY}};

#define N_COLS 6
static const IceField fields[N_COLS] = {
        {1, "ts", false, &t_tstz, NULL},       {2, "route", false, &t_string, NULL},
        {3, "user_id", true, &t_long, NULL},   {4, "code", false, &t_int, NULL},
        {5, "latency", false, &t_float, NULL}, {6, "payload", false, &t_binary, NULL}};
static const IceSchema schema = {
        .schema_id = 0, .fields = fields, .n_fields = N_COLS, .highest_field_id = 6};

static const IcePartitionField part_fields[3] = {{1, 1000, "ts_day", {ICE_TR_DAY, 0}},
                                                 {2, 1001, "route", {ICE_TR_IDENTITY, 0}},
                                                 {3, 1002, "user_id_bucket", {ICE_TR_BUCKET, 2}}};
static const IcePartitionSpec spec = {.spec_id = 3, .fields = part_fields, .n_fields = 3};
static const IcePartitionField route_field[1] = {{2, 1000, "route", {ICE_TR_IDENTITY, 0}}};
static const IcePartitionSpec route_spec = {.spec_id = 1, .fields = route_field, .n_fields = 1};
static const IcePartitionSpec unpartitioned = {.spec_id = 0, .fields = NULL, .n_fields = 0};

/* Routes: ASCII, escapes, multibyte, longer than the 16 code points bounds keep. */
#define N_WORDS 6
static const char *const words[N_WORDS] = {
        "api",
        "GET /a b",
        "\xc3\xbc-route-\xe2\x98\x83",    /* ü-route-☃ */
        "abcdefghijklmnopqrstuvwxyz0123", /* 30 ASCII */
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", /* 18 x é */
        "aaaaaaaaaaaaaaa\xf4\x8f\xbf\xbfzz",                                /* 15 a, U+10FFFF, zz */
};

/* ---- rows ------------------------------------------------------------------------------ */

typedef struct Row {
    bool ts_null, code_null, lat_null;
    int64_t ts;
    int route; /* index into words, -1 NULL */
    int64_t user_id;
    int32_t code;
    float lat;
    int payload_len; /* -1 NULL */
    uint8_t payload[24];
} Row;

static uint64_t rng_next(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ULL;
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void random_row(uint64_t *rng, Row *r, int n_days, int n_routes)
{
    memset(r, 0, sizeof *r);
    uint64_t x = rng_next(rng);
    r->ts_null = x % 13 == 0;
    r->ts = T0 + (int64_t)(rng_next(rng) % (uint64_t)n_days) * DAY_MICROS +
            (int64_t)(rng_next(rng) % (uint64_t)DAY_MICROS) - DAY_MICROS / 2;
    r->route = x % 11 == 0 ? -1 : (int)(rng_next(rng) % (uint64_t)n_routes);
    r->user_id = (int64_t)(rng_next(rng) % 100000) - 5000;
    r->code_null = x % 7 == 0;
    r->code = (int32_t)(rng_next(rng) % 600);
    r->lat_null = x % 5 == 0;
    r->lat = x % 17 == 0 ? NAN : (float)(rng_next(rng) % 10000 + 1) / 16.0f;
    uint64_t p = rng_next(rng);
    r->payload_len = p % 9 == 0 ? -1 : (int)(p % 25);
    for (int i = 0; i < 24; i++) {
        r->payload[i] = p % 19 == 0 ? 0xff : (uint8_t)rng_next(rng);
    }
}

/* Column vectors of rows[0..n) in `arena`; the route column dictionary-encoded when asked. */
static void build_batch(Arena *arena, const Row *rows, size_t n, bool route_dict, ColVec *cols)
{
    Err err;
    for (int c = 0; c < N_COLS; c++) {
        assert_ok(colvec_alloc(arena, ice_prim_to_col(fields[c].type->prim), n, c != 2, &cols[c],
                               &err),
                  &err);
    }
    for (size_t i = 0; i < n; i++) {
        const Row *r = &rows[i];
        ((int64_t *)cols[0].values)[i] = r->ts_null ? 0 : r->ts;
        colvec_set_valid(cols[0].validity, i, !r->ts_null);
        if (r->route >= 0) {
            ((ColStr *)cols[1].values)[i] =
                    (ColStr){(uint32_t)strlen(words[r->route]), words[r->route]};
        }
        colvec_set_valid(cols[1].validity, i, r->route >= 0);
        ((int64_t *)cols[2].values)[i] = r->user_id;
        ((int32_t *)cols[3].values)[i] = r->code_null ? 0 : r->code;
        colvec_set_valid(cols[3].validity, i, !r->code_null);
        ((float *)cols[4].values)[i] = r->lat_null ? 0 : r->lat;
        colvec_set_valid(cols[4].validity, i, !r->lat_null);
        if (r->payload_len >= 0) {
            ((ColStr *)cols[5].values)[i] =
                    (ColStr){(uint32_t)r->payload_len, (const char *)r->payload};
        }
        colvec_set_valid(cols[5].validity, i, r->payload_len >= 0);
    }
    if (route_dict) {
        ColVec *dict = arena_zalloc(arena, sizeof *dict);
        assert_ok(colvec_alloc(arena, (ColTypeInfo){.id = COL_STRING}, N_WORDS, false, dict, &err),
                  &err);
        for (int w = 0; w < N_WORDS; w++) {
            ((ColStr *)dict->values)[w] = (ColStr){(uint32_t)strlen(words[w]), words[w]};
        }
        uint32_t *codes = arena_zalloc(arena, n * sizeof(uint32_t) + 4);
        for (size_t i = 0; i < n; i++) {
            codes[i] = rows[i].route >= 0 ? (uint32_t)rows[i].route : 0;
        }
        cols[1].values = NULL;
        cols[1].codes = codes;
        cols[1].dict = dict;
        cols[1].dict_id = 77;
    }
}

/* Canonical text of one row, for multiset comparison. */
static void row_text(const Row *r, char *buf, size_t cap)
{
    char pay[64] = "N";
    if (r->payload_len >= 0) {
        pay[0] = 'P';
        for (int i = 0; i < r->payload_len; i++) {
            snprintf(pay + 1 + 2 * i, 3, "%02x", r->payload[i]);
        }
    }
    char lat[16] = "N";
    if (!r->lat_null) {
        uint32_t bits;
        float f = isnan(r->lat) ? NAN : r->lat;
        memcpy(&bits, &f, 4);
        snprintf(lat, sizeof lat, "%08x", bits);
    }
    snprintf(buf, cap, "%lld|%d|%lld|%d|%s|%s", r->ts_null ? -1LL : (long long)r->ts, r->route,
             (long long)r->user_id, r->code_null ? -1 : r->code, lat, pay);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- reading a file back ---------------------------------------------------------------- */

static int word_index(ColStr s)
{
    for (int w = 0; w < N_WORDS; w++) {
        if (strlen(words[w]) == s.len && memcmp(words[w], s.ptr, s.len) == 0)
            return w;
    }
    fail_msg("unknown route value of %u bytes", s.len);
    return -1;
}

static ColStr str_at(const ColVec *v, size_t i)
{
    const ColStr *base = v->codes ? v->dict->values : v->values;
    return base[v->codes ? v->codes[i] : i];
}

/* Fixed-width value of row i (flat or dictionary-encoded) into out. */
static void fixed_at(const ColVec *v, size_t i, size_t width, void *out)
{
    const uint8_t *base = v->codes ? v->dict->values : v->values;
    memcpy(out, base + (v->codes ? v->codes[i] : i) * width, width);
}

/* Read every row of a data file into *rows_out (malloc'd by the test via Arena). */
static size_t read_file_rows(Mem *mem, Arena *arena, const char *path, Row **rows_out)
{
    Err err;
    PqReader *r = NULL;
    assert_ok(pq_reader_open(mem, path, &r, &err), &err);
    assert_int_equal(pq_reader_n_columns(r), N_COLS);
    for (int c = 0; c < N_COLS; c++) {
        assert_int_equal(pq_reader_column(r, c)->field_id, fields[c].id);
        assert_string_equal(pq_reader_column(r, c)->name, fields[c].name);
        assert_int_equal(pq_reader_column(r, c)->is_nullable, !fields[c].is_required);
    }
    const PqFileMeta *meta = pq_reader_meta(r);
    bool has_schema_kv = false;
    for (int32_t k = 0; k < meta->n_key_value; k++) {
        if (strcmp(meta->key_value[k].key, "iceberg.schema") == 0) {
            assert_string_equal(meta->key_value[k].value, "{\"type\":\"struct\"}");
            has_schema_kv = true;
        }
    }
    assert_true(has_schema_kv);
    size_t n = (size_t)pq_reader_n_rows(r);
    Row *rows = arena_zalloc(arena, (n + 1) * sizeof(Row));
    size_t at = 0;
    for (int32_t rg = 0; rg < pq_reader_n_row_groups(r); rg++) {
        ColVec v[N_COLS];
        for (int c = 0; c < N_COLS; c++) {
            assert_ok(pq_reader_read_column(r, rg, c, arena, &v[c], &err), &err);
        }
        for (size_t i = 0; i < v[0].n_rows; i++, at++) {
            Row *row = &rows[at];
            row->ts_null = colvec_is_null(&v[0], i);
            if (!row->ts_null) {
                fixed_at(&v[0], i, 8, &row->ts);
            }
            row->route = colvec_is_null(&v[1], i) ? -1 : word_index(str_at(&v[1], i));
            fixed_at(&v[2], i, 8, &row->user_id);
            row->code_null = colvec_is_null(&v[3], i);
            if (!row->code_null) {
                fixed_at(&v[3], i, 4, &row->code);
            }
            row->lat_null = colvec_is_null(&v[4], i);
            if (!row->lat_null) {
                fixed_at(&v[4], i, 4, &row->lat);
            }
            row->payload_len = -1;
            if (!colvec_is_null(&v[5], i)) {
                ColStr s = str_at(&v[5], i);
                assert_true(s.len <= 24);
                row->payload_len = (int)s.len;
                memcpy(row->payload, s.ptr, s.len);
            }
        }
    }
    assert_int_equal(at, n);
    pq_reader_close(r);
    *rows_out = rows;
    return n;
}

/* ---- brute-force expectations ----------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static IceValue expected_day(const Row *r)
{
    IceValue v = {.type = {.id = ICE_INT}, .is_null = r->ts_null};
    v.i32 = r->ts_null ? 0 : (int32_t)floor_div(r->ts, DAY_MICROS);
    return v;
}

static IceValue expected_bucket(const Row *r)
{
    IceValue in = ice_value_long(r->user_id), out;
    Err err;
    assert_ok(ice_transform_apply((IceTransform){ICE_TR_BUCKET, 2}, &in, &out, &err), &err);
    /* brute force on the raw hash: (hash & INT32_MAX) % 2 */
    assert_int_equal(out.i32, (ice_bucket_hash(&in) & INT32_MAX) % 2);
    return out;
}

/* Code points of s (must be valid UTF-8). */
static int decode_cps(const uint8_t *s, size_t len, uint32_t *cps)
{
    int n = 0;
    for (size_t i = 0; i < len;) {
        uint8_t b = s[i];
        int k = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
        uint32_t cp = k == 1 ? b : (uint32_t)(b & (0xff >> (k + 1)));
        for (int j = 1; j < k; j++) {
            cp = cp << 6 | (s[i + (size_t)j] & 0x3f);
        }
        cps[n++] = cp;
        i += (size_t)k;
    }
    return n;
}

static size_t encode_cps(const uint32_t *cps, int n, uint8_t *out)
{
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c < 0x80) {
            out[at++] = (uint8_t)c;
        } else if (c < 0x800) {
            out[at++] = (uint8_t)(0xc0 | c >> 6);
            out[at++] = (uint8_t)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out[at++] = (uint8_t)(0xe0 | c >> 12);
            out[at++] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
            out[at++] = (uint8_t)(0x80 | (c & 0x3f));
        } else {
            out[at++] = (uint8_t)(0xf0 | c >> 18);
            out[at++] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
            out[at++] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
            out[at++] = (uint8_t)(0x80 | (c & 0x3f));
        }
    }
    return at;
}

/* Expected string bound after truncate(16): returns false when the upper bound is dropped. */
static bool expect_string_bound(const uint8_t *s, size_t len, bool upper, uint8_t *out,
                                size_t *out_len)
{
    uint32_t cps[256];
    int n = decode_cps(s, len, cps);
    if (n <= 16) {
        memcpy(out, s, len);
        *out_len = len;
        return true;
    }
    n = 16;
    if (!upper) {
        *out_len = encode_cps(cps, n, out);
        return true;
    }
    while (n > 0) {
        uint32_t next = cps[n - 1] + 1;
        if (next >= 0xd800 && next <= 0xdfff)
            next = 0xe000;
        if (next <= 0x10ffff) {
            cps[n - 1] = next;
            *out_len = encode_cps(cps, n, out);
            return true;
        }
        n--;
    }
    return false;
}

static bool expect_binary_bound(const uint8_t *s, size_t len, bool upper, uint8_t *out,
                                size_t *out_len)
{
    memcpy(out, s, len);
    *out_len = len;
    if (len <= 16)
        return true;
    *out_len = 16;
    if (!upper)
        return true;
    while (*out_len > 0 && out[*out_len - 1] == 0xff) {
        (*out_len)--;
    }
    if (*out_len == 0)
        return false;
    out[*out_len - 1]++;
    return true;
}

static int bytes_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
    return c ? c : (a_len > b_len) - (a_len < b_len);
}

static void assert_bound(IceBytes got, bool has, const void *want, size_t want_len)
{
    if (!has) {
        assert_null(got.ptr);
        return;
    }
    assert_non_null(got.ptr);
    assert_int_equal(got.len, want_len);
    assert_memory_equal(got.ptr, want, want_len);
}

/* Check every metric of `f` against the rows read back from it. */
static void check_metrics(const IceDataFile *f, const Row *rows, size_t n)
{
    assert_int_equal(f->metrics.n_fields, N_COLS);
    assert_int_equal(f->metrics.record_count, (int64_t)n);
    int64_t nulls[N_COLS] = {0}, nans = 0;
    int64_t ts_lo = INT64_MAX, ts_hi = INT64_MIN, uid_lo = INT64_MAX, uid_hi = INT64_MIN;
    int32_t code_lo = INT32_MAX, code_hi = INT32_MIN;
    float lat_lo = INFINITY, lat_hi = -INFINITY;
    const Row *route_lo = NULL, *route_hi = NULL, *pay_lo = NULL, *pay_hi = NULL;
    for (size_t i = 0; i < n; i++) {
        const Row *r = &rows[i];
        nulls[0] += r->ts_null, nulls[1] += r->route < 0, nulls[3] += r->code_null;
        nulls[4] += r->lat_null, nulls[5] += r->payload_len < 0;
        if (!r->ts_null) {
            ts_lo = r->ts < ts_lo ? r->ts : ts_lo;
            ts_hi = r->ts > ts_hi ? r->ts : ts_hi;
        }
        uid_lo = r->user_id < uid_lo ? r->user_id : uid_lo;
        uid_hi = r->user_id > uid_hi ? r->user_id : uid_hi;
        if (!r->code_null) {
            code_lo = r->code < code_lo ? r->code : code_lo;
            code_hi = r->code > code_hi ? r->code : code_hi;
        }
        if (!r->lat_null && isnan(r->lat)) {
            nans++;
        } else if (!r->lat_null) {
            lat_lo = r->lat < lat_lo ? r->lat : lat_lo;
            lat_hi = r->lat > lat_hi ? r->lat : lat_hi;
        }
        if (r->route >= 0) {
            const char *w = words[r->route];
            if (!route_lo || strcmp(w, words[route_lo->route]) < 0)
                route_lo = r;
            if (!route_hi || strcmp(w, words[route_hi->route]) > 0)
                route_hi = r;
        }
        if (r->payload_len >= 0) {
            if (!pay_lo || bytes_cmp(r->payload, (size_t)r->payload_len, pay_lo->payload,
                                     (size_t)pay_lo->payload_len) < 0)
                pay_lo = r;
            if (!pay_hi || bytes_cmp(r->payload, (size_t)r->payload_len, pay_hi->payload,
                                     (size_t)pay_hi->payload_len) > 0)
                pay_hi = r;
        }
    }
    for (int c = 0; c < N_COLS; c++) {
        const IceFieldMetrics *m = &f->metrics.fields[c];
        assert_int_equal(m->field_id, fields[c].id);
        assert_int_equal(m->value_count, (int64_t)n);
        assert_int_equal(m->null_count, nulls[c]);
        assert_int_equal(m->nan_count, c == 4 ? nans : -1);
        assert_non_null(f->column_sizes);
        assert_true(f->column_sizes[c] > 0);
    }
    const IceFieldMetrics *m = f->metrics.fields;
    assert_bound(m[0].lower, ts_lo != INT64_MAX, &ts_lo, 8);
    assert_bound(m[0].upper, ts_lo != INT64_MAX, &ts_hi, 8);
    assert_bound(m[2].lower, true, &uid_lo, 8);
    assert_bound(m[2].upper, true, &uid_hi, 8);
    assert_bound(m[3].lower, code_lo != INT32_MAX, &code_lo, 4);
    assert_bound(m[3].upper, code_lo != INT32_MAX, &code_hi, 4);
    assert_bound(m[4].lower, lat_lo != INFINITY, &lat_lo, 4);
    assert_bound(m[4].upper, lat_lo != INFINITY, &lat_hi, 4);
    uint8_t want[128];
    size_t want_len = 0;
    if (route_lo) {
        const char *lo = words[route_lo->route], *hi = words[route_hi->route];
        bool has = expect_string_bound((const uint8_t *)lo, strlen(lo), false, want, &want_len);
        assert_bound(m[1].lower, has, want, want_len);
        has = expect_string_bound((const uint8_t *)hi, strlen(hi), true, want, &want_len);
        assert_bound(m[1].upper, has, want, want_len);
    } else {
        assert_null(m[1].lower.ptr);
        assert_null(m[1].upper.ptr);
    }
    if (pay_lo) {
        bool has = expect_binary_bound(pay_lo->payload, (size_t)pay_lo->payload_len, false, want,
                                       &want_len);
        assert_bound(m[5].lower, has, want, want_len);
        has = expect_binary_bound(pay_hi->payload, (size_t)pay_hi->payload_len, true, want,
                                  &want_len);
        assert_bound(m[5].upper, has, want, want_len);
    }
}

/* Compare the multiset of rows (as canonical texts). */
static void assert_same_rows(Arena *arena, const Row *a, size_t n_a, const Row *b, size_t n_b)
{
    assert_int_equal(n_a, n_b);
    char **ta = arena_zalloc(arena, (n_a + 1) * sizeof(char *));
    char **tb = arena_zalloc(arena, (n_b + 1) * sizeof(char *));
    for (size_t i = 0; i < n_a; i++) {
        ta[i] = arena_alloc(arena, 256);
        tb[i] = arena_alloc(arena, 256);
        row_text(&a[i], ta[i], 256);
        row_text(&b[i], tb[i], 256);
    }
    qsort(ta, n_a, sizeof(char *), cmp_str);
    qsort(tb, n_b, sizeof(char *), cmp_str);
    for (size_t i = 0; i < n_a; i++) {
        assert_string_equal(ta[i], tb[i]);
    }
}

static int64_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Regular files and directories under dir, recursively. */
static void count_tree(const char *dir, int *n_files, int *n_dirs)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            (*n_dirs)++;
            count_tree(path, n_files, n_dirs);
        } else {
            (*n_files)++;
        }
    }
    closedir(d);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void writer_opts(IceDataWriterOptions *opts, int64_t target, int32_t max_open)
{
    ice_data_writer_options_default(opts);
    opts->target_file_bytes = target;
    opts->max_open_files = max_open;
}

static void partitioned_files_hold_every_row_with_correct_metrics(void **state)
{
    (void)state;
    printf("seed 0x%x\n", SEED);
    char dir[1024], data_dir[1100];
    test_tmpdir("ice_data_writer_partitioned", dir, sizeof dir);
    snprintf(data_dir, sizeof data_dir, "%s/tbl/data", dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Err err;
    IceDataWriterOptions opts;
    writer_opts(&opts, (int64_t)64 << 20, 64);
    IceDataWriter *w = NULL;
    assert_ok(ice_data_writer_open(&mem, data_dir, &schema, "{\"type\":\"struct\"}", &spec, &opts,
                                   &w, &err),
              &err);
    enum { N_BATCHES = 10, BATCH = 400 };
    Row *all = arena_zalloc(&arena, N_BATCHES * BATCH * sizeof(Row));
    uint64_t rng = SEED;
    size_t n_all = 0;
    for (int b = 0; b < N_BATCHES; b++) {
        Row *rows = all + n_all;
        for (int i = 0; i < BATCH; i++) {
            random_row(&rng, &rows[i], 2, N_WORDS);
        }
        if (b % 3 == 1) { /* one partition: the writer's fast path */
            for (int i = 0; i < BATCH; i++) {
                rows[i].ts_null = false;
                rows[i].ts = T0 + (int64_t)i * 1000;
                rows[i].route = 2;
                rows[i].user_id = 42;
            }
        } else if (b % 3 == 2) { /* one day, many routes */
            for (int i = 0; i < BATCH; i++) {
                rows[i].ts_null = false;
                rows[i].ts = T0 + DAY_MICROS + (int64_t)i * 1000;
            }
        }
        ColVec cols[N_COLS];
        build_batch(&arena, rows, BATCH, b % 2 == 1, cols);
        assert_ok(ice_data_writer_write(w, cols, BATCH, &err), &err);
        n_all += BATCH;
    }
    IceDataFile *files = NULL;
    size_t n_files = 0;
    assert_ok(ice_data_writer_close(w, &arena, &files, &n_files, &err), &err);
    assert_true(n_files > 4);
    Row *back = arena_zalloc(&arena, n_all * sizeof(Row));
    size_t n_back = 0;
    bool seen_literal_path = false;
    for (size_t f = 0; f < n_files; f++) {
        const IceDataFile *df = &files[f];
        assert_int_equal(df->content, ICE_CONTENT_DATA);
        assert_string_equal(df->file_format, "parquet");
        assert_int_equal(df->spec_id, 3);
        assert_int_equal(df->sort_order_id, -1);
        assert_int_equal(df->n_partition, 3);
        assert_int_equal(df->file_size_bytes, file_size(df->file_path));
        Row *rows = NULL;
        size_t n = read_file_rows(&mem, &arena, df->file_path, &rows);
        assert_int_equal(df->record_count, (int64_t)n);
        assert_true(n > 0);
        /* every row belongs to the file's partition tuple */
        for (size_t i = 0; i < n; i++) {
            IceValue day = expected_day(&rows[i]), bucket = expected_bucket(&rows[i]);
            assert_int_equal(df->partition[0].is_null, day.is_null);
            assert_int_equal(df->partition[0].type.id, ICE_INT);
            if (!day.is_null) {
                assert_int_equal(df->partition[0].i32, day.i32);
            }
            assert_int_equal(df->partition[1].is_null, rows[i].route < 0);
            if (rows[i].route >= 0) {
                const char *want = words[rows[i].route];
                assert_int_equal(df->partition[1].bytes.len, strlen(want));
                assert_memory_equal(df->partition[1].bytes.ptr, want, strlen(want));
            }
            assert_false(df->partition[2].is_null);
            assert_int_equal(df->partition[2].i32, bucket.i32);
        }
        /* path: data_dir/<partition path>/<uuid>-<n>.parquet */
        const char *ppath = NULL;
        assert_ok(ice_partition_path(&arena, &spec, df->partition, &ppath, &err), &err);
        char want_prefix[2048];
        snprintf(want_prefix, sizeof want_prefix, "%s/%s/", data_dir, ppath);
        assert_memory_equal(df->file_path, want_prefix, strlen(want_prefix));
        const char *name = df->file_path + strlen(want_prefix);
        assert_null(strchr(name, '/'));
        assert_int_equal(strlen(name) > 45, true); /* uuid, '-', n, ".parquet" */
        assert_string_equal(name + strlen(name) - 8, ".parquet");
        if (!df->partition[0].is_null && df->partition[0].i32 == (int32_t)(T0 / DAY_MICROS) &&
            !df->partition[1].is_null && df->partition[1].bytes.len == 3 &&
            memcmp(df->partition[1].bytes.ptr, "api", 3) == 0) {
            char lit[1400];
            snprintf(lit, sizeof lit, "%s/ts_day=2026-11-24/route=api/user_id_bucket=%d/", data_dir,
                     df->partition[2].i32);
            assert_memory_equal(df->file_path, lit, strlen(lit));
            seen_literal_path = true;
        }
        check_metrics(df, rows, n);
        memcpy(back + n_back, rows, n * sizeof(Row));
        n_back += n;
    }
    assert_true(seen_literal_path);
    assert_same_rows(&arena, all, n_all, back, n_back);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

/* One file per route with a single row each: truncated bounds by hand. */
static void string_and_binary_bounds_are_truncated(void **state)
{
    (void)state;
    static const IceField sfields[2] = {{1, "s", false, &t_string, NULL},
                                        {2, "b", false, &t_binary, NULL}};
    static const IceSchema sschema = {.fields = sfields, .n_fields = 2, .highest_field_id = 2};
    static const struct {
        const char *s;
        const char *lower, *upper; /* upper NULL: dropped */
        int b_len;
        uint8_t b0, b_rest;
        int lower_len, upper_len;
        uint8_t up_last;
    } cases[] = {
            {"abc", "abc", "abc", 3, 1, 1, 3, 3, 1},
            {"aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", 16, 1, 1, 16, 16, 1},
            {"aaaaaaaaaaaaaaa\xf4\x8f\xbf\xbfzz", "aaaaaaaaaaaaaaa\xf4\x8f\xbf\xbf",
             "aaaaaaaaaaaaaab", 20, 1, 1, 16, 16, 2},
            {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xaa",
             20, 0xff, 0xff, 16, 0, 0},
            {"aaaaaaaaaaaaaaa\xed\x9f\xbfxyz", "aaaaaaaaaaaaaaa\xed\x9f\xbf",
             "aaaaaaaaaaaaaaa\xee\x80\x80", 17, 1, 0xff, 16, 1, 2},
            {"\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
             "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
             "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
             "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf",
             "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
             "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
             "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
             "\xf4\x8f\xbf\xbf",
             NULL, 16, 7, 7, 16, 16, 7},
    };
    char dir[1024];
    test_tmpdir("ice_data_writer_bounds", dir, sizeof dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Err err;
    for (size_t k = 0; k < TN_ARRAY_LEN(cases); k++) {
        IceDataWriter *w = NULL;
        assert_ok(ice_data_writer_open(&mem, dir, &sschema, NULL, &unpartitioned, NULL, &w, &err),
                  &err);
        ColVec cols[2];
        assert_ok(colvec_alloc(&arena, (ColTypeInfo){.id = COL_STRING}, 1, true, &cols[0], &err),
                  &err);
        assert_ok(colvec_alloc(&arena, (ColTypeInfo){.id = COL_BINARY}, 1, true, &cols[1], &err),
                  &err);
        uint8_t *bin = arena_alloc(&arena, 32);
        memset(bin, cases[k].b_rest, 32);
        bin[0] = cases[k].b0;
        ((ColStr *)cols[0].values)[0] = (ColStr){(uint32_t)strlen(cases[k].s), cases[k].s};
        ((ColStr *)cols[1].values)[0] = (ColStr){(uint32_t)cases[k].b_len, (const char *)bin};
        assert_ok(ice_data_writer_write(w, cols, 1, &err), &err);
        IceDataFile *files = NULL;
        size_t n_files = 0;
        assert_ok(ice_data_writer_close(w, &arena, &files, &n_files, &err), &err);
        assert_int_equal(n_files, 1);
        const IceFieldMetrics *m = files[0].metrics.fields;
        assert_bound(m[0].lower, true, cases[k].lower, strlen(cases[k].lower));
        assert_bound(m[0].upper, cases[k].upper != NULL, cases[k].upper,
                     cases[k].upper ? strlen(cases[k].upper) : 0);
        /* binary: lower = first min(16, len) bytes */
        assert_int_equal(m[1].lower.len, cases[k].lower_len);
        assert_memory_equal(m[1].lower.ptr, bin, (size_t)cases[k].lower_len);
        if (cases[k].upper_len == 0) {
            assert_null(m[1].upper.ptr);
        } else {
            assert_int_equal(m[1].upper.len, cases[k].upper_len);
            assert_memory_equal(m[1].upper.ptr, bin, (size_t)cases[k].upper_len - 1);
            assert_int_equal(m[1].upper.ptr[cases[k].upper_len - 1], cases[k].up_last);
        }
        assert_memory_equal(files[0].file_path, dir, strlen(dir));
        assert_null(strchr(files[0].file_path + strlen(dir) + 1, '/'));
        arena_reset(&arena);
    }
    /* metrics_truncate 0 keeps full bounds */
    IceDataWriterOptions opts;
    ice_data_writer_options_default(&opts);
    opts.metrics_truncate = 0;
    IceDataWriter *w = NULL;
    assert_ok(ice_data_writer_open(&mem, dir, &sschema, NULL, &unpartitioned, &opts, &w, &err),
              &err);
    ColVec cols[2];
    assert_ok(colvec_alloc(&arena, (ColTypeInfo){.id = COL_STRING}, 1, true, &cols[0], &err), &err);
    assert_ok(colvec_alloc(&arena, (ColTypeInfo){.id = COL_BINARY}, 1, false, &cols[1], &err),
              &err);
    ((ColStr *)cols[0].values)[0] = (ColStr){30, words[3]};
    colvec_set_valid(cols[0].validity, 0, true);
    assert_ok(ice_data_writer_write(w, cols, 1, &err), &err);
    IceDataFile *files = NULL;
    size_t n_files = 0;
    assert_ok(ice_data_writer_close(w, &arena, &files, &n_files, &err), &err);
    assert_int_equal(files[0].metrics.fields[0].lower.len, 30);
    assert_int_equal(files[0].metrics.fields[0].upper.len, 30);
    assert_int_equal(files[0].metrics.fields[1].lower.len, 0);
    assert_non_null(files[0].metrics.fields[1].lower.ptr);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void relative_data_dir_gives_absolute_paths(void **state)
{
    (void)state;
    char dir[1024], cwd[1024];
    test_tmpdir("ice_data_writer_relative", dir, sizeof dir);
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Err err;
    IceDataWriter *w = NULL;
    assert_int_equal(ice_data_writer_open(&mem, "", &schema, NULL, &spec, NULL, &w, &err),
                     ERR_INVALID);
    assert_ok(ice_data_writer_open(&mem, "./rel/data/", &schema, NULL, &spec, NULL, &w, &err),
              &err);
    Row rows[3];
    uint64_t rng = SEED ^ 6;
    for (int i = 0; i < 3; i++) {
        random_row(&rng, &rows[i], 1, N_WORDS);
    }
    ColVec cols[N_COLS];
    build_batch(&arena, rows, 3, false, cols);
    assert_ok(ice_data_writer_write(w, cols, 3, &err), &err);
    IceDataFile *files = NULL;
    size_t n_files = 0;
    assert_ok(ice_data_writer_close(w, &arena, &files, &n_files, &err), &err);
    assert_int_equal(chdir(cwd), 0);
    assert_true(n_files > 0);
    char want[1100];
    snprintf(want, sizeof want, "%s/rel/data/ts_day=", dir);
    for (size_t f = 0; f < n_files; f++) {
        assert_memory_equal(files[f].file_path, want, strlen(want));
        assert_int_equal(files[f].file_size_bytes, file_size(files[f].file_path));
    }
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void files_roll_at_the_target_size(void **state)
{
    (void)state;
    char dir[1024];
    test_tmpdir("ice_data_writer_roll", dir, sizeof dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Err err;
    IceDataWriterOptions opts;
    const int64_t target = 48 << 10;
    writer_opts(&opts, target, 16);
    IceDataWriter *w = NULL;
    assert_ok(ice_data_writer_open(&mem, dir, &schema, "{\"type\":\"struct\"}", &unpartitioned,
                                   &opts, &w, &err),
              &err);
    enum { N_BATCHES = 16, BATCH = 500 };
    Row *all = arena_zalloc(&arena, N_BATCHES * BATCH * sizeof(Row));
    uint64_t rng = SEED ^ 1;
    for (int b = 0; b < N_BATCHES; b++) {
        Row *rows = all + b * BATCH;
        for (int i = 0; i < BATCH; i++) {
            random_row(&rng, &rows[i], 3, N_WORDS);
        }
        ColVec cols[N_COLS];
        build_batch(&arena, rows, BATCH, false, cols);
        assert_ok(ice_data_writer_write(w, cols, BATCH, &err), &err);
    }
    IceDataFile *files = NULL;
    size_t n_files = 0;
    assert_ok(ice_data_writer_close(w, &arena, &files, &n_files, &err), &err);
    assert_true(n_files >= 4);
    Row *back = arena_zalloc(&arena, N_BATCHES * BATCH * sizeof(Row));
    size_t n_back = 0;
    for (size_t f = 0; f < n_files; f++) {
        assert_int_equal(files[f].n_partition, 0);
        assert_int_equal(strrchr(files[f].file_path, '/') - files[f].file_path, (long)strlen(dir));
        assert_true(files[f].file_size_bytes < 2 * target);
        Row *rows = NULL;
        size_t n = read_file_rows(&mem, &arena, files[f].file_path, &rows);
        assert_int_equal(files[f].record_count, (int64_t)n);
        check_metrics(&files[f], rows, n);
        memcpy(back + n_back, rows, n * sizeof(Row));
        n_back += n;
    }
    assert_same_rows(&arena, all, N_BATCHES * BATCH, back, n_back);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

/* Batches cycling through 3 routes: with 2 open files each batch evicts the oldest. */
static size_t write_cycling_routes(Mem *mem, Arena *arena, const char *dir, int32_t max_open,
                                   IceDataFile **files)
{
    Err err;
    IceDataWriterOptions opts;
    writer_opts(&opts, (int64_t)64 << 20, max_open);
    IceDataWriter *w = NULL;
    assert_ok(ice_data_writer_open(mem, dir, &schema, "{\"type\":\"struct\"}", &route_spec, &opts,
                                   &w, &err),
              &err);
    uint64_t rng = SEED ^ 2;
    for (int b = 0; b < 6; b++) {
        Row rows[50];
        for (int i = 0; i < 50; i++) {
            random_row(&rng, &rows[i], 1, N_WORDS);
            rows[i].route = b % 3;
        }
        ColVec cols[N_COLS];
        build_batch(arena, rows, 50, b % 2 == 0, cols);
        assert_ok(ice_data_writer_write(w, cols, 50, &err), &err);
    }
    size_t n_files = 0;
    assert_ok(ice_data_writer_close(w, arena, files, &n_files, &err), &err);
    return n_files;
}

static void least_recently_used_file_is_closed_past_max_open_files(void **state)
{
    (void)state;
    char dir[1024];
    test_tmpdir("ice_data_writer_lru", dir, sizeof dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    IceDataFile *files = NULL;
    size_t n = write_cycling_routes(&mem, &arena, dir, 2, &files);
    assert_int_equal(n, 6);
    for (size_t f = 0; f < n; f++) {
        assert_int_equal(files[f].record_count, 50);
        Row *rows = NULL;
        assert_int_equal(read_file_rows(&mem, &arena, files[f].file_path, &rows), 50);
        for (int i = 0; i < 50; i++) {
            assert_int_equal(rows[i].route, (int)(f % 3)); /* closed in eviction order */
        }
    }
    n = write_cycling_routes(&mem, &arena, dir, 3, &files);
    assert_int_equal(n, 3);
    for (size_t f = 0; f < n; f++) {
        assert_int_equal(files[f].record_count, 100);
    }
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void abort_deletes_every_file_and_directory(void **state)
{
    (void)state;
    char dir[1024], data_dir[1100];
    test_tmpdir("ice_data_writer_abort", dir, sizeof dir);
    snprintf(data_dir, sizeof data_dir, "%s/data", dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Err err;
    IceDataWriterOptions opts;
    writer_opts(&opts, 16 << 10, 4);
    IceDataWriter *w = NULL;
    assert_ok(ice_data_writer_open(&mem, data_dir, &schema, NULL, &spec, &opts, &w, &err), &err);
    uint64_t rng = SEED ^ 3;
    for (int b = 0; b < 6; b++) {
        Row rows[300];
        for (int i = 0; i < 300; i++) {
            random_row(&rng, &rows[i], 2, 3);
        }
        ColVec cols[N_COLS];
        build_batch(&arena, rows, 300, false, cols);
        assert_ok(ice_data_writer_write(w, cols, 300, &err), &err);
    }
    int n_files = 0, n_dirs = 0;
    count_tree(data_dir, &n_files, &n_dirs);
    assert_true(n_files > 4);
    assert_true(n_dirs > 4);
    ice_data_writer_abort(w);
    n_files = n_dirs = 0;
    count_tree(data_dir, &n_files, &n_dirs);
    assert_int_equal(n_files, 0);
    assert_int_equal(n_dirs, 0);
    ice_data_writer_abort(NULL);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void errors_are_reported(void **state)
{
    (void)state;
    char dir[1024];
    test_tmpdir("ice_data_writer_errors", dir, sizeof dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Err err;
    IceDataWriter *w = NULL;

    /* a nested field */
    static const IceField inner[1] = {{11, "x", false, &t_int, NULL}};
    static const IceType t_struct = {.id = ICE_STRUCT, .fields = inner, .n_fields = 1};
    static const IceField nfields[2] = {{1, "a", false, &t_int, NULL},
                                        {2, "nested", false, &t_struct, NULL}};
    static const IceSchema nested = {.fields = nfields, .n_fields = 2, .highest_field_id = 11};
    assert_int_equal(ice_data_writer_open(&mem, dir, &nested, NULL, &unpartitioned, NULL, &w, &err),
                     ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "nested"));

    /* a transform that does not apply (day of a string) */
    static const IcePartitionField bad_field[1] = {{2, 1000, "route_day", {ICE_TR_DAY, 0}}};
    static const IcePartitionSpec bad_spec = {.spec_id = 1, .fields = bad_field, .n_fields = 1};
    assert_int_equal(ice_data_writer_open(&mem, dir, &schema, NULL, &bad_spec, NULL, &w, &err),
                     ERR_INVALID);

    /* zero rows -> zero files; a wrong vector type is refused */
    assert_ok(ice_data_writer_open(&mem, dir, &schema, NULL, &spec, NULL, &w, &err), &err);
    Row rows[4];
    uint64_t rng = SEED ^ 4;
    for (int i = 0; i < 4; i++) {
        random_row(&rng, &rows[i], 1, N_WORDS);
    }
    ColVec cols[N_COLS];
    build_batch(&arena, rows, 4, false, cols);
    assert_ok(ice_data_writer_write(w, cols, 0, &err), &err);
    cols[3].type.id = COL_INT64;
    assert_int_equal(ice_data_writer_write(w, cols, 4, &err), ERR_INVALID);
    assert_non_null(strstr(err.msg, "code"));
    cols[3].type.id = COL_INT32;
    assert_int_equal(ice_data_writer_write(w, cols, 5, &err), ERR_INVALID);
    IceDataFile dummy;
    IceDataFile *files = &dummy;
    size_t n_files = 99;
    assert_ok(ice_data_writer_close(w, &arena, &files, &n_files, &err), &err);
    assert_int_equal(n_files, 0);
    assert_null(files);

    /* NULL in the required user_id: the write fails, the writer can only be aborted */
    assert_ok(ice_data_writer_open(&mem, dir, &schema, NULL, &spec, NULL, &w, &err), &err);
    build_batch(&arena, rows, 4, false, cols);
    assert_ok(ice_data_writer_write(w, cols, 4, &err), &err);
    cols[2].validity = arena_zalloc(&arena, 1);
    assert_int_equal(ice_data_writer_write(w, cols, 4, &err), ERR_INVALID);
    assert_int_equal(ice_data_writer_write(w, cols, 4, &err), ERR_INVALID);
    assert_int_equal(ice_data_writer_close(w, &arena, &files, &n_files, &err), ERR_INVALID);
    int n_left = 0, n_dirs = 0;
    count_tree(dir, &n_left, &n_dirs);
    assert_int_equal(n_left, 0);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

/* Every allocation failing in turn: ERR_NOMEM, no leak, no file left behind. */
static void out_of_memory_fails_cleanly(void **state)
{
    (void)state;
    char dir[1024];
    test_tmpdir("ice_data_writer_oom", dir, sizeof dir);
    Row rows[64];
    uint64_t rng = SEED ^ 5;
    for (int i = 0; i < 64; i++) {
        random_row(&rng, &rows[i], 1, 2);
    }
    for (long n = 1;; n++) {
        Mem mem;
        mem_init(&mem, NULL, "test", 0);
        Arena arena, out;
        arena_init(&arena, NULL, 0);
        arena_init(&out, &mem, 0);
        ColVec cols[N_COLS];
        build_batch(&arena, rows, 64, n % 2 == 0, cols);
        Err err;
        mem_fail_at(&mem, n);
        IceDataWriter *w = NULL;
        /* identity(route) over 2 routes and NULL: three files, few directories to create */
        ErrCode rc = ice_data_writer_open(&mem, dir, &schema, NULL, &route_spec, NULL, &w, &err);
        if (rc == ERR_OK) {
            rc = ice_data_writer_write(w, cols, 64, &err);
            if (rc == ERR_OK) {
                IceDataFile *files = NULL;
                size_t n_files = 0;
                rc = ice_data_writer_close(w, &out, &files, &n_files, &err);
            } else {
                ice_data_writer_abort(w);
            }
        }
        arena_fini(&out);
        arena_fini(&arena);
        assert_int_equal(mem_used(&mem), 0);
        if (rc == ERR_OK) {
            assert_true(n > 10);
            break;
        }
        assert_int_equal(rc, ERR_NOMEM);
        int n_files = 0, n_dirs = 0;
        count_tree(dir, &n_files, &n_dirs);
        assert_int_equal(n_files, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(partitioned_files_hold_every_row_with_correct_metrics),
            cmocka_unit_test(string_and_binary_bounds_are_truncated),
            cmocka_unit_test(relative_data_dir_gives_absolute_paths),
            cmocka_unit_test(files_roll_at_the_target_size),
            cmocka_unit_test(least_recently_used_file_is_closed_past_max_open_files),
            cmocka_unit_test(abort_deletes_every_file_and_directory),
            cmocka_unit_test(errors_are_reported),
            cmocka_unit_test(out_of_memory_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
