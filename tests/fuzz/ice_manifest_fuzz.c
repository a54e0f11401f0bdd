/* ice_manifest_fuzz.c — libFuzzer target for Iceberg manifests and manifest lists
 * (table/ice_manifest) over the Avro reader. The first byte picks the kind: even, the rest
 * is decoded as a manifest list; odd, as a manifest of a table whose partition spec has a
 * field of each kind of value (day of a timestamptz, identity string, bucket of an int,
 * truncate of a decimal, identity uuid). Every decoded entry is then pruned with a filter
 * over those columns, so bounds and partition values of any length and shape go through
 * the evaluators. Anything must decode or fail with an error; never crash, leak or hang. */
#include <stdlib.h>
#include <string.h>

#include "table/ice_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char table_json[] =
        "{\"format-version\":2,\"table-uuid\":\"5c9d3e1a-0000-4000-8000-000000000002\","
        "\"location\":\"file:///fuzz/t\",\"last-sequence-number\":3,\"last-updated-ms\":1,"
        "\"last-column-id\":5,\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\","
        "\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"ts\",\"required\":true,\"type\":"
        "\"timestamptz\"},{\"id\":2,\"name\":\"route\",\"required\":false,\"type\":\"string\"},"
        "{\"id\":3,\"name\":\"code\",\"required\":false,\"type\":\"int\"},{\"id\":4,\"name\":"
        "\"amount\",\"required\":false,\"type\":\"decimal(10, 2)\"},{\"id\":5,\"name\":\"id\","
        "\"required\":false,\"type\":\"uuid\"}]}],\"default-spec-id\":0,\"partition-specs\":[{"
        "\"spec-id\":0,\"fields\":[{\"name\":\"ts_day\",\"transform\":\"day\",\"source-id\":1,"
        "\"field-id\":1000},{\"name\":\"route\",\"transform\":\"identity\",\"source-id\":2,"
        "\"field-id\":1001},{\"name\":\"code_bucket\",\"transform\":\"bucket[8]\",\"source-id\":"
        "3,\"field-id\":1002},{\"name\":\"amount_trunc\",\"transform\":\"truncate[100]\","
        "\"source-id\":4,\"field-id\":1003},{\"name\":\"id\",\"transform\":\"identity\","
        "\"source-id\":5,\"field-id\":1004}]}],\"last-partition-id\":1004}";

/* ts >= 2024-01-01 AND route = 'shop' AND code IN (200, 404) */
static const IceExpr *make_filter(Arena *arena, const IceSchema *schema)
{
    const IceField *ts = ice_schema_find_id(schema, 1);
    const IceField *route = ice_schema_find_id(schema, 2);
    const IceField *code = ice_schema_find_id(schema, 3);
    IceValue t = {.type = ts->type->prim, .i64 = 1704067200000000LL};
    IceValue r = {.type = route->type->prim, .bytes = {(const uint8_t *)"shop", 4}};
    IceValue c[2] = {{.type = code->type->prim, .i32 = 200},
                     {.type = code->type->prim, .i32 = 404}};
    return ice_expr_and(arena, ice_expr_cmp(arena, ICE_EXPR_GT_EQ, 1, t.type, &t),
                        ice_expr_and(arena, ice_expr_cmp(arena, ICE_EXPR_EQ, 2, r.type, &r),
                                     ice_expr_in(arena, ICE_EXPR_IN, 3, c[0].type, c, 2)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    Mem mem;
    mem_init(&mem, NULL, "ice_manifest_fuzz", (size_t)256 << 20);
    Err err;
    err_init(&err);
    Arena arena;
    arena_init(&arena, &mem, 64 * 1024);
    IceTableMeta *meta = NULL;
    if (ice_meta_parse(&mem, table_json, strlen(table_json), "fuzz", &meta, &err) != ERR_OK) {
        abort(); /* the fixed table must parse */
    }
    if (data[0] % 2 == 0) {
        IceManifestFile *files;
        size_t n;
        err_ignore(ice_manifest_list_decode(&mem, &arena, data + 1, size - 1, "fuzz-list", &files,
                                            &n, &err));
    } else {
        IceManifestFile manifest = {.path = "fuzz-manifest",
                                    .spec_id = 0,
                                    .sequence_number = 3,
                                    .added_snapshot_id = 7};
        IceManifestEntry *entries;
        size_t n;
        if (ice_manifest_decode(&mem, &arena, data + 1, size - 1, &manifest, meta, &entries, &n,
                                &err) == ERR_OK) {
            const IceSchema *schema = ice_meta_current_schema(meta);
            const IcePartitionSpec *spec = ice_meta_spec(meta, 0);
            const IceExpr *filter = make_filter(&arena, schema);
            const IceExpr *projected = NULL;
            if (!filter || ice_expr_project_inclusive(&arena, filter, spec, schema, &projected,
                                                      &err) != ERR_OK) {
                abort();
            }
            for (size_t i = 0; i < n; i++) {
                (void)ice_eval_partition(projected, spec, entries[i].file.partition);
                (void)ice_eval_metrics(filter, schema, &entries[i].file.metrics);
            }
        }
    }
    ice_meta_free(meta);
    arena_fini(&arena);
    if (mem_used(&mem) != 0) {
        abort(); /* everything is arena- or Mem-owned and released */
    }
    return 0;
}
