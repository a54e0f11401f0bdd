/* hash.h — fast non-cryptographic hashing for hash tables (base layer; header only).
 *
 * hash_u64 is a 64-bit finalizer (multiply-xorshift, as in splitmix64) for integer keys.
 * hash_bytes hashes a byte string 8 bytes at a time with 64x64->128 multiply folding,
 * then folds in the tail and the length with two more multiplies; good distribution for short keys
 * such as route names, IPs and paths. Neither is stable across tarn versions: never persist these
 * hashes (Iceberg's bucket transform uses murmur3 in the table layer instead).
 */
#ifndef TARN_BASE_HASH_H
#define TARN_BASE_HASH_H

#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/tn.h"

#define HASH_SEED_A 0xa0761d6478bd642fULL
#define HASH_SEED_B 0xe7037ed1a0b428dbULL
#define HASH_SEED_C 0x8ebc6af09c88c6e3ULL

TN_INLINE uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

TN_INLINE uint64_t hash_mix(uint64_t a, uint64_t b)
{
    __uint128_t product = (__uint128_t)a * b;
    return (uint64_t)product ^ (uint64_t)(product >> 64);
}

TN_INLINE uint64_t hash_bytes_seeded(const void *data, size_t len, uint64_t seed)
{
    const uint8_t *p = data;
    uint64_t h = HASH_SEED_A ^ len ^ seed;
    while (len >= 16) {
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + 8, 8);
        h = hash_mix(a ^ HASH_SEED_B ^ seed, b ^ h);
        p += 16;
        len -= 16;
    }
    uint64_t a = 0, b = 0;
    if (len >= 8) {
        memcpy(&a, p, 8);
        memcpy(&b, p + len - 8, 8);
    } else if (len >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + len - 4, 4);
        a = lo;
        b = hi;
    } else if (len > 0) {
        a = (uint64_t)p[0] << 16 | (uint64_t)p[len >> 1] << 8 | p[len - 1];
    }
    /* A second multiply spreads the first one's result over all 64 bits: on its own, the
     * fold of (a ^ C) * (b ^ h) leaves the high bits of correlated inputs (an 8-byte key
     * is loaded as both a and b) poorly mixed. */
    return hash_mix(hash_mix(a ^ HASH_SEED_C ^ seed, b ^ h) ^ HASH_SEED_A, HASH_SEED_B ^ len);
}

TN_INLINE uint64_t hash_bytes(const void *data, size_t len)
{
    return hash_bytes_seeded(data, len, 0);
}

/* A seed no one outside the process can predict: getrandom(2), or, if the kernel refuses,
 * the clock mixed with a stack address. */
TN_INLINE uint64_t hash_seed_random(void)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed)
        return seed;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return hash_u64((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32 ^ (uint64_t)(uintptr_t)&ts);
}

#endif
