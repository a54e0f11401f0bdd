/* arena_test.c — unit tests for base/arena: alignment, oversized requests, reset, budget
 * failures and arena_error, overflow in alloc_array, and the copy helpers. */
#include <string.h>

#include "base/arena.h"
#include "test_util.h"

static void arena_allocations_are_aligned_and_disjoint(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 1024);
    unsigned char *prev = NULL;
    size_t prev_size = 0;
    for (size_t size = 0; size < 200; size++) {
        unsigned char *p = arena_alloc(&arena, size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, (int)size, size);
        if (prev && prev_size)
            assert_int_equal(prev[prev_size - 1], (unsigned char)(prev_size));
        prev = p;
        prev_size = size;
    }
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void arena_big_allocation_gets_its_own_block(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 4096);
    unsigned char *small1 = arena_alloc(&arena, 32);
    size_t before = arena_bytes(&arena);
    unsigned char *big = arena_alloc(&arena, 100000);
    assert_non_null(big);
    assert_int_equal((uintptr_t)big % 16, 0);
    memset(big, 0xab, 100000);
    assert_true(arena_bytes(&arena) >= before + 100000);
    /* The bump block stays current: the next small allocation follows the first. */
    unsigned char *small2 = arena_alloc(&arena, 32);
    assert_ptr_equal(small2, small1 + 32);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
    /* A big allocation in an empty arena. */
    arena_init(&arena, &mem, 4096);
    assert_non_null(arena_alloc(&arena, 50000));
    assert_non_null(arena_alloc(&arena, 10));
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void arena_reset_returns_everything(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    assert_int_equal(arena.block_bytes, ARENA_DEFAULT_BLOCK_BYTES);
    for (int i = 0; i < 1000; i++) {
        assert_non_null(arena_alloc(&arena, 1000));
    }
    assert_true(mem_used(&mem) >= 1000 * 1000);
    arena_reset(&arena);
    assert_int_equal(arena_bytes(&arena), 0);
    assert_int_equal(mem_used(&mem), 0);
    assert_non_null(arena_alloc(&arena, 10));
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void arena_reports_budget_failure(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "query", 1024);
    Arena arena;
    arena_init(&arena, &mem, 4096);
    assert_null(arena_alloc(&arena, 10));
    Err err;
    err_init(&err);
    assert_int_equal(arena_error(&arena, &err), ERR_NOMEM);
    assert_string_equal(err.msg, "memory limit of 1 KiB exceeded for query");
    assert_string_equal(err.sqlstate, "53200");
    arena_fini(&arena);
    /* Small blocks fit; a big request past the budget fails and earlier data stays. */
    arena_init(&arena, &mem, 256);
    char *kept = arena_strdup(&arena, "kept");
    assert_non_null(kept);
    assert_null(arena_alloc(&arena, 2000));
    assert_string_equal(kept, "kept");
    assert_int_equal(arena_error(&arena, &err), ERR_NOMEM);
    assert_string_equal(err.msg, "memory limit of 1 KiB exceeded for query");
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void arena_error_without_a_failure_is_generic(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    assert_int_equal(arena_error(&arena, &err), ERR_NOMEM);
    assert_string_equal(err.msg, "out of memory in arena");
    arena_fini(&arena);
}

static void arena_alloc_array_catches_overflow(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    assert_null(arena_alloc_array(&arena, SIZE_MAX / 4, 8));
    Err err;
    arena_error(&arena, &err);
    assert_non_null(strstr(err.msg, "overflows"));
    int32_t *zeros = arena_alloc_array(&arena, 100, sizeof(int32_t));
    assert_non_null(zeros);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(zeros[i], 0);
    }
    arena_fini(&arena);
}

/* Regression: a size so large that aligning it wrapped returned NULL without recording a
 * reason, so arena_error fell back to the generic message. */
static void arena_alloc_of_a_huge_size_reports_why(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    assert_null(arena_alloc(&arena, SIZE_MAX - 3));
    Err err;
    assert_int_equal(arena_error(&arena, &err), ERR_NOMEM);
    assert_non_null(strstr(err.msg, "too large"));
    assert_null(arena_alloc(&arena, SIZE_MAX - 64));
    arena_fini(&arena);
}

static void arena_copy_helpers(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    assert_string_equal(arena_strdup(&arena, "hello"), "hello");
    assert_string_equal(arena_strndup(&arena, "hello world", 5), "hello");
    assert_string_equal(arena_sprintf(&arena, "%s-%d", "row", 42), "row-42");
    const uint8_t bytes[3] = {1, 2, 3};
    uint8_t *copy = arena_memdup(&arena, bytes, 3);
    assert_memory_equal(copy, bytes, 3);
    assert_non_null(arena_memdup(&arena, NULL, 0));
    unsigned char *z = arena_zalloc(&arena, 64);
    for (int i = 0; i < 64; i++) {
        assert_int_equal(z[i], 0);
    }
    arena_fini(&arena);
}

static void arena_grow_array_keeps_items_and_doubles(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "grow", 0);
    Arena arena;
    arena_init(&arena, &mem, 0);
    int64_t *items = NULL;
    size_t n = 0, cap = 0;
    for (int64_t i = 0; i < 1000; i++) {
        int64_t *grown = arena_grow_array(&arena, items, n, &cap, sizeof *grown);
        assert_non_null(grown);
        assert_true(cap > n);
        if (n < cap && grown != items && items) {
            assert_memory_equal(grown, items, n * sizeof *items); /* copied when it moved */
        }
        items = grown;
        items[n++] = i * 3;
    }
    assert_int_equal(cap, 1024);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(items[i], (int64_t)i * 3);
    }
    size_t huge = SIZE_MAX / 2;
    assert_null(arena_grow_array(&arena, items, huge, &huge, 16));
    Err err;
    assert_int_equal(arena_error(&arena, &err), ERR_NOMEM);
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void arena_recycle_reuses_blocks_and_frees_unused_ones(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "scan", 0);
    Arena arena;
    arena_init(&arena, &mem, 4096);
    char *big = arena_alloc(&arena, 1 << 20); /* a dedicated block */
    char *small = arena_alloc(&arena, 100);   /* an ordinary block */
    assert_non_null(big);
    assert_non_null(small);
    size_t held = mem_used(&mem);
    arena_recycle(&arena);
    assert_int_equal(mem_used(&mem), held); /* kept, still charged */
    /* the next cycle gets the same blocks back instead of new ones */
    char *big_again = arena_alloc(&arena, 1 << 20);
    assert_ptr_equal(big_again, big);
    assert_int_equal(mem_used(&mem), held);
    memset(big_again, 1, 1 << 20);
    /* the ordinary block went unused this cycle: the next recycle frees it */
    arena_recycle(&arena);
    assert_true(mem_used(&mem) < held);
    assert_true(mem_used(&mem) >= (size_t)(1 << 20));
    arena_recycle(&arena);
    assert_int_equal(mem_used(&mem), 0);
    assert_int_equal(arena_bytes(&arena), 0);
    assert_non_null(arena_strdup(&arena, "after"));
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(arena_allocations_are_aligned_and_disjoint),
            cmocka_unit_test(arena_big_allocation_gets_its_own_block),
            cmocka_unit_test(arena_reset_returns_everything),
            cmocka_unit_test(arena_recycle_reuses_blocks_and_frees_unused_ones),
            cmocka_unit_test(arena_reports_budget_failure),
            cmocka_unit_test(arena_error_without_a_failure_is_generic),
            cmocka_unit_test(arena_alloc_array_catches_overflow),
            cmocka_unit_test(arena_alloc_of_a_huge_size_reports_why),
            cmocka_unit_test(arena_copy_helpers),
            cmocka_unit_test(arena_grow_array_keeps_items_and_doubles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
