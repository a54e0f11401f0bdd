/* colvec.h — column vectors: the in-memory columnar format shared by the Parquet reader and
 * writer (format layer), the executor (exec layer) and the ingest sinks (stream layer).
 *
 * A ColVec holds n_rows values of one logical type:
 *
 *   values      contiguous array: bool -> uint8_t (0/1), int32/date -> int32_t,
 *               int64/timestamp/timestamptz/decimal(p<=18) -> int64_t, float, double,
 *               string/binary/uuid/fixed/decimal(p>18, big-endian two's complement bytes)
 *               -> ColStr (length + pointer to bytes owned elsewhere: the file mapping,
 *               a decompressed page in an arena, or a batch arena)
 *   validity    bitmap, LSB-first, bit set = value present; NULL means no NULLs. The value
 *               slot of a NULL row exists and is zero (codes: 0).
 *   dictionary  when `codes` is non-NULL the column is dictionary encoded: row i has value
 *               dict->values[codes[i]] and `values` is NULL. The dictionary vector has no
 *               NULLs and is shared and immutable; `dict_id` identifies it (file, column,
 *               chunk) so an aggregate can cache code -> group per dictionary
 *               (ENGINE-NOTES "group by dictionary codes").
 *
 * Vectors are plain structs in arenas; they own nothing. Thread contract: immutable once
 * published, so any number of threads may read one.
 */
#ifndef TARN_BASE_COLVEC_H
#define TARN_BASE_COLVEC_H

#include "base/arena.h"

typedef enum ColType {
    COL_BOOL,
    COL_INT32,
    COL_INT64,
    COL_FLOAT,
    COL_DOUBLE,
    COL_DECIMAL,     /* int64_t unscaled when precision <= 18, else ColStr (big-endian) */
    COL_DATE,        /* int32_t days since 1970-01-01 */
    COL_TIMESTAMP,   /* int64_t microseconds since epoch, no zone */
    COL_TIMESTAMPTZ, /* int64_t microseconds since epoch, UTC */
    COL_STRING,      /* ColStr, UTF-8 */
    COL_BINARY,      /* ColStr */
    COL_UUID,        /* ColStr of 16 bytes */
    COL_FIXED,       /* ColStr of fixed_len bytes */
} ColType;

typedef struct ColTypeInfo {
    ColType id;
    int32_t precision; /* decimal */
    int32_t scale;     /* decimal */
    int32_t fixed_len; /* fixed; 16 for uuid */
} ColTypeInfo;

typedef struct ColStr {
    uint32_t len;
    const char *ptr;
} ColStr;

typedef struct ColVec {
    ColTypeInfo type;
    size_t n_rows;
    uint8_t *validity; /* NULL = all valid */
    void *values;      /* NULL when dictionary encoded */
    uint32_t *codes;   /* dictionary codes, or NULL */
    const struct ColVec *dict;
    uint64_t dict_id;
} ColVec;

/* Bytes per value slot in `values` (sizeof(ColStr) for the byte-string kinds). */
size_t colvec_value_width(ColTypeInfo type);

/* True when the type's values are ColStr slots. */
bool colvec_is_bytes(ColTypeInfo type);

/* Allocate a flat vector of n_rows zeroed slots in `arena`, with a validity bitmap (all
 * valid) when `nullable`. Returns ERR_NOMEM via arena_error on failure. *out is
 * arena-owned. */
TN_MUST_CHECK ErrCode colvec_alloc(Arena *arena, ColTypeInfo type, size_t n_rows, bool nullable,
                                   ColVec *out, Err *err);

/* Row i is NULL. */
TN_INLINE bool colvec_is_null(const ColVec *vec, size_t row)
{
    return vec->validity && !(vec->validity[row >> 3] & (1u << (row & 7)));
}

TN_INLINE void colvec_set_valid(uint8_t *validity, size_t row, bool is_valid)
{
    if (is_valid) {
        validity[row >> 3] |= (uint8_t)(1u << (row & 7));
    } else {
        validity[row >> 3] &= (uint8_t) ~(1u << (row & 7));
    }
}

/* Number of NULL rows. */
size_t colvec_null_count(const ColVec *vec);

/* Turn a dictionary-encoded vector into a flat one (values copied as slots; string bytes
 * stay borrowed from the dictionary). No-op for flat vectors. */
TN_MUST_CHECK ErrCode colvec_flatten(Arena *arena, ColVec *vec, Err *err);

/* Iceberg name of a type, for messages and schemas: "boolean", "int", "long", "decimal(10,2)",
 * "timestamptz", "fixed[16]". Truncated to buf_len like snprintf. */
void colvec_type_name(ColTypeInfo type, char *buf, size_t buf_len);

#endif
