/* pq_stats.h — column statistics for Parquet pages and chunks (format layer; used by
 * pq_writer.c for page headers, ColumnIndex, chunk Statistics and Iceberg bounds).
 *
 * Orders (parquet-format LogicalTypes.md / "Sort order"): INT32/INT64 signed (ints, dates,
 * timestamps, decimals stored as ints); BOOLEAN false < true; FLOAT/DOUBLE numeric with NaN
 * never chosen as a bound (counted in nan_count instead); byte arrays and fixed-length byte
 * arrays unsigned byte-wise (strings, binary, uuid, fixed); DECIMAL on FIXED_LEN_BYTE_ARRAY
 * signed, as big-endian two's complement of the column width (PQ_STATS_BYTES_SIGNED). The
 * writer records TYPE_ORDER for every column and writes the deprecated signed min/max only
 * for the non-byte kinds.
 *
 * Float zeros follow the spec: a min of +/-0.0 is written as -0.0, a max as +0.0.
 * Byte bounds are borrowed pointers into the values given to the update calls; copy them
 * before those go away. Thread contract: plain data, one thread at a time.
 */
#ifndef TARN_FORMAT_PQ_STATS_H
#define TARN_FORMAT_PQ_STATS_H

#include "format/pq_meta.h"

typedef enum PqStatsKind {
    PQ_STATS_BOOL,
    PQ_STATS_I32,
    PQ_STATS_I64,
    PQ_STATS_FLOAT,
    PQ_STATS_DOUBLE,
    PQ_STATS_BYTES,        /* unsigned byte-wise */
    PQ_STATS_BYTES_SIGNED, /* big-endian two's complement of equal width (decimal FLBA) */
} PqStatsKind;

typedef struct PqStats {
    PqStatsKind kind;
    bool has_bounds; /* at least one non-NULL, non-NaN value seen */
    int64_t null_count;
    int64_t nan_count;
    union {
        int64_t i;
        double d;
    } min, max;
    const uint8_t *min_ptr, *max_ptr; /* byte kinds; borrowed */
    uint32_t min_len, max_len;
} PqStats;

void pq_stats_init(PqStats *st, PqStatsKind kind);

void pq_stats_update_bool(PqStats *st, const uint8_t *values, size_t n);
void pq_stats_update_i32(PqStats *st, const int32_t *values, size_t n);
void pq_stats_update_i64(PqStats *st, const int64_t *values, size_t n);
void pq_stats_update_float(PqStats *st, const float *values, size_t n);
void pq_stats_update_double(PqStats *st, const double *values, size_t n);
/* Byte strings heap[offs[i]..offs[i+1]) for i < n. */
void pq_stats_update_bytes(PqStats *st, const uint8_t *heap, const uint32_t *offs, size_t n);

/* Fold `src` into `dst` (same kind); byte bounds stay borrowed from src's values. */
void pq_stats_merge(PqStats *dst, const PqStats *src);

/* PLAIN-encoded bounds (no length prefix). For fixed kinds the bytes are written to `buf`
 * (8 bytes); for byte kinds the result borrows the values. Only valid when has_bounds. */
PqBytes pq_stats_min_bytes(const PqStats *st, uint8_t buf[8]);
PqBytes pq_stats_max_bytes(const PqStats *st, uint8_t buf[8]);

/* Compare two byte strings in the stats' byte order (<0, 0, >0). */
int pq_stats_cmp_bytes(PqStatsKind kind, const uint8_t *a, uint32_t a_len, const uint8_t *b,
                       uint32_t b_len);

#endif
