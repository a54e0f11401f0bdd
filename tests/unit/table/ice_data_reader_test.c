/* ice_data_reader_test.c — data files written by ice_data_writer (partitioned, random rows
 * with NULLs) read back through ice_data_reader: with the writing schema every row comes
 * back (multiset compare of value texts); with an evolved schema (a column added, one
 * renamed, one dropped, int -> long, float -> double, decimal precision widened both within
 * and past 18 digits) rows read by field id with NULLs for the new columns. Row-group
 * pruning with filters is checked against brute force over each row group's rows; illegal
 * type changes and bad arguments give the documented errors. Seed printed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/pq_writer.h"
#include "table/ice_data_reader.h"
#include "table/ice_data_writer.h"
#include "test_util.h"

#define SEED 0x5eedda7au

#define PRIM(kind)                            \
    {                                         \
        .id = (kind), .prim = {.id = (kind) } \
    }
#define DEC_TYPE(p, s)                                                                  \
    {                                                                                   \
        .id = ICE_DECIMAL, .prim = {.id = ICE_DECIMAL, .precision = (p), .scale = (s) } \
    }

static const IceType t_int = PRIM(ICE_INT);
static const IceType t_long = PRIM(ICE_LONG);
static const IceType t_float = PRIM(ICE_FLOAT);
static const IceType t_double = PRIM(ICE_DOUBLE);
static const IceType t_string = PRIM(ICE_STRING);
static const IceType t_date = PRIM(ICE_DATE);
static const IceType t_ts = PRIM(ICE_TIMESTAMP);
static const IceType t_dec9 = DEC_TYPE(9, 2);
static const IceType t_dec10 = DEC_TYPE(10, 2);
static const IceType t_dec12 = DEC_TYPE(12, 2);
static const IceType t_dec25 = DEC_TYPE(25, 2);
static const IceType t_dec8 = DEC_TYPE(8, 2);
static const IceType t_dec9s3 = DEC_TYPE(9, 3);

/* Schema A, as written. */
#define N_A 7
static const IceField fields_a[N_A] = {
        {1, "id", true, &t_int, NULL},       {2, "name", false, &t_string, NULL},
        {3, "score", false, &t_float, NULL}, {4, "old", false, &t_string, NULL},
        {5, "amount", false, &t_dec9, NULL}, {7, "big", false, &t_dec10, NULL},
        {8, "day", false, &t_date, NULL}};
static const IceSchema schema_a = {
        .schema_id = 0, .fields = fields_a, .n_fields = N_A, .highest_field_id = 8};

/* Schema B: 1 widened, 2 renamed, 3 widened, 4 and 8 dropped, 5 and 7 wider, 6 and 9 new. */
static const IceField fields_b[7] = {
        {2, "full_name", false, &t_string, NULL}, {6, "added", false, &t_string, NULL},
        {1, "id", true, &t_long, NULL},           {7, "big", false, &t_dec25, NULL},
        {3, "score", false, &t_double, NULL},     {5, "amount", false, &t_dec12, NULL},
        {9, "added_req", true, &t_int, NULL}};
static const IceSchema schema_b = {
        .schema_id = 1, .fields = fields_b, .n_fields = 7, .highest_field_id = 9};

static const IcePartitionField part_fields[1] = {{1, 1000, "id_bucket", {ICE_TR_BUCKET, 3}}};
static const IcePartitionSpec spec = {.spec_id = 0, .fields = part_fields, .n_fields = 1};

static const char *const names[5] = {"alpha", "b\xc3\xa9ta", "gamma-long-name-over-16-cps", "",
                                     "delta"};

typedef struct Row {
    int32_t id;
    int name; /* -1 NULL */
    int old;  /* -1 NULL */
    bool score_null, amount_null, big_null, day_null;
    float score;
    int64_t amount, big; /* unscaled */
    int32_t day;
} Row;

static uint64_t rng_next(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ULL;
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void random_row(uint64_t *rng, Row *r)
{
    uint64_t x = rng_next(rng);
    r->id = (int32_t)(rng_next(rng) % 2000000) - 1000000;
    r->name = x % 7 == 0 ? -1 : (int)(rng_next(rng) % 5);
    r->old = x % 3 == 0 ? -1 : (int)(rng_next(rng) % 5);
    r->score_null = x % 5 == 0;
    r->score = x % 11 == 0 ? NAN : (float)((int64_t)(rng_next(rng) % 20000) - 10000) / 8.0f;
    r->amount_null = x % 4 == 0;
    r->amount = (int64_t)(rng_next(rng) % 1999999999) - 999999999;
    r->big_null = x % 6 == 0;
    r->big = (int64_t)(rng_next(rng) % 19999999999LL) - 9999999999LL;
    r->day_null = x % 9 == 0;
    r->day = (int32_t)(rng_next(rng) % 30000) - 5000;
}

static void set_str(ColVec *v, size_t i, int word)
{
    if (word >= 0) {
        ((ColStr *)v->values)[i] = (ColStr){(uint32_t)strlen(names[word]), names[word]};
    }
    colvec_set_valid(v->validity, i, word >= 0);
}

static void build_batch(Arena *arena, const Row *rows, size_t n, ColVec *cols)
{
    Err err;
    for (int c = 0; c < N_A; c++) {
        assert_ok(colvec_alloc(arena, ice_prim_to_col(fields_a[c].type->prim), n, c != 0, &cols[c],
                               &err),
                  &err);
    }
    for (size_t i = 0; i < n; i++) {
        const Row *r = &rows[i];
        ((int32_t *)cols[0].values)[i] = r->id;
        set_str(&cols[1], i, r->name);
        ((float *)cols[2].values)[i] = r->score_null ? 0 : r->score;
        colvec_set_valid(cols[2].validity, i, !r->score_null);
        set_str(&cols[3], i, r->old);
        ((int64_t *)cols[4].values)[i] = r->amount_null ? 0 : r->amount;
        colvec_set_valid(cols[4].validity, i, !r->amount_null);
        ((int64_t *)cols[5].values)[i] = r->big_null ? 0 : r->big;
        colvec_set_valid(cols[5].validity, i, !r->big_null);
        ((int32_t *)cols[6].values)[i] = r->day_null ? 0 : r->day;
        colvec_set_valid(cols[6].validity, i, !r->day_null);
    }
}

/* ---- canonical row texts ----------------------------------------------------------------- */

static void append_value(char *buf, size_t cap, const IceValue *v)
{
    size_t len = strlen(buf);
    char text[256];
    ice_value_format(v, text, sizeof text);
    snprintf(buf + len, cap - len, "%s%s", len ? "|" : "", text);
}

/* Text of output row i over vectors out[0..n). */
static char *vec_row_text(Arena *arena, const IceSchema *schema, const int32_t *ids, int n,
                          const ColVec *out, size_t i)
{
    char *buf = arena_zalloc(arena, 1024);
    for (int c = 0; c < n; c++) {
        const IceField *f = ice_schema_find_id(schema, ids[c]);
        assert_non_null(f);
        IceValue v;
        ice_value_from_col(&out[c], i, f->type->prim, &v);
        append_value(buf, 1024, &v);
    }
    return buf;
}

static IceValue str_value(int word, IcePrim prim)
{
    return word < 0 ? ice_value_null(prim) : ice_value_cstring(names[word]);
}

/* Expected text of a model row read through schema A (evolved false) or B. */
static char *model_row_text(Arena *arena, const Row *r, bool evolved, const int32_t *ids, int n)
{
    char *buf = arena_zalloc(arena, 1024);
    for (int c = 0; c < n; c++) {
        IceValue v;
        switch (ids[c]) {
        case 1:
            v = evolved ? ice_value_long(r->id) : ice_value_int(r->id);
            break;
        case 2:
            v = str_value(r->name, t_string.prim);
            break;
        case 3:
            v = r->score_null ? ice_value_null(evolved ? t_double.prim : t_float.prim)
                : evolved     ? ice_value_double((double)r->score)
                              : ice_value_float(r->score);
            break;
        case 4:
            v = str_value(r->old, t_string.prim);
            break;
        case 5:
            v = r->amount_null ? ice_value_null(evolved ? t_dec12.prim : t_dec9.prim)
                               : ice_value_decimal(evolved ? 12 : 9, 2, r->amount);
            break;
        case 7:
            v = r->big_null ? ice_value_null(evolved ? t_dec25.prim : t_dec10.prim)
                            : ice_value_decimal(evolved ? 25 : 10, 2, r->big);
            break;
        case 8:
            v = r->day_null ? ice_value_null(t_date.prim) : ice_value_date(r->day);
            break;
        case 6:
            v = ice_value_null(t_string.prim);
            break;
        case 9:
            v = ice_value_null(t_int.prim);
            break;
        default:
            fail_msg("unexpected field id %d", ids[c]);
            return NULL;
        }
        append_value(buf, 1024, &v);
    }
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void assert_same_texts(char **a, char **b, size_t n)
{
    qsort(a, n, sizeof(char *), cmp_str);
    qsort(b, n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(a[i], b[i]);
    }
}

/* Write N_BATCHES x BATCH random rows partitioned by bucket[3](id) into dir. */
enum { N_BATCHES = 6, BATCH = 700 };

static size_t write_table(Mem *mem, Arena *arena, const char *dir, Row *rows, IceDataFile **files)
{
    Err err;
    IceDataWriterOptions opts;
    ice_data_writer_options_default(&opts);
    IceDataWriter *w = NULL;
    assert_ok(ice_data_writer_open(mem, dir, &schema_a, NULL, &spec, &opts, &w, &err), &err);
    uint64_t rng = SEED;
    for (int b = 0; b < N_BATCHES; b++) {
        for (int i = 0; i < BATCH; i++) {
            random_row(&rng, &rows[b * BATCH + i]);
        }
        ColVec cols[N_A];
        build_batch(arena, rows + b * BATCH, BATCH, cols);
        assert_ok(ice_data_writer_write(w, cols, BATCH, &err), &err);
    }
    size_t n_files = 0;
    assert_ok(ice_data_writer_close(w, arena, files, &n_files, &err), &err);
    assert_int_equal(n_files, 3);
    return n_files;
}

/* Read every file through `schema` with projection ids and compare with the model. */
static void read_and_compare(Mem *mem, Arena *arena, const IceDataFile *files, size_t n_files,
                             const Row *rows, const IceSchema *schema, const int32_t *ids,
                             int n_ids, bool evolved)
{
    size_t n_all = N_BATCHES * BATCH;
    char **got = arena_zalloc(arena, n_all * sizeof(char *));
    char **want = arena_zalloc(arena, n_all * sizeof(char *));
    size_t n_got = 0;
    Err err;
    for (size_t f = 0; f < n_files; f++) {
        IceDataReader *r = NULL;
        assert_ok(ice_data_reader_open(mem, files[f].file_path, schema, ids, n_ids, &r, &err),
                  &err);
        int64_t n_file = 0;
        for (int32_t rg = 0; rg < ice_data_reader_n_row_groups(r); rg++) {
            ColVec out[16];
            assert_ok(ice_data_reader_read(r, rg, arena, out, &err), &err);
            for (int c = 0; c < n_ids; c++) {
                assert_int_equal(out[c].n_rows, (size_t)ice_data_reader_row_group_rows(r, rg));
                ColTypeInfo want_type =
                        ice_prim_to_col(ice_schema_find_id(schema, ids[c])->type->prim);
                assert_int_equal(out[c].type.id, want_type.id);
                assert_int_equal(out[c].type.precision, want_type.precision);
            }
            for (size_t i = 0; i < out[0].n_rows; i++) {
                assert_true(n_got < n_all);
                got[n_got++] = vec_row_text(arena, schema, ids, n_ids, out, i);
            }
            n_file += (int64_t)out[0].n_rows;
        }
        assert_int_equal(n_file, files[f].record_count);
        ice_data_reader_close(r);
    }
    assert_int_equal(n_got, n_all);
    for (size_t i = 0; i < n_all; i++) {
        want[i] = model_row_text(arena, &rows[i], evolved, ids, n_ids);
    }
    assert_same_texts(got, want, n_all);
}

static void rows_read_back_with_the_writing_schema(void **state)
{
    (void)state;
    printf("seed 0x%x\n", SEED);
    char dir[1024];
    test_tmpdir("ice_data_reader_roundtrip", dir, sizeof dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Row *rows = arena_zalloc(&arena, N_BATCHES * BATCH * sizeof(Row));
    IceDataFile *files = NULL;
    size_t n_files = write_table(&mem, &arena, dir, rows, &files);
    static const int32_t all_ids[N_A] = {1, 2, 3, 4, 5, 7, 8};
    read_and_compare(&mem, &arena, files, n_files, rows, &schema_a, all_ids, N_A, false);
    static const int32_t some_ids[3] = {8, 2, 2};
    read_and_compare(&mem, &arena, files, n_files, rows, &schema_a, some_ids, 3, false);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void rows_read_through_an_evolved_schema(void **state)
{
    (void)state;
    char dir[1024];
    test_tmpdir("ice_data_reader_evolved", dir, sizeof dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Row *rows = arena_zalloc(&arena, N_BATCHES * BATCH * sizeof(Row));
    IceDataFile *files = NULL;
    size_t n_files = write_table(&mem, &arena, dir, rows, &files);
    static const int32_t ids[7] = {2, 6, 1, 7, 3, 5, 9};
    read_and_compare(&mem, &arena, files, n_files, rows, &schema_b, ids, 7, true);
    /* the renamed field keeps its id; a field dropped from the projection is not read */
    static const int32_t renamed[1] = {2};
    read_and_compare(&mem, &arena, files, n_files, rows, &schema_b, renamed, 1, true);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void illegal_type_changes_are_refused(void **state)
{
    (void)state;
    char dir[1024];
    test_tmpdir("ice_data_reader_types", dir, sizeof dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Row *rows = arena_zalloc(&arena, N_BATCHES * BATCH * sizeof(Row));
    IceDataFile *files = NULL;
    write_table(&mem, &arena, dir, rows, &files);
    const char *path = files[0].file_path;
    static const struct {
        int32_t id;
        const IceType *type;
        ErrCode rc;
    } cases[] = {
            {8, &t_ts, ERR_CORRUPT},     /* date -> timestamp is not a promotion */
            {1, &t_string, ERR_CORRUPT}, /* int -> string */
            {1, &t_date, ERR_CORRUPT},   /* int -> date */
            {3, &t_int, ERR_CORRUPT},    /* float -> int */
            {5, &t_dec8, ERR_CORRUPT},   /* decimal narrowed */
            {5, &t_dec9s3, ERR_CORRUPT}, /* decimal scale changed */
            {7, &t_long, ERR_CORRUPT},   /* decimal -> long */
    };
    Err err;
    for (size_t k = 0; k < TN_ARRAY_LEN(cases); k++) {
        IceField f = {cases[k].id, "f", false, cases[k].type, NULL};
        IceSchema s = {.fields = &f, .n_fields = 1, .highest_field_id = 9};
        IceDataReader *r = NULL;
        assert_int_equal(ice_data_reader_open(&mem, path, &s, &cases[k].id, 1, &r, &err),
                         cases[k].rc);
        assert_non_null(strstr(err.msg, "cannot be read"));
        assert_non_null(strstr(err.msg, path));
    }
    /* not in the schema; nested; missing file */
    IceDataReader *r = NULL;
    static const int32_t unknown[1] = {99};
    assert_int_equal(ice_data_reader_open(&mem, path, &schema_a, unknown, 1, &r, &err),
                     ERR_INVALID);
    static const IceField inner[1] = {{11, "x", false, &t_int, NULL}};
    static const IceType t_struct = {.id = ICE_STRUCT, .fields = inner, .n_fields = 1};
    static const IceField nfields[1] = {{10, "s", false, &t_struct, NULL}};
    static const IceSchema nested = {.fields = nfields, .n_fields = 1, .highest_field_id = 11};
    static const int32_t struct_id[1] = {10}, inner_id[1] = {11};
    assert_int_equal(ice_data_reader_open(&mem, path, &nested, struct_id, 1, &r, &err),
                     ERR_UNSUPPORTED);
    assert_int_equal(ice_data_reader_open(&mem, path, &nested, inner_id, 1, &r, &err),
                     ERR_UNSUPPORTED);
    char missing[1100];
    snprintf(missing, sizeof missing, "%s/none.parquet", dir);
    assert_int_equal(ice_data_reader_open(&mem, missing, &schema_a, unknown, 0, &r, &err),
                     ERR_NOT_FOUND);
    /* row group out of range */
    static const int32_t id1[1] = {1};
    assert_ok(ice_data_reader_open(&mem, path, &schema_a, id1, 1, &r, &err), &err);
    ColVec out[1];
    assert_int_equal(ice_data_reader_read(r, ice_data_reader_n_row_groups(r), &arena, out, &err),
                     ERR_INVALID);
    assert_int_equal(ice_data_reader_read(r, -1, &arena, out, &err), ERR_INVALID);
    ice_data_reader_close(r);
    ice_data_reader_close(NULL);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

/* ---- row-group pruning -------------------------------------------------------------------- */

#define PRUNE_ROWS 1000
#define PRUNE_RG   100

/* A file of 10 row groups: id (int, field 1) = row, sorted; name (field 2) per row group. */
static void write_prune_file(Mem *mem, const char *path)
{
    Err err;
    PqColumnSpec cols[2] = {
            {.name = "id", .type = {.id = COL_INT32}, .is_nullable = false, .field_id = 1},
            {.name = "name", .type = {.id = COL_STRING}, .is_nullable = true, .field_id = 2},
    };
    PqWriterOptions opts;
    pq_writer_options_default(&opts);
    opts.row_group_rows = PRUNE_RG;
    PqWriter *w = NULL;
    assert_ok(pq_writer_open(mem, path, cols, 2, &opts, &w, &err), &err);
    Arena arena;
    arena_init(&arena, mem, 0);
    ColVec batch[2];
    assert_ok(colvec_alloc(&arena, cols[0].type, PRUNE_ROWS, false, &batch[0], &err), &err);
    assert_ok(colvec_alloc(&arena, cols[1].type, PRUNE_ROWS, true, &batch[1], &err), &err);
    for (int i = 0; i < PRUNE_ROWS; i++) {
        ((int32_t *)batch[0].values)[i] = i;
        int word = (i / PRUNE_RG) % 5; /* groups 3 and 8 hold "" */
        if (i / PRUNE_RG == 4) {
            word = -1; /* group 4: all NULL */
        }
        set_str(&batch[1], (size_t)i, word);
    }
    assert_ok(pq_writer_write(w, batch, &err), &err);
    assert_ok(pq_writer_close(w, NULL, NULL, &err), &err);
    arena_fini(&arena);
}

/* Brute force: does any row of group rg satisfy the (conjunctive) test? */
typedef bool (*RowTest)(int id, int word);

static bool group_has_match(int rg, RowTest test)
{
    for (int i = rg * PRUNE_RG; i < (rg + 1) * PRUNE_RG; i++) {
        int word = rg == 4 ? -1 : rg % 5;
        if (test(i, word))
            return true;
    }
    return false;
}

static bool id_ge_750(int id, int word)
{
    (void)word;
    return id >= 750;
}

static bool id_lt_120_and_gamma(int id, int word)
{
    return id < 120 && word == 2;
}

static bool name_is_null(int id, int word)
{
    (void)id;
    return word < 0;
}

static bool id_in_list(int id, int word)
{
    (void)word;
    return id == 5 || id == 333 || id == 420;
}

static bool always(int id, int word)
{
    (void)id, (void)word;
    return true;
}

static void check_pruning(const IceDataReader *r, const IceExpr *filter, RowTest test,
                          int want_groups)
{
    int n_may = 0;
    for (int rg = 0; rg < ice_data_reader_n_row_groups(r); rg++) {
        bool may = ice_data_reader_row_group_may_match(r, rg, filter);
        if (group_has_match(rg, test)) {
            assert_true(may); /* never a false negative */
        }
        n_may += may;
    }
    assert_int_equal(n_may, want_groups);
}

static void row_groups_are_pruned_by_filters(void **state)
{
    (void)state;
    char dir[1024], path[1100];
    test_tmpdir("ice_data_reader_prune", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/prune.parquet", dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    write_prune_file(&mem, path);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Err err;
    /* read as schema B: id widened to long, name renamed, field 6 absent from the file */
    static const int32_t ids[3] = {1, 2, 6};
    IceDataReader *r = NULL;
    assert_ok(ice_data_reader_open(&mem, path, &schema_b, ids, 3, &r, &err), &err);
    assert_int_equal(ice_data_reader_n_row_groups(r), PRUNE_ROWS / PRUNE_RG);

    IceValue v750 = ice_value_long(750), v120 = ice_value_long(120);
    IceValue gamma = ice_value_cstring(names[2]);
    const IceExpr *ge = ice_expr_cmp(&arena, ICE_EXPR_GT_EQ, 1, t_long.prim, &v750);
    check_pruning(r, ge, id_ge_750, 3);
    const IceExpr *lt_and_eq =
            ice_expr_and(&arena, ice_expr_cmp(&arena, ICE_EXPR_LT, 1, t_long.prim, &v120),
                         ice_expr_cmp(&arena, ICE_EXPR_EQ, 2, t_string.prim, &gamma));
    check_pruning(r, lt_and_eq, id_lt_120_and_gamma, 0);
    const IceExpr *is_null = ice_expr_unary(&arena, ICE_EXPR_IS_NULL, 2, t_string.prim);
    check_pruning(r, is_null, name_is_null, 1);
    IceValue list[3] = {ice_value_long(5), ice_value_long(333), ice_value_long(420)};
    const IceExpr *in = ice_expr_in(&arena, ICE_EXPR_IN, 1, t_long.prim, list, 3);
    check_pruning(r, in, id_in_list, 5); /* IN prunes to [min, max]: groups 0..4 */
    /* a predicate on a field the file lacks never prunes; NULL and TRUE neither */
    const IceExpr *absent = ice_expr_cmp(&arena, ICE_EXPR_EQ, 6, t_string.prim, &gamma);
    check_pruning(r, absent, always, 10);
    check_pruning(r, NULL, always, 10);
    check_pruning(r, ice_expr_true(), always, 10);
    for (int rg = 0; rg < 10; rg++) {
        assert_false(ice_data_reader_row_group_may_match(r, rg, ice_expr_false()));
    }
    /* the rows themselves: id widened, added field all NULL */
    ColVec out[3];
    assert_ok(ice_data_reader_read(r, 7, &arena, out, &err), &err);
    assert_int_equal(out[0].type.id, COL_INT64);
    for (size_t i = 0; i < out[0].n_rows; i++) {
        IceValue v;
        ice_value_from_col(&out[0], i, t_long.prim, &v);
        assert_int_equal(v.i64, 700 + (int64_t)i);
        assert_true(colvec_is_null(&out[2], i));
    }
    ice_data_reader_close(r);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(rows_read_back_with_the_writing_schema),
            cmocka_unit_test(rows_read_through_an_evolved_schema),
            cmocka_unit_test(illegal_type_changes_are_refused),
            cmocka_unit_test(row_groups_are_pruned_by_filters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
