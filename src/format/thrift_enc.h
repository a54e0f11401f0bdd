/* thrift_enc.h — Thrift compact protocol encoder (format layer; used by pq_meta_enc.c to
 * write Parquet footers, page headers and page indexes).
 *
 * The encoder appends to a caller's StrBuf. Errors are sticky: every call is void, the
 * first allocation failure is recorded and later calls do nothing, and thrift_enc_finish
 * returns it. This keeps the metadata serialisers free of per-field error checks.
 *
 * Byte layout (SPECS.md §1.2): integers are zigzag + ULEB128 varints; a field header is
 * `dddd tttt` (delta from the previous field id 1..15, compact type) or `0000 tttt` + the
 * zigzag varint i16 id; bool fields carry their value in the type nibble (1 true, 2 false);
 * a struct ends with 0x00; a list header is `ssss tttt` (size < 15) or `1111 tttt` + varint
 * size. Nested structs keep their own "previous field id" on a stack (THRIFT_ENC_MAX_DEPTH).
 * Thread contract: one thread at a time per ThriftEnc.
 */
#ifndef TARN_FORMAT_THRIFT_ENC_H
#define TARN_FORMAT_THRIFT_ENC_H

#include "base/strbuf.h"

enum {
    THRIFT_ENC_BOOL_TRUE = 1,
    THRIFT_ENC_BOOL_FALSE = 2,
    THRIFT_ENC_I8 = 3,
    THRIFT_ENC_I16 = 4,
    THRIFT_ENC_I32 = 5,
    THRIFT_ENC_I64 = 6,
    THRIFT_ENC_DOUBLE = 7,
    THRIFT_ENC_BINARY = 8,
    THRIFT_ENC_LIST = 9,
    THRIFT_ENC_SET = 10,
    THRIFT_ENC_MAP = 11,
    THRIFT_ENC_STRUCT = 12,
};

#define THRIFT_ENC_MAX_DEPTH 16

typedef struct ThriftEnc {
    StrBuf *out;                           /* borrowed; bytes are appended */
    int16_t last_id[THRIFT_ENC_MAX_DEPTH]; /* previous field id per open struct */
    int depth;                             /* open structs; the top level struct is depth 1 */
    ErrCode rc;                            /* first failure, sticky */
    Err *err;
} ThriftEnc;

/* Start encoding one top-level struct into `out`. `err` receives the first failure. */
void thrift_enc_init(ThriftEnc *enc, StrBuf *out, Err *err);

/* End the top-level struct (writes its stop byte) and return the first error, if any:
 * ERR_NOMEM, or ERR_INTERNAL for unbalanced structs. */
TN_MUST_CHECK ErrCode thrift_enc_finish(ThriftEnc *enc);

/* Fields of the current struct; ids must increase or the long form is used. */
void thrift_enc_field_bool(ThriftEnc *enc, int16_t id, bool value);
void thrift_enc_field_i8(ThriftEnc *enc, int16_t id, int8_t value);
void thrift_enc_field_i16(ThriftEnc *enc, int16_t id, int16_t value);
void thrift_enc_field_i32(ThriftEnc *enc, int16_t id, int32_t value);
void thrift_enc_field_i64(ThriftEnc *enc, int16_t id, int64_t value);
void thrift_enc_field_double(ThriftEnc *enc, int16_t id, double value);
void thrift_enc_field_binary(ThriftEnc *enc, int16_t id, const void *bytes, size_t len);
void thrift_enc_field_string(ThriftEnc *enc, int16_t id, const char *str);

/* A struct field: begin pushes a new field-id scope, end writes the stop byte and pops. */
void thrift_enc_field_struct_begin(ThriftEnc *enc, int16_t id);
void thrift_enc_struct_end(ThriftEnc *enc);

/* A list field of `n` elements of compact type `elem_type`; then write the elements with
 * the thrift_enc_elem_* calls (struct elements: thrift_enc_elem_struct_begin ...
 * thrift_enc_struct_end). */
void thrift_enc_field_list_begin(ThriftEnc *enc, int16_t id, int elem_type, int32_t n);
void thrift_enc_elem_struct_begin(ThriftEnc *enc);
void thrift_enc_elem_bool(ThriftEnc *enc, bool value);
void thrift_enc_elem_i32(ThriftEnc *enc, int32_t value);
void thrift_enc_elem_i64(ThriftEnc *enc, int64_t value);
void thrift_enc_elem_binary(ThriftEnc *enc, const void *bytes, size_t len);

/* Raw helpers shared with the encodings: ULEB128 and zigzag varints into buf (>= 10 bytes);
 * return the number of bytes written. */
size_t thrift_enc_uvarint(uint8_t *buf, uint64_t value);
size_t thrift_enc_zigzag(uint8_t *buf, int64_t value);

#endif
