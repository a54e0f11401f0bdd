/* ice_value_cast.c — converting predicate literals to the type of the column they are
 * compared with (table layer; part of the ice_value module, contract in ice_value.h).
 *
 * The conversions follow Java's Literals.to(Type) where tarn needs them: numeric widening
 * and range-checked narrowing, exact decimal rescaling, dates to midnight timestamps, and
 * parsing of string literals ('2026-11-24', 'f79c3e09-...', '12.30'). A literal that
 * cannot be represented exactly in the target type is an error; the caller (the binder)
 * decides whether that makes the predicate constant. Strings are parsed with
 * base/datetime.h for dates and timestamps, by hand for times, uuids and decimals.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "table/ice_value.h"

static ErrCode cannot_convert(const IceValue *in, IcePrim target, Err *err)
{
    char from[48], to[48], text[64];
    ice_prim_name(in->type, from, sizeof from);
    ice_prim_name(target, to, sizeof to);
    ice_value_format(in, text, sizeof text);
    return err_set(err, ERR_INVALID, "cannot convert %s value %s to %s", from, text, to);
}

static ErrCode out_of_range(const IceValue *in, IcePrim target, Err *err)
{
    char from[48], to[48], text[64];
    ice_prim_name(in->type, from, sizeof from);
    ice_prim_name(target, to, sizeof to);
    ice_value_format(in, text, sizeof text);
    return err_set(err, ERR_INVALID, "%s value %s is out of range for %s", from, text, to);
}

static bool decimal_fits(__int128 unscaled, int32_t precision)
{
    __int128 limit = ice_decimal_pow10(precision);
    return unscaled < limit && unscaled > -limit;
}

/* An integer as decimal(P,S): v * 10^S within P digits. */
static ErrCode integer_to_decimal(const IceValue *in, int64_t v, IcePrim target, IceValue *out,
                                  Err *err)
{
    __int128 unscaled;
    if (target.scale > 38 ||
        __builtin_mul_overflow((__int128)v, ice_decimal_pow10(target.scale), &unscaled) ||
        !decimal_fits(unscaled, target.precision))
        return out_of_range(in, target, err);
    *out = ice_value_decimal(target.precision, target.scale, unscaled);
    return ERR_OK;
}

/* decimal(P1,S1) -> decimal(P2,S2) when the value survives exactly. */
static ErrCode rescale_decimal(const IceValue *in, IcePrim target, IceValue *out, Err *err)
{
    __int128 unscaled = in->dec;
    int32_t diff = target.scale - in->type.scale;
    if (diff > 0) {
        if (diff > 38 || __builtin_mul_overflow(unscaled, ice_decimal_pow10(diff), &unscaled))
            return out_of_range(in, target, err);
    } else if (diff < 0) {
        __int128 div = ice_decimal_pow10(-diff);
        if (-diff > 38 || unscaled % div != 0)
            return cannot_convert(in, target, err);
        unscaled /= div;
    }
    if (!decimal_fits(unscaled, target.precision))
        return out_of_range(in, target, err);
    *out = ice_value_decimal(target.precision, target.scale, unscaled);
    return ERR_OK;
}

static ErrCode same_kind(const IceValue *in, IcePrim target, IceValue *out, Err *err)
{
    if (target.id == ICE_DECIMAL)
        return rescale_decimal(in, target, out, err);
    if (target.id == ICE_FIXED && in->bytes.len != (uint32_t)target.length)
        return cannot_convert(in, target, err);
    *out = *in;
    out->type = target;
    return ERR_OK;
}

static ErrCode from_integer(const IceValue *in, int64_t v, IcePrim target, IceValue *out, Err *err)
{
    switch (target.id) {
    case ICE_INT:
        if (v < INT32_MIN || v > INT32_MAX)
            return out_of_range(in, target, err);
        *out = ice_value_int((int32_t)v);
        return ERR_OK;
    case ICE_LONG:
        *out = ice_value_long(v);
        return ERR_OK;
    case ICE_FLOAT:
        *out = ice_value_float((float)v);
        return ERR_OK;
    case ICE_DOUBLE:
        *out = ice_value_double((double)v);
        return ERR_OK;
    case ICE_DECIMAL:
        return integer_to_decimal(in, v, target, out, err);
    case ICE_BOOLEAN:
    case ICE_DATE:
    case ICE_TIME:
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
    case ICE_STRING:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY:
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        break;
    }
    return cannot_convert(in, target, err);
}

/* ---- string parsing ------------------------------------------------------------------- */

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static ErrCode parse_uuid(Arena *arena, const IceValue *in, IceValue *out, Err *err)
{
    const uint8_t *text = in->bytes.ptr;
    uint32_t len = in->bytes.len;
    const char *bad = NULL;
    uint8_t bytes[16];
    if (len != 36) {
        bad = "expected 36 characters";
    } else {
        uint32_t at = 0;
        for (uint32_t i = 0; i < 36 && !bad; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (text[i] != '-')
                    bad = "expected '-' at positions 9, 14, 19 and 24";
                continue;
            }
            int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
            if (hi < 0 || lo < 0) {
                bad = "expected hexadecimal digits";
                continue;
            }
            bytes[at++] = (uint8_t)(hi << 4 | lo);
            i++;
        }
    }
    if (bad)
        return err_set(err, ERR_INVALID, "invalid uuid \"%.*s\": %s", (int)TN_MIN(len, 64u),
                       (const char *)text, bad);
    uint8_t *copy = arena_memdup(arena, bytes, 16);
    if (!copy)
        return arena_error(arena, err);
    *out = ice_value_uuid(copy);
    return ERR_OK;
}

/* "hh:mm[:ss[.fraction]]" into µs since midnight. */
static ErrCode parse_time(const IceValue *in, IceValue *out, Err *err)
{
    const uint8_t *t = in->bytes.ptr;
    uint32_t len = in->bytes.len;
    int32_t parts[3] = {0, 0, 0};
    uint32_t at = 0;
    int n_parts = 0;
    while (n_parts < 3) {
        if (at + 2 > len || !isdigit(t[at]) || !isdigit(t[at + 1]))
            break;
        parts[n_parts++] = (t[at] - '0') * 10 + (t[at + 1] - '0');
        at += 2;
        if (at < len && t[at] == ':' && n_parts < 3) {
            at++;
            continue;
        }
        break;
    }
    int64_t frac = 0;
    if (n_parts == 3 && at < len && t[at] == '.') {
        at++;
        int n_digits = 0;
        while (at < len && isdigit(t[at])) {
            if (n_digits < 6)
                frac = frac * 10 + (t[at] - '0');
            n_digits++;
            at++;
        }
        if (n_digits == 0 || n_digits > 9)
            at = len + 1; /* force the error below */
        for (; n_digits < 6; n_digits++) {
            frac *= 10;
        }
    }
    if (n_parts < 2 || at != len || parts[0] > 23 || parts[1] > 59 || parts[2] > 59)
        return err_set(err, ERR_INVALID, "invalid time \"%.*s\": expected hh:mm[:ss[.ffffff]]",
                       (int)TN_MIN(len, 64u), (const char *)t);
    int64_t secs = (int64_t)parts[0] * 3600 + parts[1] * 60 + parts[2];
    *out = ice_value_time(secs * DATETIME_MICROS_PER_SEC + frac);
    return ERR_OK;
}

/* "[+-]digits[.digits]" as decimal(P,S): at most S significant fraction digits. */
static ErrCode parse_decimal(const IceValue *in, IcePrim target, IceValue *out, Err *err)
{
    const uint8_t *t = in->bytes.ptr;
    uint32_t len = in->bytes.len, at = 0;
    bool is_neg = false;
    if (at < len && (t[at] == '-' || t[at] == '+')) {
        is_neg = t[at] == '-';
        at++;
    }
    __int128 unscaled = 0;
    int32_t n_digits = 0, n_frac = 0;
    bool seen_point = false, is_overflow = false, is_inexact = false;
    for (; at < len; at++) {
        if (t[at] == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (!isdigit(t[at]))
            break;
        n_digits++;
        if (seen_point && n_frac >= target.scale) {
            is_inexact |= t[at] != '0';
            continue;
        }
        n_frac += seen_point;
        if (__builtin_mul_overflow(unscaled, 10, &unscaled) ||
            __builtin_add_overflow(unscaled, t[at] - '0', &unscaled))
            is_overflow = true;
    }
    if (n_digits == 0 || at != len)
        return err_set(err, ERR_INVALID, "invalid decimal \"%.*s\"", (int)TN_MIN(len, 64u),
                       (const char *)t);
    if (is_inexact)
        return err_set(err, ERR_INVALID, "decimal \"%.*s\" has more than %d fraction digits",
                       (int)TN_MIN(len, 64u), (const char *)t, target.scale);
    if (!is_overflow &&
        __builtin_mul_overflow(unscaled, ice_decimal_pow10(target.scale - n_frac), &unscaled))
        is_overflow = true;
    if (is_overflow || !decimal_fits(unscaled, target.precision))
        return err_set(err, ERR_INVALID, "decimal \"%.*s\" is out of range for decimal(%d,%d)",
                       (int)TN_MIN(len, 64u), (const char *)t, target.precision, target.scale);
    *out = ice_value_decimal(target.precision, target.scale, is_neg ? -unscaled : unscaled);
    return ERR_OK;
}

static ErrCode from_string(Arena *arena, const IceValue *in, IcePrim target, IceValue *out,
                           Err *err)
{
    const char *text = (const char *)in->bytes.ptr;
    switch (target.id) {
    case ICE_UUID:
        return parse_uuid(arena, in, out, err);
    case ICE_DATE: {
        int32_t days;
        ErrCode rc = datetime_parse_date(text, in->bytes.len, &days, err);
        if (rc == ERR_OK)
            *out = ice_value_date(days);
        return rc;
    }
    case ICE_TIME:
        return parse_time(in, out, err);
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ: {
        int64_t micros;
        ErrCode rc = datetime_parse(text, in->bytes.len, &micros, NULL, err);
        if (rc == ERR_OK)
            *out = (IceValue){.type = target, .i64 = micros};
        return rc;
    }
    case ICE_DECIMAL:
        return parse_decimal(in, target, out, err);
    case ICE_BOOLEAN:
    case ICE_INT:
    case ICE_LONG:
    case ICE_FLOAT:
    case ICE_DOUBLE:
    case ICE_STRING:
    case ICE_FIXED:
    case ICE_BINARY:
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        break;
    }
    return cannot_convert(in, target, err);
}

ErrCode ice_value_cast(Arena *arena, const IceValue *in, IcePrim target, IceValue *out, Err *err)
{
    if (in->is_null) {
        *out = ice_value_null(target);
        return ERR_OK;
    }
    IceTypeId to = target.id;
    if (in->type.id == to)
        return same_kind(in, target, out, err);
    switch (in->type.id) {
    case ICE_INT:
        return from_integer(in, in->i32, target, out, err);
    case ICE_LONG:
        return from_integer(in, in->i64, target, out, err);
    case ICE_FLOAT:
        if (to != ICE_DOUBLE)
            break;
        *out = ice_value_double(in->f32);
        return ERR_OK;
    case ICE_DATE: {
        int64_t micros;
        if (to != ICE_TIMESTAMP && to != ICE_TIMESTAMPTZ)
            break;
        if (__builtin_mul_overflow((int64_t)in->i32, DATETIME_MICROS_PER_DAY, &micros))
            return out_of_range(in, target, err);
        *out = (IceValue){.type = target, .i64 = micros};
        return ERR_OK;
    }
    case ICE_TIMESTAMP:
    case ICE_TIMESTAMPTZ:
        if (to != ICE_TIMESTAMP && to != ICE_TIMESTAMPTZ)
            break;
        *out = (IceValue){.type = target, .i64 = in->i64};
        return ERR_OK;
    case ICE_STRING:
        return from_string(arena, in, target, out, err);
    case ICE_BOOLEAN:
    case ICE_DOUBLE:
    case ICE_DECIMAL:
    case ICE_TIME:
    case ICE_UUID:
    case ICE_FIXED:
    case ICE_BINARY:
    case ICE_STRUCT:
    case ICE_LIST:
    case ICE_MAP:
        break;
    }
    return cannot_convert(in, target, err);
}
