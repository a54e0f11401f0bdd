/* avro_test.c — the Avro module (format/avro.h): zigzag varints at their edges; every
 * primitive's bytes; records, nested arrays, maps and unions (including negative block
 * counts); named types with namespaces and recursion; schema attributes surviving
 * avro_schema_to_json; schema errors naming their path; container files written and read
 * back with each codec; header metadata; files built byte by byte (as another writer would,
 * incl. a zstd frame without a content size); truncated, corrupt and hostile files failing
 * with ERR_CORRUPT and a message naming file, block and offset; avro_record_get by id and
 * by name; an Iceberg manifest-entry-shaped schema; and out-of-memory at every allocation. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "format/avro.h"
#include "test_util.h"

/* ---- helpers ------------------------------------------------------------------------ */

typedef struct Fixture {
    Mem mem;
    Arena arena;
    Err err;
} Fixture;

static void fixture_init(Fixture *fx)
{
    mem_init(&fx->mem, NULL, "test", 0);
    arena_init(&fx->arena, &fx->mem, 0);
    err_init(&fx->err);
}

static void fixture_fini(Fixture *fx)
{
    arena_fini(&fx->arena);
    assert_int_equal(mem_used(&fx->mem), 0);
}

static const AvroSchema *parse(Fixture *fx, const char *json)
{
    const AvroSchema *s = NULL;
    assert_ok(avro_schema_parse(&fx->arena, json, strlen(json), &s, &fx->err), &fx->err);
    return s;
}

static ErrCode parse_err(Fixture *fx, const char *json)
{
    const AvroSchema *s = NULL;
    err_init(&fx->err);
    return avro_schema_parse(&fx->arena, json, strlen(json), &s, &fx->err);
}

static AvroValue v_long(AvroKind kind, int64_t l)
{
    return (AvroValue){.kind = kind, .l = l};
}

static AvroValue v_str(AvroKind kind, const char *s)
{
    AvroValue v = {.kind = kind};
    v.bytes.ptr = (const uint8_t *)s;
    v.bytes.len = strlen(s);
    return v;
}

static bool values_equal(const AvroValue *a, const AvroValue *b);

static bool items_equal(const AvroValue *a, const AvroValue *b)
{
    if (a->kind == AVRO_RECORD) {
        if (a->record.n != b->record.n)
            return false;
        for (int32_t i = 0; i < a->record.n; i++) {
            if (!values_equal(&a->record.fields[i], &b->record.fields[i]))
                return false;
        }
        return true;
    }
    if (a->kind == AVRO_ARRAY) {
        if (a->array.n != b->array.n)
            return false;
        for (size_t i = 0; i < a->array.n; i++) {
            if (!values_equal(&a->array.items[i], &b->array.items[i]))
                return false;
        }
        return true;
    }
    if (a->map.n != b->map.n)
        return false;
    for (size_t i = 0; i < a->map.n; i++) {
        const AvroMapEntry *x = &a->map.entries[i], *y = &b->map.entries[i];
        if (x->key_len != y->key_len || memcmp(x->key, y->key, x->key_len) != 0 ||
            !values_equal(&x->value, &y->value))
            return false;
    }
    return true;
}

/* Equal as data (a's kinds as written may be promoted in b: int -> long and so on). */
static bool values_equal(const AvroValue *a, const AvroValue *b)
{
    switch (b->kind) {
    case AVRO_NULL:
        return a->kind == AVRO_NULL;
    case AVRO_BOOLEAN:
        return a->boolean == b->boolean;
    case AVRO_INT:
    case AVRO_LONG:
    case AVRO_ENUM:
        return a->l == b->l;
    case AVRO_FLOAT:
        return memcmp(&a->f, &b->f, sizeof a->f) == 0;
    case AVRO_DOUBLE:
        return a->kind == AVRO_FLOAT ? (double)a->f == b->d : memcmp(&a->d, &b->d, 8) == 0;
    case AVRO_BYTES:
    case AVRO_STRING:
    case AVRO_FIXED:
        return a->bytes.len == b->bytes.len &&
               (a->bytes.len == 0 || memcmp(a->bytes.ptr, b->bytes.ptr, a->bytes.len) == 0);
    case AVRO_RECORD:
    case AVRO_ARRAY:
    case AVRO_MAP:
        return a->kind == b->kind && items_equal(a, b);
    case AVRO_UNION:
        return false;
    }
    return false;
}

/* Encode, compare with `want` bytes (when given), decode and compare the value. */
static void round_trip(Fixture *fx, const AvroSchema *s, const AvroValue *v, const char *want,
                       size_t want_len)
{
    StrBuf sb;
    strbuf_init(&sb, &fx->mem);
    assert_ok(avro_encode_datum(&sb, s, v, &fx->err), &fx->err);
    if (want) {
        assert_int_equal(sb.len, want_len);
        assert_memory_equal(sb.data, want, want_len);
    }
    AvroValue back;
    size_t used = 0;
    assert_ok(avro_decode_datum(&fx->arena, s, (const uint8_t *)sb.data, sb.len, &back, &used,
                                &fx->err),
              &fx->err);
    assert_int_equal(used, sb.len);
    assert_true(values_equal(v, &back));
    strbuf_fini(&sb);
}

static ErrCode decode_bytes(Fixture *fx, const AvroSchema *s, const char *bytes, size_t len,
                            AvroValue *out)
{
    size_t used;
    err_init(&fx->err);
    return avro_decode_datum(&fx->arena, s, (const uint8_t *)bytes, len, out, &used, &fx->err);
}

/* ---- varints ------------------------------------------------------------------------ */

static void avro_varint_zigzag_edges(void **state)
{
    (void)state;
    static const struct {
        int64_t v;
        const char *bytes;
        size_t len;
    } cases[] = {
            {0, "\x00", 1},
            {-1, "\x01", 1},
            {1, "\x02", 1},
            {-64, "\x7f", 1},
            {63, "\x7e", 1},
            {64, "\x80\x01", 2},
            {-65, "\x81\x01", 2},
            {INT32_MAX, "\xfe\xff\xff\xff\x0f", 5},
            {INT32_MIN, "\xff\xff\xff\xff\x0f", 5},
            {INT64_MAX, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10},
            {INT64_MIN, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10},
    };
    Err err;
    err_init(&err);
    StrBuf sb;
    strbuf_init(&sb, NULL);
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        strbuf_clear(&sb);
        assert_ok(avro_encode_long(&sb, cases[i].v, &err), &err);
        assert_int_equal(sb.len, cases[i].len);
        assert_memory_equal(sb.data, cases[i].bytes, cases[i].len);
        int64_t back;
        size_t used;
        assert_true(avro_decode_long((const uint8_t *)cases[i].bytes, cases[i].len, &back, &used));
        assert_true(back == cases[i].v);
        assert_int_equal(used, cases[i].len);
        /* one byte short is never a value */
        assert_false(
                avro_decode_long((const uint8_t *)cases[i].bytes, cases[i].len - 1, &back, &used));
    }
    strbuf_fini(&sb);
    int64_t v;
    size_t used;
    /* 11 bytes, and a tenth byte carrying more than bit 63 */
    const uint8_t too_long[11] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0};
    assert_false(avro_decode_long(too_long, sizeof too_long, &v, &used));
    const uint8_t overflow[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    assert_false(avro_decode_long(overflow, sizeof overflow, &v, &used));
    /* a non-minimal encoding still decodes */
    const uint8_t padded[3] = {0x82, 0x80, 0x00};
    assert_true(avro_decode_long(padded, sizeof padded, &v, &used));
    assert_true(v == 1 && used == 3);
}

/* ---- primitives --------------------------------------------------------------------- */

static void avro_primitives_encode_as_the_spec_says(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    AvroValue v = {.kind = AVRO_NULL};
    round_trip(&fx, parse(&fx, "\"null\""), &v, "", 0);
    v = (AvroValue){.kind = AVRO_BOOLEAN, .boolean = true};
    round_trip(&fx, parse(&fx, "\"boolean\""), &v, "\x01", 1);
    v = v_long(AVRO_INT, -3);
    round_trip(&fx, parse(&fx, "\"int\""), &v, "\x05", 1);
    v = v_long(AVRO_LONG, 1234567890123LL);
    round_trip(&fx, parse(&fx, "{\"type\":\"long\"}"), &v, NULL, 0);
    v = (AvroValue){.kind = AVRO_FLOAT, .f = 1.5f};
    round_trip(&fx, parse(&fx, "\"float\""), &v, "\x00\x00\xc0\x3f", 4);
    v = (AvroValue){.kind = AVRO_DOUBLE, .d = -2.0};
    round_trip(&fx, parse(&fx, "\"double\""), &v, "\x00\x00\x00\x00\x00\x00\x00\xc0", 8);
    v = v_str(AVRO_STRING, "foo");
    round_trip(&fx, parse(&fx, "\"string\""), &v,
               "\x06"
               "foo",
               4);
    v = v_str(AVRO_STRING, "");
    round_trip(&fx, parse(&fx, "\"string\""), &v, "\x00", 1);
    v = v_str(AVRO_BYTES, "\x01\x02");
    round_trip(&fx, parse(&fx, "\"bytes\""), &v, "\x04\x01\x02", 3);
    v = v_str(AVRO_FIXED, "abcd");
    round_trip(&fx, parse(&fx, "{\"type\":\"fixed\",\"name\":\"f4\",\"size\":4}"), &v, "abcd", 4);
    v = v_long(AVRO_ENUM, 2);
    round_trip(&fx,
               parse(&fx, "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\",\"C\"]}"), &v,
               "\x04", 1);
    /* promotions on write: int into long, float into double, string into bytes */
    v = v_long(AVRO_INT, 7);
    round_trip(&fx, parse(&fx, "\"long\""), &v, "\x0e", 1);
    v = (AvroValue){.kind = AVRO_FLOAT, .f = 0.25f};
    round_trip(&fx, parse(&fx, "\"double\""), &v, NULL, 0);
    fixture_fini(&fx);
}

static void avro_decode_rejects_bad_primitives(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    AvroValue v;
    /* a string of length 2^40 in a 4-byte datum */
    assert_int_equal(
            decode_bytes(&fx, parse(&fx, "\"string\""), "\x80\x80\x80\x80\x80\x40xy", 8, &v),
            ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "exceeds the 2 bytes left"));
    assert_int_equal(decode_bytes(&fx, parse(&fx, "\"bytes\""), "\x03", 1, &v), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "negative"));
    /* int past 32 bits */
    assert_int_equal(decode_bytes(&fx, parse(&fx, "\"int\""), "\x80\x80\x80\x80\x10", 5, &v),
                     ERR_CORRUPT);
    assert_int_equal(decode_bytes(&fx, parse(&fx, "\"boolean\""), "\x02", 1, &v), ERR_CORRUPT);
    assert_int_equal(decode_bytes(&fx, parse(&fx, "\"double\""), "1234567", 7, &v), ERR_CORRUPT);
    assert_int_equal(decode_bytes(&fx, parse(&fx, "\"long\""), "\xff\xff", 2, &v), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "past the end"));
    const AvroSchema *e =
            parse(&fx, "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\"]}");
    assert_int_equal(decode_bytes(&fx, e, "\x04", 1, &v), ERR_CORRUPT);
    assert_int_equal(decode_bytes(&fx, parse(&fx, "[\"null\",\"int\"]"), "\x04", 1, &v),
                     ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "union branch 2"));
    fixture_fini(&fx);
}

/* ---- complex types ------------------------------------------------------------------ */

static const char nested_schema[] =
        "{\"type\":\"record\",\"name\":\"outer\",\"fields\":["
        "{\"name\":\"id\",\"type\":\"long\"},"
        "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
        "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"double\"]}},"
        "{\"name\":\"matrix\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"array\","
        "\"items\":\"int\"}}},"
        "{\"name\":\"inner\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"inner_t\","
        "\"fields\":[{\"name\":\"x\",\"type\":\"int\"},{\"name\":\"s\",\"type\":[\"string\","
        "\"null\"]}]}]}]}";

static void avro_nested_records_arrays_maps_unions_round_trip(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    const AvroSchema *s = parse(&fx, nested_schema);
    assert_int_equal(s->kind, AVRO_RECORD);
    assert_int_equal(s->n_fields, 5);
    const AvroSchema *inner_t = s->fields[4].schema->branches[1];

    AvroValue tags[3] = {v_str(AVRO_STRING, "a"), v_str(AVRO_STRING, ""),
                         v_str(AVRO_STRING, "ccc")};
    AvroMapEntry attrs[2] = {{"k1", 2, {.kind = AVRO_NULL}},
                             {"k2", 2, {.kind = AVRO_DOUBLE, .d = 3.25}}};
    AvroValue row0[2] = {v_long(AVRO_INT, 1), v_long(AVRO_INT, -2)};
    AvroValue rows[2] = {{.kind = AVRO_ARRAY, .array = {row0, 2}},
                         {.kind = AVRO_ARRAY, .array = {NULL, 0}}};
    AvroValue inner_fields[2] = {v_long(AVRO_INT, 9), v_str(AVRO_STRING, "hi")};
    AvroValue fields[5] = {
            v_long(AVRO_LONG, 42),
            {.kind = AVRO_ARRAY, .array = {tags, 3}},
            {.kind = AVRO_MAP, .map = {attrs, 2}},
            {.kind = AVRO_ARRAY, .array = {rows, 2}},
            {.kind = AVRO_RECORD, .schema = inner_t, .record = {inner_fields, 2}},
    };
    AvroValue v = {.kind = AVRO_RECORD, .schema = s, .record = {fields, 5}};
    round_trip(&fx, s, &v, NULL, 0);

    /* null in the union slot, empty collections */
    fields[1].array.n = 0;
    fields[2].map.n = 0;
    fields[4] = (AvroValue){.kind = AVRO_NULL};
    round_trip(&fx, s, &v, "\x54\x00\x00\x04\x04\x02\x03\x00\x00\x00\x00", 11);

    /* decoded unions are transparent: the slot holds the branch's value and schema */
    fields[4] = (AvroValue){.kind = AVRO_RECORD, .schema = inner_t, .record = {inner_fields, 2}};
    StrBuf sb;
    strbuf_init(&sb, &fx.mem);
    assert_ok(avro_encode_datum(&sb, s, &v, &fx.err), &fx.err);
    AvroValue back;
    size_t used;
    assert_ok(avro_decode_datum(&fx.arena, s, (const uint8_t *)sb.data, sb.len, &back, &used,
                                &fx.err),
              &fx.err);
    assert_int_equal(back.record.fields[4].kind, AVRO_RECORD);
    assert_ptr_equal(back.record.fields[4].schema, inner_t);
    assert_int_equal(back.record.fields[4].record.fields[1].kind, AVRO_STRING);
    strbuf_fini(&sb);
    fixture_fini(&fx);
}

static void avro_blocks_with_negative_counts_decode(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    const AvroSchema *arr = parse(&fx, "{\"type\":\"array\",\"items\":\"long\"}");
    /* block of -2 items (byte size 2): 1, 2; then a block of 1 item: 3; then the end */
    AvroValue v;
    assert_ok(decode_bytes(&fx, arr, "\x03\x04\x02\x04\x02\x06\x00", 7, &v), &fx.err);
    assert_int_equal(v.array.n, 3);
    assert_true(v.array.items[0].l == 1 && v.array.items[1].l == 2 && v.array.items[2].l == 3);
    const AvroSchema *map = parse(&fx, "{\"type\":\"map\",\"values\":\"int\"}");
    assert_ok(decode_bytes(&fx, map, "\x01\x06\x02k\x0a\x00", 6, &v), &fx.err);
    assert_int_equal(v.map.n, 1);
    assert_int_equal(v.map.entries[0].key_len, 1);
    assert_true(v.map.entries[0].value.l == 5);
    /* counts beyond the bytes left, and a byte size beyond them */
    assert_int_equal(decode_bytes(&fx, arr, "\xfe\xff\xff\xff\x0f\x02", 6, &v), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "exceeds"));
    assert_int_equal(decode_bytes(&fx, arr, "\x03\x7e\x02\x04", 4, &v), ERR_CORRUPT);
    assert_int_equal(decode_bytes(&fx, map, "\x7e\x02k\x0a\x00", 5, &v), ERR_CORRUPT);
    /* a million nulls cost no bytes but are capped; a few are fine */
    const AvroSchema *nulls = parse(&fx, "{\"type\":\"array\",\"items\":\"null\"}");
    assert_ok(decode_bytes(&fx, nulls, "\x14\x00", 2, &v), &fx.err);
    assert_int_equal(v.array.n, 10);
    assert_int_equal(decode_bytes(&fx, nulls, "\xfe\xff\xff\xff\x0f\x00", 6, &v), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "take no bytes"));
    /* many one-item blocks stay linear and correct */
    StrBuf sb;
    strbuf_init(&sb, &fx.mem);
    for (int i = 0; i < 1000; i++) {
        assert_ok(avro_encode_long(&sb, 1, &fx.err), &fx.err);
        assert_ok(avro_encode_long(&sb, i, &fx.err), &fx.err);
    }
    assert_ok(avro_encode_long(&sb, 0, &fx.err), &fx.err);
    assert_ok(decode_bytes(&fx, arr, sb.data, sb.len, &v), &fx.err);
    assert_int_equal(v.array.n, 1000);
    assert_true(v.array.items[999].l == 999);
    strbuf_fini(&sb);
    fixture_fini(&fx);
}

/* ---- schemas ------------------------------------------------------------------------ */

static void avro_named_types_resolve_with_namespaces(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    const AvroSchema *s = parse(
            &fx, "{\"type\":\"record\",\"name\":\"node\",\"namespace\":\"com.x\",\"fields\":["
                 "{\"name\":\"value\",\"type\":{\"type\":\"fixed\",\"name\":\"md5\",\"size\":2}},"
                 "{\"name\":\"same\",\"type\":\"md5\"},"
                 "{\"name\":\"full\",\"type\":\"com.x.md5\"},"
                 "{\"name\":\"other\",\"type\":{\"type\":\"enum\",\"name\":\"y.color\","
                 "\"symbols\":[\"RED\"]}},"
                 "{\"name\":\"other2\",\"type\":{\"type\":\"y.color\"}},"
                 "{\"name\":\"next\",\"type\":[\"null\",\"node\"]}]}");
    assert_string_equal(s->name, "com.x.node");
    const AvroSchema *md5 = s->fields[0].schema;
    assert_string_equal(md5->name, "com.x.md5");
    assert_ptr_equal(s->fields[1].schema, md5);
    assert_ptr_equal(s->fields[2].schema, md5);
    assert_string_equal(s->fields[3].schema->name, "y.color");
    assert_ptr_equal(s->fields[4].schema, s->fields[3].schema);
    assert_ptr_equal(s->fields[5].schema->branches[1], s); /* recursion */

    /* a three-node linked list round trips */
    AvroValue f3[6] = {v_str(AVRO_FIXED, "cc"), v_str(AVRO_FIXED, "cc"), v_str(AVRO_FIXED, "cc"),
                       v_long(AVRO_ENUM, 0),    v_long(AVRO_ENUM, 0),    {.kind = AVRO_NULL}};
    AvroValue n3 = {.kind = AVRO_RECORD, .schema = s, .record = {f3, 6}};
    AvroValue f2[6] = {v_str(AVRO_FIXED, "bb"), v_str(AVRO_FIXED, "bb"), v_str(AVRO_FIXED, "bb"),
                       v_long(AVRO_ENUM, 0),    v_long(AVRO_ENUM, 0),    n3};
    AvroValue n2 = {.kind = AVRO_RECORD, .schema = s, .record = {f2, 6}};
    round_trip(&fx, s, &n2, NULL, 0);

    /* written back: named types once, then by full name; parses to the same shape */
    StrBuf sb;
    strbuf_init(&sb, &fx.mem);
    assert_ok(avro_schema_to_json(s, &sb, &fx.err), &fx.err);
    assert_non_null(strstr(sb.data, "\"type\":\"com.x.md5\""));
    assert_non_null(strstr(sb.data, "[\"null\",\"com.x.node\"]"));
    const AvroSchema *again = parse(&fx, sb.data);
    assert_ptr_equal(again->fields[5].schema->branches[1], again);
    assert_ptr_equal(again->fields[2].schema, again->fields[0].schema);
    round_trip(&fx, again, &n2, NULL, 0);
    strbuf_fini(&sb);

    /* a type with no namespace inside a namespaced one keeps the null namespace */
    s = parse(&fx, "{\"type\":\"record\",\"name\":\"a.b\",\"fields\":[{\"name\":\"f\",\"type\":"
                   "{\"type\":\"record\",\"name\":\"plain\",\"namespace\":\"\",\"fields\":[]}}]}");
    assert_string_equal(s->fields[0].schema->name, "plain");
    strbuf_init(&sb, &fx.mem);
    assert_ok(avro_schema_to_json(s, &sb, &fx.err), &fx.err);
    again = parse(&fx, sb.data);
    assert_string_equal(again->fields[0].schema->name, "plain");
    strbuf_fini(&sb);
    fixture_fini(&fx);
}

static void avro_schema_attributes_survive_writing(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    const AvroSchema *s = parse(
            &fx,
            "{\"type\":\"record\",\"name\":\"r\",\"doc\":\"top\",\"fields\":["
            "{\"name\":\"a\",\"type\":\"int\",\"field-id\":\"12\",\"doc\":\"the a\"},"
            "{\"name\":\"b\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":"
            "\"timestamp-micros\",\"adjust-to-utc\":true}],\"default\":null,\"field-id\":13},"
            "{\"name\":\"c\",\"type\":{\"type\":\"array\",\"items\":\"int\",\"element-id\":14}},"
            "{\"name\":\"d\",\"type\":{\"type\":\"map\",\"values\":\"long\",\"key-id\":15,"
            "\"value-id\":\"16\"}},"
            "{\"name\":\"e\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
            "\"precision\":9,\"scale\":2}},"
            "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"dec\",\"size\":2,"
            "\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}},"
            "{\"name\":\"g\",\"type\":\"string\",\"field-id\":0}]}");
    assert_int_equal(s->fields[0].field_id, 12);
    assert_int_equal(s->fields[1].field_id, 13);
    assert_int_equal(s->fields[2].field_id, -1);
    assert_int_equal(s->fields[6].field_id, 0);
    const AvroSchema *ts = s->fields[1].schema->branches[1];
    assert_string_equal(ts->logical_type, "timestamp-micros");
    assert_string_equal(ts->other_attrs, "{\"adjust-to-utc\":true}");
    assert_int_equal(s->fields[2].schema->element_id, 14);
    assert_int_equal(s->fields[3].schema->key_id, 15);
    assert_int_equal(s->fields[3].schema->value_id, 16);
    const AvroSchema *dec = s->fields[4].schema;
    assert_string_equal(dec->logical_type, "decimal");
    assert_int_equal(dec->precision, 9);
    assert_int_equal(dec->scale, 2);
    /* 2 bytes hold 4 digits at most: an invalid decimal falls back to plain fixed */
    const AvroSchema *fx_dec = s->fields[5].schema;
    assert_null(fx_dec->logical_type);
    assert_non_null(strstr(fx_dec->other_attrs, "\"precision\":9"));
    assert_string_equal(s->field_attrs[0], "{\"doc\":\"the a\"}");
    assert_string_equal(s->field_attrs[1], "{\"default\":null}");
    assert_null(s->field_attrs[2]);

    StrBuf sb;
    strbuf_init(&sb, &fx.mem);
    assert_ok(avro_schema_to_json(s, &sb, &fx.err), &fx.err);
    static const char *const expected[] = {"\"field-id\":12",
                                           "\"doc\":\"the a\"",
                                           "\"adjust-to-utc\":true",
                                           "\"default\":null",
                                           "\"element-id\":14",
                                           "\"key-id\":15",
                                           "\"value-id\":16",
                                           "\"precision\":9",
                                           "\"doc\":\"top\"",
                                           "\"field-id\":0",
                                           "\"logicalType\":\"timestamp-micros\""};
    for (size_t i = 0; i < TN_ARRAY_LEN(expected); i++) {
        if (!strstr(sb.data, expected[i]))
            fail_msg("%s missing from %s", expected[i], sb.data);
    }
    /* and the text parses to the same attributes */
    const AvroSchema *again = parse(&fx, sb.data);
    assert_int_equal(again->fields[0].field_id, 12);
    assert_string_equal(again->fields[1].schema->branches[1]->other_attrs,
                        "{\"adjust-to-utc\":true}");
    assert_int_equal(again->fields[4].schema->precision, 9);
    strbuf_fini(&sb);
    fixture_fini(&fx);
}

static void avro_schema_errors_name_the_path(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    static const struct {
        const char *json;
        const char *msg;
    } cases[] = {
            {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"nope\"}]}",
             "at r.a: unknown type \"nope\""},
            {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
             "{\"name\":\"a\",\"type\":\"long\"}]}",
             "duplicate field \"a\""},
            {"[\"null\",[\"int\"]]", "a union cannot hold a union"},
            {"[\"int\",\"null\",\"int\"]", "union has two int branches"},
            {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\","
             "\"field-id\":\"x1\"}]}",
             "attribute \"field-id\" must be a 32-bit integer"},
            {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
             "{\"type\":\"record\",\"name\":\"r\",\"fields\":[]}}]}",
             "named type \"r\" is defined twice"},
            {"{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"A\"]}",
             "duplicate enum symbol \"A\""},
            {"{\"type\":\"fixed\",\"name\":\"f\",\"size\":-1}", "non-negative integer \"size\""},
            {"{\"type\":\"array\"}", "array needs \"items\""},
            {"{\"type\":\"record\",\"fields\":[]}", "\"name\" must be a non-empty string"},
            {"{\"items\":\"int\"}", "no \"type\" string"},
            {"{\"type\":\"record\",\"name\":\"r\"", "not valid JSON"},
            {"42", "expected a string, object or array"},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        assert_int_equal(parse_err(&fx, cases[i].json), ERR_INVALID);
        if (!strstr(fx.err.msg, cases[i].msg))
            fail_msg("case %zu: \"%s\" not in \"%s\"", i, cases[i].msg, fx.err.msg);
    }
    /* nesting is capped */
    StrBuf sb;
    strbuf_init(&sb, &fx.mem);
    for (int i = 0; i < AVRO_MAX_SCHEMA_DEPTH + 5; i++)
        assert_ok(strbuf_append_str(&sb, "{\"type\":\"array\",\"items\":", &fx.err), &fx.err);
    assert_ok(strbuf_append_str(&sb, "\"int\"", &fx.err), &fx.err);
    for (int i = 0; i < AVRO_MAX_SCHEMA_DEPTH + 5; i++)
        assert_ok(strbuf_append_str(&sb, "}", &fx.err), &fx.err);
    assert_int_equal(parse_err(&fx, sb.data), ERR_INVALID);
    assert_non_null(strstr(fx.err.msg, "nested deeper than"));
    strbuf_fini(&sb);
    fixture_fini(&fx);
}

/* ---- avro_record_get ---------------------------------------------------------------- */

static void avro_record_get_by_id_and_by_name(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    const AvroSchema *s = parse(&fx, "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                                     "{\"name\":\"a\",\"type\":\"int\",\"field-id\":1},"
                                     "{\"name\":\"b\",\"type\":\"int\",\"field-id\":2},"
                                     "{\"name\":\"c\",\"type\":\"int\"}]}");
    AvroValue fields[3] = {v_long(AVRO_INT, 10), v_long(AVRO_INT, 20), v_long(AVRO_INT, 30)};
    AvroValue r = {.kind = AVRO_RECORD, .schema = s, .record = {fields, 3}};
    assert_ptr_equal(avro_record_get(&r, 2, NULL), &fields[1]);
    assert_ptr_equal(avro_record_get(&r, 2, "a"), &fields[1]); /* the id wins */
    assert_ptr_equal(avro_record_get(&r, -1, "a"), &fields[0]);
    assert_ptr_equal(avro_record_get(&r, 7, "c"), &fields[2]); /* no id: the name decides */
    assert_null(avro_record_get(&r, 7, "a"));                  /* "a" is field 1, not field 7 */
    assert_null(avro_record_get(&r, 7, NULL));
    assert_null(avro_record_get(&r, -1, "zz"));
    AvroValue not_record = v_long(AVRO_INT, 1);
    assert_null(avro_record_get(&not_record, 1, "a"));
    assert_null(avro_record_get(NULL, 1, "a"));
    fixture_fini(&fx);
}

/* ---- container files ---------------------------------------------------------------- */

static const char row_schema[] =
        "{\"type\":\"record\",\"name\":\"row\",\"fields\":["
        "{\"name\":\"id\",\"type\":\"long\",\"field-id\":1},"
        "{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"field-id\":2},"
        "{\"name\":\"score\",\"type\":\"double\",\"field-id\":3}]}";

typedef struct Row {
    AvroValue fields[3];
    AvroValue value;
    char name[32];
} Row;

static void make_row(Row *row, const AvroSchema *s, int64_t i)
{
    snprintf(row->name, sizeof row->name, "row-%lld-%s", (long long)i, i % 3 ? "abc" : "xyz");
    row->fields[0] = v_long(AVRO_LONG, i * 7919);
    row->fields[1] = i % 5 == 0 ? (AvroValue){.kind = AVRO_NULL} : v_str(AVRO_STRING, row->name);
    row->fields[2] = (AvroValue){.kind = AVRO_DOUBLE, .d = (double)i / 8};
    row->value = (AvroValue){.kind = AVRO_RECORD, .schema = s, .record = {row->fields, 3}};
}

/* Write `n_rows` rows with `codec` into out (initialised by the caller). */
static void write_rows(Fixture *fx, const AvroSchema *s, AvroCodec codec, int64_t n_rows,
                       StrBuf *out)
{
    AvroMeta meta[] = {{"format-version", "2"}, {"content", "data"}};
    AvroWriter *w = NULL;
    assert_ok(avro_writer_open(&fx->mem, out, s, codec, meta, 2, &w, &fx->err), &fx->err);
    for (int64_t i = 0; i < n_rows; i++) {
        Row row;
        make_row(&row, s, i);
        assert_ok(avro_writer_append(w, &row.value, &fx->err), &fx->err);
    }
    assert_ok(avro_writer_finish(w, &fx->err), &fx->err);
}

/* Read every record of a file; returns the first error, counts records in *n. */
static ErrCode read_all(Fixture *fx, const StrBuf *file, int64_t *n)
{
    AvroReader *r = NULL;
    *n = 0;
    err_init(&fx->err);
    ErrCode rc = avro_reader_open(&fx->mem, (const uint8_t *)file->data, file->len, "t.avro", &r,
                                  &fx->err);
    if (rc != ERR_OK)
        return rc;
    for (;;) {
        const AvroValue *v;
        rc = avro_reader_next(r, &fx->arena, &v, &fx->err);
        if (rc != ERR_OK || !v)
            break;
        (*n)++;
    }
    avro_reader_close(r);
    return rc;
}

static void avro_container_round_trips_every_codec(void **state)
{
    (void)state;
    static const AvroCodec codecs[] = {AVRO_CODEC_NULL, AVRO_CODEC_DEFLATE, AVRO_CODEC_SNAPPY,
                                       AVRO_CODEC_ZSTD};
    for (size_t c = 0; c < TN_ARRAY_LEN(codecs); c++) {
        Fixture fx;
        fixture_init(&fx);
        const AvroSchema *s = parse(&fx, row_schema);
        StrBuf file;
        strbuf_init(&file, &fx.mem);
        const int64_t n_rows = 6000; /* ~200 KiB: several blocks */
        write_rows(&fx, s, codecs[c], n_rows, &file);
        if (codecs[c] != AVRO_CODEC_NULL)
            assert_true(file.len < 150000);

        AvroReader *r = NULL;
        assert_ok(avro_reader_open(&fx.mem, (const uint8_t *)file.data, file.len, "rows.avro", &r,
                                   &fx.err),
                  &fx.err);
        size_t len;
        assert_string_equal(avro_reader_meta(r, "avro.codec", &len), avro_codec_name(codecs[c]));
        assert_string_equal(avro_reader_meta(r, "format-version", &len), "2");
        assert_int_equal(len, 1);
        assert_string_equal(avro_reader_meta(r, "content", NULL), "data");
        assert_null(avro_reader_meta(r, "missing", NULL));
        assert_int_equal(avro_reader_meta_count(r), 4);
        assert_string_equal(avro_reader_meta_key(r, 0), "avro.schema");
        const AvroSchema *rs = avro_reader_schema(r);
        assert_int_equal(rs->n_fields, 3);
        assert_int_equal(rs->fields[1].field_id, 2);
        int64_t i = 0;
        for (;; i++) {
            const AvroValue *v;
            assert_ok(avro_reader_next(r, &fx.arena, &v, &fx.err), &fx.err);
            if (!v)
                break;
            Row row;
            make_row(&row, s, i);
            if (!values_equal(&row.value, v))
                fail_msg("codec %s: row %lld differs", avro_codec_name(codecs[c]), (long long)i);
            const AvroValue *name = avro_record_get(v, 2, "name");
            assert_int_equal(name->kind, i % 5 == 0 ? AVRO_NULL : AVRO_STRING);
        }
        assert_int_equal(i, n_rows);
        /* at the end it stays at the end */
        const AvroValue *v;
        assert_ok(avro_reader_next(r, &fx.arena, &v, &fx.err), &fx.err);
        assert_null(v);
        avro_reader_close(r);
        strbuf_fini(&file);
        fixture_fini(&fx);
    }
}

static void avro_writer_handles_empty_files_and_bad_input(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    const AvroSchema *s = parse(&fx, row_schema);
    StrBuf file;
    strbuf_init(&file, &fx.mem);
    /* no records: a header only, which reads as an empty file */
    write_rows(&fx, s, AVRO_CODEC_DEFLATE, 0, &file);
    int64_t n;
    assert_ok(read_all(&fx, &file, &n), &fx.err);
    assert_int_equal(n, 0);

    /* reserved keys */
    AvroMeta bad[] = {{"avro.codec", "null"}};
    AvroWriter *w = NULL;
    assert_int_equal(avro_writer_open(&fx.mem, &file, s, AVRO_CODEC_NULL, bad, 1, &w, &fx.err),
                     ERR_INVALID);
    assert_non_null(strstr(fx.err.msg, "reserved"));

    /* a mismatched datum names its path and is dropped; the writer goes on */
    strbuf_clear(&file);
    assert_ok(avro_writer_open(&fx.mem, &file, s, AVRO_CODEC_NULL, NULL, 0, &w, &fx.err), &fx.err);
    Row row;
    make_row(&row, s, 1);
    row.fields[1] = (AvroValue){.kind = AVRO_DOUBLE, .d = 1};
    assert_int_equal(avro_writer_append(w, &row.value, &fx.err), ERR_INVALID);
    assert_non_null(strstr(fx.err.msg, "avro value at name: a double value matches no branch"));
    make_row(&row, s, 2);
    row.fields[2] = v_str(AVRO_STRING, "x");
    assert_int_equal(avro_writer_append(w, &row.value, &fx.err), ERR_INVALID);
    assert_non_null(strstr(fx.err.msg, "at score: expected double, got string"));
    make_row(&row, s, 3);
    row.value.record.n = 2;
    assert_int_equal(avro_writer_append(w, &row.value, &fx.err), ERR_INVALID);
    make_row(&row, s, 4);
    assert_ok(avro_writer_append(w, &row.value, &fx.err), &fx.err);
    assert_ok(avro_writer_finish(w, &fx.err), &fx.err);
    assert_ok(read_all(&fx, &file, &n), &fx.err);
    assert_int_equal(n, 1);

    /* abort leaves the buffer as it was before open */
    strbuf_clear(&file);
    assert_ok(strbuf_append_str(&file, "prefix", &fx.err), &fx.err);
    assert_ok(avro_writer_open(&fx.mem, &file, s, AVRO_CODEC_NULL, NULL, 0, &w, &fx.err), &fx.err);
    assert_ok(avro_writer_append(w, &row.value, &fx.err), &fx.err);
    avro_writer_abort(w);
    avro_writer_abort(NULL);
    assert_int_equal(file.len, 6);

    /* path of a nested mismatch */
    const AvroSchema *ns = parse(&fx, nested_schema);
    AvroValue bad_tags[1] = {v_long(AVRO_INT, 1)};
    AvroValue fields[5] = {v_long(AVRO_LONG, 1),
                           {.kind = AVRO_ARRAY, .array = {bad_tags, 1}},
                           {.kind = AVRO_MAP},
                           {.kind = AVRO_ARRAY},
                           {.kind = AVRO_NULL}};
    AvroValue v = {.kind = AVRO_RECORD, .schema = ns, .record = {fields, 5}};
    StrBuf sb;
    strbuf_init(&sb, &fx.mem);
    assert_int_equal(avro_encode_datum(&sb, ns, &v, &fx.err), ERR_INVALID);
    assert_non_null(strstr(fx.err.msg, "at tags[]: expected string, got int"));
    strbuf_fini(&sb);
    strbuf_fini(&file);
    fixture_fini(&fx);
}

/* ---- files from elsewhere: built byte by byte --------------------------------------- */

typedef struct Bytes {
    uint8_t data[8192];
    size_t len;
} Bytes;

static void put(Bytes *b, const void *p, size_t n)
{
    assert_true(b->len + n <= sizeof b->data);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_long(Bytes *b, int64_t v)
{
    uint64_t zz = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (zz >= 0x80) {
        uint8_t byte = (uint8_t)(zz | 0x80);
        put(b, &byte, 1);
        zz >>= 7;
    }
    uint8_t byte = (uint8_t)zz;
    put(b, &byte, 1);
}

static void put_str(Bytes *b, const char *s)
{
    put_long(b, (int64_t)strlen(s));
    put(b, s, strlen(s));
}

static const uint8_t sync16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* A header in a negative-count metadata block (as some writers do), codec given or absent. */
static void put_header(Bytes *b, const char *schema, const char *codec)
{
    put(b, "Obj\x01", 4);
    Bytes pairs = {.len = 0};
    put_str(&pairs, "avro.schema");
    put_str(&pairs, schema);
    if (codec) {
        put_str(&pairs, "avro.codec");
        put_str(&pairs, codec);
    }
    put_long(b, codec ? -2 : -1);
    put_long(b, (int64_t)pairs.len);
    put(b, pairs.data, pairs.len);
    put_long(b, 0);
    put(b, sync16, 16);
}

static void put_block(Bytes *b, int64_t count, const void *body, size_t len)
{
    put_long(b, count);
    put_long(b, (int64_t)len);
    put(b, body, len);
    put(b, sync16, 16);
}

static ErrCode read_bytes_all(Fixture *fx, const Bytes *b, int64_t *n, int64_t *sum)
{
    AvroReader *r = NULL;
    *n = 0;
    *sum = 0;
    err_init(&fx->err);
    ErrCode rc = avro_reader_open(&fx->mem, b->data, b->len, "hand.avro", &r, &fx->err);
    if (rc != ERR_OK)
        return rc;
    for (;;) {
        const AvroValue *v;
        rc = avro_reader_next(r, &fx->arena, &v, &fx->err);
        if (rc != ERR_OK || !v)
            break;
        (*n)++;
        *sum += v->kind == AVRO_LONG ? v->l : 0;
    }
    avro_reader_close(r);
    return rc;
}

static void avro_reader_reads_hand_built_files(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    int64_t n, sum;
    /* null codec (absent), two blocks */
    Bytes b = {.len = 0};
    put_header(&b, "\"long\"", NULL);
    put_block(&b, 2, "\x02\x04", 2);
    put_block(&b, 1, "\x06", 1);
    assert_ok(read_bytes_all(&fx, &b, &n, &sum), &fx.err);
    assert_true(n == 3 && sum == 6);
    /* a block of no objects is skipped whatever its body holds */
    b.len = 0;
    put_header(&b, "\"long\"", "null");
    put_block(&b, 0, "abc", 3);
    put_block(&b, 1, "\x02", 1);
    assert_ok(read_bytes_all(&fx, &b, &n, &sum), &fx.err);
    assert_true(n == 1 && sum == 1);

    /* a zstd streaming frame without a content size (as Java's codec writes) */
    uint8_t raw[3000], packed[4096];
    StrBuf body;
    strbuf_init(&body, &fx.mem);
    for (int i = 0; i < 1000; i++)
        assert_ok(avro_encode_long(&body, 1, &fx.err), &fx.err);
    memcpy(raw, body.data, body.len);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0)));
    ZSTD_inBuffer in = {raw, body.len, 0};
    ZSTD_outBuffer out = {packed, sizeof packed, 0};
    assert_int_equal(ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end), 0);
    ZSTD_freeCCtx(cctx);
    assert_true(ZSTD_getFrameContentSize(packed, out.pos) == ZSTD_CONTENTSIZE_UNKNOWN);
    b.len = 0;
    put_header(&b, "\"long\"", "zstandard");
    put_block(&b, 1000, packed, out.pos);
    assert_ok(read_bytes_all(&fx, &b, &n, &sum), &fx.err);
    assert_true(n == 1000 && sum == 1000);

    /* snappy: the writer's own block, then one CRC byte flipped */
    StrBuf file;
    strbuf_init(&file, &fx.mem);
    const AvroSchema *ls = parse(&fx, "\"long\"");
    AvroWriter *w;
    assert_ok(avro_writer_open(&fx.mem, &file, ls, AVRO_CODEC_SNAPPY, NULL, 0, &w, &fx.err),
              &fx.err);
    AvroValue one = v_long(AVRO_LONG, 5);
    assert_ok(avro_writer_append(w, &one, &fx.err), &fx.err);
    assert_ok(avro_writer_finish(w, &fx.err), &fx.err);
    file.data[file.len - 17] ^= 1; /* last CRC byte, before the sync marker */
    assert_int_equal(read_all(&fx, &file, &n), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "CRC32"));
    assert_non_null(strstr(fx.err.msg, "avro file \"t.avro\": block 1 at offset"));

    /* unknown codec */
    b.len = 0;
    put_header(&b, "\"long\"", "bzip2");
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_UNSUPPORTED);
    assert_non_null(strstr(fx.err.msg, "codec \"bzip2\" is not supported"));
    strbuf_fini(&file);
    strbuf_fini(&body);
    fixture_fini(&fx);
}

static void avro_reader_rejects_corrupt_and_hostile_files(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    int64_t n, sum;
    Bytes b = {.len = 0};
    put(&b, "Obj\x02", 4);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "avro file \"hand.avro\": not an avro object container"));

    /* no schema; a schema that does not parse */
    b.len = 0;
    put(&b, "Obj\x01\x00", 5);
    put(&b, sync16, 16);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "no avro.schema"));
    b.len = 0;
    put_header(&b, "{\"type\":\"wat\"}", NULL);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "unknown type \"wat\""));

    /* a metadata count beyond the bytes */
    b.len = 0;
    put(&b, "Obj\x01", 4);
    put_long(&b, 1000000);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);

    /* wrong sync marker after a block */
    b.len = 0;
    put_header(&b, "\"long\"", "null");
    put_block(&b, 1, "\x02", 1);
    b.data[b.len - 1] ^= 0xff;
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "sync marker"));

    /* a string of length 2^40 in a small block: message has file, block, record and byte */
    b.len = 0;
    put_header(&b,
               "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
               "\"long\"},{\"name\":\"s\",\"type\":\"string\"}]}",
               "null");
    put_block(&b, 1, "\x02\x04hi", 4);
    put_block(&b, 2, "\x02\x00\x04\x80\x80\x80\x80\x80\x40xyz", 12);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_int_equal(n, 2);
    if (!strstr(fx.err.msg, "avro file \"hand.avro\": block 2 at offset ") ||
        !strstr(fx.err.msg, ": record 1: at byte 3: string length 1099511627776 exceeds the 3 "
                            "bytes left"))
        fail_msg("message: %s", fx.err.msg);

    /* more objects than bytes; bytes left over after the objects */
    b.len = 0;
    put_header(&b, "\"long\"", "null");
    put_block(&b, 5, "\x02\x02", 2);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "5 objects cannot fit in 2 bytes"));
    b.len = 0;
    put_header(&b, "\"long\"", "null");
    put_block(&b, 1, "\x02\x02", 2);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "1 bytes are left after the block's 1 objects"));

    /* a zero-byte schema claiming 2^40 objects */
    b.len = 0;
    put_header(&b, "\"null\"", "null");
    put_block(&b, (int64_t)1 << 40, "", 0);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);

    /* deflate garbage */
    b.len = 0;
    put_header(&b, "\"long\"", "deflate");
    put_block(&b, 1, "\xff\xff\xff", 3);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "deflate block is malformed"));

    /* deep recursion in the data */
    b.len = 0;
    put_header(&b,
               "{\"type\":\"record\",\"name\":\"n\",\"fields\":[{\"name\":\"next\",\"type\":"
               "[\"null\",\"n\"]}]}",
               NULL);
    uint8_t deep[400];
    memset(deep, 2, sizeof deep);
    deep[sizeof deep - 1] = 0;
    put_block(&b, 1, deep, sizeof deep);
    assert_int_equal(read_bytes_all(&fx, &b, &n, &sum), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "nest deeper than"));

    /* after an error the reader keeps failing */
    AvroReader *r;
    b.len = 0;
    put_header(&b, "\"long\"", "null");
    put_block(&b, 1, "\x80", 1);
    assert_ok(avro_reader_open(&fx.mem, b.data, b.len, "x", &r, &fx.err), &fx.err);
    const AvroValue *v;
    assert_int_equal(avro_reader_next(r, &fx.arena, &v, &fx.err), ERR_CORRUPT);
    err_init(&fx.err);
    assert_int_equal(avro_reader_next(r, &fx.arena, &v, &fx.err), ERR_CORRUPT);
    assert_non_null(strstr(fx.err.msg, "varint runs past the end"));
    avro_reader_close(r);
    avro_reader_close(NULL);
    fixture_fini(&fx);
}

static void avro_reader_rejects_every_truncation(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    Arena schema_arena; /* fx.arena is reset after each read */
    arena_init(&schema_arena, &fx.mem, 0);
    const AvroSchema *s = NULL;
    assert_ok(avro_schema_parse(&schema_arena, row_schema, strlen(row_schema), &s, &fx.err),
              &fx.err);
    static const AvroCodec codecs[] = {AVRO_CODEC_NULL, AVRO_CODEC_DEFLATE, AVRO_CODEC_SNAPPY,
                                       AVRO_CODEC_ZSTD};
    for (size_t c = 0; c < TN_ARRAY_LEN(codecs); c++) {
        StrBuf file;
        strbuf_init(&file, &fx.mem);
        write_rows(&fx, s, codecs[c], 3000, &file); /* two blocks */
        int64_t n;
        assert_ok(read_all(&fx, &file, &n), &fx.err);
        assert_int_equal(n, 3000);
        /* find the end of the first block: the second occurrence of the sync marker */
        const char *sync = file.data + file.len - AVRO_SYNC_BYTES;
        size_t header_end = 0, block1_end = 0;
        for (size_t pos = 0; pos + AVRO_SYNC_BYTES <= file.len; pos++) {
            if (memcmp(file.data + pos, sync, AVRO_SYNC_BYTES) != 0)
                continue;
            if (!header_end)
                header_end = pos + AVRO_SYNC_BYTES;
            else if (!block1_end)
                block1_end = pos + AVRO_SYNC_BYTES;
        }
        assert_true(header_end && block1_end && block1_end < file.len);
        size_t full_len = file.len;
        for (size_t cut = 0; cut < full_len; cut += cut < header_end + 64 ? 1 : 211) {
            file.len = cut;
            ErrCode rc = read_all(&fx, &file, &n);
            arena_reset(&fx.arena);
            if (cut == header_end || cut == block1_end) {
                assert_ok(rc, &fx.err); /* a file of fewer whole blocks */
                continue;
            }
            if (rc != ERR_CORRUPT)
                fail_msg("codec %s, cut at %zu of %zu: %s", avro_codec_name(codecs[c]), cut,
                         full_len, rc == ERR_OK ? "read fine" : fx.err.msg);
            assert_non_null(strstr(fx.err.msg, "avro file \"t.avro\""));
        }
        strbuf_fini(&file);
    }
    arena_fini(&schema_arena);
    fixture_fini(&fx);
}

/* ---- an Iceberg manifest entry ------------------------------------------------------- */

static const char manifest_entry_schema[] =
        "{\"type\":\"record\",\"name\":\"manifest_entry\",\"fields\":["
        "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
        "{\"name\":\"snapshot_id\",\"type\":[\"null\",\"long\"],\"default\":null,\"field-id\":1},"
        "{\"name\":\"sequence_number\",\"type\":[\"null\",\"long\"],\"default\":null,"
        "\"field-id\":3},"
        "{\"name\":\"data_file\",\"type\":{\"type\":\"record\",\"name\":\"r2\",\"fields\":["
        "{\"name\":\"content\",\"type\":\"int\",\"field-id\":134},"
        "{\"name\":\"file_path\",\"type\":\"string\",\"field-id\":100},"
        "{\"name\":\"partition\",\"type\":{\"type\":\"record\",\"name\":\"r102\",\"fields\":["
        "{\"name\":\"event_day\",\"type\":[\"null\",{\"type\":\"int\",\"logicalType\":\"date\"}],"
        "\"default\":null,\"field-id\":1000}]},\"field-id\":102},"
        "{\"name\":\"record_count\",\"type\":\"long\",\"field-id\":103},"
        "{\"name\":\"column_sizes\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":"
        "\"record\",\"name\":\"k117_v118\",\"fields\":[{\"name\":\"key\",\"type\":\"int\","
        "\"field-id\":117},{\"name\":\"value\",\"type\":\"long\",\"field-id\":118}]},"
        "\"logicalType\":\"map\"}],\"default\":null,\"field-id\":108},"
        "{\"name\":\"lower_bounds\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":"
        "\"record\",\"name\":\"k126_v127\",\"fields\":[{\"name\":\"key\",\"type\":\"int\","
        "\"field-id\":126},{\"name\":\"value\",\"type\":\"bytes\",\"field-id\":127}]},"
        "\"logicalType\":\"map\"}],\"default\":null,\"field-id\":125},"
        "{\"name\":\"split_offsets\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"long\","
        "\"element-id\":133}],\"default\":null,\"field-id\":132}]},\"field-id\":2}]}";

typedef struct Entry {
    AvroValue entry[4], file[7], partition[1], sizes[2], sizes_kv[2][2], bounds[1], bounds_kv[1][2],
            offsets[2];
    AvroValue value;
} Entry;

static void make_entry(Entry *e, const AvroSchema *s, int64_t i)
{
    const AvroSchema *file_s = s->fields[3].schema;
    const AvroSchema *part_s = file_s->fields[2].schema;
    const AvroSchema *sizes_s = file_s->fields[4].schema->branches[1];
    const AvroSchema *bounds_s = file_s->fields[5].schema->branches[1];
    e->entry[0] = v_long(AVRO_INT, 1);
    e->entry[1] = v_long(AVRO_LONG, 5000000000LL + i);
    e->entry[2] = (AvroValue){.kind = AVRO_NULL};
    e->entry[3] = (AvroValue){.kind = AVRO_RECORD, .schema = file_s, .record = {e->file, 7}};
    e->file[0] = v_long(AVRO_INT, 0);
    e->file[1] = v_str(AVRO_STRING, i % 2 ? "s3://b/t/data/a.parquet" : "/w/t/data/b.parquet");
    e->file[2] = (AvroValue){.kind = AVRO_RECORD, .schema = part_s, .record = {e->partition, 1}};
    e->partition[0] = i % 3 ? v_long(AVRO_INT, 19000 + i) : (AvroValue){.kind = AVRO_NULL};
    e->file[3] = v_long(AVRO_LONG, 100 * i);
    for (int k = 0; k < 2; k++) {
        e->sizes_kv[k][0] = v_long(AVRO_INT, k + 1);
        e->sizes_kv[k][1] = v_long(AVRO_LONG, 1000 * (k + 1) + i);
        e->sizes[k] = (AvroValue){
                .kind = AVRO_RECORD, .schema = sizes_s->items, .record = {e->sizes_kv[k], 2}};
    }
    e->file[4] = (AvroValue){.kind = AVRO_ARRAY, .schema = sizes_s, .array = {e->sizes, 2}};
    e->bounds_kv[0][0] = v_long(AVRO_INT, 1);
    e->bounds_kv[0][1] = v_str(AVRO_BYTES, "\x01\x00\x00\x00");
    e->bounds_kv[0][1].bytes.len = 4;
    e->bounds[0] = (AvroValue){
            .kind = AVRO_RECORD, .schema = bounds_s->items, .record = {e->bounds_kv[0], 2}};
    e->file[5] = (AvroValue){.kind = AVRO_ARRAY, .schema = bounds_s, .array = {e->bounds, 1}};
    e->offsets[0] = v_long(AVRO_LONG, 4);
    e->offsets[1] = v_long(AVRO_LONG, 4096);
    e->file[6] = (AvroValue){.kind = AVRO_ARRAY, .array = {e->offsets, 2}};
    e->value = (AvroValue){.kind = AVRO_RECORD, .schema = s, .record = {e->entry, 4}};
}

static void avro_iceberg_manifest_entry_round_trips(void **state)
{
    (void)state;
    Fixture fx;
    fixture_init(&fx);
    const AvroSchema *s = parse(&fx, manifest_entry_schema);
    const AvroSchema *file_s = s->fields[3].schema;
    const AvroSchema *sizes_s = file_s->fields[4].schema->branches[1];
    assert_string_equal(sizes_s->logical_type, "map");
    assert_int_equal(sizes_s->key_id, 117); /* from the k/v record's field ids */
    assert_int_equal(sizes_s->value_id, 118);
    assert_int_equal(file_s->fields[6].schema->branches[1]->element_id, 133);

    StrBuf file;
    strbuf_init(&file, &fx.mem);
    AvroMeta meta[] = {{"schema", "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[]}"},
                       {"partition-spec", "[{\"name\":\"event_day\",\"transform\":\"day\","
                                          "\"source-id\":1,\"field-id\":1000}]"},
                       {"partition-spec-id", "0"},
                       {"format-version", "2"},
                       {"content", "data"}};
    AvroWriter *w;
    assert_ok(avro_writer_open(&fx.mem, &file, s, AVRO_CODEC_DEFLATE, meta, 5, &w, &fx.err),
              &fx.err);
    for (int64_t i = 0; i < 50; i++) {
        Entry e;
        make_entry(&e, s, i);
        assert_ok(avro_writer_append(w, &e.value, &fx.err), &fx.err);
    }
    assert_ok(avro_writer_finish(w, &fx.err), &fx.err);

    AvroReader *r;
    assert_ok(
            avro_reader_open(&fx.mem, (const uint8_t *)file.data, file.len, "m0.avro", &r, &fx.err),
            &fx.err);
    assert_string_equal(avro_reader_meta(r, "partition-spec-id", NULL), "0");
    /* the header's schema keeps Iceberg's ids and the map logical type */
    const char *json = avro_reader_meta(r, "avro.schema", NULL);
    assert_non_null(strstr(json, "\"field-id\":1000"));
    assert_non_null(strstr(json, "\"logicalType\":\"map\""));
    assert_null(strstr(json, "\"key-id\"")); /* derived ids are not written */
    assert_non_null(strstr(json, "\"element-id\":133"));
    for (int64_t i = 0;; i++) {
        const AvroValue *v;
        assert_ok(avro_reader_next(r, &fx.arena, &v, &fx.err), &fx.err);
        if (!v) {
            assert_int_equal(i, 50);
            break;
        }
        Entry e;
        make_entry(&e, s, i);
        assert_true(values_equal(&e.value, v));
        /* the table layer's lookups: by id with names as the fallback */
        assert_true(avro_record_get(v, 0, "status")->l == 1);
        assert_true(avro_record_get(v, 1, "snapshot_id")->l == 5000000000LL + i);
        assert_int_equal(avro_record_get(v, 3, "sequence_number")->kind, AVRO_NULL);
        assert_null(avro_record_get(v, 4, "file_sequence_number")); /* absent in this file */
        const AvroValue *df = avro_record_get(v, 2, "data_file");
        const AvroValue *path = avro_record_get(df, 100, "file_path");
        assert_int_equal(path->kind, AVRO_STRING);
        const AvroValue *part = avro_record_get(df, 102, "partition");
        const AvroValue *day = avro_record_get(part, 1000, NULL);
        assert_int_equal(day->kind, i % 3 ? AVRO_INT : AVRO_NULL);
        assert_string_equal(day->schema->logical_type ? day->schema->logical_type : "",
                            i % 3 ? "date" : "");
        const AvroValue *sizes = avro_record_get(df, 108, "column_sizes");
        assert_int_equal(sizes->kind, AVRO_ARRAY);
        assert_int_equal(sizes->schema->key_id, 117);
        const AvroValue *kv = &sizes->array.items[1];
        assert_true(avro_record_get(kv, sizes->schema->key_id, "key")->l == 2);
        assert_true(avro_record_get(kv, sizes->schema->value_id, "value")->l == 2000 + i);
        const AvroValue *lb = avro_record_get(df, 125, "lower_bounds");
        const AvroValue *bound = avro_record_get(&lb->array.items[0], 127, "value");
        assert_int_equal(bound->bytes.len, 4);
        assert_memory_equal(bound->bytes.ptr, "\x01\x00\x00\x00", 4);
    }
    avro_reader_close(r);
    strbuf_fini(&file);
    fixture_fini(&fx);
}

/* ---- out of memory ------------------------------------------------------------------ */

static ErrCode write_and_read(Mem *mem, const char *schema_json, AvroCodec codec, Err *err)
{
    Arena arena;
    arena_init(&arena, mem, 4096);
    const AvroSchema *s = NULL;
    StrBuf file;
    strbuf_init(&file, mem);
    AvroWriter *w = NULL;
    AvroReader *r = NULL;
    ErrCode rc = avro_schema_parse(&arena, schema_json, strlen(schema_json), &s, err);
    if (rc == ERR_OK)
        rc = avro_writer_open(mem, &file, s, codec, NULL, 0, &w, err);
    for (int64_t i = 0; rc == ERR_OK && i < 300; i++) {
        Entry e;
        make_entry(&e, s, i);
        rc = avro_writer_append(w, &e.value, err);
    }
    if (rc == ERR_OK) {
        rc = avro_writer_finish(w, err);
        w = NULL;
    }
    if (rc == ERR_OK)
        rc = avro_reader_open(mem, (const uint8_t *)file.data, file.len, "oom.avro", &r, err);
    int64_t n = 0;
    while (rc == ERR_OK) {
        const AvroValue *v;
        rc = avro_reader_next(r, &arena, &v, err);
        if (rc != ERR_OK || !v)
            break;
        n++;
    }
    if (rc == ERR_OK && n != 300)
        rc = err_set(err, ERR_INTERNAL, "read %lld records", (long long)n);
    avro_reader_close(r);
    avro_writer_abort(w);
    strbuf_fini(&file);
    arena_fini(&arena);
    return rc;
}

static void avro_fails_cleanly_out_of_memory(void **state)
{
    (void)state;
    static const AvroCodec codecs[] = {AVRO_CODEC_NULL, AVRO_CODEC_SNAPPY, AVRO_CODEC_DEFLATE};
    for (size_t c = 0; c < TN_ARRAY_LEN(codecs); c++) {
        Err err;
        Mem mem;
        long n_failed = 0;
        for (long n = 1;; n++) {
            mem_init(&mem, NULL, "test", 0);
            mem_fail_at(&mem, n);
            err_init(&err);
            ErrCode rc = write_and_read(&mem, manifest_entry_schema, codecs[c], &err);
            if (mem_used(&mem) != 0)
                fail_msg("allocation %ld failing: %zu bytes left", n, mem_used(&mem));
            bool has_fired = atomic_load(&mem.fail_countdown) == 0;
            if (rc == ERR_OK && !has_fired)
                break;
            if (rc != ERR_NOMEM)
                fail_msg("codec %s, allocation %ld failing: %s: %s", avro_codec_name(codecs[c]), n,
                         err_code_name(rc), err.msg);
            n_failed++;
        }
        assert_true(n_failed > 10);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(avro_varint_zigzag_edges),
            cmocka_unit_test(avro_primitives_encode_as_the_spec_says),
            cmocka_unit_test(avro_decode_rejects_bad_primitives),
            cmocka_unit_test(avro_nested_records_arrays_maps_unions_round_trip),
            cmocka_unit_test(avro_blocks_with_negative_counts_decode),
            cmocka_unit_test(avro_named_types_resolve_with_namespaces),
            cmocka_unit_test(avro_schema_attributes_survive_writing),
            cmocka_unit_test(avro_schema_errors_name_the_path),
            cmocka_unit_test(avro_record_get_by_id_and_by_name),
            cmocka_unit_test(avro_container_round_trips_every_codec),
            cmocka_unit_test(avro_writer_handles_empty_files_and_bad_input),
            cmocka_unit_test(avro_reader_reads_hand_built_files),
            cmocka_unit_test(avro_reader_rejects_corrupt_and_hostile_files),
            cmocka_unit_test(avro_reader_rejects_every_truncation),
            cmocka_unit_test(avro_iceberg_manifest_entry_round_trips),
            cmocka_unit_test(avro_fails_cleanly_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
