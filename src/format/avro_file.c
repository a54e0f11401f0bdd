/* avro_file.c — Avro object container files: the reader and the writer (see avro.h for the
 * byte layout; spec section "Object Container Files").
 *
 * Reader. avro_reader_open checks the magic, reads the metadata map (blocks of key/value
 * pairs, copied NUL-terminated into the reader's arena), the sync marker, parses
 * avro.schema and picks the codec from avro.codec. avro_reader_next then walks blocks:
 *
 *   NEXT_BLOCK: at the end of the bytes -> done (*out = NULL). Else read the object count
 *               and byte size, check the size against the bytes left and the sync marker
 *               after the body against the header's; decompress the body into the reader's
 *               buffer (reused from block to block) unless the codec is null, in which case
 *               the decoder reads the caller's bytes in place.
 *   RECORDS:    decode one datum per call into the caller's arena; strings and bytes are
 *               copied into it when the block was decompressed (the buffer is overwritten by
 *               the next block), else they point into the caller's bytes.
 *   END_BLOCK:  after the block's last object no bytes may be left over; go to NEXT_BLOCK.
 *
 * The object count of a block is checked like an array count: at most one object per byte
 * of the body, or, for a schema whose datums can take no bytes, at most
 * AVRO_MAX_EMPTY_ITEMS; a block of no objects is skipped whatever its body. Errors name the
 * file, block number (from 1), the block's file offset, the record within the block and the
 * byte within the (decompressed) body; after one, the reader returns it again on every
 * call, since its position is no longer meaningful.
 *
 * Writer. avro_writer_open appends the header to the caller's StrBuf (magic, one metadata
 * block holding avro.schema, avro.codec and the caller's pairs, a sync marker of 16 random
 * bytes from getrandom). Datums are encoded into a block buffer; past
 * AVRO_BLOCK_TARGET_BYTES the block is compressed and appended (count, size, body, sync).
 * A datum that does not match the schema is cut from the block buffer again, so the writer
 * stays usable. Memory: the reader's and writer's own state is charged to the Mem given at
 * open; jansson's and the codec libraries' internal allocations are theirs.
 */
#include <stdio.h>
#include <string.h>

#include "base/hash.h"
#include "format/avro.h"
#include "format/avro_int.h"

static const uint8_t avro_magic[4] = {'O', 'b', 'j', 1};

const char *avro_codec_name(AvroCodec codec)
{
    switch (codec) {
    case AVRO_CODEC_NULL:
        return "null";
    case AVRO_CODEC_DEFLATE:
        return "deflate";
    case AVRO_CODEC_SNAPPY:
        return "snappy";
    case AVRO_CODEC_ZSTD:
        return "zstandard";
    }
    return "unknown";
}

/* ---- reader ------------------------------------------------------------------------- */

typedef struct AvroMetaPair {
    const char *key;
    const char *value; /* NUL-terminated copy */
    size_t value_len;
} AvroMetaPair;

struct AvroReader {
    Mem *mem;
    Arena arena; /* schema, metadata, source name */
    const uint8_t *data;
    size_t len;
    const char *source;
    const AvroSchema *schema;
    AvroMetaPair *meta;
    int32_t n_meta;
    AvroCodec codec;
    uint8_t sync[AVRO_SYNC_BYTES];
    bool is_empty_ok;     /* datums of the schema can take no bytes */
    size_t pos;           /* file offset of the next block */
    int64_t block_no;     /* number of the current block, from 1 */
    size_t block_offset;  /* its file offset */
    int64_t records_left; /* in the current block */
    int64_t record_no;    /* of the next record within the block, from 0 */
    AvroDecoder dec;      /* over the current block's body */
    uint8_t *buf;         /* decompressed body, from mem */
    size_t buf_cap;
    bool is_failed;
    Err failure; /* what stopped the reader */
};

/* Read a varint at reader->data[*pos] during the header parse. */
static ErrCode header_long(const AvroReader *r, size_t *pos, const char *what, int64_t *out,
                           Err *err)
{
    size_t used;
    if (!avro_decode_long(r->data + *pos, r->len - *pos, out, &used))
        return err_set(err, ERR_CORRUPT, "%s at offset %zu is not a valid varint or is cut short",
                       what, *pos);
    *pos += used;
    return ERR_OK;
}

/* A length-prefixed byte string at *pos in the header, copied NUL-terminated. */
static ErrCode header_bytes(AvroReader *r, size_t *pos, const char *what, const char **out,
                            size_t *out_len, Err *err)
{
    int64_t n;
    size_t at = *pos;
    ErrCode rc = header_long(r, pos, what, &n, err);
    if (rc != ERR_OK)
        return rc;
    if (n < 0 || (uint64_t)n > r->len - *pos)
        return err_set(err, ERR_CORRUPT, "%s at offset %zu has length %lld but %zu bytes are left",
                       what, at, (long long)n, r->len - *pos);
    /* not arena_strndup: it stops at a NUL, and metadata values are bytes that may hold some */
    char *copy = arena_alloc(&r->arena, (size_t)n + 1);
    if (!copy)
        return arena_error(&r->arena, err);
    memcpy(copy, r->data + *pos, (size_t)n);
    copy[n] = '\0';
    *out = copy;
    *out_len = (size_t)n;
    *pos += (size_t)n;
    return ERR_OK;
}

static ErrCode read_meta(AvroReader *r, size_t *pos, Err *err)
{
    int32_t cap = 0;
    for (;;) {
        int64_t count;
        ErrCode rc = header_long(r, pos, "metadata block count", &count, err);
        if (rc != ERR_OK)
            return rc;
        if (count == 0)
            return ERR_OK;
        if (count < 0) {
            int64_t byte_size;
            count = count == INT64_MIN ? INT64_MAX : -count;
            rc = header_long(r, pos, "metadata block size", &byte_size, err);
            if (rc != ERR_OK)
                return rc;
        }
        /* each pair takes two bytes at least (two lengths) */
        if ((uint64_t)count > (r->len - *pos) / 2 || count > INT32_MAX - r->n_meta)
            return err_set(err, ERR_CORRUPT,
                           "metadata block of %lld pairs at offset %zu exceeds "
                           "the %zu bytes left",
                           (long long)count, *pos, r->len - *pos);
        if (r->n_meta + count > cap) {
            int32_t new_cap = (int32_t)TN_MIN((int64_t)INT32_MAX,
                                              TN_MAX(r->n_meta + count, (int64_t)cap * 2));
            AvroMetaPair *p = arena_alloc_array(&r->arena, (size_t)new_cap, sizeof *p);
            if (!p)
                return arena_error(&r->arena, err);
            if (r->n_meta)
                memcpy(p, r->meta, (size_t)r->n_meta * sizeof *p);
            r->meta = p;
            cap = new_cap;
        }
        for (int64_t i = 0; i < count; i++) {
            AvroMetaPair *m = &r->meta[r->n_meta];
            size_t key_len;
            rc = header_bytes(r, pos, "metadata key", &m->key, &key_len, err);
            if (rc == ERR_OK)
                rc = header_bytes(r, pos, "metadata value", &m->value, &m->value_len, err);
            if (rc != ERR_OK)
                return rc;
            r->n_meta++;
        }
    }
}

static ErrCode pick_codec(AvroReader *r, Err *err)
{
    size_t len;
    const char *name = avro_reader_meta(r, "avro.codec", &len);
    static const AvroCodec codecs[] = {AVRO_CODEC_NULL, AVRO_CODEC_DEFLATE, AVRO_CODEC_SNAPPY,
                                       AVRO_CODEC_ZSTD};
    r->codec = AVRO_CODEC_NULL;
    if (!name)
        return ERR_OK;
    for (size_t i = 0; i < TN_ARRAY_LEN(codecs); i++) {
        if (strlen(name) == len && strcmp(name, avro_codec_name(codecs[i])) == 0) {
            r->codec = codecs[i];
            return ERR_OK;
        }
    }
    return err_set(err, ERR_UNSUPPORTED,
                   "codec \"%.64s\" is not supported (tarn reads null, deflate, snappy and "
                   "zstandard)",
                   name);
}

static ErrCode read_header(AvroReader *r, Err *err)
{
    if (r->len < sizeof avro_magic || memcmp(r->data, avro_magic, sizeof avro_magic) != 0)
        return err_set(err, ERR_CORRUPT, "not an avro object container file (bad magic bytes)");
    size_t pos = sizeof avro_magic;
    ErrCode rc = read_meta(r, &pos, err);
    if (rc != ERR_OK)
        return rc;
    if (r->len - pos < AVRO_SYNC_BYTES)
        return err_set(err, ERR_CORRUPT, "header is cut short before its sync marker at offset %zu",
                       pos);
    memcpy(r->sync, r->data + pos, AVRO_SYNC_BYTES);
    r->pos = pos + AVRO_SYNC_BYTES;
    size_t schema_len;
    const char *schema_json = avro_reader_meta(r, "avro.schema", &schema_len);
    if (!schema_json)
        return err_set(err, ERR_CORRUPT, "header has no avro.schema");
    rc = avro_schema_parse(&r->arena, schema_json, schema_len, &r->schema, err);
    if (rc == ERR_INVALID) {
        /* a schema that does not parse is damage to the file, not a caller's mistake */
        char msg[ERR_MSG_CAP];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return err_set(err, ERR_CORRUPT, "%s", msg);
    }
    if (rc != ERR_OK)
        return rc;
    r->is_empty_ok = avro_schema_can_be_empty(r->schema);
    return pick_codec(r, err);
}

ErrCode avro_reader_open(Mem *mem, const uint8_t *data, size_t len, const char *source,
                         AvroReader **out, Err *err)
{
    AvroReader *r = mem_calloc(mem, 1, sizeof *r, err);
    if (!r)
        return ERR_NOMEM;
    r->mem = mem;
    arena_init(&r->arena, mem, 16 * 1024);
    r->data = data;
    r->len = data ? len : 0;
    r->source = arena_strdup(&r->arena, source ? source : "(memory)");
    ErrCode rc = r->source ? read_header(r, err) : arena_error(&r->arena, err);
    if (rc != ERR_OK) {
        err_prefix(err, "avro file \"%s\"", source ? source : "(memory)");
        avro_reader_close(r);
        return rc;
    }
    *out = r;
    return ERR_OK;
}

const AvroSchema *avro_reader_schema(const AvroReader *reader)
{
    return reader->schema;
}

const char *avro_reader_meta(const AvroReader *reader, const char *key, size_t *len)
{
    /* the last pair wins, as in a map built from the header in order */
    for (int32_t i = reader->n_meta - 1; i >= 0; i--) {
        if (strcmp(reader->meta[i].key, key) == 0) {
            if (len)
                *len = reader->meta[i].value_len;
            return reader->meta[i].value;
        }
    }
    return NULL;
}

int32_t avro_reader_meta_count(const AvroReader *reader)
{
    return reader->n_meta;
}

const char *avro_reader_meta_key(const AvroReader *reader, int32_t idx)
{
    return idx >= 0 && idx < reader->n_meta ? reader->meta[idx].key : NULL;
}

/* Read the block header, body and sync marker at reader->pos and set the decoder on the
 * (decompressed) body. */
static ErrCode start_block(AvroReader *r, Err *err)
{
    r->block_no++;
    r->block_offset = r->pos;
    size_t pos = r->pos;
    int64_t count, size;
    ErrCode rc = header_long(r, &pos, "object count", &count, err);
    if (rc == ERR_OK)
        rc = header_long(r, &pos, "block size", &size, err);
    if (rc != ERR_OK)
        return rc;
    if (count < 0 || size < 0)
        return err_set(err, ERR_CORRUPT, "object count %lld or size %lld is negative",
                       (long long)count, (long long)size);
    if ((uint64_t)size > r->len - pos || r->len - pos - (size_t)size < AVRO_SYNC_BYTES)
        return err_set(err, ERR_CORRUPT,
                       "block of %lld bytes and its sync marker exceed the %zu "
                       "bytes left",
                       (long long)size, r->len - pos);
    const uint8_t *body = r->data + pos;
    if (memcmp(body + size, r->sync, AVRO_SYNC_BYTES) != 0)
        return err_set(err, ERR_CORRUPT, "sync marker at offset %zu differs from the header's",
                       pos + (size_t)size);
    r->pos = pos + (size_t)size + AVRO_SYNC_BYTES;
    size_t body_len = (size_t)size;
    bool is_copying = false;
    if (count == 0) {
        /* no objects: whatever the body holds (an empty compressed stream) is not read */
        body += body_len;
        body_len = 0;
    } else if (r->codec != AVRO_CODEC_NULL) {
        rc = avro_block_decompress(r->mem, r->codec, body, (size_t)size, &r->buf, &r->buf_cap,
                                   &body_len, err);
        if (rc != ERR_OK)
            return rc;
        body = r->buf;
        is_copying = true;
    }
    r->dec = (AvroDecoder){.start = body,
                           .p = body,
                           .end = body + body_len,
                           .is_copying = is_copying,
                           .empty_budget = AVRO_MAX_EMPTY_ITEMS};
    if (r->is_empty_ok ? (uint64_t)count > AVRO_MAX_EMPTY_ITEMS : (uint64_t)count > body_len)
        return err_set(err, ERR_CORRUPT, "%lld objects cannot fit in %zu bytes", (long long)count,
                       body_len);
    if (r->is_empty_ok)
        r->dec.empty_budget -= (size_t)count;
    r->records_left = count;
    r->record_no = 0;
    return ERR_OK;
}

static ErrCode reader_fail(AvroReader *r, ErrCode rc, Err *err)
{
    if (r->records_left > 0 || r->record_no > 0)
        err_prefix(err, "record %lld", (long long)r->record_no);
    err_prefix(err, "avro file \"%s\": block %lld at offset %zu", r->source, (long long)r->block_no,
               r->block_offset);
    r->is_failed = true;
    r->failure = *err;
    return rc;
}

ErrCode avro_reader_next(AvroReader *reader, Arena *arena, const AvroValue **out, Err *err)
{
    AvroReader *r = reader;
    if (r->is_failed) {
        *err = r->failure;
        return r->failure.code;
    }
    while (r->records_left == 0) {
        if (r->block_no > 0 && r->dec.p != r->dec.end) {
            ErrCode rc = err_set(err, ERR_CORRUPT,
                                 "%zu bytes are left after the block's %lld "
                                 "objects",
                                 (size_t)(r->dec.end - r->dec.p), (long long)r->record_no);
            r->records_left = 0;
            r->record_no = 0;
            return reader_fail(r, rc, err);
        }
        if (r->pos == r->len) {
            *out = NULL;
            return ERR_OK;
        }
        ErrCode rc = start_block(r, err);
        if (rc != ERR_OK) {
            r->records_left = 0;
            r->record_no = 0;
            return reader_fail(r, rc, err);
        }
    }
    AvroValue *value = arena_alloc(arena, sizeof *value);
    if (!value)
        return reader_fail(r, arena_error(arena, err), err);
    r->dec.arena = arena;
    ErrCode rc = avro_decode_value(&r->dec, r->schema, value, err);
    if (rc != ERR_OK)
        return reader_fail(r, rc, err);
    r->records_left--;
    r->record_no++;
    *out = value;
    return ERR_OK;
}

void avro_reader_close(AvroReader *reader)
{
    if (!reader)
        return;
    mem_free(reader->mem, reader->buf);
    arena_fini(&reader->arena);
    mem_free(reader->mem, reader);
}

/* ---- writer ------------------------------------------------------------------------- */

struct AvroWriter {
    Mem *mem;
    StrBuf *out;
    size_t out_start; /* out->len at open: abort cuts back to it */
    const AvroSchema *schema;
    AvroCodec codec;
    uint8_t sync[AVRO_SYNC_BYTES];
    StrBuf block;  /* encoded datums of the current block */
    StrBuf packed; /* the block compressed */
    int64_t block_count;
};

static ErrCode put_bytes(StrBuf *out, const void *bytes, size_t len, Err *err)
{
    ErrCode rc = avro_encode_long(out, (int64_t)len, err);
    return rc == ERR_OK ? strbuf_append(out, bytes, len, err) : rc;
}

static ErrCode write_header(AvroWriter *w, const AvroMeta *meta, int32_t n_meta, Err *err)
{
    StrBuf json;
    strbuf_init(&json, w->mem);
    ErrCode rc = avro_schema_to_json(w->schema, &json, err);
    if (rc == ERR_OK)
        rc = strbuf_append(w->out, avro_magic, sizeof avro_magic, err);
    if (rc == ERR_OK)
        rc = avro_encode_long(w->out, (int64_t)n_meta + 2, err);
    if (rc == ERR_OK)
        rc = put_bytes(w->out, "avro.schema", 11, err);
    if (rc == ERR_OK)
        rc = put_bytes(w->out, json.data, json.len, err);
    if (rc == ERR_OK)
        rc = put_bytes(w->out, "avro.codec", 10, err);
    if (rc == ERR_OK)
        rc = put_bytes(w->out, avro_codec_name(w->codec), strlen(avro_codec_name(w->codec)), err);
    for (int32_t i = 0; rc == ERR_OK && i < n_meta; i++) {
        rc = put_bytes(w->out, meta[i].key, strlen(meta[i].key), err);
        if (rc == ERR_OK)
            rc = put_bytes(w->out, meta[i].value, strlen(meta[i].value), err);
    }
    if (rc == ERR_OK)
        rc = avro_encode_long(w->out, 0, err);
    if (rc == ERR_OK)
        rc = strbuf_append(w->out, w->sync, AVRO_SYNC_BYTES, err);
    strbuf_fini(&json);
    return rc;
}

static void cut_back(StrBuf *sb, size_t len)
{
    sb->len = len;
    if (sb->data)
        sb->data[len] = '\0';
}

ErrCode avro_writer_open(Mem *mem, StrBuf *out, const AvroSchema *schema, AvroCodec codec,
                         const AvroMeta *meta, int32_t n_meta, AvroWriter **out_writer, Err *err)
{
    for (int32_t i = 0; i < n_meta; i++) {
        if (!meta[i].key || !meta[i].value)
            return err_set(err, ERR_INVALID, "avro metadata pair %d has a NULL key or value",
                           (int)i);
        if (strncmp(meta[i].key, "avro.", 5) == 0)
            return err_set(err, ERR_INVALID,
                           "avro metadata key \"%s\" is reserved (keys starting with \"avro.\")",
                           meta[i].key);
    }
    if (codec != AVRO_CODEC_NULL && codec != AVRO_CODEC_DEFLATE && codec != AVRO_CODEC_SNAPPY &&
        codec != AVRO_CODEC_ZSTD)
        return err_set(err, ERR_INVALID, "unknown avro codec %d", (int)codec);
    AvroWriter *w = mem_calloc(mem, 1, sizeof *w, err);
    if (!w)
        return ERR_NOMEM;
    w->mem = mem;
    w->out = out;
    w->out_start = out->len;
    w->schema = schema;
    w->codec = codec;
    strbuf_init(&w->block, mem);
    strbuf_init(&w->packed, mem);
    uint64_t a = hash_seed_random(), b = hash_seed_random();
    store_u64le(w->sync, a);
    store_u64le(w->sync + 8, b);
    ErrCode rc = write_header(w, meta, n_meta, err);
    if (rc != ERR_OK) {
        avro_writer_abort(w);
        return rc;
    }
    *out_writer = w;
    return ERR_OK;
}

static ErrCode flush_block(AvroWriter *w, Err *err)
{
    if (w->block_count == 0)
        return ERR_OK;
    const StrBuf *body = &w->block;
    ErrCode rc = ERR_OK;
    if (w->codec != AVRO_CODEC_NULL) {
        strbuf_clear(&w->packed);
        rc = avro_block_compress(w->codec, (const uint8_t *)w->block.data, w->block.len, &w->packed,
                                 err);
        body = &w->packed;
    }
    size_t out_len = w->out->len;
    if (rc == ERR_OK)
        rc = avro_encode_long(w->out, w->block_count, err);
    if (rc == ERR_OK)
        rc = put_bytes(w->out, body->data, body->len, err);
    if (rc == ERR_OK)
        rc = strbuf_append(w->out, w->sync, AVRO_SYNC_BYTES, err);
    if (rc != ERR_OK) {
        cut_back(w->out, out_len);
        return rc;
    }
    strbuf_clear(&w->block);
    w->block_count = 0;
    return ERR_OK;
}

ErrCode avro_writer_append(AvroWriter *writer, const AvroValue *value, Err *err)
{
    size_t saved = writer->block.len;
    ErrCode rc = avro_encode_datum(&writer->block, writer->schema, value, err);
    if (rc != ERR_OK) {
        cut_back(&writer->block, saved);
        return rc;
    }
    writer->block_count++;
    if (writer->block.len >= AVRO_BLOCK_TARGET_BYTES)
        return flush_block(writer, err);
    return ERR_OK;
}

ErrCode avro_writer_finish(AvroWriter *writer, Err *err)
{
    ErrCode rc = flush_block(writer, err);
    if (rc != ERR_OK) {
        avro_writer_abort(writer);
        return rc;
    }
    strbuf_fini(&writer->block);
    strbuf_fini(&writer->packed);
    mem_free(writer->mem, writer);
    return ERR_OK;
}

void avro_writer_abort(AvroWriter *writer)
{
    if (!writer)
        return;
    cut_back(writer->out, writer->out_start);
    strbuf_fini(&writer->block);
    strbuf_fini(&writer->packed);
    mem_free(writer->mem, writer);
}
