/* ice_value.c — Iceberg single values: constructors, Appendix D binary serialization, the
 * total order used for bounds, literal casts and human text (table layer; contract and
 * byte layout in ice_value.h).
 *
 * Decimals are kept as a 128-bit unscaled integer; precision 38 needs 127 bits, so every
 * legal value fits and the minimal big-endian form is at most 16 bytes. Floats are
 * ordered as Java's Float.compare/Double.compare: -0 < +0 and NaN above +Infinity, which
 * is the order Iceberg's comparators use for bounds.
 */
#include "table/ice_value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"

/* ---- constructors --------------------------------------------------------------------- */

IceValue ice_value_null(IcePrim type)
{
    return (IceValue){.type = type, .is_null = true};
}

IceValue ice_value_bool(bool v)
{
    return (IceValue){.type = {.id = ICE_BOOLEAN}, .b = v};
}

IceValue ice_value_int(int32_t v)
{
    return (IceValue){.type = {.id = ICE_INT}, .i32 = v};
}

IceValue ice_value_long(int64_t v)
{
    return (IceValue){.type = {.id = ICE_LONG}, .i64 = v};
}

IceValue ice_value_float(float v)
{
    return (IceValue){.type = {.id = ICE_FLOAT}, .f32 = v};
}

IceValue ice_value_double(double v)
{
    return (IceValue){.type = {.id = ICE_DOUBLE}, .f64 = v};
}

IceValue ice_value_decimal(int32_t precision, int32_t scale, __int128 unscaled)
{
    return (IceValue){.type = {.id = ICE_DECIMAL, .precision = precision, .scale = scale},
                      .dec = unscaled};
}

IceValue ice_value_date(int32_t days)
{
    return (IceValue){.type = {.id = ICE_DATE}, .i32 = days};
}

IceValue ice_value_time(int64_t micros)
{
    return (IceValue){.type = {.id = ICE_TIME}, .i64 = micros};
}

IceValue ice_value_timestamp(int64_t micros)
{
    return (IceValue){.type = {.id = ICE_TIMESTAMP}, .i64 = micros};
}

IceValue ice_value_timestamptz(int64_t micros)
{
    return (IceValue){.type = {.id = ICE_TIMESTAMPTZ}, .i64 = micros};
}

static IceValue bytes_value(IcePrim type, const uint8_t *ptr, uint32_t len)
{
    IceValue v = {.type = type};
    v.bytes.ptr = ptr;
    v.bytes.len = len;
    return v;
}

IceValue ice_value_string(const char *ptr, uint32_t len)
{
    return bytes_value((IcePrim){.id = ICE_STRING}, (const uint8_t *)ptr, len);
}

IceValue ice_value_cstring(const char *text)
{
    return ice_value_string(text, (uint32_t)strlen(text));
}

IceValue ice_value_binary(const uint8_t *ptr, uint32_t len)
{
    return bytes_value((IcePrim){.id = ICE_BINARY}, ptr, len);
}

IceValue ice_value_fixed(const uint8_t *ptr, uint32_t len)
{
    return bytes_value((IcePrim){.id = ICE_FIXED, .length = (int32_t)len}, ptr, len);
}

IceValue ice_value_uuid(const uint8_t *bytes16)
{
    return bytes_value((IcePrim){.id = ICE_UUID, .length = 16}, bytes16, 16);
}

/* ---- serialization -------------------------------------------------------------------- */

uint32_t ice_decimal_min_bytes(__int128 unscaled, uint8_t out[ICE_VALUE_FIXED_MAX])
{
    uint8_t full[16];
    unsigned __int128 u = (unsigned __int128)unscaled;
    for (int i = 15; i >= 0; i--) {
        full[i] = (uint8_t)u;
        u >>= 8;
    }
    /* Drop leading bytes that only repeat the sign, keeping the sign bit right. */
    uint32_t skip = 0;
    while (skip < 15) {
        uint8_t lead = full[skip];
        uint8_t next_sign = full[skip + 1] & 0x80;
        if (!((lead == 0x00 && !next_sign) || (lead == 0xff && next_sign)))
            break;
        skip++;
    }
    memcpy(out, full + skip, 16 - skip);
    return 16 - skip;
}

/* Fixed-width kinds into buf; returns the length, or 0 for byte kinds and nested types. */
static uint32_t serialize_fixed(const IceValue *v, uint8_t buf[ICE_VALUE_FIXED_MAX])
{
    switch (v->type.id) {
    case ICE_BOOLEAN:
        buf[0] = v->b ? 1 : 0;
        return 1;
    case ICE_INT:
    case ICE_DATE:
        store_u32le(buf, (uint32_t)v->i32);
        return 4;
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        store_u64le(buf, (uint64_t)v->i64);
        return 8;
    case ICE_FLOAT: {
        uint32_t bits;
        memcpy(&bits, &v->f32, 4);
        store_u32le(buf, bits);
        return 4;
    }
    case ICE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v->f64, 8);
        store_u64le(buf, bits);
        return 8;
    }
    case ICE_DECIMAL:
        return ice_decimal_min_bytes(v->dec, buf);
    case ICE_STRING:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY:
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        return 0;
    }
    return 0;
}

static bool is_byte_kind(IceTypeId id)
{
    return id == ICE_STRING || id == ICE_UUID || id == ICE_FIXED || id == ICE_BINARY;
}

ErrCode ice_value_serialize(Arena *arena, const IceValue *value, IceBytes *out, Err *err)
{
    char type_name[48];
    ice_prim_name(value->type, type_name, sizeof type_name);
    if (value->is_null)
        return err_set(err, ERR_INVALID, "cannot serialize a null %s value", type_name);
    if (!ice_type_is_primitive(value->type.id))
        return err_set(err, ERR_INVALID, "cannot serialize a value of type %s", type_name);
    uint8_t buf[ICE_VALUE_FIXED_MAX];
    const uint8_t *src = buf;
    uint32_t len;
    if (is_byte_kind(value->type.id)) {
        src = value->bytes.ptr;
        len = value->bytes.len;
    } else {
        len = serialize_fixed(value, buf);
    }
    uint8_t *copy = arena_alloc(arena, len ? len : 1);
    if (!copy)
        return arena_error(arena, err);
    if (len)
        memcpy(copy, src, len);
    *out = (IceBytes){copy, len};
    return ERR_OK;
}

static ErrCode want_len(IcePrim type, IceBytes in, uint32_t len, Err *err)
{
    if (in.len == len)
        return ERR_OK;
    char type_name[48];
    ice_prim_name(type, type_name, sizeof type_name);
    return err_set(err, ERR_CORRUPT, "serialized %s value has %u bytes, expected %u", type_name,
                   in.len, len);
}

ErrCode ice_value_deserialize(IcePrim type, IceBytes in, IceValue *out, Err *err)
{
    IceValue v = {.type = type};
    ErrCode rc = ERR_OK;
    switch (type.id) {
    case ICE_BOOLEAN:
        rc = want_len(type, in, 1, err);
        if (rc == ERR_OK)
            v.b = in.ptr[0] != 0;
        break;
    case ICE_INT:
    case ICE_DATE:
        rc = want_len(type, in, 4, err);
        if (rc == ERR_OK)
            v.i32 = (int32_t)load_u32le(in.ptr);
        break;
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        rc = want_len(type, in, 8, err);
        if (rc == ERR_OK)
            v.i64 = (int64_t)load_u64le(in.ptr);
        break;
    case ICE_FLOAT:
        rc = want_len(type, in, 4, err);
        if (rc == ERR_OK) {
            uint32_t bits = load_u32le(in.ptr);
            memcpy(&v.f32, &bits, 4);
        }
        break;
    case ICE_DOUBLE:
        rc = want_len(type, in, 8, err);
        if (rc == ERR_OK) {
            uint64_t bits = load_u64le(in.ptr);
            memcpy(&v.f64, &bits, 8);
        }
        break;
    case ICE_DECIMAL: {
        if (in.len == 0 || in.len > 16)
            return err_set(err, ERR_CORRUPT,
                           "serialized decimal(%d,%d) value has %u bytes, expected 1 to 16",
                           type.precision, type.scale, in.len);
        unsigned __int128 u = (in.ptr[0] & 0x80) ? ~(unsigned __int128)0 : 0;
        for (uint32_t i = 0; i < in.len; i++) {
            u = (u << 8) | in.ptr[i];
        }
        v.dec = (__int128)u;
        break;
    }
    case ICE_UUID:
        rc = want_len(type, in, 16, err);
        v.bytes.ptr = in.ptr;
        v.bytes.len = in.len;
        break;
    case ICE_FIXED:
        rc = want_len(type, in, (uint32_t)type.length, err);
        v.bytes.ptr = in.ptr;
        v.bytes.len = in.len;
        break;
    case ICE_STRING:
    case ICE_BINARY:
        v.bytes.ptr = in.ptr;
        v.bytes.len = in.len;
        break;
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        return err_set(err, ERR_INVALID, "cannot deserialize a single value of a nested type");
    }
    if (rc != ERR_OK)
        return rc;
    *out = v;
    return ERR_OK;
}

/* ---- ordering ------------------------------------------------------------------------- */

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_i128(__int128 a, __int128 b)
{
    return (a > b) - (a < b);
}

/* Java's Double.compare: -0 < +0, NaN above everything, NaN == NaN. */
static int cmp_double(double a, double b)
{
    bool a_nan = isnan(a), b_nan = isnan(b);
    if (a_nan || b_nan)
        return (int)a_nan - (int)b_nan;
    if (a < b)
        return -1;
    if (a > b)
        return 1;
    return (int)(signbit(b) != 0) - (int)(signbit(a) != 0);
}

static int cmp_bytes(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len)
{
    uint32_t n = TN_MIN(a_len, b_len);
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0)
        return c < 0 ? -1 : 1;
    return (a_len > b_len) - (a_len < b_len);
}

__int128 ice_decimal_pow10(int32_t n)
{
    __int128 p = 1;
    for (int32_t i = 0; i < n && i < 38; i++) {
        p *= 10;
    }
    return p;
}

/* Compare decimals whose scales may differ: bring the smaller scale up; if that overflows,
 * the rescaled magnitude exceeds anything representable and its sign decides. */
static int cmp_decimal(const IceValue *a, const IceValue *b)
{
    int32_t diff = a->type.scale - b->type.scale;
    if (diff == 0)
        return cmp_i128(a->dec, b->dec);
    __int128 lhs = a->dec, rhs = b->dec;
    if (diff > 0) {
        if (diff > 38 || __builtin_mul_overflow(rhs, ice_decimal_pow10(diff), &rhs))
            return b->dec < 0 ? 1 : -1;
    } else {
        if (-diff > 38 || __builtin_mul_overflow(lhs, ice_decimal_pow10(-diff), &lhs))
            return a->dec < 0 ? -1 : 1;
    }
    return cmp_i128(lhs, rhs);
}

int ice_value_compare(const IceValue *a, const IceValue *b)
{
    if (a->is_null || b->is_null)
        return (int)b->is_null - (int)a->is_null;
    switch (a->type.id) {
    case ICE_BOOLEAN:
        return (int)a->b - (int)b->b;
    case ICE_INT:
    case ICE_DATE:
        return cmp_i64(a->i32, b->i32);
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        return cmp_i64(a->i64, b->i64);
    case ICE_FLOAT:
        return cmp_double(a->f32, b->f32);
    case ICE_DOUBLE:
        return cmp_double(a->f64, b->f64);
    case ICE_DECIMAL:
        return cmp_decimal(a, b);
    case ICE_STRING:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY:
        return cmp_bytes(a->bytes.ptr, a->bytes.len, b->bytes.ptr, b->bytes.len);
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        return 0;
    }
    return 0;
}

/* ---- text ----------------------------------------------------------------------------- */

/* Decimal digits of |v| followed by the sign handling of a scaled decimal. */
static size_t format_decimal(__int128 unscaled, int32_t scale, char *buf, size_t buf_len)
{
    char digits[48];
    size_t n = 0;
    unsigned __int128 mag = unscaled < 0 ? (unsigned __int128)0 - (unsigned __int128)unscaled
                                         : (unsigned __int128)unscaled;
    do {
        digits[n++] = (char)('0' + (int)(mag % 10));
        mag /= 10;
    } while (mag && n < sizeof digits);
    while ((int32_t)n <= scale && n < sizeof digits) {
        digits[n++] = '0'; /* at least one digit before the point */
    }
    char text[64];
    size_t len = 0;
    if (unscaled < 0)
        text[len++] = '-';
    for (size_t i = n; i-- > 0;) {
        text[len++] = digits[i];
        if (scale > 0 && i == (size_t)scale)
            text[len++] = '.';
    }
    text[len] = '\0';
    return (size_t)snprintf(buf, buf_len, "%s", text);
}

/* Shortest digits that read back as the same value, written the way Java's
 * Float.toString / Double.toString do: "1.0", "0.001", "1.0E7", "1.2345E-5". */
static size_t format_java_double(double v, bool is_float, char *buf, size_t buf_len)
{
    if (isnan(v))
        return (size_t)snprintf(buf, buf_len, "NaN");
    if (isinf(v))
        return (size_t)snprintf(buf, buf_len, v < 0 ? "-Infinity" : "Infinity");
    if (v == 0)
        return (size_t)snprintf(buf, buf_len, signbit(v) ? "-0.0" : "0.0");
    char sci[40];
    int max_prec = is_float ? 8 : 16;
    for (int prec = 0; prec <= max_prec; prec++) {
        snprintf(sci, sizeof sci, "%.*e", prec, v);
        bool same = is_float ? (strtof(sci, NULL) == (float)v) : (strtod(sci, NULL) == v);
        if (same)
            break;
    }
    /* sci is [-]d[.ddd]e[+-]xx: collect the digits and the exponent. */
    const char *p = sci;
    bool is_neg = *p == '-';
    if (is_neg)
        p++;
    char digits[24];
    int n_digits = 0;
    for (; *p && *p != 'e'; p++) {
        if (isdigit((unsigned char)*p) && n_digits < (int)sizeof digits - 1)
            digits[n_digits++] = *p;
    }
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    while (n_digits > 1 && digits[n_digits - 1] == '0') {
        n_digits--;
    }
    digits[n_digits] = '\0';
    char text[64];
    size_t len = 0;
    if (is_neg)
        text[len++] = '-';
    if (exp10 >= -3 && exp10 < 7) {
        if (exp10 < 0) {
            text[len++] = '0';
            text[len++] = '.';
            for (int i = -1; i > exp10; i--) {
                text[len++] = '0';
            }
            for (int i = 0; i < n_digits; i++) {
                text[len++] = digits[i];
            }
        } else {
            for (int i = 0; i <= exp10; i++) {
                text[len++] = i < n_digits ? digits[i] : '0';
            }
            text[len++] = '.';
            if (n_digits > exp10 + 1) {
                for (int i = exp10 + 1; i < n_digits; i++) {
                    text[len++] = digits[i];
                }
            } else {
                text[len++] = '0';
            }
        }
        text[len] = '\0';
    } else {
        text[len++] = digits[0];
        text[len++] = '.';
        if (n_digits > 1) {
            for (int i = 1; i < n_digits; i++) {
                text[len++] = digits[i];
            }
        } else {
            text[len++] = '0';
        }
        snprintf(text + len, sizeof text - len, "E%d", exp10);
    }
    return (size_t)snprintf(buf, buf_len, "%s", text);
}

static size_t format_time_of_day(int64_t micros, char *buf, size_t buf_len)
{
    int64_t secs = micros / DATETIME_MICROS_PER_SEC;
    int64_t frac = micros % DATETIME_MICROS_PER_SEC;
    int h = (int)(secs / 3600), m = (int)(secs / 60 % 60), s = (int)(secs % 60);
    if (frac == 0)
        return (size_t)snprintf(buf, buf_len, "%02d:%02d:%02d", h, m, s);
    char fraction[8];
    snprintf(fraction, sizeof fraction, "%06lld", (long long)frac);
    size_t n = 6;
    while (n > 1 && fraction[n - 1] == '0') {
        n--;
    }
    fraction[n] = '\0';
    return (size_t)snprintf(buf, buf_len, "%02d:%02d:%02d.%s", h, m, s, fraction);
}

static size_t format_hex(const uint8_t *ptr, uint32_t len, char *buf, size_t buf_len)
{
    size_t total = 2 + 2 * (size_t)len;
    if (buf_len == 0)
        return total;
    static const char hex[] = "0123456789abcdef";
    size_t at = 0;
    const char prefix[2] = {'0', 'x'};
    for (size_t i = 0; i < 2 && at + 1 < buf_len; i++) {
        buf[at++] = prefix[i];
    }
    for (uint32_t i = 0; i < len && at + 2 < buf_len; i++) {
        buf[at++] = hex[ptr[i] >> 4];
        buf[at++] = hex[ptr[i] & 15];
    }
    buf[at] = '\0';
    return total;
}

static size_t format_uuid(const uint8_t *b, char *buf, size_t buf_len)
{
    return (size_t)snprintf(buf, buf_len,
                            "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
                            b[11], b[12], b[13], b[14], b[15]);
}

size_t ice_value_format(const IceValue *value, char *buf, size_t buf_len)
{
    if (value->is_null)
        return (size_t)snprintf(buf, buf_len, "null");
    char text[DATETIME_FORMAT_CAP];
    switch (value->type.id) {
    case ICE_BOOLEAN:
        return (size_t)snprintf(buf, buf_len, "%s", value->b ? "true" : "false");
    case ICE_INT:
        return (size_t)snprintf(buf, buf_len, "%d", value->i32);
    case ICE_LONG:
        return (size_t)snprintf(buf, buf_len, "%lld", (long long)value->i64);
    case ICE_FLOAT:
        return format_java_double(value->f32, true, buf, buf_len);
    case ICE_DOUBLE:
        return format_java_double(value->f64, false, buf, buf_len);
    case ICE_DECIMAL:
        return format_decimal(value->dec, value->type.scale, buf, buf_len);
    case ICE_DATE:
        return datetime_format_date(value->i32, buf, buf_len);
    case ICE_TIME:
        return format_time_of_day(value->i64, buf, buf_len);
    case ICE_TIMESTAMP: {
        size_t len = datetime_format(value->i64, DATETIME_RFC3339_TRIM, text, sizeof text);
        if (len > 0 && len < sizeof text && text[len - 1] == 'Z')
            text[--len] = '\0';
        return (size_t)snprintf(buf, buf_len, "%s", text);
    }
    case ICE_TIMESTAMPTZ:
        datetime_format(value->i64, DATETIME_RFC3339_TRIM, text, sizeof text);
        return (size_t)snprintf(buf, buf_len, "%s", text);
    case ICE_STRING:
        return (size_t)snprintf(buf, buf_len, "%.*s", (int)value->bytes.len,
                                (const char *)value->bytes.ptr);
    case ICE_UUID:
        if (value->bytes.len == 16)
            return format_uuid(value->bytes.ptr, buf, buf_len);
        return format_hex(value->bytes.ptr, value->bytes.len, buf, buf_len);
    case ICE_FIXED:
    case ICE_BINARY:
        return format_hex(value->bytes.ptr, value->bytes.len, buf, buf_len);
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        return (size_t)snprintf(buf, buf_len, "<nested>");
    }
    return (size_t)snprintf(buf, buf_len, "?");
}

/* ---- column vectors ------------------------------------------------------------------- */

static __int128 decimal_from_be(const uint8_t *ptr, uint32_t len)
{
    if (len > 16) {
        ptr += len - 16;
        len = 16;
    }
    if (len == 0)
        return 0;
    unsigned __int128 u = (ptr[0] & 0x80) ? ~(unsigned __int128)0 : 0;
    for (uint32_t i = 0; i < len; i++) {
        u = (u << 8) | ptr[i];
    }
    return (__int128)u;
}

void ice_value_from_col(const ColVec *vec, size_t row, IcePrim type, IceValue *out)
{
    *out = (IceValue){.type = type};
    if (colvec_is_null(vec, row)) {
        out->is_null = true;
        return;
    }
    const ColVec *src = vec;
    size_t idx = row;
    if (vec->codes) {
        src = vec->dict;
        idx = vec->codes[row];
    }
    const void *values = src->values;
    switch (type.id) {
    case ICE_BOOLEAN:
        out->b = ((const uint8_t *)values)[idx] != 0;
        return;
    case ICE_INT:
    case ICE_DATE:
        out->i32 = ((const int32_t *)values)[idx];
        return;
    case ICE_LONG:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        out->i64 = ((const int64_t *)values)[idx];
        return;
    case ICE_FLOAT:
        out->f32 = ((const float *)values)[idx];
        return;
    case ICE_DOUBLE:
        out->f64 = ((const double *)values)[idx];
        return;
    case ICE_DECIMAL:
        if (src->type.precision <= 18) {
            out->dec = ((const int64_t *)values)[idx];
        } else {
            const ColStr *s = &((const ColStr *)values)[idx];
            out->dec = decimal_from_be((const uint8_t *)s->ptr, s->len);
        }
        return;
    case ICE_STRING:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY: {
        const ColStr *s = &((const ColStr *)values)[idx];
        out->bytes.ptr = (const uint8_t *)s->ptr;
        out->bytes.len = s->len;
        return;
    }
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        out->is_null = true;
        return;
    }
}
