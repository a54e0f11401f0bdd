/* ice_foreign_test.c — tables tarn did not write plan correctly: a format-version 1
 * metadata.json (single `schema` and `partition-spec`, no sequence numbers) whose manifest
 * list and manifest are shaped as older Java Iceberg wrote them (v1 field names, extra
 * deprecated fields such as block_size_in_bytes and distinct_counts, fields in another
 * order, partition field names unlike the spec's, other file names), with a DELETED entry
 * that scans must skip. The Avro files are written with format/avro directly. */
#include <stdio.h>
#include <string.h>

#include "base/file.h"
#include "format/avro.h"
#include "table/ice_scan.h"
#include "test_util.h"

static const char entry_schema[] =
        "{\"type\":\"record\",\"name\":\"manifest_entry\",\"fields\":["
        "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
        "{\"name\":\"snapshot_id\",\"type\":\"long\",\"field-id\":1},"
        "{\"name\":\"data_file\",\"type\":{\"type\":\"record\",\"name\":\"r2\",\"fields\":["
        "{\"name\":\"file_path\",\"type\":\"string\",\"field-id\":100},"
        "{\"name\":\"file_format\",\"type\":\"string\",\"field-id\":101},"
        "{\"name\":\"partition\",\"type\":{\"type\":\"record\",\"name\":\"r102\",\"fields\":["
        "{\"name\":\"dt_renamed\",\"type\":[\"null\",\"int\"],\"field-id\":1000}]},"
        "\"field-id\":102},"
        "{\"name\":\"record_count\",\"type\":\"long\",\"field-id\":103},"
        "{\"name\":\"file_size_in_bytes\",\"type\":\"long\",\"field-id\":104},"
        "{\"name\":\"block_size_in_bytes\",\"type\":\"long\",\"field-id\":105},"
        "{\"name\":\"distinct_counts\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{"
        "\"type\":\"record\",\"name\":\"k123_v124\",\"fields\":[{\"name\":\"key\",\"type\":"
        "\"int\",\"field-id\":123},{\"name\":\"value\",\"type\":\"long\",\"field-id\":124}]},"
        "\"logicalType\":\"map\"}],\"default\":null,\"field-id\":111},"
        "{\"name\":\"lower_bounds\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{"
        "\"type\":\"record\",\"name\":\"k126_v127\",\"fields\":[{\"name\":\"key\",\"type\":"
        "\"int\",\"field-id\":126},{\"name\":\"value\",\"type\":\"bytes\",\"field-id\":127}]},"
        "\"logicalType\":\"map\"}],\"default\":null,\"field-id\":125},"
        "{\"name\":\"upper_bounds\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{"
        "\"type\":\"record\",\"name\":\"k129_v130\",\"fields\":[{\"name\":\"key\",\"type\":"
        "\"int\",\"field-id\":129},{\"name\":\"value\",\"type\":\"bytes\",\"field-id\":130}]},"
        "\"logicalType\":\"map\"}],\"default\":null,\"field-id\":128}"
        "]},\"field-id\":2}]}";

static const char list_schema[] =
        "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
        "{\"name\":\"manifest_path\",\"type\":\"string\",\"field-id\":500},"
        "{\"name\":\"manifest_length\",\"type\":\"long\",\"field-id\":501},"
        "{\"name\":\"partition_spec_id\",\"type\":\"int\",\"field-id\":502},"
        "{\"name\":\"added_snapshot_id\",\"type\":[\"null\",\"long\"],\"field-id\":503},"
        "{\"name\":\"added_data_files_count\",\"type\":[\"null\",\"int\"],\"field-id\":504},"
        "{\"name\":\"existing_data_files_count\",\"type\":[\"null\",\"int\"],\"field-id\":505},"
        "{\"name\":\"deleted_data_files_count\",\"type\":[\"null\",\"int\"],\"field-id\":506},"
        "{\"name\":\"partitions\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":"
        "\"record\",\"name\":\"r508\",\"fields\":[{\"name\":\"contains_null\",\"type\":"
        "\"boolean\",\"field-id\":509},{\"name\":\"lower_bound\",\"type\":[\"null\",\"bytes\"],"
        "\"field-id\":510},{\"name\":\"upper_bound\",\"type\":[\"null\",\"bytes\"],"
        "\"field-id\":511}]},\"element-id\":508}],\"field-id\":507},"
        "{\"name\":\"extra_vendor_field\",\"type\":\"string\"}]}";

typedef struct Fixture {
    Mem mem;
    Err err;
    Arena arena;
    char dir[512];
} Fixture;

static AvroValue av_long(int64_t v, AvroKind kind)
{
    return (AvroValue){.kind = kind, .l = v};
}

static AvroValue av_str(const char *s)
{
    AvroValue v = {.kind = AVRO_STRING};
    v.bytes.ptr = (const uint8_t *)s;
    v.bytes.len = strlen(s);
    return v;
}

static void write_avro(Fixture *f, const char *path, const char *schema_json,
                       const AvroValue *records, size_t n)
{
    const AvroSchema *schema;
    assert_ok(avro_schema_parse(&f->arena, schema_json, strlen(schema_json), &schema, &f->err),
              &f->err);
    StrBuf out;
    strbuf_init(&out, &f->mem);
    AvroWriter *writer;
    AvroMeta meta[] = {{"format-version", "1"}, {"partition-spec-id", "0"}};
    assert_ok(avro_writer_open(&f->mem, &out, schema, AVRO_CODEC_SNAPPY, meta, 2, &writer, &f->err),
              &f->err);
    for (size_t i = 0; i < n; i++) {
        assert_ok(avro_writer_append(writer, &records[i], &f->err), &f->err);
    }
    assert_ok(avro_writer_finish(writer, &f->err), &f->err);
    assert_ok(file_write_atomic(path, out.data, out.len, false, &f->err), &f->err);
    strbuf_fini(&out);
}

/* One manifest entry: day partition `day`, id bounds lo..hi (long, single-value LE). */
static AvroValue entry(Fixture *f, int status, const char *path, int32_t day, int64_t rows,
                       int64_t lo, int64_t hi)
{
    AvroValue *e = arena_zalloc(&f->arena, 3 * sizeof *e);
    AvroValue *df = arena_zalloc(&f->arena, 9 * sizeof *df);
    AvroValue *part = arena_zalloc(&f->arena, sizeof *part);
    AvroValue *bounds = arena_zalloc(&f->arena, 2 * sizeof *bounds);
    AvroValue *kvs = arena_zalloc(&f->arena, 4 * sizeof *kvs);
    uint8_t *bytes = arena_alloc(&f->arena, 16);
    assert_true(e && df && part && bounds && kvs && bytes);
    e[0] = av_long(status, AVRO_INT);
    e[1] = av_long(77, AVRO_LONG);
    df[0] = av_str(path);
    df[1] = av_str("PARQUET");
    part[0] = av_long(day, AVRO_INT);
    df[2] = (AvroValue){.kind = AVRO_RECORD};
    df[2].record.fields = part;
    df[2].record.n = 1;
    df[3] = av_long(rows, AVRO_LONG);
    df[4] = av_long(1000, AVRO_LONG);
    df[5] = av_long(67108864, AVRO_LONG);
    df[6] = (AvroValue){.kind = AVRO_NULL};
    for (int i = 0; i < 8; i++) {
        bytes[i] = (uint8_t)((uint64_t)lo >> (8 * i));
        bytes[8 + i] = (uint8_t)((uint64_t)hi >> (8 * i));
    }
    for (int b = 0; b < 2; b++) {
        AvroValue *kv = &kvs[2 * b];
        kv[0] = av_long(1, AVRO_INT);
        kv[1] = (AvroValue){.kind = AVRO_BYTES};
        kv[1].bytes.ptr = bytes + 8 * b;
        kv[1].bytes.len = 8;
        bounds[b] = (AvroValue){.kind = AVRO_RECORD};
        bounds[b].record.fields = kv;
        bounds[b].record.n = 2;
        df[7 + b] = (AvroValue){.kind = AVRO_ARRAY};
        df[7 + b].array.items = &bounds[b];
        df[7 + b].array.n = 1;
    }
    e[2] = (AvroValue){.kind = AVRO_RECORD};
    e[2].record.fields = df;
    e[2].record.n = 9;
    AvroValue v = {.kind = AVRO_RECORD};
    v.record.fields = e;
    v.record.n = 3;
    return v;
}

static void java_v1_table_plans(void **state)
{
    (void)state;
    Fixture f;
    mem_init(&f.mem, NULL, "ice_foreign_test", 0);
    err_init(&f.err);
    arena_init(&f.arena, &f.mem, 64 * 1024);
    test_tmpdir("ice_foreign", f.dir, sizeof f.dir);
    char manifest[600], list[600];
    snprintf(manifest, sizeof manifest, "%s/3f1e-m0.avro", f.dir);
    snprintf(list, sizeof list, "%s/snap-77-1-abc.avro", f.dir);
    /* day 19000: ids 0..99 (live), day 19001: ids 100..199 (live), day 19002: deleted */
    AvroValue entries[3] = {entry(&f, 1, "/elsewhere/00000-0-a.parquet", 19000, 100, 0, 99),
                            entry(&f, 0, "/elsewhere/00001-0-b.parquet", 19001, 100, 100, 199),
                            entry(&f, 2, "/elsewhere/00002-0-c.parquet", 19002, 100, 200, 299)};
    write_avro(&f, manifest, entry_schema, entries, 3);
    AvroValue lf[9] = {av_str(manifest),       av_long(1000, AVRO_LONG), av_long(0, AVRO_INT),
                       av_long(77, AVRO_LONG), av_long(1, AVRO_INT),     av_long(1, AVRO_INT),
                       av_long(1, AVRO_INT),   {.kind = AVRO_NULL},      av_str("x")};
    AvroValue list_record = {.kind = AVRO_RECORD};
    list_record.record.fields = lf;
    list_record.record.n = 9;
    write_avro(&f, list, list_schema, &list_record, 1);

    char json[4096];
    snprintf(json, sizeof json,
             "{\"format-version\":1,\"table-uuid\":\"5c9d3e1a-0000-4000-8000-000000000001\","
             "\"location\":\"file:%s\",\"last-updated-ms\":1600000000000,\"last-column-id\":2,"
             "\"schema\":{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"id\","
             "\"required\":true,\"type\":\"long\"},{\"id\":2,\"name\":\"ts\",\"required\":"
             "false,\"type\":\"timestamptz\"}]},\"partition-spec\":[{\"name\":\"ts_day\","
             "\"transform\":\"day\",\"source-id\":2}],\"properties\":{\"owner\":\"spark\"},"
             "\"current-snapshot-id\":77,\"snapshots\":[{\"snapshot-id\":77,\"timestamp-ms\":"
             "1600000000000,\"summary\":{\"operation\":\"append\",\"spark.app.id\":\"x\"},"
             "\"manifest-list\":\"%s\"}],\"snapshot-log\":[{\"timestamp-ms\":1600000000000,"
             "\"snapshot-id\":77}]}",
             f.dir, list);
    IceTableMeta *meta;
    assert_ok(ice_meta_parse(&f.mem, json, strlen(json), "v1.metadata.json", &meta, &f.err),
              &f.err);
    assert_int_equal(meta->format_version, 1);
    assert_int_equal(meta->specs[0].fields[0].field_id, 1000); /* v1: assigned from 1000 */
    assert_non_null(ice_meta_ref(meta, "main"));               /* implied by the spec */

    IceScanOptions opts;
    ice_scan_options_default(&opts);
    IceScanPlan plan;
    assert_ok(ice_scan_plan(&f.mem, &f.arena, meta, &opts, NULL, &plan, &f.err), &f.err);
    assert_int_equal(plan.n_tasks, 2); /* the DELETED entry is not read */
    assert_int_equal(plan.n_records, 200);
    assert_string_equal(plan.tasks[0].file->file_format, "PARQUET");
    assert_int_equal(plan.tasks[0].file->partition[0].i32, 19000);
    assert_int_equal(plan.tasks[0].sequence_number, 0); /* v1: sequence numbers are 0 */

    /* id >= 150 prunes the first file by its bounds (the id column is not partitioned) */
    IcePrim long_type = {ICE_LONG, 0, 0, 0};
    IceValue v150 = {.type = long_type, .i64 = 150};
    const IceExpr *filter = ice_expr_cmp(&f.arena, ICE_EXPR_GT_EQ, 1, long_type, &v150);
    assert_ok(ice_scan_plan(&f.mem, &f.arena, meta, &opts, filter, &plan, &f.err), &f.err);
    assert_int_equal(plan.n_tasks, 1);
    assert_int_equal(plan.n_files_skipped_metrics, 1);
    assert_int_equal(plan.tasks[0].file->partition[0].i32, 19001);

    /* writing it back produces v2 metadata tarn and others read */
    StrBuf out;
    strbuf_init(&out, &f.mem);
    assert_ok(ice_meta_write_json(meta, false, &out, &f.err), &f.err);
    assert_non_null(strstr(out.data, "\"format-version\":2"));
    assert_non_null(strstr(out.data, "\"spark.app.id\":\"x\""));
    strbuf_fini(&out);
    ice_meta_free(meta);
    arena_fini(&f.arena);
    assert_int_equal(mem_used(&f.mem), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(java_v1_table_plans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
