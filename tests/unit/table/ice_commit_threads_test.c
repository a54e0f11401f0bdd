/* ice_commit_threads_test.c — concurrent writers on one table: two threads, each with its
 * own table handle, commit appends as fast as they can. Every commit must land exactly
 * once (conflicts re-applied, nothing lost or doubled), sequence numbers must be 1..N with
 * each snapshot's parent the one before it, and the row count the sum of all appends.
 * Runs in the unit suite and, labelled tsan, under ThreadSanitizer. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "table/ice_data_writer.h"
#include "table/ice_scan.h"
#include "table/ice_table.h"
#include "test_util.h"

#define N_THREADS 2
#define N_COMMITS 12
#define N_ROWS    20

static IceType type_ts = {.id = ICE_TIMESTAMPTZ, .prim = {ICE_TIMESTAMPTZ, 0, 0, 0}};
static IceType type_int = {.id = ICE_INT, .prim = {ICE_INT, 0, 0, 0}};
static const IceField fields[] = {
        {1, "ts", true, &type_ts, NULL},
        {2, "writer", false, &type_int, NULL},
};
static const IcePartitionField day_field = {1, 1000, "ts_day", {ICE_TR_DAY, 0}};

typedef struct Writer {
    IceStore *store;
    int32_t id;
    ErrCode rc;
    Err err;
} Writer;

static ErrCode append_once(IceTable *table, Mem *mem, int32_t writer, int commit, Err *err)
{
    Arena arena;
    arena_init(&arena, mem, 16 * 1024);
    ColVec cols[2];
    ErrCode rc = colvec_alloc(&arena, ice_prim_to_col(type_ts.prim), N_ROWS, false, &cols[0], err);
    if (rc == ERR_OK) {
        rc = colvec_alloc(&arena, ice_prim_to_col(type_int.prim), N_ROWS, true, &cols[1], err);
    }
    IceDataWriter *dw = NULL;
    const char *dir = NULL;
    if (rc == ERR_OK) {
        for (int i = 0; i < N_ROWS; i++) {
            ((int64_t *)cols[0].values)[i] = (int64_t)(commit * N_ROWS + i) * 60000000;
            ((int32_t *)cols[1].values)[i] = writer;
        }
        rc = ice_table_data_dir(table, &arena, &dir, err);
    }
    IceDataWriterOptions opts;
    ice_data_writer_options_default(&opts);
    opts.is_durable = false; /* speed: durability is not what this test is about */
    if (rc == ERR_OK) {
        rc = ice_data_writer_open(mem, dir, ice_meta_current_schema(table->meta), NULL,
                                  ice_meta_spec(table->meta, 0), &opts, &dw, err);
    }
    if (rc == ERR_OK) {
        rc = ice_data_writer_write(dw, cols, N_ROWS, err);
    }
    IceDataFile *files = NULL;
    size_t n = 0;
    if (rc == ERR_OK) {
        rc = ice_data_writer_close(dw, &arena, &files, &n, err);
        dw = NULL;
    }
    IceTxn *txn = NULL;
    if (rc == ERR_OK) {
        rc = ice_txn_begin(table, NULL, &txn, err);
    }
    if (rc == ERR_OK) {
        rc = ice_txn_append(txn, files, n, err);
        if (rc == ERR_OK) {
            rc = ice_txn_commit(txn, NULL, err);
        } else {
            ice_txn_abort(txn);
        }
    }
    ice_data_writer_abort(dw);
    arena_fini(&arena);
    return rc;
}

static void *writer_main(void *arg)
{
    Writer *w = arg;
    Mem mem;
    mem_init(&mem, NULL, "writer", 0);
    err_init(&w->err);
    IceTable *table = NULL;
    w->rc = ice_table_load(w->store, &mem, "ns", "t", &table, &w->err);
    for (int c = 0; w->rc == ERR_OK && c < N_COMMITS; c++) {
        w->rc = append_once(table, &mem, w->id, c, &w->err);
    }
    ice_table_free(table);
    return NULL;
}

static void concurrent_appends_all_land_once(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Err err;
    err_init(&err);
    char dir[512];
    test_tmpdir("ice_commit_threads", dir, sizeof dir);
    IceStore *store;
    assert_ok(ice_store_open(&mem, dir, &store, &err), &err);
    assert_ok(ice_store_create_namespace(store, "ns", true, &err), &err);
    IceSchema schema = {0, fields, 2, NULL, 0, 2};
    IcePartitionSpec spec = {0, &day_field, 1};
    /* plenty of retries: with both threads committing flat out, one may lose many times */
    IceKV props[] = {{"commit.retry.num-retries", "100"}};
    IceTable *table;
    assert_ok(ice_table_create(store, &mem, "ns", "t", &schema, &spec, props, 1, &table, &err),
              &err);

    pthread_t threads[N_THREADS];
    Writer writers[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        writers[i] = (Writer){.store = store, .id = i};
        assert_int_equal(pthread_create(&threads[i], NULL, writer_main, &writers[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(threads[i], NULL);
        assert_ok(writers[i].rc, &writers[i].err);
    }

    assert_ok(ice_table_refresh(table, &err), &err);
    const IceTableMeta *meta = table->meta;
    assert_int_equal(meta->n_snapshots, N_THREADS * N_COMMITS);
    assert_int_equal(meta->last_sequence_number, N_THREADS * N_COMMITS);
    /* a linear history: following parents from the head visits every snapshot once */
    int64_t id = meta->current_snapshot_id;
    int64_t expected_sequence = N_THREADS * N_COMMITS;
    while (id >= 0) {
        const IceSnapshot *snap = ice_meta_snapshot(meta, id);
        assert_non_null(snap);
        assert_int_equal(snap->sequence_number, expected_sequence--);
        id = snap->parent_id;
    }
    assert_int_equal(expected_sequence, 0);
    Arena arena;
    arena_init(&arena, &mem, 64 * 1024);
    IceScanOptions opts;
    ice_scan_options_default(&opts);
    IceScanPlan plan;
    assert_ok(ice_scan_plan(&mem, &arena, meta, &opts, NULL, &plan, &err), &err);
    assert_int_equal(plan.n_records, N_THREADS * N_COMMITS * N_ROWS);
    arena_fini(&arena);
    ice_table_free(table);
    ice_store_close(store);
    assert_int_equal(mem_used(&mem), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(concurrent_appends_all_land_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
