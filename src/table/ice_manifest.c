/* ice_manifest.c — writing and reading manifests and manifest lists (see ice_manifest.h
 * for the file shapes; schemas in ice_manifest_schema.c).
 *
 * Writing builds one AvroValue tree per record in a scratch arena recycled per record and
 * hands it to the Avro container writer (deflate-compressed, as Java writes by default);
 * the finished bytes go to the file in one atomic write. While writing a manifest the
 * per-partition-field summaries for the manifest list are accumulated: contains_null,
 * contains_nan and lower/upper bounds over the entries' partition values.
 *
 * Reading maps the whole file, decodes every record into the caller's arena and applies
 * the spec's inheritance: an ADDED entry with a null snapshot id or sequence numbers takes
 * them from its manifest-list entry; v1 manifests (no sequence numbers) read as 0. The
 * metric maps (arrays of key/value records) are merged into one IceFieldMetrics per field
 * id. Fields are found by field id first, then name, so files from other writers read.
 */
#include "table/ice_manifest.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/file.h"
#include "table/ice_manifest_int.h"

/* ---- small AvroValue builders --------------------------------------------------------- */

static AvroValue av_null(void)
{
    return (AvroValue){.kind = AVRO_NULL};
}

static AvroValue av_int(int64_t v)
{
    return (AvroValue){.kind = AVRO_INT, .l = v};
}

static AvroValue av_long(int64_t v)
{
    return (AvroValue){.kind = AVRO_LONG, .l = v};
}

static AvroValue av_optional_long(int64_t v)
{
    return v < 0 ? av_null() : av_long(v);
}

static AvroValue av_string(const char *s)
{
    AvroValue v = {.kind = AVRO_STRING};
    v.bytes.ptr = (const uint8_t *)s;
    v.bytes.len = strlen(s);
    return v;
}

static AvroValue av_bytes(const uint8_t *ptr, size_t len)
{
    AvroValue v = {.kind = AVRO_BYTES};
    v.bytes.ptr = ptr;
    v.bytes.len = len;
    return v;
}

static AvroValue *av_record(Arena *arena, const AvroSchema *schema, AvroValue *value)
{
    AvroValue *fields = arena_alloc_array(arena, (size_t)schema->n_fields, sizeof *fields);
    if (!fields) {
        return NULL;
    }
    for (int32_t i = 0; i < schema->n_fields; i++) {
        fields[i] = av_null();
    }
    *value = (AvroValue){.kind = AVRO_RECORD, .schema = schema};
    value->record.fields = fields;
    value->record.n = schema->n_fields;
    return fields;
}

/* The non-null branch of an optional field's union (or the schema itself). */
static const AvroSchema *non_null(const AvroSchema *schema)
{
    if (schema->kind != AVRO_UNION) {
        return schema;
    }
    for (int32_t i = 0; i < schema->n_branches; i++) {
        if (schema->branches[i]->kind != AVRO_NULL) {
            return schema->branches[i];
        }
    }
    return schema;
}

/* ---- writing manifests ---------------------------------------------------------------- */

typedef struct SummaryAcc {
    bool contains_null;
    bool contains_nan;
    bool has_bounds;
    IceValue lower;
    IceValue upper;
} SummaryAcc;

static void summary_add(SummaryAcc *acc, const IceValue *value)
{
    if (value->is_null) {
        acc->contains_null = true;
        return;
    }
    bool is_nan = (value->type.id == ICE_FLOAT && value->f32 != value->f32) ||
                  (value->type.id == ICE_DOUBLE && value->f64 != value->f64);
    if (is_nan) {
        acc->contains_nan = true;
        return;
    }
    if (!acc->has_bounds) {
        acc->lower = acc->upper = *value;
        acc->has_bounds = true;
        return;
    }
    if (ice_value_compare(value, &acc->lower) < 0) {
        acc->lower = *value;
    }
    if (ice_value_compare(value, &acc->upper) > 0) {
        acc->upper = *value;
    }
}

/* An int-keyed metric map as Avro: an array of k/v records; NULL when no field has it. */
static ErrCode metric_map(Arena *arena, const AvroSchema *slot, const IceDataFile *file, int which,
                          AvroValue *out, Err *err)
{
    const AvroSchema *array = non_null(slot);
    const AvroSchema *item = array->items;
    const IceFileMetrics *m = &file->metrics;
    AvroValue *items = arena_alloc_array(arena, (size_t)m->n_fields + 1, sizeof *items);
    if (!items) {
        return err_nomem(err, "manifest entry");
    }
    size_t n = 0;
    for (int32_t i = 0; i < m->n_fields; i++) {
        const IceFieldMetrics *f = &m->fields[i];
        AvroValue value;
        switch (which) {
        case 0:
            if (!file->column_sizes || file->column_sizes[i] < 0) {
                continue;
            }
            value = av_long(file->column_sizes[i]);
            break;
        case 1:
            if (f->value_count < 0) {
                continue;
            }
            value = av_long(f->value_count);
            break;
        case 2:
            if (f->null_count < 0) {
                continue;
            }
            value = av_long(f->null_count);
            break;
        case 3:
            if (f->nan_count < 0) {
                continue;
            }
            value = av_long(f->nan_count);
            break;
        case 4:
            if (!f->lower.ptr) {
                continue;
            }
            value = av_bytes(f->lower.ptr, f->lower.len);
            break;
        default:
            if (!f->upper.ptr) {
                continue;
            }
            value = av_bytes(f->upper.ptr, f->upper.len);
            break;
        }
        AvroValue *kv = av_record(arena, item, &items[n]);
        if (!kv) {
            return err_nomem(err, "manifest entry");
        }
        kv[0] = av_int(f->field_id);
        kv[1] = value;
        n++;
    }
    if (n == 0) {
        *out = av_null();
        return ERR_OK;
    }
    *out = (AvroValue){.kind = AVRO_ARRAY, .schema = array};
    out->array.items = items;
    out->array.n = n;
    return ERR_OK;
}

static ErrCode entry_value(Arena *arena, const AvroSchema *entry_schema,
                           const IceManifestEntry *entry, int32_t n_partition_fields,
                           AvroValue *out, Err *err)
{
    AvroValue *fields = av_record(arena, entry_schema, out);
    if (!fields) {
        return err_nomem(err, "manifest entry");
    }
    fields[0] = av_int(entry->status);
    fields[1] = av_optional_long(entry->snapshot_id);
    fields[2] = av_optional_long(entry->sequence_number);
    fields[3] = av_optional_long(entry->file_sequence_number);
    const AvroSchema *file_schema = entry_schema->fields[4].schema;
    AvroValue *df = av_record(arena, file_schema, &fields[4]);
    if (!df) {
        return err_nomem(err, "manifest entry");
    }
    const IceDataFile *file = &entry->file;
    df[0] = av_int(file->content);
    df[1] = av_string(file->file_path);
    df[2] = av_string(file->file_format ? file->file_format : "parquet");
    AvroValue *partition = av_record(arena, file_schema->fields[3].schema, &df[3]);
    if (!partition) {
        return err_nomem(err, "manifest entry");
    }
    if (file->n_partition != n_partition_fields) {
        return err_set(err, ERR_INVALID,
                       "data file %s has %d partition values, the spec has %d fields",
                       file->file_path, file->n_partition, n_partition_fields);
    }
    for (int32_t i = 0; i < file->n_partition; i++) {
        ErrCode rc = ice_partition_to_avro(arena, &file->partition[i], &partition[i], err);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    df[4] = av_long(file->record_count);
    df[5] = av_long(file->file_size_bytes);
    for (int which = 0; which < 6; which++) {
        ErrCode rc = metric_map(arena, file_schema->fields[6 + which].schema, file, which,
                                &df[6 + which], err);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    /* df[12] key_metadata stays null */
    if (file->n_split_offsets > 0) {
        AvroValue *offsets =
                arena_alloc_array(arena, (size_t)file->n_split_offsets, sizeof *offsets);
        if (!offsets) {
            return err_nomem(err, "manifest entry");
        }
        for (int32_t i = 0; i < file->n_split_offsets; i++) {
            offsets[i] = av_long(file->split_offsets[i]);
        }
        df[13] =
                (AvroValue){.kind = AVRO_ARRAY, .schema = non_null(file_schema->fields[13].schema)};
        df[13].array.items = offsets;
        df[13].array.n = (size_t)file->n_split_offsets;
    }
    /* df[14] equality_ids stays null: tarn writes data files only */
    if (file->sort_order_id >= 0) {
        df[15] = av_int(file->sort_order_id);
    }
    return ERR_OK;
}

/* Write an Avro container's bytes to `path` atomically. */
static ErrCode write_file(const char *path, const StrBuf *bytes, Err *err)
{
    const char *local;
    ErrCode rc = ice_location_to_path(path, &local, err);
    if (rc == ERR_OK) {
        rc = file_write_atomic(local, bytes->data, bytes->len, true, err);
    }
    return rc;
}

ErrCode ice_manifest_write(Mem *mem, Arena *arena, const char *path, const IceTableMeta *meta,
                           const IceSchema *schema, const IcePartitionSpec *spec,
                           const IceManifestEntry *entries, size_t n_entries, int64_t snapshot_id,
                           IceManifestFile *out, Err *err)
{
    (void)meta;
    Arena scratch;
    arena_init(&scratch, mem, 64 * 1024);
    StrBuf schema_json, table_schema_json, spec_json, bytes;
    strbuf_init(&schema_json, mem);
    strbuf_init(&table_schema_json, mem);
    strbuf_init(&spec_json, mem);
    strbuf_init(&bytes, mem);
    AvroWriter *writer = NULL;
    IcePrim *result_types = NULL;
    const AvroSchema *avro_schema = NULL;
    SummaryAcc *acc = NULL;
    char schema_id[16], spec_id[16];
    snprintf(schema_id, sizeof schema_id, "%d", schema->schema_id);
    snprintf(spec_id, sizeof spec_id, "%d", spec->spec_id);

    ErrCode rc = ice_partition_spec_result_types(spec, schema, &scratch, &result_types, err);
    if (rc == ERR_OK) {
        rc = ice_manifest_entry_schema_json(spec, result_types, &schema_json, err);
    }
    if (rc == ERR_OK) {
        rc = avro_schema_parse(&scratch, schema_json.data, schema_json.len, &avro_schema, err);
    }
    if (rc == ERR_OK) {
        rc = ice_schema_write_json(schema, &table_schema_json, err);
    }
    if (rc == ERR_OK) {
        rc = ice_spec_fields_write_json(spec, &spec_json, err);
    }
    if (rc == ERR_OK) {
        acc = arena_zalloc(&scratch, sizeof *acc * ((size_t)spec->n_fields + 1));
        rc = acc ? ERR_OK : err_nomem(err, "manifest summaries");
    }
    if (rc == ERR_OK) {
        AvroMeta header[] = {
                {"schema", table_schema_json.data},
                {"schema-id", schema_id},
                {"partition-spec", spec_json.data},
                {"partition-spec-id", spec_id},
                {"format-version", "2"},
                {"content", "data"},
        };
        rc = avro_writer_open(mem, &bytes, avro_schema, AVRO_CODEC_DEFLATE, header,
                              (int32_t)(sizeof header / sizeof header[0]), &writer, err);
    }
    memset(out, 0, sizeof *out);
    int64_t min_sequence = INT64_MAX;
    Arena record_arena;
    arena_init(&record_arena, mem, 16 * 1024);
    for (size_t i = 0; rc == ERR_OK && i < n_entries; i++) {
        const IceManifestEntry *entry = &entries[i];
        AvroValue value;
        rc = entry_value(&record_arena, avro_schema, entry, spec->n_fields, &value, err);
        if (rc == ERR_OK) {
            rc = avro_writer_append(writer, &value, err);
        }
        arena_recycle(&record_arena);
        if (rc != ERR_OK) {
            break;
        }
        int64_t rows = entry->file.record_count;
        switch (entry->status) {
        case ICE_ENTRY_ADDED:
            out->added_files_count++;
            out->added_rows_count += rows;
            break;
        case ICE_ENTRY_EXISTING:
            out->existing_files_count++;
            out->existing_rows_count += rows;
            break;
        default:
            out->deleted_files_count++;
            out->deleted_rows_count += rows;
            break;
        }
        if (entry->status != ICE_ENTRY_DELETED && entry->sequence_number >= 0 &&
            entry->sequence_number < min_sequence) {
            min_sequence = entry->sequence_number;
        }
        for (int32_t f = 0; f < spec->n_fields; f++) {
            summary_add(&acc[f], &entry->file.partition[f]);
        }
    }
    arena_fini(&record_arena);
    if (rc == ERR_OK) {
        rc = avro_writer_finish(writer, err);
        writer = NULL;
    }
    if (rc == ERR_OK) {
        rc = write_file(path, &bytes, err);
    }
    IcePartitionFieldSummary *summaries = NULL;
    if (rc == ERR_OK && spec->n_fields > 0) {
        summaries = arena_zalloc(arena, sizeof *summaries * (size_t)spec->n_fields);
        rc = summaries ? ERR_OK : err_nomem(err, "manifest summaries");
    }
    for (int32_t f = 0; rc == ERR_OK && f < spec->n_fields; f++) {
        summaries[f].contains_null = acc[f].contains_null;
        summaries[f].contains_nan = (int8_t)acc[f].contains_nan;
        if (acc[f].has_bounds) {
            rc = ice_value_serialize(arena, &acc[f].lower, &summaries[f].lower, err);
            if (rc == ERR_OK) {
                rc = ice_value_serialize(arena, &acc[f].upper, &summaries[f].upper, err);
            }
        }
    }
    if (rc == ERR_OK) {
        out->path = arena_strdup(arena, path);
        rc = out->path ? ERR_OK : err_nomem(err, "manifest");
    }
    if (rc == ERR_OK) {
        out->length = (int64_t)bytes.len;
        out->spec_id = spec->spec_id;
        out->content = ICE_CONTENT_DATA;
        out->sequence_number = -1; /* assigned by the manifest list of the commit */
        out->min_sequence_number = min_sequence;
        out->added_snapshot_id = snapshot_id;
        out->partitions = summaries;
        out->n_partitions = spec->n_fields;
    }
    avro_writer_abort(writer);
    strbuf_fini(&schema_json);
    strbuf_fini(&table_schema_json);
    strbuf_fini(&spec_json);
    strbuf_fini(&bytes);
    arena_fini(&scratch);
    if (rc != ERR_OK) {
        err_prefix(err, "writing manifest %s", path);
    }
    return rc;
}

/* ---- writing manifest lists ------------------------------------------------------------ */

static ErrCode manifest_file_value(Arena *arena, const AvroSchema *schema, const IceManifestFile *m,
                                   AvroValue *out, Err *err)
{
    AvroValue *f = av_record(arena, schema, out);
    if (!f) {
        return err_nomem(err, "manifest list");
    }
    f[0] = av_string(m->path);
    f[1] = av_long(m->length);
    f[2] = av_int(m->spec_id);
    f[3] = av_int(m->content);
    f[4] = av_long(m->sequence_number);
    f[5] = av_long(m->min_sequence_number);
    f[6] = av_long(m->added_snapshot_id);
    f[7] = av_int(m->added_files_count);
    f[8] = av_int(m->existing_files_count);
    f[9] = av_int(m->deleted_files_count);
    f[10] = av_long(m->added_rows_count);
    f[11] = av_long(m->existing_rows_count);
    f[12] = av_long(m->deleted_rows_count);
    if (m->partitions) {
        const AvroSchema *array = non_null(schema->fields[13].schema);
        AvroValue *items = arena_alloc_array(arena, (size_t)m->n_partitions + 1, sizeof *items);
        if (!items) {
            return err_nomem(err, "manifest list");
        }
        for (int32_t i = 0; i < m->n_partitions; i++) {
            const IcePartitionFieldSummary *s = &m->partitions[i];
            AvroValue *sf = av_record(arena, array->items, &items[i]);
            if (!sf) {
                return err_nomem(err, "manifest list");
            }
            sf[0] = (AvroValue){.kind = AVRO_BOOLEAN, .boolean = s->contains_null};
            if (s->contains_nan >= 0) {
                sf[1] = (AvroValue){.kind = AVRO_BOOLEAN, .boolean = s->contains_nan != 0};
            }
            if (s->lower.ptr) {
                sf[2] = av_bytes(s->lower.ptr, s->lower.len);
            }
            if (s->upper.ptr) {
                sf[3] = av_bytes(s->upper.ptr, s->upper.len);
            }
        }
        f[13] = (AvroValue){.kind = AVRO_ARRAY, .schema = array};
        f[13].array.items = items;
        f[13].array.n = (size_t)m->n_partitions;
    }
    return ERR_OK;
}

ErrCode ice_manifest_list_write(Mem *mem, const char *path, int64_t snapshot_id, int64_t parent_id,
                                int64_t sequence_number, IceManifestFile *manifests,
                                size_t n_manifests, Err *err)
{
    Arena scratch;
    arena_init(&scratch, mem, 16 * 1024);
    StrBuf bytes;
    strbuf_init(&bytes, mem);
    AvroWriter *writer = NULL;
    const AvroSchema *schema = NULL;
    const char *schema_json = ice_manifest_list_schema_json();
    char snapshot_text[24], parent_text[24], sequence_text[24];
    snprintf(snapshot_text, sizeof snapshot_text, "%lld", (long long)snapshot_id);
    snprintf(parent_text, sizeof parent_text, "%lld", (long long)parent_id);
    snprintf(sequence_text, sizeof sequence_text, "%lld", (long long)sequence_number);
    ErrCode rc = avro_schema_parse(&scratch, schema_json, strlen(schema_json), &schema, err);
    if (rc == ERR_OK) {
        AvroMeta header[] = {
                {"snapshot-id", snapshot_text},
                {"sequence-number", sequence_text},
                {"format-version", "2"},
                {"parent-snapshot-id", parent_id >= 0 ? parent_text : "null"},
        };
        rc = avro_writer_open(mem, &bytes, schema, AVRO_CODEC_DEFLATE, header,
                              (int32_t)(sizeof header / sizeof header[0]), &writer, err);
    }
    for (size_t i = 0; rc == ERR_OK && i < n_manifests; i++) {
        IceManifestFile *m = &manifests[i];
        if (m->sequence_number < 0) {
            /* written in this commit: it takes the snapshot's sequence number, and so do
             * its entries with inherited (null) sequence numbers */
            m->sequence_number = sequence_number;
            if (m->min_sequence_number > sequence_number) {
                m->min_sequence_number = sequence_number;
            }
        }
        if (m->min_sequence_number == INT64_MAX) {
            m->min_sequence_number = m->sequence_number; /* no live file with a known one */
        }
        AvroValue value;
        rc = manifest_file_value(&scratch, schema, m, &value, err);
        if (rc == ERR_OK) {
            rc = avro_writer_append(writer, &value, err);
        }
    }
    if (rc == ERR_OK) {
        rc = avro_writer_finish(writer, err);
        writer = NULL;
    }
    if (rc == ERR_OK) {
        rc = write_file(path, &bytes, err);
    }
    avro_writer_abort(writer);
    strbuf_fini(&bytes);
    arena_fini(&scratch);
    if (rc != ERR_OK) {
        err_prefix(err, "writing manifest list %s", path);
    }
    return rc;
}

/* ---- reading --------------------------------------------------------------------------- */

/* Read the whole file into `arena` (decoded strings point into it). */
static ErrCode read_whole(Mem *mem, Arena *arena, const char *location, const uint8_t **data,
                          size_t *len, Err *err)
{
    const char *path;
    ErrCode rc = ice_location_to_path(location, &path, err);
    if (rc != ERR_OK) {
        return rc;
    }
    StrBuf buf;
    strbuf_init(&buf, mem);
    rc = file_read_all(path, &buf, err);
    if (rc == ERR_OK) {
        *len = buf.len;
        *data = buf.len ? arena_memdup(arena, buf.data, buf.len) : (const uint8_t *)"";
        rc = *data ? ERR_OK : err_nomem(err, location);
    }
    strbuf_fini(&buf);
    return rc;
}

static int64_t get_long(const AvroValue *record, int32_t field_id, const char *name,
                        int64_t fallback)
{
    const AvroValue *v = avro_record_get(record, field_id, name);
    if (v && (v->kind == AVRO_INT || v->kind == AVRO_LONG)) {
        return v->l;
    }
    return fallback;
}

static const char *get_string(Arena *arena, const AvroValue *record, int32_t field_id,
                              const char *name)
{
    const AvroValue *v = avro_record_get(record, field_id, name);
    if (!v || (v->kind != AVRO_STRING && v->kind != AVRO_BYTES)) {
        return NULL;
    }
    return arena_strndup(arena, (const char *)v->bytes.ptr, v->bytes.len);
}

/* The slot of `field_id` in a metrics table being collected; adds it when new. */
static int32_t metrics_slot(IceFieldMetrics *fields, int64_t *sizes, int32_t *n, int32_t cap,
                            int32_t field_id)
{
    for (int32_t i = 0; i < *n; i++) {
        if (fields[i].field_id == field_id) {
            return i;
        }
    }
    if (*n >= cap) {
        return -1;
    }
    int32_t slot = (*n)++;
    fields[slot] = (IceFieldMetrics){field_id, -1, -1, -1, {NULL, 0}, {NULL, 0}};
    sizes[slot] = -1;
    return slot;
}

static ErrCode read_metrics(Arena *arena, const AvroValue *df, IceDataFile *file, Err *err)
{
    static const struct {
        int32_t field_id;
        const char *name;
    } maps[] = {{108, "column_sizes"},     {109, "value_counts"}, {110, "null_value_counts"},
                {137, "nan_value_counts"}, {125, "lower_bounds"}, {128, "upper_bounds"}};
    const AvroValue *values[6];
    size_t cap = 0;
    for (int i = 0; i < 6; i++) {
        values[i] = avro_record_get(df, maps[i].field_id, maps[i].name);
        if (values[i] && values[i]->kind == AVRO_ARRAY) {
            cap += values[i]->array.n;
        } else if (values[i] && values[i]->kind == AVRO_MAP) {
            cap += values[i]->map.n;
        }
    }
    if (cap > INT32_MAX / 2) {
        return err_set(err, ERR_CORRUPT, "data file %s: too many metric entries", file->file_path);
    }
    IceFieldMetrics *fields = arena_alloc_array(arena, cap + 1, sizeof *fields);
    int64_t *sizes = arena_alloc_array(arena, cap + 1, sizeof *sizes);
    if (!fields || !sizes) {
        return err_nomem(err, "manifest entry metrics");
    }
    int32_t n = 0;
    for (int i = 0; i < 6; i++) {
        const AvroValue *v = values[i];
        if (!v || v->kind != AVRO_ARRAY) {
            continue; /* absent or null: unknown */
        }
        for (size_t k = 0; k < v->array.n; k++) {
            const AvroValue *kv = &v->array.items[k];
            const AvroValue *key = avro_record_get(kv, -1, "key");
            const AvroValue *value = avro_record_get(kv, -1, "value");
            if (!key || !value || (key->kind != AVRO_INT && key->kind != AVRO_LONG)) {
                return err_set(err, ERR_CORRUPT, "data file %s: %s entry without an int key",
                               file->file_path, maps[i].name);
            }
            int32_t slot = metrics_slot(fields, sizes, &n, (int32_t)cap, (int32_t)key->l);
            if (slot < 0) {
                continue;
            }
            IceFieldMetrics *f = &fields[slot];
            if (i < 4) {
                if (value->kind != AVRO_LONG && value->kind != AVRO_INT) {
                    continue;
                }
                int64_t count = value->l;
                if (i == 0) {
                    sizes[slot] = count;
                } else if (i == 1) {
                    f->value_count = count;
                } else if (i == 2) {
                    f->null_count = count;
                } else {
                    f->nan_count = count;
                }
            } else if (value->kind == AVRO_BYTES && value->bytes.len <= UINT32_MAX) {
                IceBytes bytes = {value->bytes.ptr, (uint32_t)value->bytes.len};
                if (i == 4) {
                    f->lower = bytes;
                } else {
                    f->upper = bytes;
                }
            }
        }
    }
    file->metrics.fields = fields;
    file->metrics.n_fields = n;
    file->column_sizes = sizes;
    return ERR_OK;
}

/* Result types of a spec for decoding partition tuples: against the current schema, or
 * any older one when a source column has since been dropped. */
static ErrCode spec_types(const IceTableMeta *meta, const IcePartitionSpec *spec, Arena *arena,
                          IcePrim **out, Err *err)
{
    ErrCode rc =
            ice_partition_spec_result_types(spec, ice_meta_current_schema(meta), arena, out, err);
    for (int32_t i = meta->n_schemas - 1; rc != ERR_OK && i >= 0; i--) {
        rc = ice_partition_spec_result_types(spec, &meta->schemas[i], arena, out, err);
    }
    return rc;
}

static ErrCode read_entry(Arena *arena, const AvroValue *record, const IceManifestFile *manifest,
                          const IcePartitionSpec *spec, const IcePrim *types, IceManifestEntry *out,
                          Err *err)
{
    memset(out, 0, sizeof *out);
    int64_t status = get_long(record, 0, "status", -1);
    if (status < 0 || status > 2) {
        return err_set(err, ERR_CORRUPT, "manifest entry status %lld is not 0, 1 or 2",
                       (long long)status);
    }
    out->status = (IceEntryStatus)status;
    bool is_added = status == ICE_ENTRY_ADDED;
    out->snapshot_id = get_long(record, 1, "snapshot_id", -1);
    if (out->snapshot_id < 0 && is_added) {
        out->snapshot_id = manifest->added_snapshot_id;
    }
    out->sequence_number = get_long(record, 3, "sequence_number", -1);
    out->file_sequence_number = get_long(record, 4, "file_sequence_number", -1);
    if (out->sequence_number < 0) {
        out->sequence_number = is_added ? manifest->sequence_number : 0;
    }
    if (out->file_sequence_number < 0) {
        out->file_sequence_number = is_added ? manifest->sequence_number : 0;
    }
    const AvroValue *df = avro_record_get(record, 2, "data_file");
    if (!df || df->kind != AVRO_RECORD) {
        return err_set(err, ERR_CORRUPT, "manifest entry without a data_file record");
    }
    IceDataFile *file = &out->file;
    file->content = (IceContent)get_long(df, 134, "content", 0);
    file->file_path = get_string(arena, df, 100, "file_path");
    file->file_format = get_string(arena, df, 101, "file_format");
    if (!file->file_path || !file->file_format) {
        return err_set(err, ERR_CORRUPT, "data_file without file_path or file_format");
    }
    file->spec_id = manifest->spec_id;
    file->record_count = get_long(df, 103, "record_count", -1);
    file->file_size_bytes = get_long(df, 104, "file_size_in_bytes", -1);
    if (file->record_count < 0 || file->file_size_bytes < 0) {
        return err_set(err, ERR_CORRUPT, "data file %s: missing record_count or size",
                       file->file_path);
    }
    file->sort_order_id = (int32_t)get_long(df, 140, "sort_order_id", -1);
    const AvroValue *partition = avro_record_get(df, 102, "partition");
    IceValue *values = arena_alloc_array(arena, (size_t)spec->n_fields + 1, sizeof *values);
    if (!values) {
        return err_nomem(err, "manifest entry");
    }
    for (int32_t i = 0; i < spec->n_fields; i++) {
        const AvroValue *v = partition ? avro_record_get(partition, spec->fields[i].field_id,
                                                         spec->fields[i].name)
                                       : NULL;
        ErrCode rc = ice_partition_from_avro(v, types[i], &values[i], err);
        if (rc != ERR_OK) {
            err_prefix(err, "data file %s: partition field %s", file->file_path,
                       spec->fields[i].name);
            return rc;
        }
    }
    file->partition = values;
    file->n_partition = spec->n_fields;
    const AvroValue *offsets = avro_record_get(df, 132, "split_offsets");
    if (offsets && offsets->kind == AVRO_ARRAY && offsets->array.n > 0 &&
        offsets->array.n < INT32_MAX) {
        int64_t *list = arena_alloc_array(arena, offsets->array.n, sizeof *list);
        if (!list) {
            return err_nomem(err, "manifest entry");
        }
        for (size_t i = 0; i < offsets->array.n; i++) {
            list[i] = offsets->array.items[i].l;
        }
        file->split_offsets = list;
        file->n_split_offsets = (int32_t)offsets->array.n;
    }
    file->metrics.record_count = file->record_count;
    return read_metrics(arena, df, file, err);
}

ErrCode ice_manifest_decode(Mem *mem, Arena *arena, const uint8_t *data, size_t len,
                            const IceManifestFile *manifest, const IceTableMeta *meta,
                            IceManifestEntry **out, size_t *n_out, Err *err)
{
    const IcePartitionSpec *spec = ice_meta_spec(meta, manifest->spec_id);
    if (!spec) {
        return err_set(err, ERR_CORRUPT, "manifest %s: partition spec %d is not in the table",
                       manifest->path, manifest->spec_id);
    }
    IcePrim *types;
    ErrCode rc = spec_types(meta, spec, arena, &types, err);
    AvroReader *reader = NULL;
    if (rc == ERR_OK) {
        rc = avro_reader_open(mem, data, len, manifest->path, &reader, err);
    }
    size_t n = 0, cap = 0;
    IceManifestEntry *entries = NULL;
    while (rc == ERR_OK) {
        const AvroValue *record;
        rc = avro_reader_next(reader, arena, &record, err);
        if (rc != ERR_OK || !record) {
            break;
        }
        IceManifestEntry *grown = arena_grow_array(arena, entries, n, &cap, sizeof *grown);
        if (!grown) {
            rc = err_nomem(err, "manifest entries");
            break;
        }
        entries = grown;
        rc = read_entry(arena, record, manifest, spec, types, &entries[n], err);
        if (rc == ERR_OK) {
            n++;
        } else {
            err_prefix(err, "manifest %s, entry %zu", manifest->path, n);
        }
    }
    avro_reader_close(reader);
    if (rc == ERR_OK) {
        *out = entries;
        *n_out = n;
    }
    return rc;
}

ErrCode ice_manifest_read(Mem *mem, Arena *arena, const IceManifestFile *manifest,
                          const IceTableMeta *meta, IceManifestEntry **out, size_t *n_out, Err *err)
{
    const uint8_t *data = NULL;
    size_t len = 0;
    ErrCode rc = read_whole(mem, arena, manifest->path, &data, &len, err);
    return rc == ERR_OK
                   ? ice_manifest_decode(mem, arena, data, len, manifest, meta, out, n_out, err)
                   : rc;
}

ErrCode ice_manifest_list_decode(Mem *mem, Arena *arena, const uint8_t *data, size_t len,
                                 const char *path, IceManifestFile **out, size_t *n_out, Err *err)
{
    AvroReader *reader = NULL;
    ErrCode rc = avro_reader_open(mem, data, len, path, &reader, err);
    size_t n = 0, cap = 0;
    IceManifestFile *files = NULL;
    while (rc == ERR_OK) {
        const AvroValue *r;
        rc = avro_reader_next(reader, arena, &r, err);
        if (rc != ERR_OK || !r) {
            break;
        }
        IceManifestFile *grown = arena_grow_array(arena, files, n, &cap, sizeof *grown);
        if (!grown) {
            rc = err_nomem(err, "manifest list");
            break;
        }
        files = grown;
        IceManifestFile *m = &files[n];
        memset(m, 0, sizeof *m);
        m->path = get_string(arena, r, 500, "manifest_path");
        m->length = get_long(r, 501, "manifest_length", -1);
        m->spec_id = (int32_t)get_long(r, 502, "partition_spec_id", 0);
        m->content = (IceContent)get_long(r, 517, "content", 0);
        m->sequence_number = get_long(r, 515, "sequence_number", 0);
        m->min_sequence_number = get_long(r, 516, "min_sequence_number", 0);
        m->added_snapshot_id = get_long(r, 503, "added_snapshot_id", -1);
        /* v1 lists may omit counts: -1 means unknown (the spec: "assumed to be non-zero") */
        m->added_files_count = (int32_t)get_long(r, 504, "added_files_count", -1);
        m->existing_files_count = (int32_t)get_long(r, 505, "existing_files_count", -1);
        m->deleted_files_count = (int32_t)get_long(r, 506, "deleted_files_count", -1);
        m->added_rows_count = get_long(r, 512, "added_rows_count", -1);
        m->existing_rows_count = get_long(r, 513, "existing_rows_count", -1);
        m->deleted_rows_count = get_long(r, 514, "deleted_rows_count", -1);
        if (!m->path) {
            rc = err_set(err, ERR_CORRUPT, "manifest list %s: entry %zu has no manifest_path", path,
                         n);
            break;
        }
        const AvroValue *parts = avro_record_get(r, 507, "partitions");
        if (parts && parts->kind == AVRO_ARRAY && parts->array.n < INT32_MAX) {
            IcePartitionFieldSummary *s = arena_zalloc(arena, sizeof *s * (parts->array.n + 1));
            if (!s) {
                rc = err_nomem(err, "manifest list");
                break;
            }
            for (size_t i = 0; i < parts->array.n; i++) {
                const AvroValue *p = &parts->array.items[i];
                const AvroValue *contains_null = avro_record_get(p, 509, "contains_null");
                const AvroValue *contains_nan = avro_record_get(p, 518, "contains_nan");
                const AvroValue *lower = avro_record_get(p, 510, "lower_bound");
                const AvroValue *upper = avro_record_get(p, 511, "upper_bound");
                /* a missing contains_null must be assumed true: pruning stays safe */
                s[i].contains_null = !contains_null || contains_null->kind != AVRO_BOOLEAN ||
                                     contains_null->boolean;
                s[i].contains_nan = contains_nan && contains_nan->kind == AVRO_BOOLEAN
                                            ? (int8_t)contains_nan->boolean
                                            : -1;
                if (lower && lower->kind == AVRO_BYTES) {
                    s[i].lower = (IceBytes){lower->bytes.ptr, (uint32_t)lower->bytes.len};
                }
                if (upper && upper->kind == AVRO_BYTES) {
                    s[i].upper = (IceBytes){upper->bytes.ptr, (uint32_t)upper->bytes.len};
                }
            }
            m->partitions = s;
            m->n_partitions = (int32_t)parts->array.n;
        }
        n++;
    }
    avro_reader_close(reader);
    if (rc == ERR_OK) {
        *out = files;
        *n_out = n;
    }
    return rc;
}

ErrCode ice_manifest_list_read(Mem *mem, Arena *arena, const char *path, IceManifestFile **out,
                               size_t *n_out, Err *err)
{
    const uint8_t *data = NULL;
    size_t len = 0;
    ErrCode rc = read_whole(mem, arena, path, &data, &len, err);
    return rc == ERR_OK ? ice_manifest_list_decode(mem, arena, data, len, path, out, n_out, err)
                        : rc;
}

ErrCode ice_location_to_path(const char *location, const char **path_out, Err *err)
{
    if (strncmp(location, "file://", 7) == 0) {
        *path_out = location + 7;
        /* "file://host/path" is not local; "file:///path" leaves "/path" */
        if ((*path_out)[0] == '/') {
            return ERR_OK;
        }
    } else if (strncmp(location, "file:/", 6) == 0) {
        *path_out = location + 5; /* Java's "file:/path" */
        return ERR_OK;
    } else if (location[0] == '/') {
        *path_out = location;
        return ERR_OK;
    }
    return err_set(err, ERR_UNSUPPORTED,
                   "location \"%s\" is not a local file (tarn reads file:// and absolute paths)",
                   location);
}
