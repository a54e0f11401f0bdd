/* avro.h — Apache Avro schemas, binary datum encoding and object container files (format
 * layer; used by the Iceberg table layer for manifest lists and manifests).
 *
 * Spec: https://avro.apache.org/docs/1.11.1/specification/ (sections "Schema Declaration",
 * "Binary Encoding", "Object Container Files"). Four parts, one header:
 *
 *   avro_schema.c  schema JSON (jansson) -> AvroSchema tree in an arena, and back to JSON.
 *                  Named types (record, enum, fixed) resolve by name or full name with
 *                  namespaces, recursion included. Iceberg's attributes ("field-id",
 *                  "element-id", "key-id", "value-id") are read as numbers or numeric
 *                  strings; other attributes are kept as JSON text and written back.
 *   avro_codec.c   one datum <-> AvroValue: zigzag varints, lengths, blocked arrays and
 *                  maps (negative counts with byte sizes), unions; every length and count
 *                  checked against the bytes left. Also avro_record_get.
 *   avro_block.c   block codecs of container files: null, deflate (raw), snappy (+ CRC32),
 *                  zstandard; decompression capped in size.
 *   avro_file.c    the container reader (header, metadata, blocks, sync markers) and writer.
 *
 * Container file layout (all integers are zigzag varints unless noted):
 *
 *   | bytes   | content                                                         |
 *   |---------|-----------------------------------------------------------------|
 *   | 4       | magic "Obj" 0x01                                                |
 *   | varies  | metadata: map<bytes> in blocks (count, [byte size if count<0],  |
 *   |         | key string, value bytes ...), ended by a 0 count; holds         |
 *   |         | "avro.schema" (JSON) and "avro.codec" (absent = "null")        |
 *   | 16      | sync marker                                                     |
 *   | blocks: | long object count, long byte size, the objects (compressed by  |
 *   |         | the codec), the 16-byte sync marker again                       |
 *
 * Schema resolution (reader schema vs writer schema) is left to callers: the reader decodes
 * with the writer's schema from the file, and callers look fields up by Iceberg field id or
 * name (avro_record_get) and cope with absent ones, which is how Iceberg resolves schemas.
 *
 * Limits that bound hostile input: schema nesting AVRO_MAX_SCHEMA_DEPTH, datum nesting
 * AVRO_MAX_DATUM_DEPTH (recursive types), varints of at most 10 bytes, every length and
 * count checked against the bytes left, at most AVRO_MAX_EMPTY_ITEMS zero-byte items (nulls,
 * empty records) per block, decompressed blocks capped at AVRO_MAX_BLOCK_BYTES and at what
 * the codec can produce from the compressed size.
 *
 * Thread contract: schemas are immutable once built and may be shared by threads; a reader
 * or writer belongs to one thread at a time.
 */
#ifndef TARN_FORMAT_AVRO_H
#define TARN_FORMAT_AVRO_H

#include "base/arena.h"
#include "base/strbuf.h"

#define AVRO_MAX_SCHEMA_DEPTH 64  /* nested schema JSON; Iceberg's manifests need about 6 */
#define AVRO_MAX_DATUM_DEPTH  128 /* nested values (recursive types can nest any depth) */
#define AVRO_MAX_EMPTY_ITEMS                                        \
    (1 << 20) /* zero-byte array items/records per block: 32 MiB of \
               * AvroValues at most, where a count is all there is */
#define AVRO_MAX_BLOCK_BYTES    ((size_t)256 << 20) /* decompressed block cap */
#define AVRO_BLOCK_TARGET_BYTES (64 * 1024) /* writer flushes a block past this (Java: 64000) */
#define AVRO_SYNC_BYTES         16

typedef enum AvroKind {
    AVRO_NULL,
    AVRO_BOOLEAN,
    AVRO_INT,
    AVRO_LONG,
    AVRO_FLOAT,
    AVRO_DOUBLE,
    AVRO_BYTES,
    AVRO_STRING,
    AVRO_RECORD,
    AVRO_ENUM,
    AVRO_ARRAY,
    AVRO_MAP,
    AVRO_UNION,
    AVRO_FIXED
} AvroKind;

typedef struct AvroSchema AvroSchema;

typedef struct AvroField {
    const char *name;
    int32_t field_id; /* "field-id" attr or -1 */
    const AvroSchema *schema;
} AvroField;

/* One schema node. Built by avro_schema_parse (arena-owned) or by hand (designated
 * initializers; unset ids must be -1). Immutable once built. Named types referenced twice
 * are one node, so a schema may be a graph with cycles (recursive records). */
struct AvroSchema {
    AvroKind kind;
    const char *name;         /* full name of record/enum/fixed, else NULL */
    const char *logical_type; /* "logicalType" attr or NULL (e.g. "map", "decimal", "date") */
    int32_t element_id;       /* array "element-id" attr, or -1 */
    int32_t key_id, value_id; /* map "key-id"/"value-id" attrs (also on arrays with
                                 logicalType map, Iceberg's non-string-key maps: taken from
                                 the item record's "key"/"value" field ids when the array
                                 has no such attrs), or -1 */
    int32_t fixed_size;       /* fixed; 0 otherwise */
    int32_t precision, scale; /* decimal logical type; 0 otherwise */
    const AvroField *fields;
    int32_t n_fields; /* record */
    const char *const *symbols;
    int32_t n_symbols;        /* enum */
    const AvroSchema *items;  /* array */
    const AvroSchema *values; /* map (keys are strings) */
    const AvroSchema *const *branches;
    int32_t n_branches; /* union */
    /* Attributes tarn does not interpret, as the text of a JSON object (e.g.
     * {"adjust-to-utc":true}, {"doc":"..."}), written back by avro_schema_to_json; or NULL. */
    const char *other_attrs;
    /* Record only: parallel to `fields`, each field's uninterpreted attributes ("default",
     * "doc", "aliases", ...) as JSON object text or NULL; the array itself may be NULL. */
    const char *const *field_attrs;
};

/* Parse schema JSON (primitive names, {"type":...} objects, records with fields, enums,
 * arrays, maps, fixed, unions as JSON arrays, named-type references by name or full name
 * with namespaces, "field-id"/"element-id"/"key-id"/"value-id" attributes as numbers or
 * numeric strings). On ERR_OK *out is arena-owned (lives as long as `arena`).
 * Errors: ERR_INVALID with the JSON path/name and what is wrong (bad JSON, unknown type,
 * duplicate name, nesting past AVRO_MAX_SCHEMA_DEPTH, ...), ERR_NOMEM. */
TN_MUST_CHECK ErrCode avro_schema_parse(Arena *arena, const char *json, size_t json_len,
                                        const AvroSchema **out, Err *err);

/* Append canonical-enough JSON text for `schema` to `out` (named types defined at their first
 * occurrence, referenced by full name after; keeps field-id, element-id, key-id, value-id,
 * logicalType, precision/scale and the uninterpreted attributes), for writers.
 * Errors: ERR_INVALID (a hand-built schema with a NULL name, field or child, or deeper
 * than AVRO_MAX_SCHEMA_DEPTH), ERR_NOMEM. `out` may hold a partial text on error. */
TN_MUST_CHECK ErrCode avro_schema_to_json(const AvroSchema *schema, StrBuf *out, Err *err);

/* Lower-case name of a kind ("record", "long", ...). */
const char *avro_kind_name(AvroKind kind);

/* A decoded datum. Unions are transparent: a union-typed slot holds the chosen branch's
 * value directly (kind AVRO_NULL for the null branch), `schema` is that branch's schema. */
typedef struct AvroValue AvroValue;
typedef struct AvroMapEntry AvroMapEntry;
struct AvroValue {
    AvroKind kind;
    const AvroSchema *schema;
    union {
        bool boolean;
        int64_t l; /* int and long; enum index */
        float f;
        double d;
        struct {
            const uint8_t *ptr;
            size_t len;
        } bytes; /* bytes, string, fixed */
        struct {
            AvroValue *fields;
            int32_t n;
        } record; /* parallel to schema->fields */
        struct {
            AvroValue *items;
            size_t n;
        } array;
        struct {
            AvroMapEntry *entries;
            size_t n;
        } map;
    };
};
struct AvroMapEntry {
    const char *key; /* not NUL-terminated necessarily: use key_len */
    size_t key_len;
    AvroValue value;
};

/* Field of a record value: by Iceberg field id when field_id >= 0 and the schema has a field
 * with it; else by name (NULL name: no fallback), where a field whose own id is set and
 * differs from a requested id >= 0 does not match (it is a different Iceberg field). NULL
 * when absent or when `record` is not a record (a reader of files from other writers must
 * cope). The result is borrowed from `record`. */
const AvroValue *avro_record_get(const AvroValue *record, int32_t field_id, const char *name);

/* ---- single datums (the building blocks of the container; also for tests) ------------- */

/* Append the zigzag varint encoding of `v` (1 to 10 bytes). Errors: ERR_NOMEM. */
TN_MUST_CHECK ErrCode avro_encode_long(StrBuf *out, int64_t v, Err *err);

/* Decode a zigzag varint from data[0..len): *out the value, *used the bytes read.
 * False when the bytes end first or the varint runs past 10 bytes or 64 bits. */
bool avro_decode_long(const uint8_t *data, size_t len, int64_t *out, size_t *used);

/* Append the binary encoding of `value` as `schema` (see avro_writer_append for the matching
 * rules). Errors: ERR_INVALID naming the field path, ERR_NOMEM; `out` may then hold a
 * partial datum past its old length. */
TN_MUST_CHECK ErrCode avro_encode_datum(StrBuf *out, const AvroSchema *schema,
                                        const AvroValue *value, Err *err);

/* Decode one datum of `schema` from data[0..len) into `arena`; *used receives the bytes
 * read. Strings and bytes point into `data` (borrowed: keep it alive while the value is
 * used). Errors: ERR_CORRUPT with the byte offset (truncated, bad length, bad union index,
 * bad varint, too deep, ...), ERR_NOMEM. */
TN_MUST_CHECK ErrCode avro_decode_datum(Arena *arena, const AvroSchema *schema, const uint8_t *data,
                                        size_t len, AvroValue *out, size_t *used, Err *err);

/* ---- object container files -------------------------------------------------------- */

/* Container reader over bytes in memory (the caller keeps them alive while values are
 * used: strings/bytes of decoded values point into them, or into copies in the `arena`
 * passed to avro_reader_next when the block was compressed). `source` names the file in
 * error messages (copied). Values also point at the reader's schema: use them before
 * avro_reader_close. *out is caller-owned (avro_reader_close); its memory is charged to
 * `mem`. Errors: ERR_CORRUPT (bad magic, metadata, sync marker or truncation, no schema or
 * one that does not parse; message with source and offset), ERR_UNSUPPORTED (a codec other
 * than null, deflate, snappy, zstandard, naming it), ERR_NOMEM. */
typedef struct AvroReader AvroReader;
TN_MUST_CHECK ErrCode avro_reader_open(Mem *mem, const uint8_t *data, size_t len,
                                       const char *source, AvroReader **out, Err *err);

/* The writer's schema from the header (borrowed until avro_reader_close). */
const AvroSchema *avro_reader_schema(const AvroReader *reader);

/* Header metadata value for key (e.g. "schema", "partition-spec", "format-version",
 * "content", "avro.codec"), NULL if absent; *len (may be NULL) receives its length. The
 * value is a NUL-terminated copy (it may also hold NULs of its own), borrowed until
 * avro_reader_close. */
const char *avro_reader_meta(const AvroReader *reader, const char *key, size_t *len);

/* Number of metadata pairs, and the i-th key (borrowed until close), for listing tools. */
int32_t avro_reader_meta_count(const AvroReader *reader);
const char *avro_reader_meta_key(const AvroReader *reader, int32_t idx);

/* Next record, decoded into `arena` (arena-owned; see avro_reader_open for what else it
 * points at); *out = NULL at the end. Errors: ERR_CORRUPT on bad data with source, block
 * number, block offset, record and byte offset in the message, ERR_NOMEM; after an error
 * every later call returns it again (the position within the block is lost). */
TN_MUST_CHECK ErrCode avro_reader_next(AvroReader *reader, Arena *arena, const AvroValue **out,
                                       Err *err);

/* Free the reader and its schema and metadata. NULL is a no-op. */
void avro_reader_close(AvroReader *reader);

/* Container writer into an in-memory StrBuf (the table layer writes the bytes to a file
 * atomically itself). Metadata pairs go into the header after avro.schema/avro.codec. */
typedef enum AvroCodec {
    AVRO_CODEC_NULL,
    AVRO_CODEC_DEFLATE,
    AVRO_CODEC_SNAPPY,
    AVRO_CODEC_ZSTD
} AvroCodec;

/* The codec's name in files: "null", "deflate", "snappy", "zstandard". */
const char *avro_codec_name(AvroCodec codec);

typedef struct AvroMeta {
    const char *key;
    const char *value;
} AvroMeta;

typedef struct AvroWriter AvroWriter;

/* Start a file: appends the header (magic, metadata with avro.schema, avro.codec and `meta`,
 * a random sync marker) to `out`, which the writer then borrows until finish/abort (do not
 * touch it meanwhile). `schema` and `mem` are borrowed until then too; `meta` is copied
 * into the header at once. *out_writer is caller-owned: end it with avro_writer_finish or
 * avro_writer_abort. Errors: ERR_INVALID (a meta key starting with "avro.", which the spec
 * reserves; a bad hand-built schema), ERR_NOMEM; on error `out` is left as it was. */
TN_MUST_CHECK ErrCode avro_writer_open(Mem *mem, StrBuf *out, const AvroSchema *schema,
                                       AvroCodec codec, const AvroMeta *meta, int32_t n_meta,
                                       AvroWriter **out_writer, Err *err);

/* Append one datum; `value` must match the schema: kinds equal, except that an int value
 * may go to a long slot (and a long one to an int slot when it fits), float to double,
 * string and bytes to each other, and bytes of the right length to fixed; a record value
 * has exactly the schema's fields, an enum index is in range. Unions: the branch that is
 * value->schema, else the first branch whose kind matches the value's kind (by name for
 * named types when value->schema is named), else the first that accepts it as above.
 * Blocks are flushed at ~64 KiB of encoded data (AVRO_BLOCK_TARGET_BYTES). Errors:
 * ERR_INVALID naming the field path on mismatch (the datum is dropped, the writer stays
 * usable); ERR_NOMEM, ERR_INTERNAL (a compressor failed) while flushing a block (the datum
 * stays buffered; end with avro_writer_abort or retry avro_writer_finish). */
TN_MUST_CHECK ErrCode avro_writer_append(AvroWriter *writer, const AvroValue *value, Err *err);

/* Flush the last block; the StrBuf then holds a complete file. Frees the writer, also on
 * error (then `out` is cut back to its length before avro_writer_open). Errors: ERR_NOMEM,
 * ERR_INTERNAL. */
TN_MUST_CHECK ErrCode avro_writer_finish(AvroWriter *writer, Err *err);

/* Free the writer and cut `out` back to its length before avro_writer_open. NULL no-op. */
void avro_writer_abort(AvroWriter *writer);

#endif
