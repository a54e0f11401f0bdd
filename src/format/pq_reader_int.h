/* pq_reader_int.h — private parts of the Parquet reader shared by its files (format layer).
 *
 *   pq_reader.c       open (mmap or buffer), footer checks, schema walk and type mapping,
 *                     lookups, row-group pruning by statistics
 *   pq_reader_read.c  pq_reader_read_column: page walk, decompression, levels, values,
 *                     dictionary handling, conversions
 *
 * The reader is immutable after open; everything here is read-only afterwards, which is
 * what makes concurrent pq_reader_read_column calls safe.
 */
#ifndef TARN_FORMAT_PQ_READER_INT_H
#define TARN_FORMAT_PQ_READER_INT_H

#include "base/file.h"
#include "format/pq_reader.h"

/* Per-value conversion from the physical value to the ColVec slot. */
typedef enum PqConv {
    PQ_CONV_NONE,
    PQ_CONV_I8,         /* int32 -> sign-extended low 8 bits */
    PQ_CONV_I16,        /* int32 -> sign-extended low 16 bits */
    PQ_CONV_U8,         /* int32 -> zero-extended low 8 bits */
    PQ_CONV_U16,        /* int32 -> zero-extended low 16 bits */
    PQ_CONV_I32_TO_I64, /* signed widen (DECIMAL on INT32) */
    PQ_CONV_U32_TO_I64, /* unsigned widen (UINT32) */
    PQ_CONV_MILLIS,     /* int64 millis -> micros */
    PQ_CONV_NANOS,      /* int64 nanos -> micros (floor) */
    PQ_CONV_BYTES_I64,  /* big-endian two's complement bytes -> int64 (DECIMAL p <= 18) */
} PqConv;

/* How one leaf is decoded (parallel to PqReader.columns). */
typedef struct PqLeafPlan {
    PqType phys;
    uint32_t type_len; /* FIXED_LEN_BYTE_ARRAY */
    PqConv conv;
    int max_def;      /* 0 required, 1 optional (flat columns only) */
    bool is_unsigned; /* UINT32/UINT64: statistics compare unsigned */
} PqLeafPlan;

/* Big-endian two's complement bytes (DECIMAL on BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY) to int64,
 * sign-extended from the first byte; longer inputs keep their low 8 bytes. */
TN_INLINE int64_t pq_be_to_i64(const uint8_t *p, uint32_t len)
{
    uint64_t v = len && (p[0] & 0x80) ? UINT64_MAX : 0;
    for (uint32_t i = 0; i < len; i++) {
        v = (v << 8) | p[i];
    }
    return (int64_t)v;
}

/* Nanoseconds to microseconds, rounding toward negative infinity (PQ_CONV_NANOS). */
TN_INLINE int64_t pq_nanos_to_micros(int64_t ns)
{
    int64_t q = ns / 1000;
    return (ns % 1000 != 0 && ns < 0) ? q - 1 : q;
}

struct PqReader {
    Mem *mem;
    Arena arena;         /* footer, schema, column infos */
    FileMap map;         /* when opened from a path */
    const uint8_t *data; /* whole file */
    size_t len;
    const char *name; /* for messages */
    PqFileMeta meta;
    PqColumnInfo *columns;
    PqLeafPlan *plans;
    int32_t n_columns;
    uint64_t dict_seed; /* mixed into dict_id */
};

#endif
