/* pq_stats.c — min/max/null/NaN tracking; see pq_stats.h for the orders.
 *
 * One tight loop per physical type, no per-value calls. Floats: NaN is skipped (x != x)
 * and counted. Signed byte order (decimal FLBA of one width) compares the first byte as
 * signed and the rest unsigned, which orders two's complement big-endian numbers.
 */
#include "format/pq_stats.h"

#include <string.h>

void pq_stats_init(PqStats *st, PqStatsKind kind)
{
    memset(st, 0, sizeof(*st));
    st->kind = kind;
}

void pq_stats_update_bool(PqStats *st, const uint8_t *values, size_t n)
{
    if (n == 0)
        return;
    int64_t lo = st->has_bounds ? st->min.i : 1, hi = st->has_bounds ? st->max.i : 0;
    for (size_t i = 0; i < n; i++) {
        lo = values[i] < lo ? values[i] : lo;
        hi = values[i] > hi ? values[i] : hi;
    }
    st->min.i = lo;
    st->max.i = hi;
    st->has_bounds = true;
}

#define INT_UPDATE(T)                                 \
    if (n == 0)                                       \
        return;                                       \
    T lo = st->has_bounds ? (T)st->min.i : values[0]; \
    T hi = st->has_bounds ? (T)st->max.i : values[0]; \
    for (size_t i = 0; i < n; i++) {                  \
        lo = values[i] < lo ? values[i] : lo;         \
        hi = values[i] > hi ? values[i] : hi;         \
    }                                                 \
    st->min.i = lo;                                   \
    st->max.i = hi;                                   \
    st->has_bounds = true

void pq_stats_update_i32(PqStats *st, const int32_t *values, size_t n)
{
    INT_UPDATE(int32_t);
}

void pq_stats_update_i64(PqStats *st, const int64_t *values, size_t n)
{
    INT_UPDATE(int64_t);
}

#define FLOAT_UPDATE(T)                                                                     \
    T lo = st->has_bounds ? (T)st->min.d : (T)0, hi = st->has_bounds ? (T)st->max.d : (T)0; \
    bool has = st->has_bounds;                                                              \
    int64_t nans = 0;                                                                       \
    for (size_t i = 0; i < n; i++) {                                                        \
        T v = values[i];                                                                    \
        if (v != v) {                                                                       \
            nans++;                                                                         \
            continue;                                                                       \
        }                                                                                   \
        if (!has) {                                                                         \
            lo = hi = v;                                                                    \
            has = true;                                                                     \
        }                                                                                   \
        lo = v < lo ? v : lo;                                                               \
        hi = v > hi ? v : hi;                                                               \
    }                                                                                       \
    st->nan_count += nans;                                                                  \
    if (has) {                                                                              \
        st->min.d = lo;                                                                     \
        st->max.d = hi;                                                                     \
        st->has_bounds = true;                                                              \
    }

void pq_stats_update_float(PqStats *st, const float *values, size_t n)
{
    FLOAT_UPDATE(float)
}

void pq_stats_update_double(PqStats *st, const double *values, size_t n)
{
    FLOAT_UPDATE(double)
}

int pq_stats_cmp_bytes(PqStatsKind kind, const uint8_t *a, uint32_t a_len, const uint8_t *b,
                       uint32_t b_len)
{
    if (kind == PQ_STATS_BYTES_SIGNED && a_len > 0 && b_len > 0 && a[0] != b[0])
        return (int8_t)a[0] < (int8_t)b[0] ? -1 : 1;
    uint32_t n = TN_MIN(a_len, b_len);
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0)
        return c;
    return a_len < b_len ? -1 : (a_len > b_len ? 1 : 0);
}

void pq_stats_update_bytes(PqStats *st, const uint8_t *heap, const uint32_t *offs, size_t n)
{
    if (n == 0)
        return;
    size_t start = 0;
    if (!st->has_bounds) {
        st->min_ptr = st->max_ptr = heap + offs[0];
        st->min_len = st->max_len = offs[1] - offs[0];
        st->has_bounds = true;
        start = 1;
    }
    for (size_t i = start; i < n; i++) {
        const uint8_t *v = heap + offs[i];
        uint32_t len = offs[i + 1] - offs[i];
        if (pq_stats_cmp_bytes(st->kind, v, len, st->min_ptr, st->min_len) < 0) {
            st->min_ptr = v;
            st->min_len = len;
        } else if (pq_stats_cmp_bytes(st->kind, v, len, st->max_ptr, st->max_len) > 0) {
            st->max_ptr = v;
            st->max_len = len;
        }
    }
}

void pq_stats_merge(PqStats *dst, const PqStats *src)
{
    dst->null_count += src->null_count;
    dst->nan_count += src->nan_count;
    if (!src->has_bounds)
        return;
    if (!dst->has_bounds) {
        PqStats keep = *dst;
        *dst = *src;
        dst->null_count = keep.null_count;
        dst->nan_count = keep.nan_count;
        return;
    }
    switch (dst->kind) {
    case PQ_STATS_BOOL:
    case PQ_STATS_I32:
    case PQ_STATS_I64:
        dst->min.i = TN_MIN(dst->min.i, src->min.i);
        dst->max.i = TN_MAX(dst->max.i, src->max.i);
        break;
    case PQ_STATS_FLOAT:
    case PQ_STATS_DOUBLE:
        dst->min.d = TN_MIN(dst->min.d, src->min.d);
        dst->max.d = TN_MAX(dst->max.d, src->max.d);
        break;
    case PQ_STATS_BYTES:
    case PQ_STATS_BYTES_SIGNED:
        if (pq_stats_cmp_bytes(dst->kind, src->min_ptr, src->min_len, dst->min_ptr, dst->min_len) <
            0) {
            dst->min_ptr = src->min_ptr;
            dst->min_len = src->min_len;
        }
        if (pq_stats_cmp_bytes(dst->kind, src->max_ptr, src->max_len, dst->max_ptr, dst->max_len) >
            0) {
            dst->max_ptr = src->max_ptr;
            dst->max_len = src->max_len;
        }
        break;
    }
}

static PqBytes bound_bytes(const PqStats *st, bool is_min, uint8_t buf[8])
{
    int64_t i = is_min ? st->min.i : st->max.i;
    double d = is_min ? st->min.d : st->max.d;
    switch (st->kind) {
    case PQ_STATS_BOOL:
        buf[0] = (uint8_t)i;
        return (PqBytes){buf, 1};
    case PQ_STATS_I32:
        store_u32le(buf, (uint32_t)i);
        return (PqBytes){buf, 4};
    case PQ_STATS_I64:
        store_u64le(buf, (uint64_t)i);
        return (PqBytes){buf, 8};
    case PQ_STATS_FLOAT: {
        float f = (float)d;
        if (f == 0.0f) {
            f = is_min ? -0.0f : 0.0f;
        }
        memcpy(buf, &f, 4);
        return (PqBytes){buf, 4};
    }
    case PQ_STATS_DOUBLE:
        if (d == 0.0) {
            d = is_min ? -0.0 : 0.0;
        }
        memcpy(buf, &d, 8);
        return (PqBytes){buf, 8};
    case PQ_STATS_BYTES:
    case PQ_STATS_BYTES_SIGNED:
        break;
    }
    return is_min ? (PqBytes){st->min_ptr, st->min_len} : (PqBytes){st->max_ptr, st->max_len};
}

PqBytes pq_stats_min_bytes(const PqStats *st, uint8_t buf[8])
{
    return bound_bytes(st, true, buf);
}

PqBytes pq_stats_max_bytes(const PqStats *st, uint8_t buf[8])
{
    return bound_bytes(st, false, buf);
}
