/* pq_gen.c — write a deterministic Parquet test file with tarn's writer, plus the values
 * it holds as JSON lines, for interop tests (tests/interop/parquet_duckdb_reads_tarn).
 *
 * Usage: pq_gen OUT.parquet EXPECTED.jsonl [--codec none|snappy|gzip|zstd|lz4_raw]
 *        [--encoding auto|plain|dictionary|delta|bss] [--nullable 0|1] [--page-version 1|2]
 *        [--rows N] [--seed S] [--row-group-rows N] [--page-bytes N] [--dict-bytes N]
 *        [--threads N] [--crc 0|1] [--null-block N]
 *
 * Columns (field id = position + 1): b bool, i32 int32, i64 int64, f float, d double,
 * dec9 decimal(9,2), dec18 decimal(18,4), dec30 decimal(30,5), dt date, ts timestamp,
 * tstz timestamptz, s_low string (10 distinct, passed as a dictionary-encoded vector),
 * s_high string (mostly distinct), bin binary, uid uuid, fx fixed(5). An --encoding is
 * applied to the columns it can encode; the others use auto. With --nullable 1 every
 * column is OPTIONAL and about one row in 7 is NULL (never rows 0-3, which hold extremes);
 * --null-block N also makes every column NULL in rows [N, 2N), [4N, 5N), ... (all-NULL
 * pages when pages are small).
 *
 * Expected JSONL: one object per row, keys = column names, every value a string (or null):
 *   b "true"/"false"; i32, i64 decimal integers; f, d "%.17g" of the value as a double
 *   ("nan", "-0" included; compare numerically with Object.is); decimals as DuckDB prints
 *   them: [-]digits.scale-digits ("0.05", "-12.50000"); dt days since 1970-01-01;
 *   ts, tstz microseconds since the epoch; strings as they are; bin, fx lower-case hex;
 *   uid 8-4-4-4-12 lower-case hex.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "format/pq_writer.h"

#define N_COLS     16
#define BATCH_ROWS 10000

typedef struct Gen {
    uint64_t seed;
    bool is_nullable;
    int64_t null_block; /* > 0: rows in every third block of this many are all NULL */
    FILE *jsonl;
} Gen;

static const char *const names[N_COLS] = {"b",      "i32",   "i64", "f",  "d",    "dec9",
                                          "dec18",  "dec30", "dt",  "ts", "tstz", "s_low",
                                          "s_high", "bin",   "uid", "fx"};

static ColTypeInfo col_type(int c)
{
    static const ColTypeInfo types[N_COLS] = {
            {COL_BOOL, 0, 0, 0},      {COL_INT32, 0, 0, 0},       {COL_INT64, 0, 0, 0},
            {COL_FLOAT, 0, 0, 0},     {COL_DOUBLE, 0, 0, 0},      {COL_DECIMAL, 9, 2, 0},
            {COL_DECIMAL, 18, 4, 0},  {COL_DECIMAL, 30, 5, 0},    {COL_DATE, 0, 0, 0},
            {COL_TIMESTAMP, 0, 0, 0}, {COL_TIMESTAMPTZ, 0, 0, 0}, {COL_STRING, 0, 0, 0},
            {COL_STRING, 0, 0, 0},    {COL_BINARY, 0, 0, 0},      {COL_UUID, 0, 0, 16},
            {COL_FIXED, 0, 0, 5}};
    return types[c];
}

/* splitmix64 of (seed, row, column): every value is a pure function of its position. */
static uint64_t rnd(const Gen *g, int64_t row, int col, int k)
{
    uint64_t x = g->seed + (uint64_t)row * 0x9e3779b97f4a7c15ULL +
                 (uint64_t)col * 0x632be59bd9b4e5f7ULL + (uint64_t)k * 0xd6e8feb86659fd93ULL;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static bool is_null(const Gen *g, int64_t row, int col)
{
    if (!g->is_nullable || row <= 3)
        return false;
    if (g->null_block > 0 && (row / g->null_block) % 3 == 1)
        return true;
    return rnd(g, row, col, 99) % 7 == 0;
}

static const char *const low_strings[10] = {
        "",
        "GET",
        "POST",
        "/api/v1/users",
        "ü-unicode-☃-日本",
        "a \"quoted\" \\ string",
        "tab\there",
        "PUT",
        "DELETE",
        "a-long-route-name-that-goes-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-"
        "on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-end"};

static void json_str(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            fprintf(f, "\\%c", ch);
        } else if (ch < 0x20) {
            fprintf(f, "\\u%04x", ch);
        } else {
            fputc(ch, f);
        }
    }
    fputc('"', f);
}

static void hex(char *out, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
    out[2 * len] = 0;
}

/* Unscaled 128-bit integer as a decimal with `scale` digits after the point. */
static void decimal_text(char *out, __int128 v, int scale)
{
    char digits[64];
    int n = 0;
    bool is_neg = v < 0;
    unsigned __int128 u = is_neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n <= scale) {
        digits[n++] = '0';
    }
    char *p = out;
    if (is_neg) {
        *p++ = '-';
    }
    for (int i = n - 1; i >= 0; i--) {
        *p++ = digits[i];
        if (i == scale && scale > 0) {
            *p++ = '.';
        }
    }
    *p = 0;
}

static void float_text(char *out, double v)
{
    if (v != v) {
        strcpy(out, "nan");
    } else {
        snprintf(out, 64, "%.17g", v);
    }
}

/* Fill row `row` of every column; `text` gets the canonical strings. */
static void gen_row(const Gen *g, Arena *arena, ColVec *vecs, size_t i, int64_t row,
                    char text[N_COLS][512])
{
    for (int c = 0; c < N_COLS; c++) {
        if (is_null(g, row, c)) {
            colvec_set_valid(vecs[c].validity, i, false);
            if (c == 11) {
                vecs[c].codes[i] = 0;
            }
            text[c][0] = 0;
            continue;
        }
        uint64_t r = rnd(g, row, c, 0);
        switch (c) {
        case 0: {
            bool v = r & 1;
            ((uint8_t *)vecs[c].values)[i] = v;
            strcpy(text[c], v ? "true" : "false");
            break;
        }
        case 1: {
            int32_t v = row == 0   ? INT32_MIN
                        : row == 1 ? INT32_MAX
                                   : (int32_t)(r % 2000001) - 1000000;
            ((int32_t *)vecs[c].values)[i] = v;
            snprintf(text[c], 512, "%" PRId32, v);
            break;
        }
        case 2: {
            int64_t v = row == 0          ? INT64_MIN
                        : row == 1        ? INT64_MAX
                        : row % 100 == 50 ? (int64_t)r
                                          : row * 1000 + (int64_t)(r % 1000);
            ((int64_t *)vecs[c].values)[i] = v;
            snprintf(text[c], 512, "%" PRId64, v);
            break;
        }
        case 3: {
            float v = row == 2   ? -0.0f
                      : row == 3 ? 0.0f / 0.0f
                                 : (float)((double)(r % 2000000) / 7.0 - 140000.0);
            if (row == 0)
                v = 3.4028235e38f;
            if (row == 1)
                v = -1.17549435e-38f;
            ((float *)vecs[c].values)[i] = v;
            float_text(text[c], (double)v);
            break;
        }
        case 4: {
            double v = row == 2   ? -0.0
                       : row == 0 ? 1.7976931348623157e308
                       : row == 1 ? -4.9e-324
                                  : (double)(int64_t)r / 1e6;
            if (row == 3)
                v = 0.0 / 0.0;
            ((double *)vecs[c].values)[i] = v;
            float_text(text[c], v);
            break;
        }
        case 5: {
            int64_t v = row == 0   ? -999999999
                        : row == 1 ? 999999999
                                   : (int64_t)(r % 200001) - 100000;
            ((int64_t *)vecs[c].values)[i] = v;
            decimal_text(text[c], v, 2);
            break;
        }
        case 6: {
            int64_t v = row == 0   ? -999999999999999999LL
                        : row == 1 ? 999999999999999999LL
                                   : (int64_t)(r % 2000000000001ULL) - 1000000000000LL;
            ((int64_t *)vecs[c].values)[i] = v;
            decimal_text(text[c], v, 4);
            break;
        }
        case 7: {
            __int128 big = (__int128)1000000000000000LL * 1000000000000000LL; /* 10^30 */
            __int128 v = row == 0   ? -(big - 1)
                         : row == 1 ? big - 1
                                    : ((__int128)(int64_t)r * 1000003) +
                                              (int64_t)rnd(g, row, c, 1) % 1000;
            bool is_short = row > 1 && (int64_t)r > -(1LL << 40) && row % 3 == 0;
            if (is_short) {
                v = (int64_t)r >> 24; /* fits in 8 bytes: passed short, sign-extended */
            }
            uint32_t len = is_short ? 8 : 13;
            uint8_t *bytes = arena_alloc(arena, len);
            for (uint32_t k = 0; k < len; k++) {
                bytes[len - 1 - k] = (uint8_t)(v >> (8 * k));
            }
            ((ColStr *)vecs[c].values)[i] = (ColStr){len, (const char *)bytes};
            decimal_text(text[c], v, 5);
            break;
        }
        case 8: {
            /* 600 distinct days, so a small dictionary fills after many repeats */
            int32_t v = row == 0 ? -25567 : row == 1 ? 47482 : (int32_t)(r % 600) * 37 - 9000;
            ((int32_t *)vecs[c].values)[i] = v;
            snprintf(text[c], 512, "%" PRId32, v);
            break;
        }
        case 9:
        case 10: {
            int64_t v = row == 0   ? -9000000000000000LL
                        : row == 1 ? 9000000000000000LL
                                   : 1700000000000000LL + row * 1000000 + (int64_t)(r % 1000000);
            ((int64_t *)vecs[c].values)[i] = v;
            snprintf(text[c], 512, "%" PRId64, v);
            break;
        }
        case 11: {
            uint32_t code = (uint32_t)(r % 10);
            vecs[c].codes[i] = code;
            snprintf(text[c], 512, "%s", low_strings[code]);
            break;
        }
        case 12: {
            char *s = arena_sprintf(arena, "row-%" PRId64 "-%016" PRIx64 "%s", row, r,
                                    row % 97 == 5 ? "-ünïcödé-and-a-longer-tail-to-vary-lengths"
                                                  : "");
            if (row % 211 == 7) {
                s[0] = 0;
            }
            ((ColStr *)vecs[c].values)[i] = (ColStr){(uint32_t)strlen(s), s};
            snprintf(text[c], 512, "%s", s);
            break;
        }
        case 13:
        case 15: {
            uint32_t len = c == 15 ? 5 : (uint32_t)(r % 21);
            uint8_t *bytes = arena_alloc(arena, len + 1);
            for (uint32_t k = 0; k < len; k++) {
                bytes[k] = (uint8_t)rnd(g, row, c, (int)k + 1);
            }
            if (row == 0) {
                memset(bytes, 0, len);
            }
            ((ColStr *)vecs[c].values)[i] = (ColStr){len, (const char *)bytes};
            hex(text[c], bytes, len);
            break;
        }
        case 14: {
            uint8_t *bytes = arena_alloc(arena, 16);
            for (int k = 0; k < 16; k++) {
                bytes[k] = (uint8_t)rnd(g, row, c, k + 1);
            }
            ((ColStr *)vecs[c].values)[i] = (ColStr){16, (const char *)bytes};
            char h[33];
            hex(h, bytes, 16);
            snprintf(text[c], 512, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
            break;
        }
        }
    }
}

static void write_json_row(FILE *f, char text[N_COLS][512], const ColVec *vecs, size_t i)
{
    fputc('{', f);
    for (int c = 0; c < N_COLS; c++) {
        fprintf(f, "%s\"%s\":", c ? "," : "", names[c]);
        if (colvec_is_null(&vecs[c], i)) {
            fputs("null", f);
        } else {
            json_str(f, text[c], strlen(text[c]));
        }
    }
    fputs("}\n", f);
}

static PqEncodingChoice pick_encoding(const char *enc, int c)
{
    ColType t = col_type(c).id;
    bool is_int = t == COL_INT32 || t == COL_INT64 || t == COL_DATE || t == COL_TIMESTAMP ||
                  t == COL_TIMESTAMPTZ || (t == COL_DECIMAL && col_type(c).precision <= 18);
    if (strcmp(enc, "plain") == 0)
        return PQ_CHOOSE_PLAIN;
    if (strcmp(enc, "dictionary") == 0)
        return t == COL_BOOL ? PQ_CHOOSE_AUTO : PQ_CHOOSE_DICTIONARY;
    if (strcmp(enc, "delta") == 0)
        return is_int ? PQ_CHOOSE_DELTA : PQ_CHOOSE_AUTO;
    if (strcmp(enc, "bss") == 0)
        return t == COL_FLOAT || t == COL_DOUBLE ? PQ_CHOOSE_BYTE_STREAM_SPLIT : PQ_CHOOSE_AUTO;
    return PQ_CHOOSE_AUTO;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: pq_gen OUT.parquet EXPECTED.jsonl [--codec C] [--encoding E] "
            "[--nullable 0|1] [--page-version 1|2] [--rows N] [--seed S] "
            "[--row-group-rows N] [--page-bytes N] [--dict-bytes N] [--threads N] [--crc 0|1] "
            "[--null-block N]\n");
    return 2;
}

static int fail(const Err *err)
{
    fprintf(stderr, "pq_gen: %s\n", err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    Gen g = {.seed = 42};
    const char *encoding = "auto";
    int64_t n_rows = 1000;
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    for (int a = 3; a + 1 < argc; a += 2) {
        const char *k = argv[a], *v = argv[a + 1];
        if (strcmp(k, "--codec") == 0) {
            if (!compress_codec_parse(v, &opts.codec))
                return usage();
        } else if (strcmp(k, "--encoding") == 0) {
            encoding = v;
        } else if (strcmp(k, "--nullable") == 0) {
            g.is_nullable = strcmp(v, "1") == 0;
        } else if (strcmp(k, "--page-version") == 0) {
            opts.data_page_version = (int)strtol(v, NULL, 10);
        } else if (strcmp(k, "--rows") == 0) {
            n_rows = strtoll(v, NULL, 10);
        } else if (strcmp(k, "--seed") == 0) {
            g.seed = strtoull(v, NULL, 10);
        } else if (strcmp(k, "--row-group-rows") == 0) {
            opts.row_group_rows = strtoll(v, NULL, 10);
        } else if (strcmp(k, "--page-bytes") == 0) {
            opts.page_bytes = (size_t)strtoull(v, NULL, 10);
        } else if (strcmp(k, "--crc") == 0) {
            opts.write_page_crc = strcmp(v, "1") == 0;
        } else if (strcmp(k, "--dict-bytes") == 0) {
            opts.dict_max_bytes = (size_t)strtoull(v, NULL, 10);
        } else if (strcmp(k, "--null-block") == 0) {
            g.null_block = strtoll(v, NULL, 10);
        } else if (strcmp(k, "--threads") == 0) {
            opts.n_threads = (int)strtol(v, NULL, 10);
        } else {
            return usage();
        }
    }
    PqKeyValue kv = {"tarn.test", "pq_gen"};
    opts.key_value = &kv;
    opts.n_key_value = 1;
    PqColumnSpec specs[N_COLS];
    for (int c = 0; c < N_COLS; c++) {
        specs[c] = (PqColumnSpec){.name = names[c],
                                  .type = col_type(c),
                                  .is_nullable = g.is_nullable,
                                  .field_id = c + 1,
                                  .encoding = pick_encoding(encoding, c)};
    }
    g.jsonl = fopen(argv[2], "w");
    if (!g.jsonl) {
        perror(argv[2]);
        return 1;
    }
    Mem mem;
    mem_init(&mem, NULL, "pq_gen", 0);
    Err err;
    err_init(&err);
    PqWriter *w = NULL;
    if (pq_writer_open(&mem, argv[1], specs, N_COLS, &opts, &w, &err) != ERR_OK)
        return fail(&err);
    Arena arena;
    arena_init(&arena, &mem, 0);
    /* The low-cardinality strings arrive dictionary encoded, as from a Parquet scan. */
    ColVec low_dict = {.type = col_type(11), .n_rows = 10};
    ColStr low_vals[10];
    for (int k = 0; k < 10; k++) {
        low_vals[k] = (ColStr){(uint32_t)strlen(low_strings[k]), low_strings[k]};
    }
    low_dict.values = low_vals;
    static char text[N_COLS][512];
    for (int64_t start = 0; start < n_rows; start += BATCH_ROWS) {
        size_t n = (size_t)TN_MIN(BATCH_ROWS, n_rows - start);
        arena_reset(&arena);
        ColVec vecs[N_COLS];
        for (int c = 0; c < N_COLS; c++) {
            if (colvec_alloc(&arena, col_type(c), n, g.is_nullable, &vecs[c], &err) != ERR_OK)
                return fail(&err);
        }
        vecs[11].values = NULL;
        vecs[11].codes = arena_alloc_array(&arena, n, sizeof(uint32_t));
        vecs[11].dict = &low_dict;
        vecs[11].dict_id = 1;
        for (size_t i = 0; i < n; i++) {
            gen_row(&g, &arena, vecs, i, start + (int64_t)i, text);
            write_json_row(g.jsonl, text, vecs, i);
        }
        if (pq_writer_write(w, vecs, &err) != ERR_OK) {
            pq_writer_abort(w);
            return fail(&err);
        }
    }
    arena_reset(&arena);
    PqFileStats stats;
    if (pq_writer_close(w, &arena, &stats, &err) != ERR_OK)
        return fail(&err);
    printf("{\"rows\":%" PRId64 ",\"bytes\":%" PRId64 ",\"row_groups\":%d}\n", stats.n_rows,
           stats.file_bytes, stats.n_row_groups);
    arena_fini(&arena);
    return fclose(g.jsonl) == 0 ? 0 : 1;
}
