/* colvec_test.c — unit tests for base/colvec: allocation, the validity bitmap and NULL
 * counts, flattening a dictionary vector, slot widths and type names. */
#include <string.h>

#include "base/colvec.h"
#include "test_util.h"

static void colvec_alloc_zeroes_values_and_marks_all_valid(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    ColVec vec;
    ColTypeInfo type = {.id = COL_INT64};
    assert_ok(colvec_alloc(&arena, type, 100, true, &vec, &err), &err);
    assert_int_equal(vec.n_rows, 100);
    assert_non_null(vec.validity);
    assert_null(vec.codes);
    const int64_t *values = vec.values;
    for (size_t row = 0; row < 100; row++) {
        assert_int_equal(values[row], 0);
        assert_false(colvec_is_null(&vec, row));
    }
    assert_int_equal(colvec_null_count(&vec), 0);
    ColVec plain;
    assert_ok(colvec_alloc(&arena, type, 10, false, &plain, &err), &err);
    assert_null(plain.validity);
    assert_int_equal(colvec_null_count(&plain), 0);
    ColVec empty;
    assert_ok(colvec_alloc(&arena, type, 0, true, &empty, &err), &err);
    assert_int_equal(colvec_null_count(&empty), 0);
    arena_fini(&arena);
}

static void colvec_null_bitmap_counts_nulls(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    ColVec vec;
    assert_ok(colvec_alloc(&arena, (ColTypeInfo){.id = COL_BOOL}, 77, true, &vec, &err), &err);
    size_t nulls[] = {0, 7, 8, 63, 64, 76};
    for (size_t i = 0; i < TN_ARRAY_LEN(nulls); i++) {
        colvec_set_valid(vec.validity, nulls[i], false);
    }
    assert_int_equal(colvec_null_count(&vec), TN_ARRAY_LEN(nulls));
    assert_true(colvec_is_null(&vec, 63));
    assert_false(colvec_is_null(&vec, 62));
    assert_true(colvec_is_null(&vec, 76));
    colvec_set_valid(vec.validity, 63, true);
    assert_false(colvec_is_null(&vec, 63));
    assert_int_equal(colvec_null_count(&vec), TN_ARRAY_LEN(nulls) - 1);
    arena_fini(&arena);
}

static void colvec_flatten_copies_dictionary_values(void **state)
{
    (void)state;
    Arena arena;
    arena_init(&arena, NULL, 0);
    Err err;
    ColTypeInfo type = {.id = COL_STRING};
    ColVec dict;
    assert_ok(colvec_alloc(&arena, type, 3, false, &dict, &err), &err);
    ColStr *words = dict.values;
    words[0] = (ColStr){1, "a"};
    words[1] = (ColStr){2, "bb"};
    words[2] = (ColStr){3, "ccc"};
    uint32_t codes[5] = {2, 0, 0, 1, 2};
    uint8_t validity[1] = {0xff};
    ColVec vec = {.type = type,
                  .n_rows = 5,
                  .validity = validity,
                  .codes = codes,
                  .dict = &dict,
                  .dict_id = 77};
    colvec_set_valid(validity, 2, false);
    codes[2] = 0;
    assert_ok(colvec_flatten(&arena, &vec, &err), &err);
    assert_null(vec.codes);
    assert_null(vec.dict);
    assert_int_equal(vec.dict_id, 0);
    const ColStr *flat = vec.values;
    assert_int_equal(flat[0].len, 3);
    assert_memory_equal(flat[0].ptr, "ccc", 3);
    assert_memory_equal(flat[1].ptr, "a", 1);
    assert_int_equal(flat[2].len, 0); /* NULL row: zero slot */
    assert_null(flat[2].ptr);
    assert_memory_equal(flat[3].ptr, "bb", 2);
    assert_ptr_equal(flat[4].ptr, words[2].ptr); /* bytes stay borrowed from the dictionary */
    assert_true(colvec_is_null(&vec, 2));
    /* Flattening a flat vector changes nothing. */
    const void *before = vec.values;
    assert_ok(colvec_flatten(&arena, &vec, &err), &err);
    assert_ptr_equal(vec.values, before);
    arena_fini(&arena);
}

static void colvec_alloc_reports_budget_failure(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "query", 1024);
    Arena arena;
    arena_init(&arena, &mem, 512);
    Err err;
    ColVec vec = {.n_rows = 12345};
    assert_int_equal(colvec_alloc(&arena, (ColTypeInfo){.id = COL_DOUBLE}, 1000, true, &vec, &err),
                     ERR_NOMEM);
    assert_string_equal(err.msg, "memory limit of 1 KiB exceeded for query");
    assert_int_equal(vec.n_rows, 12345); /* untouched on failure */
    arena_fini(&arena);
    assert_int_equal(mem_used(&mem), 0);
}

static void colvec_widths_and_byte_kinds(void **state)
{
    (void)state;
    assert_int_equal(colvec_value_width((ColTypeInfo){.id = COL_BOOL}), 1);
    assert_int_equal(colvec_value_width((ColTypeInfo){.id = COL_DATE}), 4);
    assert_int_equal(colvec_value_width((ColTypeInfo){.id = COL_FLOAT}), 4);
    assert_int_equal(colvec_value_width((ColTypeInfo){.id = COL_TIMESTAMPTZ}), 8);
    assert_int_equal(colvec_value_width((ColTypeInfo){.id = COL_DECIMAL, .precision = 18}), 8);
    assert_int_equal(colvec_value_width((ColTypeInfo){.id = COL_DECIMAL, .precision = 19}),
                     sizeof(ColStr));
    assert_int_equal(colvec_value_width((ColTypeInfo){.id = COL_UUID}), sizeof(ColStr));
    assert_true(colvec_is_bytes((ColTypeInfo){.id = COL_BINARY}));
    assert_true(colvec_is_bytes((ColTypeInfo){.id = COL_DECIMAL, .precision = 38}));
    assert_false(colvec_is_bytes((ColTypeInfo){.id = COL_DECIMAL, .precision = 10}));
    assert_false(colvec_is_bytes((ColTypeInfo){.id = COL_INT32}));
}

static void colvec_type_names_follow_iceberg(void **state)
{
    (void)state;
    static const struct {
        ColTypeInfo type;
        const char *name;
    } cases[] = {
            {{.id = COL_BOOL}, "boolean"},
            {{.id = COL_INT32}, "int"},
            {{.id = COL_INT64}, "long"},
            {{.id = COL_FLOAT}, "float"},
            {{.id = COL_DOUBLE}, "double"},
            {{.id = COL_DECIMAL, .precision = 10, .scale = 2}, "decimal(10,2)"},
            {{.id = COL_DATE}, "date"},
            {{.id = COL_TIMESTAMP}, "timestamp"},
            {{.id = COL_TIMESTAMPTZ}, "timestamptz"},
            {{.id = COL_STRING}, "string"},
            {{.id = COL_BINARY}, "binary"},
            {{.id = COL_UUID, .fixed_len = 16}, "uuid"},
            {{.id = COL_FIXED, .fixed_len = 12}, "fixed[12]"},
    };
    char buf[32];
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        colvec_type_name(cases[i].type, buf, sizeof buf);
        assert_string_equal(buf, cases[i].name);
    }
    char tiny[4];
    colvec_type_name((ColTypeInfo){.id = COL_TIMESTAMPTZ}, tiny, sizeof tiny);
    assert_string_equal(tiny, "tim");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(colvec_alloc_zeroes_values_and_marks_all_valid),
            cmocka_unit_test(colvec_null_bitmap_counts_nulls),
            cmocka_unit_test(colvec_flatten_copies_dictionary_values),
            cmocka_unit_test(colvec_alloc_reports_budget_failure),
            cmocka_unit_test(colvec_widths_and_byte_kinds),
            cmocka_unit_test(colvec_type_names_follow_iceberg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
