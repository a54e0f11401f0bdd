/* tn.h — project-wide helper macros (base layer; included by every layer).
 *
 * Compiler attributes (TN_MUST_CHECK, TN_PRINTF, TN_FALLTHROUGH, TN_INLINE), branch hints,
 * array length, and overflow-checked size arithmetic for sizes computed from untrusted
 * input (STYLE.md §6). Header only; no state.
 */
#ifndef TARN_BASE_TN_H
#define TARN_BASE_TN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TN_MUST_CHECK         __attribute__((warn_unused_result))
#define TN_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#define TN_FALLTHROUGH        __attribute__((fallthrough))
#define TN_INLINE             static inline __attribute__((always_inline))
#define TN_NOINLINE           __attribute__((noinline))
#define TN_LIKELY(x)          __builtin_expect(!!(x), 1)
#define TN_UNLIKELY(x)        __builtin_expect(!!(x), 0)
#define TN_ARRAY_LEN(a)       (sizeof(a) / sizeof((a)[0]))
#define TN_MIN(a, b)          ((a) < (b) ? (a) : (b))
#define TN_MAX(a, b)          ((a) > (b) ? (a) : (b))
#define TN_ALIGN_UP(n, align) (((n) + ((align)-1)) & ~((size_t)(align)-1))

/* *out = a * b; false when the product does not fit in size_t. */
TN_INLINE bool size_mul(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* *out = a + b; false when the sum does not fit in size_t. */
TN_INLINE bool size_add(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* Little-endian loads and stores for disk and wire data (never cast bytes to a struct). */
TN_INLINE uint32_t load_u32le(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

TN_INLINE uint64_t load_u64le(const void *p)
{
    return (uint64_t)load_u32le(p) | (uint64_t)load_u32le((const uint8_t *)p + 4) << 32;
}

TN_INLINE void store_u32le(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

TN_INLINE void store_u64le(void *p, uint64_t v)
{
    store_u32le(p, (uint32_t)v);
    store_u32le((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#endif
