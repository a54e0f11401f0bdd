/* ice_value.h — Iceberg single values: binary serialization, ordering, literal casts, text
 * (table layer). Used by manifests (partition tuples, lower/upper bounds), partition
 * transforms (ice_partition.c), predicates and their evaluators (ice_expr*.c), and the
 * writer (values read from column vectors).
 *
 * Binary form (Iceberg spec, Appendix D "Binary single-value serialization"):
 *
 *   type                  bytes
 *   boolean               1: 0x00 false, anything else true
 *   int, date             4, little-endian two's complement (date: days since 1970-01-01)
 *   long, time,           8, little-endian (time: µs since midnight; timestamps: µs since
 *   timestamp(tz)            1970-01-01 00:00:00 UTC)
 *   float, double         4 / 8, IEEE 754 little-endian
 *   string                UTF-8 bytes, no length
 *   uuid                  16 bytes, big-endian (the text form's byte order)
 *   fixed(L)              L bytes
 *   binary                the bytes, no length
 *   decimal(P,S)          unscaled value, two's complement big-endian, minimum number of
 *                         bytes (0 -> 00, 127 -> 7f, 128 -> 00 80, -129 -> ff 7f)
 *
 * An IceValue (ice_types.h) holds the value in the union member for its kind; string,
 * uuid, fixed and binary values point at bytes they do not own. Nothing here keeps state.
 * Thread contract: every function is thread-safe.
 */
#ifndef TARN_TABLE_ICE_VALUE_H
#define TARN_TABLE_ICE_VALUE_H

#include "table/ice_types.h"

/* A borrowed byte string (serialized values, bounds). */
typedef struct IceBytes {
    const uint8_t *ptr;
    uint32_t len;
} IceBytes;

/* Enough for any fixed-width serialized value and any decimal (16 bytes). */
#define ICE_VALUE_FIXED_MAX 16

/* Value constructors. Byte kinds borrow `ptr` (the value is valid while it is). */
IceValue ice_value_null(IcePrim type);
IceValue ice_value_bool(bool v);
IceValue ice_value_int(int32_t v);
IceValue ice_value_long(int64_t v);
IceValue ice_value_float(float v);
IceValue ice_value_double(double v);
IceValue ice_value_decimal(int32_t precision, int32_t scale, __int128 unscaled);
IceValue ice_value_date(int32_t days);
IceValue ice_value_time(int64_t micros);
IceValue ice_value_timestamp(int64_t micros);
IceValue ice_value_timestamptz(int64_t micros);
IceValue ice_value_string(const char *ptr, uint32_t len);
IceValue ice_value_cstring(const char *text); /* NUL-terminated text, not copied */
IceValue ice_value_binary(const uint8_t *ptr, uint32_t len);
IceValue ice_value_fixed(const uint8_t *ptr, uint32_t len);
IceValue ice_value_uuid(const uint8_t *bytes16);

/* Write the minimal two's complement big-endian form of `unscaled` into out (at most 16
 * bytes) and return its length (1..16). Used by decimal serialization and bucket hashing. */
uint32_t ice_decimal_min_bytes(__int128 unscaled, uint8_t out[ICE_VALUE_FIXED_MAX]);

/* 10^n for n in 0..38 (n is clamped to 38). */
__int128 ice_decimal_pow10(int32_t n);

/* Serialize a non-NULL value as above. *out is arena-owned (bytes are copied, also for
 * string/binary/fixed). Errors: ERR_INVALID (NULL value, or a nested type), ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_value_serialize(Arena *arena, const IceValue *value, IceBytes *out,
                                          Err *err);

/* Read a serialized value of `type`. Byte kinds (string, uuid, fixed, binary) point into
 * `in` (borrowed: valid as long as in's bytes). Errors: ERR_CORRUPT when the length does
 * not fit the type (int not 4 bytes, uuid not 16, fixed not L, decimal empty or over 16
 * bytes, boolean not 1 byte), ERR_INVALID for nested types. On error *out is untouched. */
TN_MUST_CHECK ErrCode ice_value_deserialize(IcePrim type, IceBytes in, IceValue *out, Err *err);

/* Order two values of the same type: <0, 0, >0. NULL sorts before everything. Strings,
 * binary, fixed and uuid compare as unsigned bytes (shorter prefix first); floats order
 * -0 before +0 and NaN after everything (NaN equals NaN); decimals of different scales
 * are compared by value. */
int ice_value_compare(const IceValue *a, const IceValue *b);

/* Convert a predicate literal to the type of the column it is compared with. Supported:
 * same type (decimal: same scale, precision checked), int <-> long (range checked),
 * int/long -> float/double/decimal(P,S) (precision checked), float -> double,
 * date -> timestamp/timestamptz (midnight UTC), timestamp <-> timestamptz (same
 * instant), string -> uuid ("f79c3e09-677c-4bbd-a479-3f349cb785e7"), date
 * ("2017-11-16"), time ("22:31:08[.ffffff]"), timestamp/timestamptz (datetime_parse
 * forms; a zone offset is applied, no zone means UTC) and decimal ("-12.30", at most S
 * fraction digits). A NULL converts to a NULL of `target`. Byte kinds in *out borrow
 * the input's bytes, except a parsed uuid, whose 16 bytes are arena-owned.
 * Errors: ERR_INVALID naming both types, or the text and why it does not parse, or the
 * value that is out of range; ERR_NOMEM. */
TN_MUST_CHECK ErrCode ice_value_cast(Arena *arena, const IceValue *in, IcePrim target,
                                     IceValue *out, Err *err);

/* Human text for messages and tests: null, true, 34, 14.20, 1.5, 2017-11-16, 22:31:08,
 * 2017-11-16T22:31:08 (timestamp), 2017-11-16T22:31:08Z (timestamptz), the string's bytes,
 * f79c3e09-677c-4bbd-a479-3f349cb785e7, 0x00010203 (binary, fixed). Returns the length
 * of the full text (snprintf semantics: truncated to buf_len). */
size_t ice_value_format(const IceValue *value, char *buf, size_t buf_len);

/* Read row `row` of a column vector (flat or dictionary-encoded; NULL-aware) as a value
 * of `type`, which must be the Iceberg type of the vector's ColType (ice_prim_to_col).
 * Byte kinds borrow the vector's (or its dictionary's) bytes. A decimal stored as bytes
 * longer than 16 keeps its low 16 bytes (precision 38 never needs more). */
void ice_value_from_col(const ColVec *vec, size_t row, IcePrim type, IceValue *out);

#endif
