/* hashmap_test.c — unit tests for base/hashmap: basic operations, backward-shift deletion
 * (checked against a shadow array), growth to a million keys, iteration, and OOM at every
 * allocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "test_util.h"

static size_t key_of(uint64_t n, char *buf)
{
    return (size_t)snprintf(buf, 32, "key-%llu", (unsigned long long)n);
}

static void hashmap_put_get_overwrite_remove(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    HashMap map;
    hashmap_init(&map, &mem);
    Err err;
    err_init(&err);
    uint64_t value = 0;
    assert_false(hashmap_get(&map, "a", 1, &value));
    assert_false(hashmap_remove(&map, "a", 1, NULL));
    assert_ok(hashmap_put(&map, "a", 1, 1, &err), &err);
    assert_ok(hashmap_put(&map, "b", 1, 2, &err), &err);
    assert_ok(hashmap_put(&map, "", 0, 3, &err), &err);
    assert_int_equal(hashmap_count(&map), 3);
    assert_true(hashmap_get(&map, "a", 1, &value));
    assert_int_equal(value, 1);
    assert_true(hashmap_get(&map, "", 0, &value));
    assert_int_equal(value, 3);
    assert_false(hashmap_get(&map, "ab", 2, NULL));
    assert_ok(hashmap_put(&map, "a", 1, 10, &err), &err);
    assert_int_equal(hashmap_count(&map), 3);
    assert_true(hashmap_get(&map, "a", 1, &value));
    assert_int_equal(value, 10);
    assert_true(hashmap_remove(&map, "a", 1, &value));
    assert_int_equal(value, 10);
    assert_false(hashmap_get(&map, "a", 1, NULL));
    assert_int_equal(hashmap_count(&map), 2);
    assert_true(hashmap_get(&map, "b", 1, &value));
    assert_int_equal(value, 2);
    hashmap_fini(&map);
    assert_int_equal(mem_used(&mem), 0);
}

static void hashmap_copies_keys(void **state)
{
    (void)state;
    HashMap map;
    hashmap_init(&map, NULL);
    Err err;
    char key[8] = "volatile";
    assert_ok(hashmap_put(&map, key, sizeof key, 7, &err), &err);
    memset(key, 'x', sizeof key);
    assert_true(hashmap_get(&map, "volatile", 8, NULL));
    assert_false(hashmap_get(&map, key, sizeof key, NULL));
    hashmap_fini(&map);
}

/* Random puts and removes in a small key space checked against a shadow array: exercises
 * backward shift across wrap-around and long runs. */
static void hashmap_remove_keeps_every_other_key_reachable(void **state)
{
    (void)state;
    enum { N_KEYS = 3000, N_OPS = 200000 };
    static uint64_t shadow[N_KEYS]; /* 0 = absent, else value */
    memset(shadow, 0, sizeof shadow);
    unsigned seed = 42;
    printf("seed %u\n", seed);
    srand(seed);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    HashMap map;
    hashmap_init(&map, &mem);
    Err err;
    size_t live = 0;
    for (int op = 0; op < N_OPS; op++) {
        uint64_t k = (uint64_t)rand() % N_KEYS;
        char key[32];
        size_t key_len = key_of(k, key);
        if (rand() % 2) {
            uint64_t value = (uint64_t)op + 1;
            live += shadow[k] == 0;
            shadow[k] = value;
            assert_ok(hashmap_put(&map, key, key_len, value, &err), &err);
        } else {
            uint64_t removed = 0;
            bool was = hashmap_remove(&map, key, key_len, &removed);
            assert_int_equal(was, shadow[k] != 0);
            if (was) {
                assert_int_equal(removed, shadow[k]);
                live--;
            }
            shadow[k] = 0;
        }
        if (op % 10000 == 0 || op == N_OPS - 1) {
            assert_int_equal(hashmap_count(&map), live);
            for (uint64_t j = 0; j < N_KEYS; j++) {
                uint64_t value = 0;
                key_len = key_of(j, key);
                assert_int_equal(hashmap_get(&map, key, key_len, &value), shadow[j] != 0);
                if (shadow[j])
                    assert_int_equal(value, shadow[j]);
            }
        }
    }
    hashmap_fini(&map);
    assert_int_equal(mem_used(&mem), 0);
}

static void hashmap_grows_to_a_million_keys(void **state)
{
    (void)state;
    enum { N = 1000000 };
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    HashMap map;
    hashmap_init(&map, &mem);
    Err err;
    char key[32];
    for (uint64_t i = 0; i < N; i++) {
        assert_ok(hashmap_put(&map, key, key_of(i, key), i * 3, &err), &err);
    }
    assert_int_equal(hashmap_count(&map), N);
    assert_true(map.cap >= N * 10 / 7);
    assert_true((map.cap & (map.cap - 1)) == 0);
    for (uint64_t i = 0; i < N; i++) {
        uint64_t value;
        if (!hashmap_get(&map, key, key_of(i, key), &value) || value != i * 3)
            fail_msg("key %llu lost after growth", (unsigned long long)i);
    }
    assert_false(hashmap_get(&map, key, key_of(N, key), NULL));
    for (uint64_t i = 0; i < N; i += 2) {
        assert_true(hashmap_remove(&map, key, key_of(i, key), NULL));
    }
    assert_int_equal(hashmap_count(&map), N / 2);
    for (uint64_t i = 0; i < N; i++) {
        assert_int_equal(hashmap_get(&map, key, key_of(i, key), NULL), i % 2 == 1);
    }
    hashmap_fini(&map);
    assert_int_equal(mem_used(&mem), 0);
}

static void hashmap_iteration_visits_each_entry_once(void **state)
{
    (void)state;
    enum { N = 5000 };
    HashMap map;
    hashmap_init(&map, NULL);
    Err err;
    char key[32];
    for (uint64_t i = 0; i < N; i++) {
        assert_ok(hashmap_put(&map, key, key_of(i, key), i, &err), &err);
    }
    static uint8_t seen[N];
    memset(seen, 0, sizeof seen);
    HashMapIter iter = HASHMAP_ITER_INIT;
    const void *k;
    size_t k_len;
    uint64_t value;
    size_t visits = 0;
    while (hashmap_next(&map, &iter, &k, &k_len, &value)) {
        assert_true(value < N);
        assert_int_equal(seen[value], 0);
        seen[value] = 1;
        char expect[32];
        size_t expect_len = key_of(value, expect);
        assert_int_equal(k_len, expect_len);
        assert_memory_equal(k, expect, k_len);
        visits++;
    }
    assert_int_equal(visits, N);
    assert_false(hashmap_next(&map, &iter, &k, &k_len, &value));
    hashmap_fini(&map);
    HashMapIter empty_iter = HASHMAP_ITER_INIT;
    assert_false(hashmap_next(&map, &empty_iter, NULL, NULL, NULL));
}

static void hashmap_reserve_avoids_growth(void **state)
{
    (void)state;
    HashMap map;
    hashmap_init(&map, NULL);
    Err err;
    assert_ok(hashmap_reserve(&map, 1000, &err), &err);
    size_t cap = map.cap;
    assert_true(cap * 7 / 10 >= 1000);
    char key[32];
    for (uint64_t i = 0; i < 1000; i++) {
        assert_ok(hashmap_put(&map, key, key_of(i, key), i, &err), &err);
    }
    assert_int_equal(map.cap, cap);
    hashmap_fini(&map);
}

/* Build a map of 3000 keys (several growths, several key blocks) with allocation n failing,
 * n = 1, 2, ... until the build succeeds; each failure is ERR_NOMEM and leaks nothing. */
static void hashmap_put_survives_allocation_failure_at_every_point(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    for (long n = 1;; n++) {
        HashMap map;
        hashmap_init(&map, &mem);
        mem_fail_at(&mem, n);
        Err err;
        err_init(&err);
        ErrCode rc = ERR_OK;
        char key[32];
        uint64_t i;
        for (i = 0; i < 3000 && rc == ERR_OK; i++) {
            rc = hashmap_put(&map, key, key_of(i, key), i, &err);
        }
        if (rc == ERR_OK) {
            mem_fail_at(&mem, 0);
            assert_int_equal(hashmap_count(&map), 3000);
            hashmap_fini(&map);
            assert_int_equal(mem_used(&mem), 0);
            assert_true(n > 5);
            break;
        }
        assert_int_equal(rc, ERR_NOMEM);
        assert_non_null(strstr(err.msg, "out of memory"));
        /* The entries inserted before the failure are all still there. */
        assert_int_equal(hashmap_count(&map), i - 1);
        for (uint64_t j = 0; j + 1 < i; j++) {
            assert_true(hashmap_get(&map, key, key_of(j, key), NULL));
        }
        hashmap_fini(&map);
        assert_int_equal(mem_used(&mem), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(hashmap_put_get_overwrite_remove),
            cmocka_unit_test(hashmap_copies_keys),
            cmocka_unit_test(hashmap_remove_keeps_every_other_key_reachable),
            cmocka_unit_test(hashmap_grows_to_a_million_keys),
            cmocka_unit_test(hashmap_iteration_visits_each_entry_once),
            cmocka_unit_test(hashmap_reserve_avoids_growth),
            cmocka_unit_test(hashmap_put_survives_allocation_failure_at_every_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
