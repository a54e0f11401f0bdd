/* hash_test.c — unit tests for base/hash: equal input gives equal hashes regardless of
 * alignment, every length 0..64 and every byte position matter, and 100k distinct keys
 * spread over 2^17 buckets about as well as random numbers would, in the low bits and in
 * the high bits (regression: 8-byte keys had 20% excess collisions in bits 47..63). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "test_util.h"

enum { N_KEYS = 100000, N_BUCKETS = 1 << 17 };

/* Collisions random hashes would give: N_KEYS minus the expected occupied buckets. */
static double expected_collisions(void)
{
    return N_KEYS - N_BUCKETS * (1.0 - exp(-(double)N_KEYS / N_BUCKETS));
}

static size_t count_collisions(const uint64_t *hashes, int shift)
{
    static uint8_t used[N_BUCKETS];
    memset(used, 0, sizeof used);
    size_t collisions = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        size_t bucket = (size_t)(hashes[i] >> shift) & (N_BUCKETS - 1);
        collisions += used[bucket];
        used[bucket] = 1;
    }
    return collisions;
}

static void check_spread(const uint64_t *hashes, const char *what)
{
    double expect = expected_collisions();       /* about 30,000 */
    static const int shifts[] = {0, 16, 32, 47}; /* low bits for tables, high for partitions */
    for (size_t i = 0; i < TN_ARRAY_LEN(shifts); i++) {
        int shift = shifts[i];
        size_t got = count_collisions(hashes, shift);
        printf("%s, bits %d..%d: %zu collisions (random: %.0f)\n", what, shift, shift + 16, got,
               expect);
        assert_true(got < expect * 1.05);
    }
}

static void hash_bytes_spreads_distinct_keys(void **state)
{
    (void)state;
    static uint64_t hashes[N_KEYS];
    char key[64];
    for (size_t i = 0; i < N_KEYS; i++) {
        int len = snprintf(key, sizeof key, "/api/v1/items/%zu", i);
        hashes[i] = hash_bytes(key, (size_t)len);
    }
    check_spread(hashes, "paths");
    for (size_t i = 0; i < N_KEYS; i++) {
        uint32_t ip = 0x0a000000u + (uint32_t)i;
        int len = snprintf(key, sizeof key, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
                           (ip >> 8) & 255, ip & 255);
        hashes[i] = hash_bytes(key, (size_t)len);
    }
    check_spread(hashes, "ips");
    for (size_t i = 0; i < N_KEYS; i++) {
        uint64_t n = i;
        hashes[i] = hash_bytes(&n, sizeof n);
    }
    check_spread(hashes, "8-byte integers");
}

static void hash_u64_spreads_sequential_integers(void **state)
{
    (void)state;
    static uint64_t hashes[N_KEYS];
    for (size_t i = 0; i < N_KEYS; i++) {
        hashes[i] = hash_u64(i);
    }
    check_spread(hashes, "hash_u64");
    assert_int_not_equal(hash_u64(1), hash_u64(2));
}

static void hash_bytes_equal_keys_hash_equal_at_any_alignment(void **state)
{
    (void)state;
    uint8_t a[80], b[96];
    for (size_t i = 0; i < sizeof a; i++) {
        a[i] = (uint8_t)(i * 37 + 11);
    }
    for (size_t len = 0; len <= 64; len++) {
        uint64_t want = hash_bytes(a, len);
        for (size_t offset = 0; offset < 16; offset++) {
            memcpy(b + offset, a, len);
            assert_int_equal(hash_bytes(b + offset, len), want);
        }
    }
}

static void hash_bytes_every_length_and_byte_matters(void **state)
{
    (void)state;
    unsigned seed = 7;
    printf("seed %u\n", seed);
    srand(seed);
    uint8_t buf[64];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)rand();
    }
    uint8_t zeros[64] = {0};
    uint64_t by_len[65], zero_by_len[65];
    for (size_t len = 0; len <= 64; len++) {
        by_len[len] = hash_bytes(buf, len);
        zero_by_len[len] = hash_bytes(zeros, len);
        for (size_t shorter = 0; shorter < len; shorter++) {
            assert_int_not_equal(by_len[len], by_len[shorter]);
            assert_int_not_equal(zero_by_len[len], zero_by_len[shorter]);
        }
        for (size_t pos = 0; pos < len; pos++) {
            buf[pos] ^= 0x01;
            if (hash_bytes(buf, len) == by_len[len])
                fail_msg("flipping byte %zu of a %zu-byte key did not change its hash", pos, len);
            buf[pos] ^= 0x01;
        }
    }
}

/* Seeds change where keys land (so crafted collisions under one seed do not carry over),
 * seed 0 is plain hash_bytes, and random seeds differ between calls. */
static void hash_seeds_change_every_hash(void **state)
{
    (void)state;
    const char *keys[] = {"",
                          "a",
                          "GET",
                          "/api/v1/users/42",
                          "10.0.0.1:8080",
                          "a-key-long-enough-to-take-the-16-byte-loop-twice"};
    uint64_t seed = hash_seed_random();
    assert_true(seed != hash_seed_random());
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t len = strlen(keys[i]);
        assert_true(hash_bytes_seeded(keys[i], len, 0) == hash_bytes(keys[i], len));
        assert_true(hash_bytes_seeded(keys[i], len, seed) != hash_bytes(keys[i], len));
        assert_true(hash_bytes_seeded(keys[i], len, seed) == hash_bytes_seeded(keys[i], len, seed));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(hash_seeds_change_every_hash),
            cmocka_unit_test(hash_bytes_spreads_distinct_keys),
            cmocka_unit_test(hash_u64_spreads_sequential_integers),
            cmocka_unit_test(hash_bytes_equal_keys_hash_equal_at_any_alignment),
            cmocka_unit_test(hash_bytes_every_length_and_byte_matters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
