/* ice_table_test.c — unit tests for the table layer's metadata, manifests, commits and scan
 * planning, on real files in a temporary lakehouse: metadata JSON round trips, create and
 * append, optimistic conflicts (re-applied appends, a delete that lost its file), a
 * multi-table commit, overwrite by filter, dynamic partition overwrite, rewrite, schema
 * evolution, refs and time travel, and pruning by partition and by column bounds. */
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "table/ice_data_reader.h"
#include "table/ice_data_writer.h"
#include "table/ice_scan.h"
#include "table/ice_schema_evolve.h"
#include "table/ice_table.h"
#include "test_util.h"

#define DAY_US (86400LL * 1000000)

typedef struct Fixture {
    Mem mem;
    Err err;
    Arena arena;
    IceStore *store;
    IceSchema schema;
    IcePartitionSpec spec;
    char dir[512];
} Fixture;

static IceType type_ts = {.id = ICE_TIMESTAMPTZ, .prim = {ICE_TIMESTAMPTZ, 0, 0, 0}};
static IceType type_str = {.id = ICE_STRING, .prim = {ICE_STRING, 0, 0, 0}};
static IceType type_int = {.id = ICE_INT, .prim = {ICE_INT, 0, 0, 0}};

static const IceField fields[] = {
        {1, "ts", true, &type_ts, NULL},
        {2, "route", false, &type_str, NULL},
        {3, "code", false, &type_int, NULL},
};
static const IcePartitionField day_field = {1, 1000, "ts_day", {ICE_TR_DAY, 0}};

static int setup(void **state)
{
    Fixture *f = test_malloc(sizeof *f);
    memset(f, 0, sizeof *f);
    mem_init(&f->mem, NULL, "ice_table_test", 0);
    err_init(&f->err);
    arena_init(&f->arena, &f->mem, 64 * 1024);
    test_tmpdir("ice_table", f->dir, sizeof f->dir);
    char sub[600];
    static int counter;
    snprintf(sub, sizeof sub, "%s/lake%d", f->dir, counter++);
    assert_ok(ice_store_open(&f->mem, sub, &f->store, &f->err), &f->err);
    assert_ok(ice_store_create_namespace(f->store, "ns", false, &f->err), &f->err);
    f->schema = (IceSchema){0, fields, 3, NULL, 0, 3};
    f->spec = (IcePartitionSpec){0, &day_field, 1};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    ice_store_close(f->store);
    arena_fini(&f->arena);
    assert_int_equal(mem_used(&f->mem), 0);
    test_free(f);
    return 0;
}

/* Write `n` rows starting at day `day0` (rows spread over `n_days` days) with codes
 * code0.. and return the data files. */
static void write_rows(Fixture *f, IceTable *table, int64_t day0, int n_days, int n, int code0,
                       IceDataFile **files, size_t *n_files)
{
    ColVec cols[3];
    assert_ok(colvec_alloc(&f->arena, ice_prim_to_col(type_ts.prim), (size_t)n, false, &cols[0],
                           &f->err),
              &f->err);
    assert_ok(colvec_alloc(&f->arena, ice_prim_to_col(type_str.prim), (size_t)n, true, &cols[1],
                           &f->err),
              &f->err);
    assert_ok(colvec_alloc(&f->arena, ice_prim_to_col(type_int.prim), (size_t)n, true, &cols[2],
                           &f->err),
              &f->err);
    int64_t *ts = cols[0].values;
    ColStr *route = cols[1].values;
    int32_t *code = cols[2].values;
    for (int i = 0; i < n; i++) {
        ts[i] = (day0 + (int64_t)(i * n_days / n)) * DAY_US + i * 1000;
        route[i] = (ColStr){i % 2 ? 4 : 3, i % 2 ? "shop" : "api"};
        code[i] = code0 + i;
    }
    const char *data_dir;
    assert_ok(ice_table_data_dir(table, &f->arena, &data_dir, &f->err), &f->err);
    IceDataWriter *writer;
    IceDataWriterOptions opts;
    ice_data_writer_options_default(&opts);
    assert_ok(ice_data_writer_open(&f->mem, data_dir, ice_meta_current_schema(table->meta), NULL,
                                   ice_meta_spec(table->meta, table->meta->default_spec_id), &opts,
                                   &writer, &f->err),
              &f->err);
    assert_ok(ice_data_writer_write(writer, cols, (size_t)n, &f->err), &f->err);
    assert_ok(ice_data_writer_close(writer, &f->arena, files, n_files, &f->err), &f->err);
}

static IceTable *create_table(Fixture *f, const char *name)
{
    IceTable *table;
    assert_ok(ice_table_create(f->store, &f->mem, "ns", name, &f->schema, &f->spec, NULL, 0, &table,
                               &f->err),
              &f->err);
    return table;
}

static int64_t append(Fixture *f, IceTable *table, int64_t day0, int n_days, int n, int code0)
{
    IceDataFile *files;
    size_t n_files;
    write_rows(f, table, day0, n_days, n, code0, &files, &n_files);
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_append(txn, files, n_files, &f->err), &f->err);
    int64_t id;
    assert_ok(ice_txn_commit(txn, &id, &f->err), &f->err);
    return id;
}

static int64_t count_rows(Fixture *f, IceTable *table, const IceScanOptions *opts,
                          const IceExpr *filter, IceScanPlan *plan_out)
{
    IceScanPlan plan;
    IceScanOptions defaults;
    ice_scan_options_default(&defaults);
    assert_ok(ice_scan_plan(&f->mem, &f->arena, table->meta, opts ? opts : &defaults, filter, &plan,
                            &f->err),
              &f->err);
    if (plan_out) {
        *plan_out = plan;
    }
    return plan.n_records;
}

static void metadata_json_round_trips(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    append(f, table, 20000, 3, 300, 0);
    StrBuf a, b;
    strbuf_init(&a, &f->mem);
    strbuf_init(&b, &f->mem);
    assert_ok(ice_meta_write_json(table->meta, false, &a, &f->err), &f->err);
    IceTableMeta *parsed;
    assert_ok(ice_meta_parse(&f->mem, a.data, a.len, "test", &parsed, &f->err), &f->err);
    assert_ok(ice_meta_write_json(parsed, false, &b, &f->err), &f->err);
    assert_string_equal(a.data, b.data);
    assert_int_equal(parsed->n_snapshots, 1);
    assert_int_equal(parsed->last_sequence_number, 1);
    assert_string_equal(ice_snapshot_summary(&parsed->snapshots[0], "added-records"), "300");
    assert_string_equal(ice_snapshot_summary(&parsed->snapshots[0], "operation"), "append");
    assert_non_null(ice_meta_ref(parsed, "main"));
    ice_meta_free(parsed);
    /* unknown keys survive; bad documents name the problem */
    const char *extra =
            "{\"format-version\":2,\"table-uuid\":\"x\",\"location\":\"/t\","
            "\"last-sequence-number\":0,\"last-updated-ms\":1,\"last-column-id\":1,"
            "\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\",\"schema-id\":0,"
            "\"fields\":[{\"id\":1,\"name\":\"a\",\"required\":true,\"type\":\"long\"}]}],"
            "\"default-spec-id\":0,\"partition-specs\":[{\"spec-id\":0,\"fields\":[]}],"
            "\"last-partition-id\":999,\"statistics\":[{\"snapshot-id\":5}]}";
    assert_ok(ice_meta_parse(&f->mem, extra, strlen(extra), "x", &parsed, &f->err), &f->err);
    strbuf_clear(&a);
    assert_ok(ice_meta_write_json(parsed, false, &a, &f->err), &f->err);
    assert_non_null(strstr(a.data, "\"statistics\":[{\"snapshot-id\":5}]"));
    ice_meta_free(parsed);
    const char *bad = "{\"format-version\":2,\"table-uuid\":\"x\",\"location\":\"/t\","
                      "\"last-sequence-number\":0,\"last-updated-ms\":1,\"last-column-id\":1,"
                      "\"current-schema-id\":0,\"schemas\":[{\"schema-id\":0,\"fields\":[{\"id\":1,"
                      "\"name\":\"a\",\"required\":true,\"type\":\"lung\"}]}]}";
    assert_int_equal(ice_meta_parse(&f->mem, bad, strlen(bad), "bad.json", &parsed, &f->err),
                     ERR_CORRUPT);
    assert_non_null(strstr(f->err.msg, "schemas[0].fields[0].type"));
    strbuf_fini(&a);
    strbuf_fini(&b);
    ice_table_free(table);
}

static void appends_accumulate_and_time_travel(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    int64_t first = append(f, table, 20000, 2, 200, 0);
    int64_t second = append(f, table, 20002, 1, 50, 1000);
    assert_int_equal(count_rows(f, table, NULL, NULL, NULL), 250);
    IceScanOptions opts;
    ice_scan_options_default(&opts);
    opts.snapshot_id = first;
    assert_int_equal(count_rows(f, table, &opts, NULL, NULL), 200);
    opts.snapshot_id = second;
    assert_int_equal(count_rows(f, table, &opts, NULL, NULL), 250);
    /* by time: the first snapshot's timestamp */
    ice_scan_options_default(&opts);
    opts.as_of_ms = ice_meta_snapshot(table->meta, first)->timestamp_ms;
    int64_t n = count_rows(f, table, &opts, NULL, NULL);
    assert_true(n == 200 || n == 250); /* same millisecond as the second: either is right */
    opts.as_of_ms = 1;
    IceScanPlan plan;
    assert_int_equal(ice_scan_plan(&f->mem, &f->arena, table->meta, &opts, NULL, &plan, &f->err),
                     ERR_NOT_FOUND);
    /* a tag on the first snapshot keeps reading it */
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_ref(txn, "v1", true, first, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    ice_scan_options_default(&opts);
    opts.ref = "v1";
    assert_int_equal(count_rows(f, table, &opts, NULL, NULL), 200);
    opts.ref = "nope";
    assert_int_equal(ice_scan_plan(&f->mem, &f->arena, table->meta, &opts, NULL, &plan, &f->err),
                     ERR_NOT_FOUND);
    ice_table_free(table);
}

static void concurrent_appends_both_land(void **state)
{
    Fixture *f = *state;
    IceTable *a = create_table(f, "t");
    IceTable *b;
    assert_ok(ice_table_load(f->store, &f->mem, "ns", "t", &b, &f->err), &f->err);
    IceDataFile *files_a, *files_b;
    size_t n_a, n_b;
    write_rows(f, a, 20000, 1, 10, 0, &files_a, &n_a);
    write_rows(f, b, 20001, 1, 20, 100, &files_b, &n_b);
    IceTxn *txn_a, *txn_b;
    assert_ok(ice_txn_begin(a, NULL, &txn_a, &f->err), &f->err);
    assert_ok(ice_txn_begin(b, NULL, &txn_b, &f->err), &f->err);
    assert_ok(ice_txn_append(txn_a, files_a, n_a, &f->err), &f->err);
    assert_ok(ice_txn_append(txn_b, files_b, n_b, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn_b, NULL, &f->err), &f->err);
    /* a's base is stale: the commit retries on b's version and keeps b's rows */
    assert_ok(ice_txn_commit(txn_a, NULL, &f->err), &f->err);
    assert_int_equal(count_rows(f, a, NULL, NULL, NULL), 30);
    assert_int_equal(a->meta->n_snapshots, 2);
    assert_int_equal(a->meta->last_sequence_number, 2);
    ice_table_free(a);
    ice_table_free(b);
}

static void delete_of_a_vanished_file_conflicts(void **state)
{
    Fixture *f = *state;
    IceTable *a = create_table(f, "t");
    append(f, a, 20000, 1, 10, 0);
    IceTable *b;
    assert_ok(ice_table_load(f->store, &f->mem, "ns", "t", &b, &f->err), &f->err);
    IceManifestEntry *live;
    size_t n_live;
    assert_ok(ice_table_live_files(a, a->meta, a->meta->current_snapshot_id, &f->arena, &live,
                                   &n_live, &f->err),
              &f->err);
    assert_int_equal(n_live, 1);
    const char *path = live[0].file.file_path;
    IceTxn *txn_a, *txn_b;
    assert_ok(ice_txn_begin(a, NULL, &txn_a, &f->err), &f->err);
    assert_ok(ice_txn_begin(b, NULL, &txn_b, &f->err), &f->err);
    assert_ok(ice_txn_delete_files(txn_a, &path, 1, &f->err), &f->err);
    assert_ok(ice_txn_delete_files(txn_b, &path, 1, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn_a, NULL, &f->err), &f->err);
    assert_int_equal(ice_txn_commit(txn_b, NULL, &f->err), ERR_CONFLICT);
    assert_non_null(strstr(f->err.msg, "no longer in ns.t"));
    assert_int_equal(count_rows(f, a, NULL, NULL, NULL), 0);
    const IceSnapshot *snap = ice_meta_snapshot(a->meta, a->meta->current_snapshot_id);
    assert_string_equal(ice_snapshot_summary(snap, "operation"), "delete");
    assert_string_equal(ice_snapshot_summary(snap, "deleted-records"), "10");
    ice_table_free(a);
    ice_table_free(b);
}

static void multi_table_commit_is_atomic(void **state)
{
    Fixture *f = *state;
    IceTable *t1 = create_table(f, "one");
    IceTable *t2 = create_table(f, "two");
    IceTable *stale;
    assert_ok(ice_table_load(f->store, &f->mem, "ns", "two", &stale, &f->err), &f->err);
    append(f, t2, 20000, 1, 5, 0); /* moves "two" past `stale` */
    IceDataFile *files;
    size_t n;
    write_rows(f, t1, 20000, 1, 7, 0, &files, &n);
    IceStoreUpdate bad[2] = {{"ns", "one", t1->metadata_location, "file:///x"},
                             {"ns", "two", stale->metadata_location, "file:///y"}};
    assert_int_equal(ice_store_commit(f->store, bad, 2, &f->err), ERR_CONFLICT);
    Arena arena;
    arena_init(&arena, &f->mem, 1024);
    const char *now;
    assert_ok(ice_store_lookup(f->store, &arena, "ns", "one", &now, &f->err), &f->err);
    assert_string_equal(now, t1->metadata_location); /* nothing changed */
    IceTxn *txns[2];
    assert_ok(ice_txn_begin(t1, NULL, &txns[0], &f->err), &f->err);
    assert_ok(ice_txn_begin(stale, NULL, &txns[1], &f->err), &f->err);
    assert_ok(ice_txn_append(txns[0], files, n, &f->err), &f->err);
    assert_ok(ice_txn_append(txns[1], files, 0, &f->err), &f->err);
    assert_ok(ice_txn_set_property(txns[1], "owner", "test", &f->err), &f->err);
    assert_ok(ice_txn_commit_all(txns, 2, &f->err), &f->err);
    assert_int_equal(count_rows(f, t1, NULL, NULL, NULL), 7);
    assert_string_equal(ice_meta_property(stale->meta, "owner"), "test");
    assert_int_equal(count_rows(f, stale, NULL, NULL, NULL), 5);
    arena_fini(&arena);
    ice_table_free(t1);
    ice_table_free(t2);
    ice_table_free(stale);
}

static const IceExpr *ts_cmp(Fixture *f, IceExprOp op, int64_t ts)
{
    IceValue v = {.type = type_ts.prim, .i64 = ts};
    return ice_expr_cmp(&f->arena, op, 1, type_ts.prim, &v);
}

static void scans_prune_by_partition_and_bounds(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    append(f, table, 20000, 5, 500, 0); /* 100 rows a day, one file a day */
    IceScanPlan plan;
    const IceExpr *day3 = ice_expr_and(&f->arena, ts_cmp(f, ICE_EXPR_GT_EQ, 20003 * DAY_US),
                                       ts_cmp(f, ICE_EXPR_LT, 20004 * DAY_US));
    assert_int_equal(count_rows(f, table, NULL, day3, &plan), 100);
    assert_int_equal(plan.n_tasks, 1);
    assert_int_equal(plan.n_files, 5);
    assert_int_equal(plan.n_files_skipped_partition, 4);
    assert_int_equal(plan.tasks[0].residual->op, ICE_EXPR_TRUE);
    /* a bound inside day 2's file: partition says maybe, the code bounds decide */
    IceValue code = {.type = type_int.prim, .i32 = 150};
    const IceExpr *code_eq = ice_expr_cmp(&f->arena, ICE_EXPR_EQ, 3, type_int.prim, &code);
    assert_int_equal(count_rows(f, table, NULL, code_eq, &plan), 100);
    assert_int_equal(plan.n_files_skipped_metrics, 4);
    assert_int_not_equal(plan.tasks[0].residual->op, ICE_EXPR_TRUE);
    ice_table_free(table);
}

static void overwrite_replace_and_rewrite(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    append(f, table, 20000, 4, 400, 0);
    /* overwrite by a filter that follows the partitions: days 0 and 1 go */
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_overwrite_filter(txn, ts_cmp(f, ICE_EXPR_LT, 20002 * DAY_US), &f->err),
              &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    assert_int_equal(count_rows(f, table, NULL, NULL, NULL), 200);
    /* a filter that splits a day is refused */
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_overwrite_filter(txn, ts_cmp(f, ICE_EXPR_LT, 20002 * DAY_US + DAY_US / 2),
                                       &f->err),
              &f->err);
    assert_int_equal(ice_txn_commit(txn, NULL, &f->err), ERR_INVALID);
    assert_non_null(strstr(f->err.msg, "both sides"));
    /* dynamic partition overwrite of day 3 */
    IceDataFile *files;
    size_t n;
    write_rows(f, table, 20003, 1, 30, 5000, &files, &n);
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_replace_partitions(txn, files, n, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    assert_int_equal(count_rows(f, table, NULL, NULL, NULL), 130);
    const IceSnapshot *snap = ice_meta_snapshot(table->meta, table->meta->current_snapshot_id);
    assert_string_equal(ice_snapshot_summary(snap, "operation"), "overwrite");
    assert_string_equal(ice_snapshot_summary(snap, "total-records"), "130");
    /* rewrite every live file into one */
    IceManifestEntry *live;
    size_t n_live;
    assert_ok(ice_table_live_files(table, table->meta, table->meta->current_snapshot_id, &f->arena,
                                   &live, &n_live, &f->err),
              &f->err);
    assert_int_equal(n_live, 2);
    const char *old[2] = {live[0].file.file_path, live[1].file.file_path};
    write_rows(f, table, 20002, 2, 130, 0, &files, &n);
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_rewrite(txn, old, 2, files, n, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    snap = ice_meta_snapshot(table->meta, table->meta->current_snapshot_id);
    assert_string_equal(ice_snapshot_summary(snap, "operation"), "replace");
    assert_int_equal(count_rows(f, table, NULL, NULL, NULL), 130);
    ice_table_free(table);
}

static void schema_evolution_keeps_ids(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    append(f, table, 20000, 1, 10, 0);
    static IceType type_long = {.id = ICE_LONG, .prim = {ICE_LONG, 0, 0, 0}};
    /* rename route -> path, widen code to long, add `bytes`, drop nothing */
    IceField evolved[4] = {fields[0], fields[1], fields[2], {4, "bytes", false, &type_long, NULL}};
    evolved[1].name = "path";
    evolved[2].type = &type_long;
    IceSchema schema = {0, evolved, 4, NULL, 0, 4};
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_schema(txn, &schema, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    const IceSchema *current = ice_meta_current_schema(table->meta);
    assert_int_equal(current->schema_id, 1);
    assert_int_equal(table->meta->last_column_id, 4);
    assert_string_equal(ice_schema_find_id(current, 2)->name, "path");
    assert_int_equal(table->meta->n_schemas, 2);
    /* time travel to the first snapshot reads with its schema */
    IceScanOptions opts;
    ice_scan_options_default(&opts);
    opts.snapshot_id = table->meta->snapshots[0].snapshot_id;
    IceScanPlan plan;
    assert_int_equal(count_rows(f, table, &opts, NULL, &plan), 10);
    assert_int_equal(plan.schema->schema_id, 0);
    ice_table_free(table);
}

static void store_rejects_bad_names_and_duplicates(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    IceTable *again;
    assert_int_equal(ice_table_create(f->store, &f->mem, "ns", "t", &f->schema, &f->spec, NULL, 0,
                                      &again, &f->err),
                     ERR_CONFLICT);
    assert_non_null(strstr(f->err.msg, "already exists"));
    assert_int_equal(ice_table_create(f->store, &f->mem, "ns", "bad/name", &f->schema, &f->spec,
                                      NULL, 0, &again, &f->err),
                     ERR_INVALID);
    assert_int_equal(ice_table_load(f->store, &f->mem, "ns", "missing", &again, &f->err),
                     ERR_NOT_FOUND);
    assert_int_equal(ice_store_create_namespace(f->store, "ns", false, &f->err), ERR_CONFLICT);
    const char **names;
    size_t n;
    assert_ok(ice_store_list_tables(f->store, &f->arena, "ns", &names, &n, &f->err), &f->err);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "t");
    ice_table_free(table);
}

static void schema_builders_and_checks(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    const IceSchema *base = ice_meta_current_schema(table->meta);
    IceSchema s1, s2, s3, s4, s5;
    IcePrim long_type = {ICE_LONG, 0, 0, 0};
    IcePrim str_type = {ICE_STRING, 0, 0, 0};
    assert_ok(ice_schema_add_column(&f->arena, base, table->meta->last_column_id, "bytes",
                                    long_type, "ts", &s1, &f->err),
              &f->err);
    assert_int_equal(s1.n_fields, 4);
    assert_string_equal(s1.fields[1].name, "bytes");
    assert_int_equal(s1.fields[1].id, 4);
    assert_ok(ice_schema_rename_column(&f->arena, &s1, "route", "path", &s2, &f->err), &f->err);
    assert_ok(ice_schema_widen_column(&f->arena, &s2, "code", long_type, &s3, &f->err), &f->err);
    assert_ok(ice_schema_move_column(&f->arena, &s3, "code", "", &s4, &f->err), &f->err);
    assert_string_equal(s4.fields[0].name, "code");
    assert_string_equal(s4.fields[3].name, "path");
    assert_ok(ice_schema_drop_column(&f->arena, &s4, "bytes", &s5, &f->err), &f->err);
    assert_int_equal(s5.n_fields, 3);
    assert_string_equal(base->fields[1].name, "route"); /* the input is untouched */
    /* illegal ones */
    assert_int_equal(ice_schema_widen_column(&f->arena, base, "code", str_type, &s1, &f->err),
                     ERR_INVALID);
    assert_non_null(strstr(f->err.msg, "cannot change from int to string"));
    assert_int_equal(
            ice_schema_add_column(&f->arena, base, 3, "route", long_type, NULL, &s1, &f->err),
            ERR_INVALID);
    assert_int_equal(ice_schema_rename_column(&f->arena, base, "nope", "x", &s1, &f->err),
                     ERR_INVALID);
    assert_int_equal(ice_schema_move_column(&f->arena, base, "code", "code", &s1, &f->err),
                     ERR_INVALID);
    /* the partition source cannot go; narrowing is refused at commit */
    assert_ok(ice_schema_drop_column(&f->arena, base, "ts", &s1, &f->err), &f->err);
    assert_int_equal(ice_schema_check_evolution(table->meta, &s1, &f->err), ERR_INVALID);
    assert_non_null(strstr(f->err.msg, "partitioned by it"));
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_schema(txn, &s1, &f->err), &f->err);
    assert_int_equal(ice_txn_commit(txn, NULL, &f->err), ERR_INVALID);
    ice_table_free(table);
}

/* Sum of `code` (as long) and count of NULL `bytes` over every planned file, read through
 * the current schema by field id. */
static void read_through_schema(Fixture *f, IceTable *table, int64_t *sum, int64_t *n_null,
                                int64_t *n_rows)
{
    IceScanPlan plan;
    IceScanOptions opts;
    ice_scan_options_default(&opts);
    assert_ok(ice_scan_plan(&f->mem, &f->arena, table->meta, &opts, NULL, &plan, &f->err), &f->err);
    const IceSchema *schema = plan.schema;
    int32_t ids[2] = {ice_schema_find_name(schema, "code")->id,
                      ice_schema_find_name(schema, "bytes")->id};
    *sum = *n_null = *n_rows = 0;
    for (size_t t = 0; t < plan.n_tasks; t++) {
        const char *path;
        assert_ok(ice_location_to_path(plan.tasks[t].file->file_path, &path, &f->err), &f->err);
        IceDataReader *reader;
        assert_ok(ice_data_reader_open(&f->mem, path, schema, ids, 2, &reader, &f->err), &f->err);
        for (int32_t rg = 0; rg < ice_data_reader_n_row_groups(reader); rg++) {
            ColVec cols[2];
            assert_ok(ice_data_reader_read(reader, rg, &f->arena, cols, &f->err), &f->err);
            assert_int_equal(cols[0].type.id, COL_INT64);
            for (size_t r = 0; r < cols[0].n_rows; r++) {
                *sum += ((const int64_t *)cols[0].values)[r];
                *n_null += colvec_is_null(&cols[1], r);
            }
            *n_rows += (int64_t)cols[0].n_rows;
        }
        ice_data_reader_close(reader);
    }
}

static void evolved_schema_reads_old_files_by_id(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    append(f, table, 20000, 1, 10, 0); /* codes 0..9 as int */
    const IceSchema *base = ice_meta_current_schema(table->meta);
    IceSchema s1, s2, s3;
    IcePrim long_type = {ICE_LONG, 0, 0, 0};
    assert_ok(ice_schema_widen_column(&f->arena, base, "code", long_type, &s1, &f->err), &f->err);
    assert_ok(ice_schema_rename_column(&f->arena, &s1, "route", "path", &s2, &f->err), &f->err);
    assert_ok(ice_schema_add_column(&f->arena, &s2, table->meta->last_column_id, "bytes", long_type,
                                    "", &s3, &f->err),
              &f->err);
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_schema(txn, &s3, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    int64_t sum, n_null, n_rows;
    read_through_schema(f, table, &sum, &n_null, &n_rows);
    assert_int_equal(n_rows, 10);
    assert_int_equal(sum, 45);    /* int values read widened to long */
    assert_int_equal(n_null, 10); /* the added column reads as NULL in old files */
    ice_table_free(table);
}

static void partition_evolution_plans_every_spec(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    append(f, table, 20000, 2, 100, 0); /* spec 0: day(ts) */
    static const IcePartitionField fields2[2] = {{1, 0, "ts_day", {ICE_TR_DAY, 0}},
                                                 {2, 0, "route", {ICE_TR_IDENTITY, 0}}};
    IcePartitionSpec spec2 = {0, fields2, 2};
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_spec(txn, &spec2, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    assert_int_equal(table->meta->default_spec_id, 1);
    const IcePartitionSpec *spec = ice_meta_spec(table->meta, 1);
    assert_int_equal(spec->fields[0].field_id, 1000); /* same source and transform: same id */
    assert_int_equal(spec->fields[1].field_id, 1001);
    append(f, table, 20001, 2, 100, 1000); /* spec 1: day(ts), route */
    assert_int_equal(count_rows(f, table, NULL, NULL, NULL), 200);
    /* route = 'shop' on day 20001: spec-0 files prune by day only, spec-1 by both */
    IceValue shop = {.type = type_str.prim, .bytes = {(const uint8_t *)"shop", 4}};
    const IceExpr *filter =
            ice_expr_and(&f->arena, ice_expr_cmp(&f->arena, ICE_EXPR_EQ, 2, type_str.prim, &shop),
                         ice_expr_and(&f->arena, ts_cmp(f, ICE_EXPR_GT_EQ, 20001 * DAY_US),
                                      ts_cmp(f, ICE_EXPR_LT, 20002 * DAY_US)));
    IceScanPlan plan;
    int64_t n = count_rows(f, table, NULL, filter, &plan);
    /* candidates: the spec-0 file of day 20001 (50 rows, both routes) and the spec-1
     * file (day 20001, shop: 25 rows) */
    assert_int_equal(plan.n_tasks, 2);
    assert_int_equal(n, 75);
    ice_table_free(table);
}

static void branches_keep_their_own_snapshots(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    int64_t on_main = append(f, table, 20000, 1, 10, 0);
    /* append on a new branch: main does not move */
    IceDataFile *files;
    size_t n;
    write_rows(f, table, 20001, 1, 5, 100, &files, &n);
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, "exp", &txn, &f->err), &f->err);
    assert_ok(ice_txn_append(txn, files, n, &f->err), &f->err);
    int64_t on_exp;
    assert_ok(ice_txn_commit(txn, &on_exp, &f->err), &f->err);
    assert_int_equal(table->meta->current_snapshot_id, on_main);
    assert_int_equal(ice_meta_ref(table->meta, "exp")->snapshot_id, on_exp);
    assert_int_equal(ice_meta_snapshot(table->meta, on_exp)->parent_id, on_main);
    IceScanOptions opts;
    ice_scan_options_default(&opts);
    assert_int_equal(count_rows(f, table, &opts, NULL, NULL), 10);
    opts.ref = "exp";
    assert_int_equal(count_rows(f, table, &opts, NULL, NULL), 15);
    /* fast-forward main to the branch head (replace the ref), then drop the branch */
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_ref(txn, "main", false, on_exp, &f->err), &f->err);
    assert_ok(ice_txn_remove_ref(txn, "exp", &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    assert_int_equal(table->meta->current_snapshot_id, on_exp);
    assert_null(ice_meta_ref(table->meta, "exp"));
    assert_int_equal(count_rows(f, table, NULL, NULL, NULL), 15);
    /* a tag cannot be moved as a branch, and main cannot be removed */
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_ref(txn, "v1", true, on_main, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_ref(txn, "v1", false, on_exp, &f->err), &f->err);
    assert_int_equal(ice_txn_commit(txn, NULL, &f->err), ERR_INVALID);
    assert_non_null(strstr(f->err.msg, "is a tag"));
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_remove_ref(txn, "main", &f->err), &f->err);
    assert_int_equal(ice_txn_commit(txn, NULL, &f->err), ERR_INVALID);
    ice_table_free(table);
}

static void row_level_deletes_are_refused_not_ignored(void **state)
{
    Fixture *f = *state;
    IceTable *table = create_table(f, "t");
    int64_t id = append(f, table, 20000, 1, 10, 0);
    const IceSnapshot *snap = ice_meta_snapshot(table->meta, id);
    IceManifestFile *list;
    size_t n;
    assert_ok(ice_manifest_list_read(&f->mem, &f->arena, snap->manifest_list, &list, &n, &f->err),
              &f->err);
    /* the same list plus a delete manifest, as another engine's row-level delete writes */
    IceManifestFile *more = arena_alloc_array(&f->arena, n + 1, sizeof *more);
    memcpy(more, list, n * sizeof *more);
    more[n] = list[0];
    more[n].content = ICE_CONTENT_POSITION_DELETES;
    char path[700];
    snprintf(path, sizeof path, "%s/deletes-list.avro", f->dir);
    assert_ok(ice_manifest_list_write(&f->mem, path, id, -1, snap->sequence_number, more, n + 1,
                                      &f->err),
              &f->err);
    IceTableMeta *meta;
    assert_ok(ice_meta_clone(table->meta, &meta, &f->err), &f->err);
    for (int32_t i = 0; i < meta->n_snapshots; i++) {
        if (meta->snapshots[i].snapshot_id == id) {
            meta->snapshots[i].manifest_list = path;
        }
    }
    IceScanOptions opts;
    ice_scan_options_default(&opts);
    IceScanPlan plan;
    assert_int_equal(ice_scan_plan(&f->mem, &f->arena, meta, &opts, NULL, &plan, &f->err),
                     ERR_UNSUPPORTED);
    assert_non_null(strstr(f->err.msg, "row-level delete files"));
    ice_meta_free(meta);
    ice_table_free(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(metadata_json_round_trips, setup, teardown),
            cmocka_unit_test_setup_teardown(appends_accumulate_and_time_travel, setup, teardown),
            cmocka_unit_test_setup_teardown(concurrent_appends_both_land, setup, teardown),
            cmocka_unit_test_setup_teardown(delete_of_a_vanished_file_conflicts, setup, teardown),
            cmocka_unit_test_setup_teardown(multi_table_commit_is_atomic, setup, teardown),
            cmocka_unit_test_setup_teardown(scans_prune_by_partition_and_bounds, setup, teardown),
            cmocka_unit_test_setup_teardown(overwrite_replace_and_rewrite, setup, teardown),
            cmocka_unit_test_setup_teardown(schema_evolution_keeps_ids, setup, teardown),
            cmocka_unit_test_setup_teardown(store_rejects_bad_names_and_duplicates, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(schema_builders_and_checks, setup, teardown),
            cmocka_unit_test_setup_teardown(evolved_schema_reads_old_files_by_id, setup, teardown),
            cmocka_unit_test_setup_teardown(partition_evolution_plans_every_spec, setup, teardown),
            cmocka_unit_test_setup_teardown(branches_keep_their_own_snapshots, setup, teardown),
            cmocka_unit_test_setup_teardown(row_level_deletes_are_refused_not_ignored, setup,
                                            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
