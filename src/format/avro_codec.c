/* avro_codec.c — one Avro datum to and from AvroValue (see avro.h; spec section "Binary
 * Encoding"), and record field lookup.
 *
 * Encoding by kind:
 *
 *   | kind           | bytes                                                          |
 *   |----------------|----------------------------------------------------------------|
 *   | null           | none                                                           |
 *   | boolean        | one byte, 0 or 1                                               |
 *   | int, long      | zigzag varint ((n << 1) ^ (n >> 63)), 7 bits a byte, low first |
 *   | float, double  | 4 / 8 bytes IEEE 754 little-endian                             |
 *   | bytes, string  | long length, then the bytes                                    |
 *   | fixed          | exactly `size` bytes                                           |
 *   | enum           | int symbol index                                               |
 *   | record         | the fields in schema order, nothing between                    |
 *   | array, map     | blocks: long count, [long byte size when count < 0, count      |
 *   |                | negated], count items (map: string key then value); 0 ends     |
 *   | union          | long branch index, then the branch's value                     |
 *
 * Decoding checks every varint (at most 10 bytes and 64 bits; ints within 32 bits), every
 * length against the bytes left, every array/map block count against the bytes left
 * (each item takes a byte at least) or, for items that can take no bytes, against the
 * decoder's zero-byte budget; union and enum indexes against the schema. Arrays grow by
 * doubling in the arena across blocks, so many tiny blocks stay linear. Nesting is capped
 * at AVRO_MAX_DATUM_DEPTH, as recursive schemas let the data nest without bound.
 *
 * Encoding writes arrays and maps as one block (count, items, 0) like Java's encoder, and
 * keeps a stack of field names so a mismatch names its path ("data_file.partition.day").
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format/avro.h"
#include "format/avro_int.h"

/* ---- varints ------------------------------------------------------------------------ */

ErrCode avro_encode_long(StrBuf *out, int64_t v, Err *err)
{
    uint64_t zz = ((uint64_t)v << 1) ^ (0 - ((uint64_t)v >> 63));
    uint8_t buf[10];
    size_t n = 0;
    while (zz >= 0x80) {
        buf[n++] = (uint8_t)(zz | 0x80);
        zz >>= 7;
    }
    buf[n++] = (uint8_t)zz;
    return strbuf_append(out, buf, n, err);
}

bool avro_decode_long(const uint8_t *data, size_t len, int64_t *out, size_t *used)
{
    uint64_t zz = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i >= len)
            return false;
        uint8_t b = data[i];
        /* the tenth byte carries bit 63 only */
        if (i == 9 && b > 1)
            return false;
        zz |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *out = (int64_t)((zz >> 1) ^ (0 - (zz & 1)));
            *used = i + 1;
            return true;
        }
    }
    return false;
}

/* ---- decoding ----------------------------------------------------------------------- */

static ErrCode corrupt(const AvroDecoder *dec, Err *err, const char *fmt, ...) TN_PRINTF(3, 4);

static ErrCode corrupt(const AvroDecoder *dec, Err *err, const char *fmt, ...)
{
    char what[ERR_MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return err_set(err, ERR_CORRUPT, "at byte %zu: %s", (size_t)(dec->p - dec->start), what);
}

static size_t left(const AvroDecoder *dec)
{
    return (size_t)(dec->end - dec->p);
}

static ErrCode read_long(AvroDecoder *dec, int64_t *out, Err *err)
{
    size_t used;
    if (!avro_decode_long(dec->p, left(dec), out, &used)) {
        /* fewer than 10 bytes left, all with the continuation bit: cut short */
        bool is_truncated = left(dec) < 10;
        for (size_t i = 0; is_truncated && i < left(dec); i++)
            is_truncated = (dec->p[i] & 0x80) != 0;
        if (is_truncated)
            return corrupt(dec, err, "varint runs past the end of the data");
        return corrupt(dec, err, "varint is longer than 10 bytes or 64 bits");
    }
    dec->p += used;
    return ERR_OK;
}

/* A length or count that must be in [0, bytes left]. */
static ErrCode read_len(AvroDecoder *dec, const char *what, size_t *out, Err *err)
{
    int64_t v;
    const uint8_t *at = dec->p;
    ErrCode rc = read_long(dec, &v, err);
    if (rc != ERR_OK)
        return rc;
    size_t n_left = left(dec);
    if (v >= 0 && (uint64_t)v <= n_left) {
        *out = (size_t)v;
        return ERR_OK;
    }
    dec->p = at; /* the message points at the length, not past it */
    if (v < 0)
        return corrupt(dec, err, "%s length %lld is negative", what, (long long)v);
    return corrupt(dec, err, "%s length %lld exceeds the %zu bytes left", what, (long long)v,
                   n_left);
}

static ErrCode read_bytes(AvroDecoder *dec, size_t len, AvroValue *out, Err *err)
{
    if (len > left(dec))
        return corrupt(dec, err, "%zu bytes needed, %zu left", len, left(dec));
    out->bytes.len = len;
    out->bytes.ptr = dec->p;
    if (dec->is_copying && len > 0) {
        out->bytes.ptr = arena_memdup(dec->arena, dec->p, len);
        if (!out->bytes.ptr)
            return arena_error(dec->arena, err);
    }
    dec->p += len;
    return ERR_OK;
}

static bool can_be_empty(const AvroSchema *s, int depth)
{
    if (depth > AVRO_MAX_SCHEMA_DEPTH)
        return false; /* a record holding itself with no union between: no finite value */
    switch (s->kind) {
    case AVRO_NULL:
        return true;
    case AVRO_FIXED:
        return s->fixed_size == 0;
    case AVRO_RECORD:
        for (int32_t i = 0; i < s->n_fields; i++) {
            if (!can_be_empty(s->fields[i].schema, depth + 1))
                return false;
        }
        return true;
    case AVRO_BOOLEAN:
    case AVRO_INT:
    case AVRO_LONG:
    case AVRO_FLOAT:
    case AVRO_DOUBLE:
    case AVRO_BYTES:
    case AVRO_STRING:
    case AVRO_ENUM:
    case AVRO_ARRAY:
    case AVRO_MAP:
    case AVRO_UNION:
        return false;
    }
    return false;
}

bool avro_schema_can_be_empty(const AvroSchema *schema)
{
    return can_be_empty(schema, 0);
}

/* The next block count of an array or map: 0 at the end; a negative count is followed by
 * the block's byte size, which must fit in what is left. */
static ErrCode read_block_count(AvroDecoder *dec, size_t *out, Err *err)
{
    int64_t count;
    ErrCode rc = read_long(dec, &count, err);
    if (rc != ERR_OK)
        return rc;
    if (count < 0) {
        if (count == INT64_MIN)
            return corrupt(dec, err, "block count %lld is out of range", (long long)count);
        count = -count;
        size_t byte_size;
        rc = read_len(dec, "block byte", &byte_size, err);
        if (rc != ERR_OK)
            return rc;
    }
    *out = (size_t)count;
    return ERR_OK;
}

/* Check a block of `count` items against the bytes left or the zero-byte budget. */
static ErrCode check_count(AvroDecoder *dec, size_t count, bool is_empty_ok, Err *err)
{
    if (!is_empty_ok) {
        if (count > left(dec))
            return corrupt(dec, err, "block of %zu items exceeds the %zu bytes left", count,
                           left(dec));
        return ERR_OK;
    }
    if (count > dec->empty_budget)
        return corrupt(dec, err, "block of %zu items that take no bytes is over the limit of %d",
                       count, AVRO_MAX_EMPTY_ITEMS);
    dec->empty_budget -= count;
    return ERR_OK;
}

/* Make room for `more` items of `size` bytes after `n` in *items (capacity *cap). */
static ErrCode grow(AvroDecoder *dec, void **items, size_t *cap, size_t n, size_t more, size_t size,
                    Err *err)
{
    if (n + more <= *cap)
        return ERR_OK;
    size_t new_cap = TN_MAX(n + more, *cap * 2);
    void *p = arena_alloc_array(dec->arena, new_cap, size);
    if (!p)
        return arena_error(dec->arena, err);
    if (n)
        memcpy(p, *items, n * size);
    *items = p;
    *cap = new_cap;
    return ERR_OK;
}

static ErrCode decode_array(AvroDecoder *dec, const AvroSchema *s, AvroValue *out, Err *err)
{
    bool is_empty_ok = avro_schema_can_be_empty(s->items);
    void *items = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        size_t count;
        ErrCode rc = read_block_count(dec, &count, err);
        if (rc == ERR_OK && count > 0)
            rc = check_count(dec, count, is_empty_ok, err);
        if (rc == ERR_OK)
            rc = grow(dec, &items, &cap, n, count, sizeof(AvroValue), err);
        if (rc != ERR_OK)
            return rc;
        if (count == 0)
            break;
        AvroValue *values = items;
        for (size_t i = 0; i < count; i++) {
            rc = avro_decode_value(dec, s->items, &values[n++], err);
            if (rc != ERR_OK)
                return rc;
        }
    }
    out->array.items = items;
    out->array.n = n;
    return ERR_OK;
}

static ErrCode decode_map(AvroDecoder *dec, const AvroSchema *s, AvroValue *out, Err *err)
{
    void *entries = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        size_t count;
        ErrCode rc = read_block_count(dec, &count, err);
        /* every entry has a key length, so never less than a byte */
        if (rc == ERR_OK && count > 0)
            rc = check_count(dec, count, false, err);
        if (rc == ERR_OK)
            rc = grow(dec, &entries, &cap, n, count, sizeof(AvroMapEntry), err);
        if (rc != ERR_OK)
            return rc;
        if (count == 0)
            break;
        AvroMapEntry *e = entries;
        for (size_t i = 0; i < count; i++, n++) {
            size_t key_len;
            AvroValue key;
            rc = read_len(dec, "map key", &key_len, err);
            if (rc == ERR_OK)
                rc = read_bytes(dec, key_len, &key, err);
            if (rc == ERR_OK)
                rc = avro_decode_value(dec, s->values, &e[n].value, err);
            if (rc != ERR_OK)
                return rc;
            e[n].key = (const char *)key.bytes.ptr;
            e[n].key_len = key.bytes.len;
        }
    }
    out->map.entries = entries;
    out->map.n = n;
    return ERR_OK;
}

static ErrCode decode_record(AvroDecoder *dec, const AvroSchema *s, AvroValue *out, Err *err)
{
    AvroValue *fields = NULL;
    if (s->n_fields > 0) {
        fields = arena_alloc_array(dec->arena, (size_t)s->n_fields, sizeof *fields);
        if (!fields)
            return arena_error(dec->arena, err);
    }
    for (int32_t i = 0; i < s->n_fields; i++) {
        ErrCode rc = avro_decode_value(dec, s->fields[i].schema, &fields[i], err);
        if (rc != ERR_OK)
            return rc;
    }
    out->record.fields = fields;
    out->record.n = s->n_fields;
    return ERR_OK;
}

static ErrCode decode_scalar(AvroDecoder *dec, const AvroSchema *s, AvroValue *out, Err *err)
{
    int64_t v;
    size_t len;
    ErrCode rc;
    switch (s->kind) {
    case AVRO_BOOLEAN:
        if (left(dec) < 1)
            return corrupt(dec, err, "boolean runs past the end of the data");
        if (*dec->p > 1)
            return corrupt(dec, err, "boolean byte is %u, not 0 or 1", *dec->p);
        out->boolean = *dec->p++ == 1;
        return ERR_OK;
    case AVRO_INT:
        rc = read_long(dec, &v, err);
        if (rc == ERR_OK && (v < INT32_MIN || v > INT32_MAX))
            rc = corrupt(dec, err, "int value %lld is out of the 32-bit range", (long long)v);
        out->l = v;
        return rc;
    case AVRO_LONG:
        return read_long(dec, &out->l, err);
    case AVRO_FLOAT: {
        if (left(dec) < 4)
            return corrupt(dec, err, "float runs past the end of the data");
        uint32_t u32 = load_u32le(dec->p);
        memcpy(&out->f, &u32, 4);
        dec->p += 4;
        return ERR_OK;
    }
    case AVRO_DOUBLE: {
        if (left(dec) < 8)
            return corrupt(dec, err, "double runs past the end of the data");
        uint64_t u64 = load_u64le(dec->p);
        memcpy(&out->d, &u64, 8);
        dec->p += 8;
        return ERR_OK;
    }
    case AVRO_BYTES:
    case AVRO_STRING:
        rc = read_len(dec, avro_kind_name(s->kind), &len, err);
        return rc == ERR_OK ? read_bytes(dec, len, out, err) : rc;
    case AVRO_FIXED:
        if (s->fixed_size < 0)
            return corrupt(dec, err, "fixed size %d is negative", (int)s->fixed_size);
        return read_bytes(dec, (size_t)s->fixed_size, out, err);
    case AVRO_ENUM:
        rc = read_long(dec, &v, err);
        if (rc == ERR_OK && (v < 0 || v >= s->n_symbols))
            rc = corrupt(dec, err, "enum index %lld is not below the %d symbols of \"%s\"",
                         (long long)v, (int)s->n_symbols, s->name ? s->name : "?");
        out->l = v;
        return rc;
    case AVRO_NULL:
    case AVRO_RECORD:
    case AVRO_ARRAY:
    case AVRO_MAP:
    case AVRO_UNION:
        break;
    }
    return ERR_OK;
}

ErrCode avro_decode_value(AvroDecoder *dec, const AvroSchema *s, AvroValue *out, Err *err)
{
    if (dec->depth >= AVRO_MAX_DATUM_DEPTH)
        return corrupt(dec, err, "values nest deeper than %d levels", AVRO_MAX_DATUM_DEPTH);
    memset(out, 0, sizeof *out);
    out->kind = s->kind;
    out->schema = s;
    ErrCode rc = ERR_OK;
    dec->depth++;
    switch (s->kind) {
    case AVRO_NULL:
        break;
    case AVRO_RECORD:
        rc = decode_record(dec, s, out, err);
        break;
    case AVRO_ARRAY:
        rc = decode_array(dec, s, out, err);
        break;
    case AVRO_MAP:
        rc = decode_map(dec, s, out, err);
        break;
    case AVRO_UNION: {
        int64_t idx;
        rc = read_long(dec, &idx, err);
        if (rc == ERR_OK && (idx < 0 || idx >= s->n_branches))
            rc = corrupt(dec, err, "union branch %lld is not below the %d branches", (long long)idx,
                         (int)s->n_branches);
        if (rc == ERR_OK)
            rc = avro_decode_value(dec, s->branches[idx], out, err);
        break;
    }
    case AVRO_BOOLEAN:
    case AVRO_INT:
    case AVRO_LONG:
    case AVRO_FLOAT:
    case AVRO_DOUBLE:
    case AVRO_BYTES:
    case AVRO_STRING:
    case AVRO_FIXED:
    case AVRO_ENUM:
        rc = decode_scalar(dec, s, out, err);
        break;
    }
    dec->depth--;
    return rc;
}

ErrCode avro_decode_datum(Arena *arena, const AvroSchema *schema, const uint8_t *data, size_t len,
                          AvroValue *out, size_t *used, Err *err)
{
    AvroDecoder dec = {.arena = arena,
                       .start = data,
                       .p = data,
                       .end = data + len,
                       .empty_budget = AVRO_MAX_EMPTY_ITEMS};
    AvroValue value;
    ErrCode rc = avro_decode_value(&dec, schema, &value, err);
    if (rc != ERR_OK)
        return rc;
    *out = value;
    *used = (size_t)(dec.p - data);
    return ERR_OK;
}

/* ---- encoding ----------------------------------------------------------------------- */

typedef struct AvroEncoder {
    StrBuf *out;
    const char *path[AVRO_MAX_DATUM_DEPTH + 1]; /* field names, "[]" and "{}" for items */
    int depth;
    Err *err;
} AvroEncoder;

static ErrCode mismatch(const AvroEncoder *enc, const char *fmt, ...) TN_PRINTF(2, 3);

static ErrCode mismatch(const AvroEncoder *enc, const char *fmt, ...)
{
    char path[256] = "";
    size_t pos = 0;
    for (int i = 0; i < enc->depth && pos < sizeof path - 1; i++) {
        const char *seg = enc->path[i];
        bool is_glued = pos == 0 || seg[0] == '[' || seg[0] == '{' || seg[0] == '\0';
        int n = snprintf(path + pos, sizeof path - pos, "%s%s", is_glued ? "" : ".", seg);
        if (n < 0)
            break;
        pos = TN_MIN(pos + (size_t)n, sizeof path - 1);
    }
    char what[ERR_MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return err_set(enc->err, ERR_INVALID, "avro value at %s: %s", pos ? path : "(root)", what);
}

/* Whether a value of kind `v` can be written where the schema says `s` (see avro.h). */
static bool accepts(AvroKind s, AvroKind v)
{
    if (s == v)
        return true;
    return (s == AVRO_LONG && v == AVRO_INT) || (s == AVRO_INT && v == AVRO_LONG) ||
           (s == AVRO_DOUBLE && v == AVRO_FLOAT) || (s == AVRO_BYTES && v == AVRO_STRING) ||
           (s == AVRO_STRING && v == AVRO_BYTES) || (s == AVRO_FIXED && v == AVRO_BYTES);
}

static bool is_named(AvroKind kind)
{
    return kind == AVRO_RECORD || kind == AVRO_ENUM || kind == AVRO_FIXED;
}

static int32_t choose_branch(const AvroSchema *u, const AvroValue *v)
{
    for (int32_t i = 0; i < u->n_branches; i++) {
        if (v->schema && u->branches[i] == v->schema)
            return i;
    }
    if (v->schema && is_named(v->kind) && v->schema->name) {
        for (int32_t i = 0; i < u->n_branches; i++) {
            const AvroSchema *b = u->branches[i];
            if (b->kind == v->kind && b->name && strcmp(b->name, v->schema->name) == 0)
                return i;
        }
    }
    for (int32_t i = 0; i < u->n_branches; i++) {
        if (u->branches[i]->kind == v->kind)
            return i;
    }
    for (int32_t i = 0; i < u->n_branches; i++) {
        if (accepts(u->branches[i]->kind, v->kind))
            return i;
    }
    return -1;
}

static ErrCode encode_value(AvroEncoder *enc, const AvroSchema *s, const AvroValue *v);

static ErrCode encode_items(AvroEncoder *enc, const AvroSchema *s, const AvroValue *v)
{
    size_t n = s->kind == AVRO_ARRAY ? v->array.n : v->map.n;
    ErrCode rc = ERR_OK;
    if (n > 0)
        rc = avro_encode_long(enc->out, (int64_t)n, enc->err);
    enc->path[enc->depth++] = s->kind == AVRO_ARRAY ? "[]" : "{}";
    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        if (s->kind == AVRO_ARRAY) {
            rc = encode_value(enc, s->items, &v->array.items[i]);
            continue;
        }
        const AvroMapEntry *e = &v->map.entries[i];
        rc = avro_encode_long(enc->out, (int64_t)e->key_len, enc->err);
        if (rc == ERR_OK)
            rc = strbuf_append(enc->out, e->key, e->key_len, enc->err);
        if (rc == ERR_OK)
            rc = encode_value(enc, s->values, &e->value);
    }
    enc->depth--;
    return rc == ERR_OK ? avro_encode_long(enc->out, 0, enc->err) : rc;
}

static ErrCode encode_record(AvroEncoder *enc, const AvroSchema *s, const AvroValue *v)
{
    if (v->record.n != s->n_fields)
        return mismatch(enc, "record \"%s\" has %d fields, the value %d", s->name ? s->name : "?",
                        (int)s->n_fields, (int)v->record.n);
    for (int32_t i = 0; i < s->n_fields; i++) {
        enc->path[enc->depth++] = s->fields[i].name;
        ErrCode rc = encode_value(enc, s->fields[i].schema, &v->record.fields[i]);
        enc->depth--;
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static ErrCode encode_scalar(AvroEncoder *enc, const AvroSchema *s, const AvroValue *v)
{
    uint8_t buf[8];
    switch (s->kind) {
    case AVRO_BOOLEAN:
        return strbuf_append_byte(enc->out, v->boolean ? 1 : 0, enc->err);
    case AVRO_INT:
        if (v->l < INT32_MIN || v->l > INT32_MAX)
            return mismatch(enc, "value %lld does not fit an int", (long long)v->l);
        return avro_encode_long(enc->out, v->l, enc->err);
    case AVRO_LONG:
        return avro_encode_long(enc->out, v->l, enc->err);
    case AVRO_FLOAT: {
        uint32_t u;
        memcpy(&u, &v->f, 4);
        store_u32le(buf, u);
        return strbuf_append(enc->out, buf, 4, enc->err);
    }
    case AVRO_DOUBLE: {
        double d = v->kind == AVRO_FLOAT ? (double)v->f : v->d;
        uint64_t u;
        memcpy(&u, &d, 8);
        store_u64le(buf, u);
        return strbuf_append(enc->out, buf, 8, enc->err);
    }
    case AVRO_BYTES:
    case AVRO_STRING: {
        ErrCode rc = avro_encode_long(enc->out, (int64_t)v->bytes.len, enc->err);
        return rc == ERR_OK ? strbuf_append(enc->out, v->bytes.ptr, v->bytes.len, enc->err) : rc;
    }
    case AVRO_FIXED:
        if (s->fixed_size < 0 || v->bytes.len != (size_t)s->fixed_size)
            return mismatch(enc, "fixed \"%s\" takes %d bytes, the value has %zu",
                            s->name ? s->name : "?", (int)s->fixed_size, v->bytes.len);
        return strbuf_append(enc->out, v->bytes.ptr, v->bytes.len, enc->err);
    case AVRO_ENUM:
        if (v->l < 0 || v->l >= s->n_symbols)
            return mismatch(enc, "enum index %lld is not below the %d symbols of \"%s\"",
                            (long long)v->l, (int)s->n_symbols, s->name ? s->name : "?");
        return avro_encode_long(enc->out, v->l, enc->err);
    case AVRO_NULL:
    case AVRO_RECORD:
    case AVRO_ARRAY:
    case AVRO_MAP:
    case AVRO_UNION:
        break;
    }
    return ERR_OK;
}

static ErrCode encode_value(AvroEncoder *enc, const AvroSchema *s, const AvroValue *v)
{
    if (enc->depth >= AVRO_MAX_DATUM_DEPTH)
        return mismatch(enc, "values nest deeper than %d levels", AVRO_MAX_DATUM_DEPTH);
    if (s->kind == AVRO_UNION) {
        int32_t idx = choose_branch(s, v);
        if (idx < 0)
            return mismatch(enc, "a %s value matches no branch of the union",
                            avro_kind_name(v->kind));
        ErrCode rc = avro_encode_long(enc->out, idx, enc->err);
        enc->path[enc->depth++] = ""; /* counts the level, names nothing */
        if (rc == ERR_OK)
            rc = encode_value(enc, s->branches[idx], v);
        enc->depth--;
        return rc;
    }
    if (!accepts(s->kind, v->kind))
        return mismatch(enc, "expected %s, got %s", avro_kind_name(s->kind),
                        avro_kind_name(v->kind));
    switch (s->kind) {
    case AVRO_NULL:
        return ERR_OK;
    case AVRO_RECORD:
        return encode_record(enc, s, v);
    case AVRO_ARRAY:
    case AVRO_MAP:
        return encode_items(enc, s, v);
    case AVRO_BOOLEAN:
    case AVRO_INT:
    case AVRO_LONG:
    case AVRO_FLOAT:
    case AVRO_DOUBLE:
    case AVRO_BYTES:
    case AVRO_STRING:
    case AVRO_FIXED:
    case AVRO_ENUM:
        return encode_scalar(enc, s, v);
    case AVRO_UNION:
        break;
    }
    return ERR_OK;
}

ErrCode avro_encode_datum(StrBuf *out, const AvroSchema *schema, const AvroValue *value, Err *err)
{
    AvroEncoder enc = {.out = out, .err = err};
    return encode_value(&enc, schema, value);
}

/* ---- lookup ------------------------------------------------------------------------- */

const AvroValue *avro_record_get(const AvroValue *record, int32_t field_id, const char *name)
{
    if (!record || record->kind != AVRO_RECORD || !record->schema ||
        record->schema->kind != AVRO_RECORD)
        return NULL;
    const AvroSchema *s = record->schema;
    int32_t n = TN_MIN(s->n_fields, record->record.n);
    if (field_id >= 0) {
        for (int32_t i = 0; i < n; i++) {
            if (s->fields[i].field_id == field_id)
                return &record->record.fields[i];
        }
    }
    if (!name)
        return NULL;
    for (int32_t i = 0; i < n; i++) {
        const AvroField *f = &s->fields[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (field_id >= 0 && f->field_id >= 0 && f->field_id != field_id)
            return NULL;
        return &record->record.fields[i];
    }
    return NULL;
}
