/* envoy_load_test.c — unit tests for the Envoy loader (stream/envoy_load): lines split at
 * every possible feed boundary (CRLF, no final newline, empty lines) load the same rows;
 * rejects land in analytics._rejected with line numbers in the same commit; a table whose
 * schema gained a column loads with NULLs there; a table with another schema is refused;
 * an abort leaves nothing behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/envoy_load.h"
#include "table/ice_scan.h"
#include "table/ice_schema_evolve.h"
#include "test_util.h"

static const char *const good_line =
        "{\"start_time\":\"2026-11-24T10:00:00.000Z\",\"method\":\"GET\",\"x-envoy-origin-path\":"
        "\"/a\",\"protocol\":\"HTTP/1.1\",\"response_code\":200,\"bytes_received\":0,"
        "\"bytes_sent\":10,\"duration\":5,\"x-request-id\":\"r\",\"route_name\":"
        "\"httproute/shop/cart/rule/0/match/0/x\"}";

typedef struct Fixture {
    Mem mem;
    Err err;
    Arena arena;
    IceStore *store;
    char dir[512];
} Fixture;

static int setup(void **state)
{
    Fixture *f = test_malloc(sizeof *f);
    memset(f, 0, sizeof *f);
    mem_init(&f->mem, NULL, "envoy_load_test", 0);
    err_init(&f->err);
    arena_init(&f->arena, &f->mem, 64 * 1024);
    static int counter;
    char base[480];
    test_tmpdir("envoy_load", base, sizeof base);
    snprintf(f->dir, sizeof f->dir, "%s/lake%d", base, counter++);
    assert_ok(ice_store_open(&f->mem, f->dir, &f->store, &f->err), &f->err);
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

static int64_t table_rows(Fixture *f, const char *ns, const char *name)
{
    IceTable *table;
    assert_ok(ice_table_load(f->store, &f->mem, ns, name, &table, &f->err), &f->err);
    IceScanOptions opts;
    ice_scan_options_default(&opts);
    IceScanPlan plan;
    assert_ok(ice_scan_plan(&f->mem, &f->arena, table->meta, &opts, NULL, &plan, &f->err), &f->err);
    ice_table_free(table);
    return plan.n_records;
}

static void feed_boundaries_do_not_matter(void **state)
{
    Fixture *f = *state;
    /* 3 good lines (one CRLF, the last without a newline), an empty line, a bad line */
    char text[2048];
    int len = snprintf(text, sizeof text, "%s\r\n\n%s\nnot json\n%s", good_line, good_line,
                       good_line);
    int64_t total_rows = 0, total_rejects = 0;
    for (int cut = 0; cut <= len; cut += 37) {
        EnvoyLoader *loader;
        assert_ok(envoy_loader_open(&f->mem, f->store, "analytics", "httproute_raw", 1, &loader,
                                    &f->err),
                  &f->err);
        assert_ok(envoy_loader_feed(loader, "in.log", text, (size_t)cut, false, &f->err), &f->err);
        assert_ok(
                envoy_loader_feed(loader, "in.log", text + cut, (size_t)(len - cut), true, &f->err),
                &f->err);
        EnvoyLoadStats stats;
        assert_ok(envoy_loader_commit(loader, &stats, &f->err), &f->err);
        assert_int_equal(stats.n_rows, 3);
        assert_int_equal(stats.n_rejected, 1);
        total_rows += 3;
        total_rejects += 1;
    }
    assert_int_equal(table_rows(f, "analytics", "httproute_raw"), total_rows);
    assert_int_equal(table_rows(f, "analytics", "_rejected"), total_rejects);
}

static void evolved_table_gets_nulls_and_foreign_schema_is_refused(void **state)
{
    Fixture *f = *state;
    EnvoyLoader *loader;
    assert_ok(
            envoy_loader_open(&f->mem, f->store, "analytics", "httproute_raw", 1, &loader, &f->err),
            &f->err);
    assert_ok(envoy_loader_feed(loader, "a", good_line, strlen(good_line), true, &f->err), &f->err);
    assert_ok(envoy_loader_commit(loader, NULL, &f->err), &f->err);
    /* add a column at the end: later loads fill it with NULLs */
    IceTable *table;
    assert_ok(ice_table_load(f->store, &f->mem, "analytics", "httproute_raw", &table, &f->err),
              &f->err);
    IceSchema evolved;
    IcePrim text = {ICE_STRING, 0, 0, 0};
    assert_ok(ice_schema_add_column(&f->arena, ice_meta_current_schema(table->meta),
                                    table->meta->last_column_id, "tenant", text, NULL, &evolved,
                                    &f->err),
              &f->err);
    IceTxn *txn;
    assert_ok(ice_txn_begin(table, NULL, &txn, &f->err), &f->err);
    assert_ok(ice_txn_set_schema(txn, &evolved, &f->err), &f->err);
    assert_ok(ice_txn_commit(txn, NULL, &f->err), &f->err);
    ice_table_free(table);
    assert_ok(
            envoy_loader_open(&f->mem, f->store, "analytics", "httproute_raw", 1, &loader, &f->err),
            &f->err);
    assert_ok(envoy_loader_feed(loader, "b", good_line, strlen(good_line), true, &f->err), &f->err);
    assert_ok(envoy_loader_commit(loader, NULL, &f->err), &f->err);
    assert_int_equal(table_rows(f, "analytics", "httproute_raw"), 2);
    /* a table that is not an access-log table is refused before anything is written */
    assert_ok(ice_store_create_namespace(f->store, "other", false, &f->err), &f->err);
    static IceType long_type = {.id = ICE_LONG, .prim = {ICE_LONG, 0, 0, 0}};
    static const IceField fields[] = {{1, "id", true, &long_type, NULL}};
    IceSchema schema = {0, fields, 1, NULL, 0, 1};
    IcePartitionSpec spec = {0, NULL, 0};
    assert_ok(ice_table_create(f->store, &f->mem, "other", "t", &schema, &spec, NULL, 0, &table,
                               &f->err),
              &f->err);
    ice_table_free(table);
    assert_int_equal(envoy_loader_open(&f->mem, f->store, "other", "t", 1, &loader, &f->err),
                     ERR_INVALID);
    assert_non_null(strstr(f->err.msg, "different schema"));
}

static void abort_leaves_no_data(void **state)
{
    Fixture *f = *state;
    EnvoyLoader *loader;
    assert_ok(
            envoy_loader_open(&f->mem, f->store, "analytics", "httproute_raw", 1, &loader, &f->err),
            &f->err);
    for (int i = 0; i < 9000; i++) { /* past one parse batch: a data file is open */
        assert_ok(envoy_loader_feed(loader, "a", good_line, strlen(good_line), false, &f->err),
                  &f->err);
        assert_ok(envoy_loader_feed(loader, "a", "\n", 1, false, &f->err), &f->err);
    }
    envoy_loader_abort(loader);
    assert_int_equal(table_rows(f, "analytics", "httproute_raw"), 0);
    char data_dir[600];
    snprintf(data_dir, sizeof data_dir, "%s/warehouse/analytics/httproute_raw/data", f->dir);
    FILE *probe = fopen(data_dir, "r");
    if (probe) { /* the directory may exist, but holds no data file */
        fclose(probe);
        char cmd[700];
        snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '*.parquet')\"", data_dir);
        assert_int_equal(system(cmd), 0);
    }
}

static void endless_line_is_one_bounded_reject(void **state)
{
    Fixture *f = *state;
    EnvoyLoader *loader;
    assert_ok(
            envoy_loader_open(&f->mem, f->store, "analytics", "httproute_raw", 1, &loader, &f->err),
            &f->err);
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 3; i++) { /* a 3 MiB line arriving in pieces */
        assert_ok(envoy_loader_feed(loader, "big", chunk, sizeof chunk, false, &f->err), &f->err);
    }
    assert_true(mem_used(&f->mem) < ((size_t)64 << 20)); /* not the whole line */
    assert_ok(envoy_loader_feed(loader, "big", "\n", 1, false, &f->err), &f->err);
    assert_ok(envoy_loader_feed(loader, "big", good_line, strlen(good_line), true, &f->err),
              &f->err);
    EnvoyLoadStats stats;
    assert_ok(envoy_loader_commit(loader, &stats, &f->err), &f->err);
    assert_int_equal(stats.n_rows, 1);
    assert_int_equal(stats.n_rejected, 1);
    assert_int_equal(table_rows(f, "analytics", "_rejected"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(feed_boundaries_do_not_matter, setup, teardown),
            cmocka_unit_test_setup_teardown(evolved_table_gets_nulls_and_foreign_schema_is_refused,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(abort_leaves_no_data, setup, teardown),
            cmocka_unit_test_setup_teardown(endless_line_is_one_bounded_reject, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
