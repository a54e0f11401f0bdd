/* thrift_dec.h — Thrift compact protocol decoder over a bounded buffer (format layer; used
 * by pq_meta_dec.c to read Parquet footers, page headers and page indexes).
 *
 * The wire format (apache/thrift doc/specs/thrift-compact-protocol.md, SPECS.md §1.2):
 *
 *   varint       ULEB128, at most 10 bytes (longer is corrupt)
 *   i16/i32/i64  zigzag then varint; i8 is one raw byte; double is 8 bytes little-endian
 *   binary       varint length + bytes (length checked against the bytes left)
 *   field header short form `dddd tttt` (delta 1..15 from the previous id of this struct)
 *                or long form `0000 tttt` + zigzag varint i16 id; type 0 = STOP ends a struct
 *   bool field   no payload: type 1 = true, 2 = false; in lists one byte per element
 *   list/set     `ssss tttt` (size 0..14) or `1111 tttt` + varint size
 *   map          0x00 when empty, else varint size + `kkkk vvvv`
 *
 * A ThriftDec walks the bytes; the caller drives it struct by struct (thrift_struct_begin,
 * thrift_field_next until STOP, thrift_struct_end) and calls thrift_skip for fields it does
 * not know, so files from newer writers read. Nesting is limited to THRIFT_MAX_DEPTH
 * (structs, lists and maps count), and every element count is checked against the bytes
 * left before the caller allocates for it (each element takes at least one byte), so
 * hostile input can neither recurse deeply nor make the caller allocate more than a small
 * multiple of the input. Errors are ERR_CORRUPT with the byte offset from the start of the
 * buffer. No allocation; thread contract: one ThriftDec per thread.
 */
#ifndef TARN_FORMAT_THRIFT_DEC_H
#define TARN_FORMAT_THRIFT_DEC_H

#include "base/err.h"

#define THRIFT_MAX_DEPTH 64

typedef enum ThriftType {
    THRIFT_STOP = 0,
    THRIFT_BOOL_TRUE = 1,
    THRIFT_BOOL_FALSE = 2,
    THRIFT_I8 = 3,
    THRIFT_I16 = 4,
    THRIFT_I32 = 5,
    THRIFT_I64 = 6,
    THRIFT_DOUBLE = 7,
    THRIFT_BINARY = 8,
    THRIFT_LIST = 9,
    THRIFT_SET = 10,
    THRIFT_MAP = 11,
    THRIFT_STRUCT = 12,
    THRIFT_UUID = 13,
} ThriftType;

typedef struct ThriftDec {
    const uint8_t *start;                  /* buffer start, for offsets in messages */
    const uint8_t *pos;                    /* next byte */
    const uint8_t *end;                    /* one past the last byte */
    int depth;                             /* open structs/lists/maps */
    int16_t last_id[THRIFT_MAX_DEPTH + 1]; /* previous field id per open struct */
} ThriftDec;

/* Start decoding data[0..len) (borrowed for the decoder's life). */
void thrift_dec_init(ThriftDec *dec, const void *data, size_t len);

/* Bytes consumed so far (offset of the next byte). */
size_t thrift_dec_offset(const ThriftDec *dec);

/* Scalars. Errors: ERR_CORRUPT (truncated, varint over 10 bytes, value out of range). */
TN_MUST_CHECK ErrCode thrift_read_varint(ThriftDec *dec, uint64_t *out, Err *err);
TN_MUST_CHECK ErrCode thrift_read_i8(ThriftDec *dec, int8_t *out, Err *err);
TN_MUST_CHECK ErrCode thrift_read_i16(ThriftDec *dec, int16_t *out, Err *err);
TN_MUST_CHECK ErrCode thrift_read_i32(ThriftDec *dec, int32_t *out, Err *err);
TN_MUST_CHECK ErrCode thrift_read_i64(ThriftDec *dec, int64_t *out, Err *err);
TN_MUST_CHECK ErrCode thrift_read_double(ThriftDec *dec, double *out, Err *err);

/* A binary/string: *ptr is borrowed from the buffer, *len checked against the bytes left. */
TN_MUST_CHECK ErrCode thrift_read_binary(ThriftDec *dec, const uint8_t **ptr, uint32_t *len,
                                         Err *err);

/* Enter a struct (resets the previous field id; ERR_CORRUPT past THRIFT_MAX_DEPTH). */
TN_MUST_CHECK ErrCode thrift_struct_begin(ThriftDec *dec, Err *err);

/* Leave the struct entered last (after thrift_field_next returned THRIFT_STOP). */
void thrift_struct_end(ThriftDec *dec);

/* Read the next field header of the current struct: *type is THRIFT_STOP at the end, else
 * the field's type with *id its id; for bool fields *bool_value holds the value (types
 * THRIFT_BOOL_TRUE/FALSE carry no payload). */
TN_MUST_CHECK ErrCode thrift_field_next(ThriftDec *dec, int16_t *id, ThriftType *type,
                                        bool *bool_value, Err *err);

/* List or set header; *count is at most the bytes left. Pair with thrift_list_end. Bool
 * elements are one byte each (read them with thrift_read_list_bool). */
TN_MUST_CHECK ErrCode thrift_list_begin(ThriftDec *dec, ThriftType *elem_type, uint32_t *count,
                                        Err *err);
void thrift_list_end(ThriftDec *dec);
TN_MUST_CHECK ErrCode thrift_read_list_bool(ThriftDec *dec, bool *out, Err *err);

/* Map header; *count is at most the bytes left. Pair with thrift_list_end. */
TN_MUST_CHECK ErrCode thrift_map_begin(ThriftDec *dec, ThriftType *key_type, ThriftType *value_type,
                                       uint32_t *count, Err *err);

/* Skip a value of `type` (a field body, list element or map entry half), however nested.
 * For THRIFT_BOOL_TRUE/FALSE as a field this consumes nothing; use thrift_skip_elem for
 * list elements. */
TN_MUST_CHECK ErrCode thrift_skip(ThriftDec *dec, ThriftType type, Err *err);

/* Skip one list/set/map element of `type` (bools take one byte here). */
TN_MUST_CHECK ErrCode thrift_skip_elem(ThriftDec *dec, ThriftType type, Err *err);

#endif
