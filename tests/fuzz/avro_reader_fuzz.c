/* avro_reader_fuzz.c — libFuzzer target for the Avro container reader (format/avro.h): the
 * input is a whole object container file, opened with avro_reader_open and read to the end
 * or the first error. Errors are expected and ignored; crashes, leaks, hangs, deep recursion
 * and allocations the input cannot justify are the bugs. Two invariants are checked on what
 * does parse, trapping when they break:
 *   - the header's schema written back by avro_schema_to_json parses again and writes back
 *     to the same text (so tarn's writers can always state the schemas tarn reads);
 *   - every decoded record encodes again under the file's schema, and that encoding
 *     decodes and re-encodes to the same bytes (decoded unions keep their branch).
 * Seeds: tests/fuzz/corpus/avro_reader_fuzz/ (small files from tarn's writer, every codec).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "format/avro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_schema(Mem *mem, const AvroSchema *schema)
{
    Arena arena;
    arena_init(&arena, mem, 0);
    StrBuf first, second;
    strbuf_init(&first, mem);
    strbuf_init(&second, mem);
    Err err;
    err_init(&err);
    const AvroSchema *again = NULL;
    if (avro_schema_to_json(schema, &first, &err) != ERR_OK) {
        if (err.code != ERR_NOMEM)
            __builtin_trap();
        goto out_free;
    }
    ErrCode rc = avro_schema_parse(&arena, first.data, first.len, &again, &err);
    if (rc == ERR_OK)
        rc = avro_schema_to_json(again, &second, &err);
    if (rc != ERR_OK && rc != ERR_NOMEM)
        __builtin_trap();
    if (rc == ERR_OK && (first.len != second.len || memcmp(first.data, second.data, first.len)))
        __builtin_trap();
out_free:
    strbuf_fini(&first);
    strbuf_fini(&second);
    arena_fini(&arena);
}

static void check_record(Mem *mem, Arena *arena, const AvroSchema *schema, const AvroValue *v)
{
    StrBuf first, second;
    strbuf_init(&first, mem);
    strbuf_init(&second, mem);
    Err err;
    err_init(&err);
    ErrCode rc = avro_encode_datum(&first, schema, v, &err);
    AvroValue back;
    size_t used = 0;
    if (rc == ERR_OK)
        rc = avro_decode_datum(arena, schema, (const uint8_t *)first.data, first.len, &back, &used,
                               &err);
    if (rc == ERR_OK && used != first.len)
        __builtin_trap();
    if (rc == ERR_OK)
        rc = avro_encode_datum(&second, schema, &back, &err);
    if (rc != ERR_OK && rc != ERR_NOMEM)
        __builtin_trap();
    if (rc == ERR_OK &&
        (first.len != second.len || (first.len && memcmp(first.data, second.data, first.len))))
        __builtin_trap();
    strbuf_fini(&first);
    strbuf_fini(&second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Mem mem;
    mem_init(&mem, NULL, "fuzz", (size_t)512 << 20);
    Err err;
    err_init(&err);
    AvroReader *reader = NULL;
    if (avro_reader_open(&mem, data, size, "fuzz.avro", &reader, &err) != ERR_OK)
        return 0;
    const AvroSchema *schema = avro_reader_schema(reader);
    check_schema(&mem, schema);
    Arena arena;
    arena_init(&arena, &mem, 0);
    for (;;) {
        const AvroValue *v = NULL;
        if (avro_reader_next(reader, &arena, &v, &err) != ERR_OK || !v)
            break;
        check_record(&mem, &arena, schema, v);
        arena_recycle(&arena);
    }
    arena_fini(&arena);
    avro_reader_close(reader);
    return 0;
}
