/* thrift_enc.c — Thrift compact protocol encoder; see thrift_enc.h for the byte layout.
 *
 * Every write reserves its worst case (a field header is at most 3 bytes, a varint 10)
 * once and then stores bytes directly, so the common path is a bounds check and a few
 * stores. The sticky rc makes all calls after a failure no-ops.
 */
#include "format/thrift_enc.h"

#include <string.h>

size_t thrift_enc_uvarint(uint8_t *buf, uint64_t value)
{
    size_t n = 0;
    while (value >= 0x80) {
        buf[n++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    buf[n++] = (uint8_t)value;
    return n;
}

size_t thrift_enc_zigzag(uint8_t *buf, int64_t value)
{
    uint64_t zz = ((uint64_t)value << 1) ^ (uint64_t)(value >> 63);
    return thrift_enc_uvarint(buf, zz);
}

void thrift_enc_init(ThriftEnc *enc, StrBuf *out, Err *err)
{
    enc->out = out;
    enc->depth = 1;
    enc->last_id[0] = 0;
    enc->rc = ERR_OK;
    enc->err = err;
}

/* Room for `extra` bytes; false (and rc set) on failure or after an earlier failure. */
static bool room(ThriftEnc *enc, size_t extra)
{
    if (enc->rc != ERR_OK)
        return false;
    if (enc->out->cap - enc->out->len > extra)
        return true;
    enc->rc = strbuf_reserve(enc->out, extra, enc->err);
    return enc->rc == ERR_OK;
}

static uint8_t *tail(ThriftEnc *enc)
{
    return (uint8_t *)enc->out->data + enc->out->len;
}

static void field_header(ThriftEnc *enc, int16_t id, int type)
{
    if (!room(enc, 16))
        return;
    uint8_t *p = tail(enc);
    int16_t *last = &enc->last_id[enc->depth - 1];
    int delta = (int)id - (int)*last;
    if (delta > 0 && delta <= 15) {
        p[0] = (uint8_t)(delta << 4 | type);
        enc->out->len += 1;
    } else {
        p[0] = (uint8_t)type;
        enc->out->len += 1 + thrift_enc_zigzag(p + 1, id);
    }
    *last = id;
}

static void put_zigzag(ThriftEnc *enc, int64_t value)
{
    if (!room(enc, 10))
        return;
    enc->out->len += thrift_enc_zigzag(tail(enc), value);
}

static void put_bytes(ThriftEnc *enc, const void *bytes, size_t len)
{
    if (!room(enc, len + 10))
        return;
    enc->out->len += thrift_enc_uvarint(tail(enc), len);
    if (len) {
        memcpy(tail(enc), bytes, len);
    }
    enc->out->len += len;
}

static void push(ThriftEnc *enc)
{
    if (enc->rc != ERR_OK)
        return;
    if (enc->depth >= THRIFT_ENC_MAX_DEPTH) {
        enc->rc = err_set(enc->err, ERR_INTERNAL, "thrift structs nested too deeply");
        return;
    }
    enc->last_id[enc->depth++] = 0;
}

void thrift_enc_field_bool(ThriftEnc *enc, int16_t id, bool value)
{
    field_header(enc, id, value ? THRIFT_ENC_BOOL_TRUE : THRIFT_ENC_BOOL_FALSE);
}

void thrift_enc_field_i8(ThriftEnc *enc, int16_t id, int8_t value)
{
    field_header(enc, id, THRIFT_ENC_I8);
    if (room(enc, 1)) {
        *tail(enc) = (uint8_t)value;
        enc->out->len++;
    }
}

void thrift_enc_field_i16(ThriftEnc *enc, int16_t id, int16_t value)
{
    field_header(enc, id, THRIFT_ENC_I16);
    put_zigzag(enc, value);
}

void thrift_enc_field_i32(ThriftEnc *enc, int16_t id, int32_t value)
{
    field_header(enc, id, THRIFT_ENC_I32);
    put_zigzag(enc, value);
}

void thrift_enc_field_i64(ThriftEnc *enc, int16_t id, int64_t value)
{
    field_header(enc, id, THRIFT_ENC_I64);
    put_zigzag(enc, value);
}

void thrift_enc_field_double(ThriftEnc *enc, int16_t id, double value)
{
    field_header(enc, id, THRIFT_ENC_DOUBLE);
    if (!room(enc, 8))
        return;
    uint64_t bits;
    memcpy(&bits, &value, 8);
    store_u64le(tail(enc), bits);
    enc->out->len += 8;
}

void thrift_enc_field_binary(ThriftEnc *enc, int16_t id, const void *bytes, size_t len)
{
    field_header(enc, id, THRIFT_ENC_BINARY);
    put_bytes(enc, bytes, len);
}

void thrift_enc_field_string(ThriftEnc *enc, int16_t id, const char *str)
{
    thrift_enc_field_binary(enc, id, str, strlen(str));
}

void thrift_enc_field_struct_begin(ThriftEnc *enc, int16_t id)
{
    field_header(enc, id, THRIFT_ENC_STRUCT);
    push(enc);
}

void thrift_enc_struct_end(ThriftEnc *enc)
{
    if (!room(enc, 1))
        return;
    if (enc->depth <= 1) {
        enc->rc = err_set(enc->err, ERR_INTERNAL, "unbalanced thrift struct end");
        return;
    }
    *tail(enc) = 0;
    enc->out->len++;
    enc->depth--;
}

void thrift_enc_field_list_begin(ThriftEnc *enc, int16_t id, int elem_type, int32_t n)
{
    field_header(enc, id, THRIFT_ENC_LIST);
    if (!room(enc, 11))
        return;
    uint8_t *p = tail(enc);
    if (n < 15) {
        p[0] = (uint8_t)(n << 4 | elem_type);
        enc->out->len += 1;
    } else {
        p[0] = (uint8_t)(0xf0 | elem_type);
        enc->out->len += 1 + thrift_enc_uvarint(p + 1, (uint64_t)n);
    }
}

void thrift_enc_elem_struct_begin(ThriftEnc *enc)
{
    push(enc);
}

void thrift_enc_elem_bool(ThriftEnc *enc, bool value)
{
    if (!room(enc, 1))
        return;
    *tail(enc) = value ? THRIFT_ENC_BOOL_TRUE : THRIFT_ENC_BOOL_FALSE;
    enc->out->len++;
}

void thrift_enc_elem_i32(ThriftEnc *enc, int32_t value)
{
    put_zigzag(enc, value);
}

void thrift_enc_elem_i64(ThriftEnc *enc, int64_t value)
{
    put_zigzag(enc, value);
}

void thrift_enc_elem_binary(ThriftEnc *enc, const void *bytes, size_t len)
{
    put_bytes(enc, bytes, len);
}

ErrCode thrift_enc_finish(ThriftEnc *enc)
{
    if (enc->rc == ERR_OK && enc->depth != 1) {
        enc->rc = err_set(enc->err, ERR_INTERNAL, "unbalanced thrift struct at finish");
    }
    if (room(enc, 1)) {
        *tail(enc) = 0;
        enc->out->len++;
        enc->out->data[enc->out->len] = 0;
    }
    return enc->rc;
}
