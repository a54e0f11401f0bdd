/* mem_test.c — unit tests for base/mem: limits and their message, parent budgets, peak,
 * realloc accounting, the mem_fail_at hook, and byte formatting. */
#include <string.h>

#include "base/mem.h"
#include "test_util.h"

static void mem_refuses_allocation_over_the_limit(void **state)
{
    (void)state;
    Mem query;
    mem_init(&query, NULL, "query", 1024);
    Err err;
    err_init(&err);
    void *a = mem_alloc(&query, 1000, &err);
    assert_non_null(a);
    assert_int_equal(mem_used(&query), 1000);
    void *b = mem_alloc(&query, 100, &err);
    assert_null(b);
    assert_int_equal(err.code, ERR_NOMEM);
    assert_string_equal(err.msg, "memory limit of 1 KiB exceeded for query");
    assert_int_equal(mem_used(&query), 1000);
    assert_null(mem_alloc(&query, 100, NULL)); /* err may be NULL */
    void *c = mem_alloc(&query, 24, &err);     /* exactly at the limit */
    assert_non_null(c);
    assert_int_equal(mem_used(&query), 1024);
    mem_free(&query, a);
    mem_free(&query, c);
    assert_int_equal(mem_used(&query), 0);
}

static void mem_charges_every_ancestor(void **state)
{
    (void)state;
    Mem process, query_a, query_b;
    mem_init(&process, NULL, "process", 2048);
    mem_init(&query_a, &process, "query", 0);
    mem_init(&query_b, &process, "query", 1024);
    Err err;
    void *a = mem_alloc(&query_a, 1500, &err);
    assert_non_null(a);
    assert_int_equal(mem_used(&process), 1500);
    assert_null(mem_alloc(&query_b, 1000, &err));
    assert_string_equal(err.msg, "memory limit of 2 KiB exceeded for process");
    /* The failed charge was undone everywhere. */
    assert_int_equal(mem_used(&query_b), 0);
    assert_int_equal(mem_used(&process), 1500);
    assert_null(mem_alloc(&query_b, 1025, &err));
    assert_string_equal(err.msg, "memory limit of 1 KiB exceeded for query");
    void *b = mem_alloc(&query_b, 500, &err);
    assert_non_null(b);
    assert_int_equal(mem_used(&process), 2000);
    mem_free(&query_a, a);
    mem_free(&query_b, b);
    assert_int_equal(mem_used(&process), 0);
    assert_int_equal(mem_peak(&process), 2000);
}

static void mem_tracks_peak(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    void *a = mem_alloc(&mem, 500, NULL);
    void *b = mem_alloc(&mem, 300, NULL);
    mem_free(&mem, a);
    void *c = mem_alloc(&mem, 100, NULL);
    assert_int_equal(mem_used(&mem), 400);
    assert_int_equal(mem_peak(&mem), 800);
    mem_free(&mem, b);
    mem_free(&mem, c);
    assert_int_equal(mem_peak(&mem), 800);
}

static void mem_realloc_accounts_the_difference(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "query", 4096);
    Err err;
    char *p = mem_alloc(&mem, 100, &err);
    memset(p, 'x', 100);
    p = mem_realloc(&mem, p, 1000, &err);
    assert_non_null(p);
    assert_int_equal(mem_used(&mem), 1000);
    assert_int_equal(p[99], 'x');
    p = mem_realloc(&mem, p, 10, &err);
    assert_int_equal(mem_used(&mem), 10);
    assert_int_equal(p[9], 'x');
    /* A refused growth leaves the block and the count as they were. */
    char *q = mem_realloc(&mem, p, 5000, &err);
    assert_null(q);
    assert_string_equal(err.msg, "memory limit of 4 KiB exceeded for query");
    assert_int_equal(mem_used(&mem), 10);
    assert_int_equal(p[0], 'x');
    mem_free(&mem, p);
    assert_int_equal(mem_used(&mem), 0);
    void *fresh = mem_realloc(&mem, NULL, 64, &err); /* NULL acts as alloc */
    assert_int_equal(mem_used(&mem), 64);
    mem_free(&mem, fresh);
}

/* Mapped blocks grow and shrink in place of a copy (mremap): contents survive every
 * size class change, small -> mapped -> bigger mapped -> smaller mapped -> small. */
static unsigned char pattern_at(size_t i)
{
    return (unsigned char)(i * 7 % 251);
}

static void mem_realloc_keeps_contents_across_mapped_sizes(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "big", 0);
    Err err;
    size_t sizes[] = {1000, (size_t)3 << 20, (size_t)9 << 20, (size_t)5 << 20, 2000};
    unsigned char *p = mem_alloc(&mem, 100, &err);
    for (size_t i = 0; i < 100; i++)
        p[i] = pattern_at(i);
    size_t filled = 100;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        p = mem_realloc(&mem, p, sizes[k], &err);
        assert_non_null(p);
        assert_int_equal(mem_used(&mem), sizes[k]);
        size_t keep = TN_MIN(filled, sizes[k]);
        for (size_t i = 0; i < keep; i += 97)
            assert_int_equal(p[i], pattern_at(i));
        for (size_t i = keep; i < sizes[k]; i++)
            p[i] = pattern_at(i);
        filled = sizes[k];
    }
    mem_free(&mem, p);
    assert_int_equal(mem_used(&mem), 0);
}

static void mem_fail_at_fails_exactly_the_nth_allocation_once(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "query", 0);
    Err err;
    mem_fail_at(&mem, 3);
    void *blocks[5];
    for (int i = 0; i < 5; i++) {
        err_init(&err);
        blocks[i] = mem_alloc(&mem, 16, &err);
        if (i == 2) {
            assert_null(blocks[i]);
            assert_int_equal(err.code, ERR_NOMEM);
            assert_string_equal(err.msg, "out of memory (injected failure in query)");
        } else {
            assert_non_null(blocks[i]);
        }
    }
    assert_int_equal(mem_used(&mem), 4 * 16);
    for (int i = 0; i < 5; i++) {
        mem_free(&mem, blocks[i]);
    }
    /* Growing reallocs count as allocations; 0 turns the hook off. */
    mem_fail_at(&mem, 2);
    void *p = mem_alloc(&mem, 8, &err);
    assert_null(mem_realloc(&mem, p, 64, &err));
    void *grown = mem_realloc(&mem, p, 64, &err);
    assert_non_null(grown);
    mem_fail_at(&mem, 1);
    mem_fail_at(&mem, 0);
    void *q = mem_alloc(&mem, 8, &err);
    assert_non_null(q);
    mem_free(&mem, q);
    mem_free(&mem, grown);
    assert_int_equal(mem_used(&mem), 0);
}

static void mem_fail_at_on_a_parent_hits_child_allocations(void **state)
{
    (void)state;
    Mem process, query;
    mem_init(&process, NULL, "process", 0);
    mem_init(&query, &process, "query", 0);
    mem_fail_at(&process, 1);
    Err err;
    assert_null(mem_alloc(&query, 8, &err));
    assert_string_equal(err.msg, "out of memory (injected failure in query)");
    void *p = mem_alloc(&query, 8, &err);
    assert_non_null(p);
    mem_free(&query, p);
    assert_int_equal(mem_used(&process), 0);
}

static void mem_calloc_zeroes_and_catches_overflow(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    Err err;
    unsigned char *p = mem_calloc(&mem, 10, 10, &err);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(p[i], 0);
    }
    mem_free(&mem, p);
    assert_null(mem_calloc(&mem, SIZE_MAX / 2, 3, &err));
    assert_int_equal(err.code, ERR_NOMEM);
    assert_non_null(strstr(err.msg, "overflows"));
    assert_null(mem_alloc(&mem, SIZE_MAX - 4, &err));
    assert_non_null(strstr(err.msg, "too large"));
    /* Regression: sizes past MEM_MAX_ALLOC_BYTES reached malloc (ASan aborts on them). */
    assert_null(mem_alloc(&mem, MEM_MAX_ALLOC_BYTES + 1, &err));
    assert_string_equal(err.msg, "allocation of 1099511627777 bytes is too large");
    void *p2 = mem_alloc(&mem, 8, &err);
    assert_null(mem_realloc(&mem, p2, SIZE_MAX / 2, &err));
    assert_non_null(strstr(err.msg, "too large"));
    mem_free(&mem, p2);
    assert_int_equal(mem_used(&mem), 0);
}

static void mem_untracked_allocations_work(void **state)
{
    (void)state;
    Err err;
    void *p = mem_alloc(NULL, 100, &err);
    assert_non_null(p);
    p = mem_realloc(NULL, p, 200, &err);
    assert_non_null(p);
    mem_free(NULL, p);
    mem_free(NULL, NULL);
}

static void mem_blocks_are_16_byte_aligned(void **state)
{
    (void)state;
    for (size_t size = 1; size < 200; size += 7) {
        void *p = mem_alloc(NULL, size, NULL);
        assert_int_equal((uintptr_t)p % 16, 0);
        mem_free(NULL, p);
    }
}

static void mem_format_bytes_picks_a_unit(void **state)
{
    (void)state;
    char buf[32];
    mem_format_bytes(100, buf, sizeof buf);
    assert_string_equal(buf, "100 B");
    mem_format_bytes(1024, buf, sizeof buf);
    assert_string_equal(buf, "1 KiB");
    mem_format_bytes(512u << 20, buf, sizeof buf);
    assert_string_equal(buf, "512 MiB");
    mem_format_bytes((size_t)3 << 29, buf, sizeof buf);
    assert_string_equal(buf, "1.5 GiB");
    mem_format_bytes(1536, buf, sizeof buf);
    assert_string_equal(buf, "1.5 KiB");
}

/* Blocks of 2 MiB and more are mapped (huge pages) instead of malloc'd: accounting,
 * zeroing, and realloc across the boundary in both directions must not notice. */
static void mem_large_blocks_move_between_sources(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "scan", 0);
    Err err;
    err_init(&err);
    const size_t big = (size_t)5 << 20;
    unsigned char *zeros = mem_calloc(&mem, big, 1, &err);
    assert_non_null(zeros);
    assert_int_equal(mem_used(&mem), big);
    for (size_t i = 0; i < big; i += 4093) {
        assert_int_equal(zeros[i], 0);
    }
    mem_free(&mem, zeros);
    assert_int_equal(mem_used(&mem), 0);
    unsigned char *p = mem_alloc(&mem, 1000, &err);
    assert_non_null(p);
    memset(p, 7, 1000);
    p = mem_realloc(&mem, p, big, &err); /* malloc -> mapping */
    assert_non_null(p);
    assert_int_equal(p[999], 7);
    memset(p + big - 10, 9, 10);
    p = mem_realloc(&mem, p, big * 2, &err); /* mapping -> mapping */
    assert_non_null(p);
    assert_int_equal(p[0], 7);
    assert_int_equal(p[big - 1], 9);
    assert_int_equal(mem_used(&mem), big * 2);
    p = mem_realloc(&mem, p, 500, &err); /* mapping -> malloc */
    assert_non_null(p);
    assert_int_equal(p[499], 7);
    assert_int_equal(mem_used(&mem), 500);
    mem_free(&mem, p);
    assert_int_equal(mem_used(&mem), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(mem_large_blocks_move_between_sources),
            cmocka_unit_test(mem_refuses_allocation_over_the_limit),
            cmocka_unit_test(mem_charges_every_ancestor),
            cmocka_unit_test(mem_tracks_peak),
            cmocka_unit_test(mem_realloc_accounts_the_difference),
            cmocka_unit_test(mem_realloc_keeps_contents_across_mapped_sizes),
            cmocka_unit_test(mem_fail_at_fails_exactly_the_nth_allocation_once),
            cmocka_unit_test(mem_fail_at_on_a_parent_hits_child_allocations),
            cmocka_unit_test(mem_calloc_zeroes_and_catches_overflow),
            cmocka_unit_test(mem_untracked_allocations_work),
            cmocka_unit_test(mem_blocks_are_16_byte_aligned),
            cmocka_unit_test(mem_format_bytes_picks_a_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
