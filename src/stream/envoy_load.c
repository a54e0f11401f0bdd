/* envoy_load.c — the Envoy loader (see envoy_load.h): line splitting across feeds, the
 * parse -> batch -> data writer loop, the reject side table and the two-table commit.
 *
 * Memory: one EnvoyBatch of ENVOY_LOAD_BATCH_ROWS rows is refilled in place; rejects
 * collect in a small arena flushed every ENVOY_LOAD_REJECT_ROWS rows; the data writers
 * hold at most one row group per open partition file (ice_data_writer.h).
 */
#include "stream/envoy_load.h"

#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "stream/envoy_parse.h"
#include "table/ice_data_writer.h"
#include "table/ice_meta.h"
#include "table/ice_table.h"

/* Rows per parse batch: large enough that per-batch work (routing, vector setup) is noise,
 * small enough to stay in L2-ish memory per column. */
#define ENVOY_LOAD_BATCH_ROWS  8192
#define ENVOY_LOAD_REJECT_ROWS 1024
/* A raw line kept in _rejected is cut at this many bytes (the reason says so). */
#define ENVOY_LOAD_RAW_MAX_BYTES 65536

enum { REJ_SOURCE, REJ_LINE, REJ_RAW, REJ_REASON, REJ_AT, REJ_N_COLS };

typedef struct Target {
    IceTable *table;
    IceDataWriter *writer;
    IceSchema schema;
    IcePartitionSpec spec;
} Target;

struct EnvoyLoader {
    Mem *mem;
    IceStore *store;
    Arena arena;        /* schemas, file lists: lives as long as the loader */
    Arena reject_arena; /* pending rejects, recycled per flush */
    Arena fill_arena;   /* NULL columns for fields added to a table later, per write */
    EnvoyBatch *batch;
    Target data;
    Target rejected;
    int n_threads;
    /* the current source and its partial last line */
    char source[1024];
    int64_t line_no;
    StrBuf carry;
    /* pending rejects */
    ColStr *rej_source, *rej_raw, *rej_reason;
    int64_t *rej_line, *rej_at;
    size_t n_rej;
    EnvoyLoadStats stats;
};

/* ---- table definitions ------------------------------------------------------------------ */

static ErrCode schema_from_columns(Arena *arena, const char *const *names, const ColTypeInfo *types,
                                   const bool *required, int32_t n, IceSchema *out, Err *err)
{
    IceField *fields = arena_zalloc(arena, sizeof *fields * (size_t)n);
    IceType *ice_types = arena_zalloc(arena, sizeof *ice_types * (size_t)n);
    if (!fields || !ice_types) {
        return err_nomem(err, "table schema");
    }
    for (int32_t i = 0; i < n; i++) {
        IcePrim prim;
        ErrCode rc = ice_prim_from_col(types[i], &prim, err);
        if (rc != ERR_OK) {
            return rc;
        }
        ice_types[i].id = prim.id;
        ice_types[i].prim = prim;
        fields[i] = (IceField){i + 1, names[i], required[i], &ice_types[i], NULL};
    }
    *out = (IceSchema){0, fields, n, NULL, 0, n};
    return ERR_OK;
}

static ErrCode day_spec(Arena *arena, int32_t source_id, const char *name, IcePartitionSpec *out,
                        Err *err)
{
    IcePartitionField *field = arena_alloc(arena, sizeof *field);
    if (!field) {
        return err_nomem(err, "partition spec");
    }
    *field = (IcePartitionField){source_id, 1000, name, {ICE_TR_DAY, 0}};
    *out = (IcePartitionSpec){0, field, 1};
    return ERR_OK;
}

static ErrCode envoy_schema(Arena *arena, IceSchema *schema, IcePartitionSpec *spec, Err *err)
{
    const char *names[ENVOY_N_COLS];
    ColTypeInfo types[ENVOY_N_COLS];
    bool required[ENVOY_N_COLS];
    for (int32_t i = 0; i < ENVOY_N_COLS; i++) {
        names[i] = envoy_columns[i].name;
        types[i] = envoy_columns[i].type;
        required[i] = !envoy_columns[i].is_nullable;
    }
    ErrCode rc = schema_from_columns(arena, names, types, required, ENVOY_N_COLS, schema, err);
    return rc == ERR_OK ? day_spec(arena, 1, "event_time_day", spec, err) : rc;
}

static ErrCode rejected_schema(Arena *arena, IceSchema *schema, IcePartitionSpec *spec, Err *err)
{
    static const char *const names[REJ_N_COLS] = {"source", "line", "raw", "reason", "rejected_at"};
    const ColTypeInfo types[REJ_N_COLS] = {{COL_STRING, 0, 0, 0},
                                           {COL_INT64, 0, 0, 0},
                                           {COL_STRING, 0, 0, 0},
                                           {COL_STRING, 0, 0, 0},
                                           {COL_TIMESTAMPTZ, 0, 0, 0}};
    static const bool required[REJ_N_COLS] = {true, true, true, true, true};
    ErrCode rc = schema_from_columns(arena, names, types, required, REJ_N_COLS, schema, err);
    return rc == ERR_OK ? day_spec(arena, REJ_AT + 1, "rejected_at_day", spec, err) : rc;
}

/* The existing table must have the expected columns (names and types, in any order
 * after them: extra columns added later by schema evolution are allowed and get NULLs). */
static ErrCode check_schema(const IceTable *table, const IceSchema *expected, Err *err)
{
    const IceSchema *current = ice_meta_current_schema(table->meta);
    for (int32_t i = 0; i < expected->n_fields; i++) {
        const IceField *want = &expected->fields[i];
        const IceField *have = i < current->n_fields ? &current->fields[i] : NULL;
        if (!have || strcmp(have->name, want->name) != 0 || have->type->id != want->type->id) {
            return err_set(err, ERR_INVALID,
                           "table %s.%s exists with a different schema: column %d should be "
                           "%s",
                           table->ns, table->name, i + 1, want->name);
        }
    }
    return ERR_OK;
}

static ErrCode open_target(EnvoyLoader *loader, const char *ns, const char *name, Target *target,
                           Err *err)
{
    ErrCode rc = ice_store_create_namespace(loader->store, ns, true, err);
    if (rc == ERR_OK) {
        rc = ice_table_load(loader->store, loader->mem, ns, name, &target->table, err);
        if (rc == ERR_NOT_FOUND) {
            rc = ice_table_create(loader->store, loader->mem, ns, name, &target->schema,
                                  &target->spec, NULL, 0, &target->table, err);
            if (rc == ERR_CONFLICT) { /* created meanwhile by another loader */
                rc = ice_table_load(loader->store, loader->mem, ns, name, &target->table, err);
            }
        }
    }
    if (rc == ERR_OK) {
        rc = check_schema(target->table, &target->schema, err);
    }
    return rc;
}

/* Start the target's data writer on first use (a load with no rejects never creates files
 * for _rejected). */
static ErrCode ensure_writer(EnvoyLoader *loader, Target *target, Err *err)
{
    if (target->writer) {
        return ERR_OK;
    }
    const IceTableMeta *meta = target->table->meta;
    const IceSchema *schema = ice_meta_current_schema(meta);
    const IcePartitionSpec *spec = ice_meta_spec(meta, meta->default_spec_id);
    const char *data_dir;
    StrBuf schema_json;
    strbuf_init(&schema_json, loader->mem);
    ErrCode rc = ice_table_data_dir(target->table, &loader->arena, &data_dir, err);
    if (rc == ERR_OK) {
        rc = ice_schema_write_json(schema, &schema_json, err);
    }
    if (rc == ERR_OK) {
        IceDataWriterOptions opts;
        ice_data_writer_options_default(&opts);
        opts.n_threads = loader->n_threads;
        /* under a small process budget, smaller row groups and fewer buffered bytes: an
         * open file holds about three times its row group while it encodes */
        size_t budget = loader->mem->limit_bytes;
        if (budget > 0) {
            opts.row_group_bytes =
                    TN_MIN(opts.row_group_bytes, TN_MAX((int64_t)(budget / 8), (int64_t)1 << 20));
            opts.max_buffered_bytes = TN_MIN(opts.max_buffered_bytes,
                                             TN_MAX((int64_t)(budget / 3), (int64_t)4 << 20));
        }
        rc = ice_data_writer_open(loader->mem, data_dir, schema, schema_json.data, spec, &opts,
                                  &target->writer, err);
    }
    strbuf_fini(&schema_json);
    return rc;
}

/* Columns for every field of the table's current schema: the expected ones from `given`,
 * later-added ones all NULL. */
static ErrCode write_rows(EnvoyLoader *loader, Target *target, const ColVec *given, int32_t n_given,
                          size_t n_rows, Err *err)
{
    if (n_rows == 0) {
        return ERR_OK;
    }
    ErrCode rc = ensure_writer(loader, target, err);
    if (rc != ERR_OK) {
        return rc;
    }
    const IceSchema *schema = ice_meta_current_schema(target->table->meta);
    if (schema->n_fields == n_given) {
        return ice_data_writer_write(target->writer, given, n_rows, err);
    }
    arena_recycle(&loader->fill_arena);
    ColVec *cols = arena_alloc_array(&loader->fill_arena, (size_t)schema->n_fields, sizeof *cols);
    if (!cols) {
        return err_nomem(err, "batch");
    }
    for (int32_t i = 0; i < schema->n_fields; i++) {
        if (i < n_given) {
            cols[i] = given[i];
            continue;
        }
        rc = colvec_alloc(&loader->fill_arena, ice_prim_to_col(schema->fields[i].type->prim),
                          n_rows, true, &cols[i], err);
        if (rc != ERR_OK) {
            return rc;
        }
        memset(cols[i].validity, 0, (n_rows + 7) / 8);
    }
    return ice_data_writer_write(target->writer, cols, n_rows, err);
}

/* ---- rejects ---------------------------------------------------------------------------- */

static ErrCode flush_rejects(EnvoyLoader *loader, Err *err)
{
    if (loader->n_rej == 0) {
        return ERR_OK;
    }
    ColVec cols[REJ_N_COLS];
    ColTypeInfo string = {COL_STRING, 0, 0, 0};
    cols[REJ_SOURCE] = (ColVec){string, loader->n_rej, NULL, loader->rej_source, NULL, NULL, 0};
    cols[REJ_LINE] =
            (ColVec){{COL_INT64, 0, 0, 0}, loader->n_rej, NULL, loader->rej_line, NULL, NULL, 0};
    cols[REJ_RAW] = (ColVec){string, loader->n_rej, NULL, loader->rej_raw, NULL, NULL, 0};
    cols[REJ_REASON] = (ColVec){string, loader->n_rej, NULL, loader->rej_reason, NULL, NULL, 0};
    cols[REJ_AT] = (ColVec){
            {COL_TIMESTAMPTZ, 0, 0, 0}, loader->n_rej, NULL, loader->rej_at, NULL, NULL, 0};
    ErrCode rc = write_rows(loader, &loader->rejected, cols, REJ_N_COLS, loader->n_rej, err);
    loader->n_rej = 0;
    arena_recycle(&loader->reject_arena);
    return rc;
}

static ErrCode add_reject(EnvoyLoader *loader, const char *line, size_t len, const char *reason,
                          Err *err)
{
    Arena *arena = &loader->reject_arena;
    if (loader->n_rej == 0) {
        loader->rej_source = arena_alloc_array(arena, ENVOY_LOAD_REJECT_ROWS, sizeof(ColStr));
        loader->rej_raw = arena_alloc_array(arena, ENVOY_LOAD_REJECT_ROWS, sizeof(ColStr));
        loader->rej_reason = arena_alloc_array(arena, ENVOY_LOAD_REJECT_ROWS, sizeof(ColStr));
        loader->rej_line = arena_alloc_array(arena, ENVOY_LOAD_REJECT_ROWS, sizeof(int64_t));
        loader->rej_at = arena_alloc_array(arena, ENVOY_LOAD_REJECT_ROWS, sizeof(int64_t));
        if (!loader->rej_source || !loader->rej_raw || !loader->rej_reason || !loader->rej_line ||
            !loader->rej_at) {
            return err_nomem(err, "rejected lines");
        }
    }
    size_t kept = len > ENVOY_LOAD_RAW_MAX_BYTES ? ENVOY_LOAD_RAW_MAX_BYTES : len;
    char *raw = arena_memdup(arena, line, kept ? kept : 1);
    char *why = len > kept ? arena_sprintf(arena, "%s (raw text cut at %d bytes of %zu)", reason,
                                           ENVOY_LOAD_RAW_MAX_BYTES, len)
                           : arena_strdup(arena, reason);
    size_t source_len = strlen(loader->source);
    char *source = arena_memdup(arena, loader->source, source_len + 1);
    if (!raw || !why || !source) {
        return err_nomem(err, "rejected lines");
    }
    size_t i = loader->n_rej++;
    loader->rej_source[i] = (ColStr){(uint32_t)source_len, source};
    loader->rej_raw[i] = (ColStr){(uint32_t)kept, raw};
    loader->rej_reason[i] = (ColStr){(uint32_t)strlen(why), why};
    loader->rej_line[i] = loader->line_no;
    loader->rej_at[i] = datetime_now_us();
    loader->stats.n_rejected++;
    return loader->n_rej == ENVOY_LOAD_REJECT_ROWS ? flush_rejects(loader, err) : ERR_OK;
}

/* ---- the parse loop --------------------------------------------------------------------- */

static ErrCode flush_batch(EnvoyLoader *loader, Err *err)
{
    size_t n = envoy_batch_n_rows(loader->batch);
    ErrCode rc = write_rows(loader, &loader->data, envoy_batch_columns(loader->batch), ENVOY_N_COLS,
                            n, err);
    loader->stats.n_rows += (int64_t)n;
    envoy_batch_reset(loader->batch);
    return rc;
}

static ErrCode take_line(EnvoyLoader *loader, const char *line, size_t len, Err *err)
{
    loader->line_no++;
    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    if (len == 0) {
        return ERR_OK;
    }
    Err line_err;
    err_init(&line_err);
    ErrCode rc = envoy_batch_add_line(loader->batch, line, len, &line_err);
    if (rc == ERR_INVALID) {
        return add_reject(loader, line, len, line_err.msg, err);
    }
    if (rc != ERR_OK) { /* out of memory, not a bad line */
        *err = line_err;
        return rc;
    }
    return envoy_batch_is_full(loader->batch) ? flush_batch(loader, err) : ERR_OK;
}

ErrCode envoy_loader_feed(EnvoyLoader *loader, const char *source, const char *data, size_t len,
                          bool is_end, Err *err)
{
    if (strcmp(loader->source, source) != 0) {
        snprintf(loader->source, sizeof loader->source, "%s", source);
        loader->line_no = 0;
        strbuf_clear(&loader->carry);
    }
    loader->stats.n_bytes += (int64_t)len;
    ErrCode rc = ERR_OK;
    size_t pos = 0;
    if (loader->carry.len > 0) {
        /* complete the partial line kept from the previous feed */
        const char *nl = memchr(data, '\n', len);
        size_t part = nl ? (size_t)(nl - data) : len;
        rc = strbuf_append(&loader->carry, data, part, err);
        if (rc != ERR_OK) {
            return rc;
        }
        if (!nl && !is_end) {
            return ERR_OK;
        }
        rc = take_line(loader, loader->carry.data, loader->carry.len, err);
        strbuf_clear(&loader->carry);
        pos = nl ? part + 1 : len;
    }
    while (rc == ERR_OK && pos < len) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', len - pos);
        if (!nl) {
            if (is_end) {
                rc = take_line(loader, line, len - pos, err);
            } else {
                rc = strbuf_append(&loader->carry, line, len - pos, err);
            }
            break;
        }
        rc = take_line(loader, line, (size_t)(nl - line), err);
        pos += (size_t)(nl - line) + 1;
    }
    return rc;
}

void envoy_loader_stats(const EnvoyLoader *loader, EnvoyLoadStats *out)
{
    *out = loader->stats;
    out->n_rows += (int64_t)envoy_batch_n_rows(loader->batch);
}

/* ---- lifecycle -------------------------------------------------------------------------- */

ErrCode envoy_loader_open(Mem *mem, IceStore *store, const char *ns, const char *table,
                          int n_threads, EnvoyLoader **out, Err *err)
{
    EnvoyLoader *loader = mem_calloc(mem, 1, sizeof *loader, err);
    if (!loader) {
        return ERR_NOMEM;
    }
    loader->mem = mem;
    loader->store = store;
    loader->n_threads = n_threads > 0 ? n_threads : 1;
    arena_init(&loader->arena, mem, 16 * 1024);
    arena_init(&loader->reject_arena, mem, 64 * 1024);
    arena_init(&loader->fill_arena, mem, 16 * 1024);
    strbuf_init(&loader->carry, mem);
    ErrCode rc = envoy_schema(&loader->arena, &loader->data.schema, &loader->data.spec, err);
    if (rc == ERR_OK) {
        rc = rejected_schema(&loader->arena, &loader->rejected.schema, &loader->rejected.spec, err);
    }
    if (rc == ERR_OK) {
        rc = open_target(loader, ns, table, &loader->data, err);
    }
    if (rc == ERR_OK) {
        rc = open_target(loader, "analytics", "_rejected", &loader->rejected, err);
    }
    if (rc == ERR_OK) {
        rc = envoy_batch_new(mem, ENVOY_LOAD_BATCH_ROWS, &loader->batch, err);
    }
    if (rc != ERR_OK) {
        envoy_loader_abort(loader);
        return rc;
    }
    *out = loader;
    return ERR_OK;
}

void envoy_loader_abort(EnvoyLoader *loader)
{
    if (!loader) {
        return;
    }
    ice_data_writer_abort(loader->data.writer);
    ice_data_writer_abort(loader->rejected.writer);
    ice_table_free(loader->data.table);
    ice_table_free(loader->rejected.table);
    envoy_batch_free(loader->batch);
    strbuf_fini(&loader->carry);
    arena_fini(&loader->reject_arena);
    arena_fini(&loader->fill_arena);
    arena_fini(&loader->arena);
    mem_free(loader->mem, loader);
}

/* Close a target's writer and start its append transaction; *txn stays NULL when it wrote
 * nothing. */
static ErrCode finish_target(EnvoyLoader *loader, Target *target, IceTxn **txn, int64_t *n_files,
                             Err *err)
{
    *txn = NULL;
    if (!target->writer) {
        return ERR_OK;
    }
    IceDataFile *files = NULL;
    size_t n = 0;
    ErrCode rc = ice_data_writer_close(target->writer, &loader->arena, &files, &n, err);
    target->writer = NULL;
    if (rc == ERR_OK && n > 0) {
        rc = ice_txn_begin(target->table, "main", txn, err);
        if (rc == ERR_OK) {
            rc = ice_txn_append(*txn, files, n, err);
        }
        if (rc == ERR_OK) {
            rc = ice_txn_set_summary(*txn, "tarn.operation", "load", err);
        }
    }
    if (n_files) {
        *n_files = (int64_t)n;
    }
    return rc;
}

ErrCode envoy_loader_commit(EnvoyLoader *loader, EnvoyLoadStats *stats, Err *err)
{
    ErrCode rc = ERR_OK;
    if (loader->carry.len > 0) {
        rc = take_line(loader, loader->carry.data, loader->carry.len, err);
        strbuf_clear(&loader->carry);
    }
    if (rc == ERR_OK) {
        rc = flush_batch(loader, err);
    }
    if (rc == ERR_OK) {
        rc = flush_rejects(loader, err);
    }
    IceTxn *txns[2] = {NULL, NULL};
    size_t n_txns = 0;
    if (rc == ERR_OK) {
        rc = finish_target(loader, &loader->data, &txns[n_txns], &loader->stats.n_files, err);
        n_txns += txns[n_txns] != NULL;
    }
    if (rc == ERR_OK) {
        rc = finish_target(loader, &loader->rejected, &txns[n_txns], NULL, err);
        n_txns += txns[n_txns] != NULL;
    }
    if (rc == ERR_OK && n_txns > 0) {
        rc = ice_txn_commit_all(txns, n_txns, err);
    } else {
        for (size_t i = 0; i < n_txns; i++) {
            ice_txn_abort(txns[i]);
        }
    }
    if (stats) {
        *stats = loader->stats;
    }
    envoy_loader_abort(loader);
    return rc;
}
