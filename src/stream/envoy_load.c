/* envoy_load.c — the Envoy loader (see envoy_load.h): line splitting across feeds, the
 * parse -> batch -> data writer pipeline, the reject side table and the two-table commit.
 *
 * Two stages run at once. The caller's thread splits lines and parses them into an
 * EnvoyBatch; a full batch goes to a queue, and a writer thread takes batches from it and
 * hands them to the target's IceDataWriter (routing, Parquet encoding on n_threads,
 * files), then returns the batch to the free list. ENVOY_LOAD_PIPELINE_BATCHES batches
 * circulate, so parsing waits only when the writer is that far behind, and the writer
 * only when parsing is. Everything the writer thread touches — the data target, its
 * IceDataWriter and fill arena — is set up before the thread starts and not used by the
 * parsing thread until it has joined; rejected lines are written to _rejected from the
 * parsing thread through the other target. The first error of the writer thread is kept
 * and returned by the next feed or by commit; after it, batches are dropped unwritten.
 *
 * Memory: ENVOY_LOAD_PIPELINE_BATCHES parse batches of ENVOY_LOAD_BATCH_ROWS rows; rejects
 * collect in a small arena flushed every ENVOY_LOAD_REJECT_ROWS rows; the data writers
 * hold at most one row group per open partition file, within max_buffered_bytes
 * (ice_data_writer.h).
 */
#include "stream/envoy_load.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "stream/envoy_parse.h"
#include "table/ice_data_writer.h"
#include "table/ice_meta.h"
#include "table/ice_table.h"

/* Rows per parse batch: large enough that per-batch work (routing, vector setup) is noise,
 * small enough to stay in L2-ish memory per column. */
#define ENVOY_LOAD_BATCH_ROWS 8192
/* Batches in flight between the two stages: one being parsed, one being written, one
 * queued, so a short stall of either stage does not stop the other. */
#define ENVOY_LOAD_PIPELINE_BATCHES 3
#define ENVOY_LOAD_REJECT_ROWS      1024
/* The snapshot summary lists the loaded sources up to this many bytes. */
#define ENVOY_LOAD_SOURCES_BYTES 4096
/* A raw line kept in _rejected is cut at this many bytes (the reason says so). */
#define ENVOY_LOAD_RAW_MAX_BYTES 65536

enum { REJ_SOURCE, REJ_LINE, REJ_RAW, REJ_REASON, REJ_AT, REJ_N_COLS };

typedef struct Target {
    IceTable *table;
    IceDataWriter *writer;
    IceSchema schema;
    IcePartitionSpec spec;
    Arena fill_arena; /* NULL columns for fields added to the table later, per write */
} Target;

/* The queue between the parsing thread and the writer thread. */
typedef struct Pipeline {
    pthread_t thread;
    bool is_started;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    EnvoyBatch *full[ENVOY_LOAD_PIPELINE_BATCHES]; /* FIFO of batches to write */
    size_t full_head, n_full;
    EnvoyBatch *free[ENVOY_LOAD_PIPELINE_BATCHES]; /* batches ready to be filled */
    size_t n_free;
    bool has_sync;    /* lock and condition variable initialized */
    bool is_closing;  /* no more batches will come */
    bool is_dropping; /* abort: discard what is queued */
    ErrCode rc;       /* the writer's first failure */
    Err err;
} Pipeline;

struct EnvoyLoader {
    Mem *mem;
    IceStore *store;
    Arena arena;        /* schemas, file lists: lives as long as the loader */
    Arena reject_arena; /* pending rejects, recycled per flush */
    EnvoyBatch *batches[ENVOY_LOAD_PIPELINE_BATCHES];
    EnvoyBatch *batch; /* the one being parsed into */
    Pipeline pipe;
    Target data;
    Target rejected;
    int n_threads;
    /* the current source and its partial last line */
    char source[1024];
    int64_t line_no;
    StrBuf carry;        /* the partial last line of the previous feed, at most
                            ENVOY_MAX_LINE_BYTES + 1 bytes of it */
    size_t carry_length; /* the whole partial line's length, kept bytes or not */
    StrBuf sources;      /* "a.log, b.log.gz": the snapshot summary's tarn.sources */
    int32_t n_sources_left_out;
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
    arena_recycle(&target->fill_arena);
    ColVec *cols = arena_alloc_array(&target->fill_arena, (size_t)schema->n_fields, sizeof *cols);
    if (!cols) {
        return err_nomem(err, "batch");
    }
    for (int32_t i = 0; i < schema->n_fields; i++) {
        if (i < n_given) {
            cols[i] = given[i];
            continue;
        }
        rc = colvec_alloc(&target->fill_arena, ice_prim_to_col(schema->fields[i].type->prim),
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

/* ---- the pipeline ------------------------------------------------------------------------ */

static void *writer_main(void *arg)
{
    EnvoyLoader *loader = arg;
    Pipeline *pipe = &loader->pipe;
    pthread_mutex_lock(&pipe->lock);
    for (;;) {
        while (pipe->n_full == 0 && !pipe->is_closing) {
            pthread_cond_wait(&pipe->changed, &pipe->lock);
        }
        if (pipe->n_full == 0) {
            break; /* closing and drained */
        }
        EnvoyBatch *batch = pipe->full[pipe->full_head];
        pipe->full_head = (pipe->full_head + 1) % ENVOY_LOAD_PIPELINE_BATCHES;
        pipe->n_full--;
        bool is_write = pipe->rc == ERR_OK && !pipe->is_dropping;
        pthread_mutex_unlock(&pipe->lock);
        Err err;
        err_init(&err);
        ErrCode rc = ERR_OK;
        if (is_write) {
            rc = write_rows(loader, &loader->data, envoy_batch_columns(batch), ENVOY_N_COLS,
                            envoy_batch_n_rows(batch), &err);
        }
        envoy_batch_reset(batch);
        pthread_mutex_lock(&pipe->lock);
        if (rc != ERR_OK && pipe->rc == ERR_OK) {
            pipe->rc = rc;
            pipe->err = err;
        }
        pipe->free[pipe->n_free++] = batch;
        pthread_cond_broadcast(&pipe->changed);
    }
    pthread_mutex_unlock(&pipe->lock);
    return NULL;
}

static ErrCode pipeline_error(Pipeline *pipe, Err *err)
{
    pthread_mutex_lock(&pipe->lock);
    ErrCode rc = pipe->rc;
    if (rc != ERR_OK) {
        *err = pipe->err;
    }
    pthread_mutex_unlock(&pipe->lock);
    return rc;
}

/* Queue the batch being parsed (when it holds rows) and take a free one to parse into. */
static ErrCode flush_batch(EnvoyLoader *loader, Err *err)
{
    size_t n = envoy_batch_n_rows(loader->batch);
    if (n == 0) {
        return pipeline_error(&loader->pipe, err);
    }
    loader->stats.n_rows += (int64_t)n;
    Pipeline *pipe = &loader->pipe;
    pthread_mutex_lock(&pipe->lock);
    size_t tail = (pipe->full_head + pipe->n_full) % ENVOY_LOAD_PIPELINE_BATCHES;
    pipe->full[tail] = loader->batch;
    pipe->n_full++;
    pthread_cond_broadcast(&pipe->changed);
    while (pipe->n_free == 0) {
        pthread_cond_wait(&pipe->changed, &pipe->lock);
    }
    loader->batch = pipe->free[--pipe->n_free];
    ErrCode rc = pipe->rc;
    if (rc != ERR_OK) {
        *err = pipe->err;
    }
    pthread_mutex_unlock(&pipe->lock);
    return rc;
}

/* Stop the writer thread once it has written (or, dropping, discarded) every queued
 * batch. Afterwards the data target belongs to the calling thread again. */
static void pipeline_stop(Pipeline *pipe, bool is_dropping)
{
    if (!pipe->is_started) {
        return;
    }
    pthread_mutex_lock(&pipe->lock);
    pipe->is_closing = true;
    pipe->is_dropping = is_dropping;
    pthread_cond_broadcast(&pipe->changed);
    pthread_mutex_unlock(&pipe->lock);
    pthread_join(pipe->thread, NULL);
    pipe->is_started = false;
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

/* Keep bytes of a line that continues in the next feed. Past the parser's line limit
 * nothing more is kept: the line will be a reject however long it grows, and a file
 * without newlines must not take all memory. */
static ErrCode carry_append(EnvoyLoader *loader, const char *bytes, size_t n, Err *err)
{
    size_t room = ENVOY_MAX_LINE_BYTES + 1 - TN_MIN(loader->carry.len, ENVOY_MAX_LINE_BYTES + 1);
    loader->carry_length += n;
    return strbuf_append(&loader->carry, bytes, TN_MIN(n, room), err);
}

/* Parse (or reject) the carried line and forget it. */
static ErrCode take_carry(EnvoyLoader *loader, Err *err)
{
    ErrCode rc;
    if (loader->carry_length > loader->carry.len) {
        loader->line_no++;
        char reason[128];
        snprintf(reason, sizeof reason, "line of %zu bytes is longer than the %u-byte limit",
                 loader->carry_length, ENVOY_MAX_LINE_BYTES);
        rc = add_reject(loader, loader->carry.data, loader->carry.len, reason, err);
    } else {
        rc = take_line(loader, loader->carry.data, loader->carry.len, err);
    }
    strbuf_clear(&loader->carry);
    loader->carry_length = 0;
    return rc;
}

/* Remember a source for the snapshot summary (the first ENVOY_LOAD_SOURCES_BYTES of the
 * list; the rest are counted). */
static ErrCode note_source(EnvoyLoader *loader, const char *source, Err *err)
{
    size_t len = strlen(source);
    if (loader->sources.len + len + 2 > ENVOY_LOAD_SOURCES_BYTES) {
        loader->n_sources_left_out++;
        return ERR_OK;
    }
    ErrCode rc = loader->sources.len ? strbuf_append_str(&loader->sources, ", ", err) : ERR_OK;
    return rc == ERR_OK ? strbuf_append(&loader->sources, source, len, err) : rc;
}

ErrCode envoy_loader_feed(EnvoyLoader *loader, const char *source, const char *data, size_t len,
                          bool is_end, Err *err)
{
    if (strcmp(loader->source, source) != 0) {
        snprintf(loader->source, sizeof loader->source, "%s", source);
        loader->line_no = 0;
        strbuf_clear(&loader->carry);
        loader->carry_length = 0;
        ErrCode rc = note_source(loader, source, err);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    loader->stats.n_bytes += (int64_t)len;
    ErrCode rc = ERR_OK;
    size_t pos = 0;
    if (loader->carry_length > 0) {
        /* complete the partial line kept from the previous feed */
        const char *nl = memchr(data, '\n', len);
        size_t part = nl ? (size_t)(nl - data) : len;
        rc = carry_append(loader, data, part, err);
        if (rc != ERR_OK || (!nl && !is_end)) {
            return rc;
        }
        rc = take_carry(loader, err);
        pos = nl ? part + 1 : len;
    }
    while (rc == ERR_OK && pos < len) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', len - pos);
        if (!nl) {
            rc = is_end ? take_line(loader, line, len - pos, err)
                        : carry_append(loader, line, len - pos, err);
            break;
        }
        rc = take_line(loader, line, (size_t)(nl - line), err);
        pos += (size_t)(nl - line) + 1;
    }
    return rc;
}

void envoy_loader_stats(const EnvoyLoader *loader, EnvoyLoadStats *out)
{
    *out = loader->stats; /* n_rows counts batches queued, whether written yet or not */
    out->n_rows += (int64_t)envoy_batch_n_rows(loader->batch);
}

/* ---- lifecycle -------------------------------------------------------------------------- */

static ErrCode pipeline_start(EnvoyLoader *loader, Err *err)
{
    Pipeline *pipe = &loader->pipe;
    for (int i = 0; i < ENVOY_LOAD_PIPELINE_BATCHES; i++) {
        ErrCode rc = envoy_batch_new(loader->mem, ENVOY_LOAD_BATCH_ROWS, &loader->batches[i], err);
        if (rc != ERR_OK) {
            return rc;
        }
    }
    loader->batch = loader->batches[0];
    for (int i = 1; i < ENVOY_LOAD_PIPELINE_BATCHES; i++) {
        pipe->free[pipe->n_free++] = loader->batches[i];
    }
    /* the writer thread's state is complete before it starts: the data target's writer
     * exists (it creates no file until rows arrive) */
    ErrCode rc = ensure_writer(loader, &loader->data, err);
    if (rc != ERR_OK) {
        return rc;
    }
    if (pthread_mutex_init(&pipe->lock, NULL) != 0) {
        return err_set(err, ERR_INTERNAL, "could not create the loader's lock");
    }
    if (pthread_cond_init(&pipe->changed, NULL) != 0) {
        pthread_mutex_destroy(&pipe->lock);
        return err_set(err, ERR_INTERNAL, "could not create the loader's condition variable");
    }
    int error = pthread_create(&pipe->thread, NULL, writer_main, loader);
    if (error != 0) {
        pthread_cond_destroy(&pipe->changed);
        pthread_mutex_destroy(&pipe->lock);
        return err_errno(err, ERR_INTERNAL, error, "could not start the loader's writer thread");
    }
    pipe->is_started = true;
    pipe->has_sync = true;
    return ERR_OK;
}

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
    arena_init(&loader->data.fill_arena, mem, 16 * 1024);
    arena_init(&loader->rejected.fill_arena, mem, 16 * 1024);
    strbuf_init(&loader->carry, mem);
    strbuf_init(&loader->sources, mem);
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
        rc = pipeline_start(loader, err);
    }
    if (rc != ERR_OK) {
        envoy_loader_abort(loader);
        return rc;
    }
    *out = loader;
    return ERR_OK;
}

/* Free everything; the writer thread must have stopped. */
static void loader_free(EnvoyLoader *loader)
{
    ice_data_writer_abort(loader->data.writer);
    ice_data_writer_abort(loader->rejected.writer);
    ice_table_free(loader->data.table);
    ice_table_free(loader->rejected.table);
    for (int i = 0; i < ENVOY_LOAD_PIPELINE_BATCHES; i++) {
        envoy_batch_free(loader->batches[i]);
    }
    if (loader->pipe.has_sync) {
        pthread_cond_destroy(&loader->pipe.changed);
        pthread_mutex_destroy(&loader->pipe.lock);
    }
    strbuf_fini(&loader->carry);
    strbuf_fini(&loader->sources);
    arena_fini(&loader->reject_arena);
    arena_fini(&loader->data.fill_arena);
    arena_fini(&loader->rejected.fill_arena);
    arena_fini(&loader->arena);
    mem_free(loader->mem, loader);
}

void envoy_loader_abort(EnvoyLoader *loader)
{
    if (!loader) {
        return;
    }
    pipeline_stop(&loader->pipe, true);
    loader_free(loader);
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
        if (rc == ERR_OK && loader->sources.len > 0) {
            if (loader->n_sources_left_out > 0) {
                rc = strbuf_appendf(&loader->sources, err, " and %d more",
                                    loader->n_sources_left_out);
                loader->n_sources_left_out = 0;
            }
            if (rc == ERR_OK) {
                rc = ice_txn_set_summary(*txn, "tarn.sources", loader->sources.data, err);
            }
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
    if (loader->carry_length > 0) {
        rc = take_carry(loader, err);
    }
    if (rc == ERR_OK) {
        rc = flush_batch(loader, err);
    }
    /* the writer thread writes what is queued and stops; its first error, if any, wins */
    pipeline_stop(&loader->pipe, rc != ERR_OK);
    if (rc == ERR_OK && loader->pipe.rc != ERR_OK) {
        rc = loader->pipe.rc;
        *err = loader->pipe.err;
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
    loader_free(loader);
    return rc;
}
