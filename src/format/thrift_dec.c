/* thrift_dec.c — Thrift compact protocol decoder (see thrift_dec.h for the wire format).
 *
 * Every read first checks the bytes left (`end - pos`); a failure reports what was being
 * read and the offset from the start of the buffer. Skipping recurses through
 * thrift_skip, bounded by the depth counter shared with struct/list nesting, so a hostile
 * buffer of nested list headers cannot exhaust the stack.
 */
#include "format/thrift_dec.h"

#include <string.h>

void thrift_dec_init(ThriftDec *dec, const void *data, size_t len)
{
    dec->start = data;
    dec->pos = data;
    dec->end = dec->start + len;
    dec->depth = 0;
    dec->last_id[0] = 0;
}

size_t thrift_dec_offset(const ThriftDec *dec)
{
    return (size_t)(dec->pos - dec->start);
}

static ErrCode truncated(const ThriftDec *dec, const char *what, Err *err)
{
    return err_set(err, ERR_CORRUPT, "thrift %s truncated at offset %zu", what,
                   thrift_dec_offset(dec));
}

ErrCode thrift_read_varint(ThriftDec *dec, uint64_t *out, Err *err)
{
    uint64_t value = 0;
    for (int shift = 0, n = 0; n < 10; n++, shift += 7) {
        if (dec->pos >= dec->end)
            return truncated(dec, "varint", err);
        uint8_t byte = *dec->pos++;
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = value;
            return ERR_OK;
        }
    }
    return err_set(err, ERR_CORRUPT, "thrift varint longer than 10 bytes at offset %zu",
                   thrift_dec_offset(dec) - 10);
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

ErrCode thrift_read_i64(ThriftDec *dec, int64_t *out, Err *err)
{
    uint64_t v;
    ErrCode rc = thrift_read_varint(dec, &v, err);
    if (rc != ERR_OK)
        return rc;
    *out = unzigzag(v);
    return ERR_OK;
}

ErrCode thrift_read_i32(ThriftDec *dec, int32_t *out, Err *err)
{
    int64_t v;
    size_t at = thrift_dec_offset(dec);
    ErrCode rc = thrift_read_i64(dec, &v, err);
    if (rc != ERR_OK)
        return rc;
    if (v < INT32_MIN || v > INT32_MAX)
        return err_set(err, ERR_CORRUPT, "thrift i32 out of range (%lld) at offset %zu",
                       (long long)v, at);
    *out = (int32_t)v;
    return ERR_OK;
}

ErrCode thrift_read_i16(ThriftDec *dec, int16_t *out, Err *err)
{
    int64_t v;
    size_t at = thrift_dec_offset(dec);
    ErrCode rc = thrift_read_i64(dec, &v, err);
    if (rc != ERR_OK)
        return rc;
    if (v < INT16_MIN || v > INT16_MAX)
        return err_set(err, ERR_CORRUPT, "thrift i16 out of range (%lld) at offset %zu",
                       (long long)v, at);
    *out = (int16_t)v;
    return ERR_OK;
}

ErrCode thrift_read_i8(ThriftDec *dec, int8_t *out, Err *err)
{
    if (dec->pos >= dec->end)
        return truncated(dec, "byte", err);
    *out = (int8_t)*dec->pos++;
    return ERR_OK;
}

ErrCode thrift_read_double(ThriftDec *dec, double *out, Err *err)
{
    if (dec->end - dec->pos < 8)
        return truncated(dec, "double", err);
    uint64_t bits = load_u64le(dec->pos);
    memcpy(out, &bits, sizeof bits);
    dec->pos += 8;
    return ERR_OK;
}

ErrCode thrift_read_binary(ThriftDec *dec, const uint8_t **ptr, uint32_t *len, Err *err)
{
    size_t at = thrift_dec_offset(dec);
    uint64_t n;
    ErrCode rc = thrift_read_varint(dec, &n, err);
    if (rc != ERR_OK)
        return rc;
    if (n > (uint64_t)(dec->end - dec->pos))
        return err_set(err, ERR_CORRUPT,
                       "thrift binary at offset %zu has length %llu but only %zu bytes are left",
                       at, (unsigned long long)n, (size_t)(dec->end - dec->pos));
    *ptr = dec->pos;
    *len = (uint32_t)n;
    dec->pos += n;
    return ERR_OK;
}

static ErrCode push(ThriftDec *dec, Err *err)
{
    if (dec->depth >= THRIFT_MAX_DEPTH)
        return err_set(err, ERR_CORRUPT, "thrift nesting deeper than %d at offset %zu",
                       THRIFT_MAX_DEPTH, thrift_dec_offset(dec));
    dec->depth++;
    dec->last_id[dec->depth] = 0;
    return ERR_OK;
}

ErrCode thrift_struct_begin(ThriftDec *dec, Err *err)
{
    return push(dec, err);
}

void thrift_struct_end(ThriftDec *dec)
{
    if (dec->depth > 0)
        dec->depth--;
}

ErrCode thrift_field_next(ThriftDec *dec, int16_t *id, ThriftType *type, bool *bool_value, Err *err)
{
    if (dec->pos >= dec->end)
        return truncated(dec, "field header", err);
    size_t at = thrift_dec_offset(dec);
    uint8_t byte = *dec->pos++;
    uint8_t type_code = byte & 0x0f;
    if (type_code == THRIFT_STOP) {
        *type = THRIFT_STOP;
        *id = 0;
        return ERR_OK;
    }
    if (type_code > THRIFT_UUID)
        return err_set(err, ERR_CORRUPT, "thrift field type %u unknown at offset %zu", type_code,
                       at);
    int16_t field_id;
    uint8_t delta = byte >> 4;
    if (delta) {
        field_id = (int16_t)(dec->last_id[dec->depth] + delta);
    } else {
        ErrCode rc = thrift_read_i16(dec, &field_id, err);
        if (rc != ERR_OK)
            return rc;
    }
    dec->last_id[dec->depth] = field_id;
    *id = field_id;
    *type = (ThriftType)type_code;
    *bool_value = type_code == THRIFT_BOOL_TRUE;
    return ERR_OK;
}

ErrCode thrift_list_begin(ThriftDec *dec, ThriftType *elem_type, uint32_t *count, Err *err)
{
    if (dec->pos >= dec->end)
        return truncated(dec, "list header", err);
    size_t at = thrift_dec_offset(dec);
    uint8_t byte = *dec->pos++;
    uint64_t n = byte >> 4;
    if (n == 15) {
        ErrCode rc = thrift_read_varint(dec, &n, err);
        if (rc != ERR_OK)
            return rc;
    }
    uint8_t type_code = byte & 0x0f;
    if (type_code == THRIFT_STOP || type_code > THRIFT_UUID)
        return err_set(err, ERR_CORRUPT, "thrift list element type %u unknown at offset %zu",
                       type_code, at);
    /* Every element takes at least one byte, so a larger count cannot be real. */
    if (n > (uint64_t)(dec->end - dec->pos))
        return err_set(err, ERR_CORRUPT,
                       "thrift list at offset %zu claims %llu elements but only %zu bytes are "
                       "left",
                       at, (unsigned long long)n, (size_t)(dec->end - dec->pos));
    ErrCode rc = push(dec, err);
    if (rc != ERR_OK)
        return rc;
    *elem_type = (ThriftType)type_code;
    *count = (uint32_t)n;
    return ERR_OK;
}

void thrift_list_end(ThriftDec *dec)
{
    if (dec->depth > 0)
        dec->depth--;
}

ErrCode thrift_read_list_bool(ThriftDec *dec, bool *out, Err *err)
{
    if (dec->pos >= dec->end)
        return truncated(dec, "bool", err);
    *out = *dec->pos++ == 1;
    return ERR_OK;
}

ErrCode thrift_map_begin(ThriftDec *dec, ThriftType *key_type, ThriftType *value_type,
                         uint32_t *count, Err *err)
{
    size_t at = thrift_dec_offset(dec);
    uint64_t n;
    ErrCode rc = thrift_read_varint(dec, &n, err);
    if (rc != ERR_OK)
        return rc;
    uint8_t types = 0;
    if (n > 0) {
        if (dec->pos >= dec->end)
            return truncated(dec, "map header", err);
        types = *dec->pos++;
        uint8_t k = types >> 4, v = types & 0x0f;
        if (k == 0 || k > THRIFT_UUID || v == 0 || v > THRIFT_UUID)
            return err_set(err, ERR_CORRUPT, "thrift map types 0x%02x unknown at offset %zu", types,
                           at);
    }
    if (n > (uint64_t)(dec->end - dec->pos))
        return err_set(err, ERR_CORRUPT,
                       "thrift map at offset %zu claims %llu entries but only %zu bytes are left",
                       at, (unsigned long long)n, (size_t)(dec->end - dec->pos));
    rc = push(dec, err);
    if (rc != ERR_OK)
        return rc;
    *key_type = (ThriftType)(types >> 4);
    *value_type = (ThriftType)(types & 0x0f);
    *count = (uint32_t)n;
    return ERR_OK;
}

static ErrCode skip_bytes(ThriftDec *dec, size_t n, const char *what, Err *err)
{
    if ((size_t)(dec->end - dec->pos) < n)
        return truncated(dec, what, err);
    dec->pos += n;
    return ERR_OK;
}

static ErrCode skip_struct(ThriftDec *dec, Err *err)
{
    ErrCode rc = thrift_struct_begin(dec, err);
    if (rc != ERR_OK)
        return rc;
    for (;;) {
        int16_t id;
        ThriftType type;
        bool bool_value;
        rc = thrift_field_next(dec, &id, &type, &bool_value, err);
        if (rc != ERR_OK)
            return rc;
        if (type == THRIFT_STOP)
            break;
        rc = thrift_skip(dec, type, err);
        if (rc != ERR_OK)
            return rc;
    }
    thrift_struct_end(dec);
    return ERR_OK;
}

static ErrCode skip_list(ThriftDec *dec, Err *err)
{
    ThriftType elem;
    uint32_t count;
    ErrCode rc = thrift_list_begin(dec, &elem, &count, err);
    if (rc != ERR_OK)
        return rc;
    for (uint32_t i = 0; i < count; i++) {
        rc = thrift_skip_elem(dec, elem, err);
        if (rc != ERR_OK)
            return rc;
    }
    thrift_list_end(dec);
    return ERR_OK;
}

static ErrCode skip_map(ThriftDec *dec, Err *err)
{
    ThriftType key_type, value_type;
    uint32_t count;
    ErrCode rc = thrift_map_begin(dec, &key_type, &value_type, &count, err);
    if (rc != ERR_OK)
        return rc;
    for (uint32_t i = 0; i < count; i++) {
        rc = thrift_skip_elem(dec, key_type, err);
        if (rc == ERR_OK)
            rc = thrift_skip_elem(dec, value_type, err);
        if (rc != ERR_OK)
            return rc;
    }
    thrift_list_end(dec);
    return ERR_OK;
}

ErrCode thrift_skip(ThriftDec *dec, ThriftType type, Err *err)
{
    uint64_t ignored;
    const uint8_t *ptr;
    uint32_t len;
    switch (type) {
    case THRIFT_STOP:
        return err_set(err, ERR_CORRUPT, "thrift cannot skip a STOP at offset %zu",
                       thrift_dec_offset(dec));
    case THRIFT_BOOL_TRUE:
    case THRIFT_BOOL_FALSE:
        return ERR_OK;
    case THRIFT_I8:
        return skip_bytes(dec, 1, "byte", err);
    case THRIFT_I16:
    case THRIFT_I32:
    case THRIFT_I64:
        return thrift_read_varint(dec, &ignored, err);
    case THRIFT_DOUBLE:
        return skip_bytes(dec, 8, "double", err);
    case THRIFT_BINARY:
        return thrift_read_binary(dec, &ptr, &len, err);
    case THRIFT_LIST:
    case THRIFT_SET:
        return skip_list(dec, err);
    case THRIFT_MAP:
        return skip_map(dec, err);
    case THRIFT_STRUCT:
        return skip_struct(dec, err);
    case THRIFT_UUID:
        return skip_bytes(dec, 16, "uuid", err);
    }
    return err_set(err, ERR_CORRUPT, "thrift type %d unknown", (int)type);
}

ErrCode thrift_skip_elem(ThriftDec *dec, ThriftType type, Err *err)
{
    if (type == THRIFT_BOOL_TRUE || type == THRIFT_BOOL_FALSE)
        return skip_bytes(dec, 1, "bool", err);
    return thrift_skip(dec, type, err);
}
