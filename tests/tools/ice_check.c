/* ice_check.c — check that every table of a lakehouse is whole (test tool; driven by the
 * crash test in CMakeLists.txt and handy by hand after a crash):
 *
 *   ice_check DIR
 *
 * For each table the pointer store names: its metadata.json parses; every snapshot's
 * manifest list and manifests read; every live data file exists with the size its manifest
 * records, opens as Parquet and holds exactly its record count. Prints one line per table
 * ("analytics.httproute_raw: 3 snapshots, 4 files, 9000 rows") and exits 0, or prints
 * what is wrong and exits 1.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "format/pq_reader.h"
#include "table/ice_scan.h"

static ErrCode check_file(Mem *mem, const IceDataFile *file, Err *err)
{
    const char *path;
    ErrCode rc = ice_location_to_path(file->file_path, &path, err);
    if (rc != ERR_OK) {
        return rc;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        return err_set(err, ERR_NOT_FOUND, "data file %s is missing", path);
    }
    if ((int64_t)st.st_size != file->file_size_bytes) {
        return err_set(err, ERR_CORRUPT, "data file %s has %lld bytes, its manifest says %lld",
                       path, (long long)st.st_size, (long long)file->file_size_bytes);
    }
    PqReader *reader;
    rc = pq_reader_open(mem, path, &reader, err);
    if (rc == ERR_OK) {
        int64_t rows = pq_reader_n_rows(reader);
        if (rows != file->record_count) {
            rc = err_set(err, ERR_CORRUPT, "data file %s holds %lld rows, its manifest says %lld",
                         path, (long long)rows, (long long)file->record_count);
        }
        pq_reader_close(reader);
    }
    return rc;
}

static ErrCode check_table(IceStore *store, Mem *mem, const char *ns, const char *name, Err *err)
{
    IceTable *table;
    ErrCode rc = ice_table_load(store, mem, ns, name, &table, err);
    if (rc != ERR_OK) {
        return rc;
    }
    Arena arena;
    arena_init(&arena, mem, 64 * 1024);
    size_t n_files = 0;
    int64_t n_rows = 0;
    for (int32_t s = 0; rc == ERR_OK && s < table->meta->n_snapshots; s++) {
        IceScanOptions opts;
        ice_scan_options_default(&opts);
        opts.snapshot_id = table->meta->snapshots[s].snapshot_id;
        IceScanPlan plan;
        rc = ice_scan_plan(mem, &arena, table->meta, &opts, NULL, &plan, err);
        for (size_t t = 0; rc == ERR_OK && t < plan.n_tasks; t++) {
            rc = check_file(mem, plan.tasks[t].file, err);
        }
        if (opts.snapshot_id == table->meta->current_snapshot_id) {
            n_files = plan.n_tasks;
            n_rows = plan.n_records;
        }
        arena_reset(&arena);
    }
    if (rc == ERR_OK) {
        printf("%s.%s: %d snapshots, %zu files, %lld rows\n", ns, name, table->meta->n_snapshots,
               n_files, (long long)n_rows);
    }
    arena_fini(&arena);
    ice_table_free(table);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ice_check DIR\n");
        return 2;
    }
    Mem mem;
    mem_init(&mem, NULL, "ice_check", (size_t)4 << 30);
    Err err;
    err_init(&err);
    Arena arena;
    arena_init(&arena, &mem, 16 * 1024);
    IceStore *store = NULL;
    const char **namespaces = NULL;
    size_t n_namespaces = 0;
    ErrCode rc = ice_store_open(&mem, argv[1], &store, &err);
    if (rc == ERR_OK) {
        rc = ice_store_list_namespaces(store, &arena, &namespaces, &n_namespaces, &err);
    }
    for (size_t i = 0; rc == ERR_OK && i < n_namespaces; i++) {
        const char **tables;
        size_t n_tables;
        rc = ice_store_list_tables(store, &arena, namespaces[i], &tables, &n_tables, &err);
        for (size_t t = 0; rc == ERR_OK && t < n_tables; t++) {
            rc = check_table(store, &mem, namespaces[i], tables[t], &err);
            if (rc != ERR_OK) {
                err_prefix(&err, "%s.%s", namespaces[i], tables[t]);
            }
        }
    }
    ice_store_close(store);
    arena_fini(&arena);
    if (rc != ERR_OK) {
        fprintf(stderr, "ice_check: %s\n", err.msg);
        return 1;
    }
    return 0;
}
