/* pq_dec_test.c — Parquet value decoders on byte sequences built by hand from the examples
 * in Encodings.md (RLE/bit-packing hybrid, DELTA_BINARY_PACKED, delta strings, byte stream
 * split, PLAIN), and each decoder's error on truncated or impossible input. */
#include <string.h>

#include "format/pq_dec.h"
#include "format/pq_enc.h"
#include "test_util.h"

static void rle_decodes_spec_bit_packed_example(void **state)
{
    (void)state;
    Err err;
    /* Encodings.md: values 0..7 with bit width 3 bit-packed: header (1 group << 1) | 1. */
    const uint8_t bytes[] = {0x03, 0x88, 0xc6, 0xfa};
    uint32_t out[8];
    assert_ok(pq_rle_decode_u32(bytes, sizeof bytes, 3, out, 8, &err), &err);
    for (uint32_t i = 0; i < 8; i++) {
        assert_int_equal(out[i], i);
    }
    uint8_t out8[8];
    assert_ok(pq_rle_decode_u8(bytes, sizeof bytes, 3, out8, 8, &err), &err);
    assert_int_equal(out8[7], 7);
    /* Fewer wanted than packed: the group is cut short. */
    assert_ok(pq_rle_decode_u32(bytes, sizeof bytes, 3, out, 5, &err), &err);
    assert_int_equal(out[4], 4);
}

static void rle_decodes_runs_and_every_bit_width(void **state)
{
    (void)state;
    Err err;
    /* RLE run of 5 x 7 (width 3), then RLE run of 300 x 0x1234 (width 13). */
    const uint8_t bytes[] = {0x0a, 0x07, 0xd8, 0x04, 0x34, 0x12};
    uint32_t out[305];
    assert_ok(pq_rle_decode_u32(bytes, 2, 3, out, 5, &err), &err);
    assert_int_equal(out[4], 7);
    assert_ok(pq_rle_decode_u32(bytes + 2, 4, 13, out, 300, &err), &err);
    assert_int_equal(out[299], 0x1234);
    /* Bit-packed groups of every width: value i = i * 2654435761 masked to the width. */
    for (int width = 1; width <= 32; width++) {
        uint8_t packed[1 + 4 * 32] = {0x09}; /* 4 groups = 32 values */
        uint32_t want[32];
        uint64_t mask = width == 32 ? 0xffffffffu : (1ull << width) - 1;
        for (int i = 0; i < 32; i++) {
            want[i] = (uint32_t)(((uint64_t)i * 2654435761u) & mask);
            for (int bit = 0; bit < width; bit++) {
                if (want[i] >> bit & 1) {
                    int pos = i * width + bit;
                    packed[1 + pos / 8] |= (uint8_t)(1u << (pos % 8));
                }
            }
        }
        uint32_t got[32];
        assert_ok(pq_rle_decode_u32(packed, 1 + 4 * (size_t)width, width, got, 32, &err), &err);
        assert_memory_equal(got, want, sizeof want);
    }
}

static void rle_rejects_truncated_input(void **state)
{
    (void)state;
    Err err;
    const uint8_t bytes[] = {0x03, 0x88, 0xc6, 0xfa};
    uint32_t out[16];
    assert_int_equal(pq_rle_decode_u32(bytes, 3, 3, out, 8, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "bit-packed run"));
    assert_int_equal(pq_rle_decode_u32(bytes, 4, 3, out, 16, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "after 8 of 16 values"));
    const uint8_t run[] = {0x0a, 0x34};
    assert_int_equal(pq_rle_decode_u32(run, 2, 13, out, 5, &err), ERR_CORRUPT);
    assert_int_equal(pq_rle_decode_u32(run, 2, 33, out, 5, &err), ERR_CORRUPT);
    const uint8_t endless[] = {0x80, 0x80, 0x80};
    assert_int_equal(pq_rle_decode_u32(endless, 3, 1, out, 5, &err), ERR_CORRUPT);
}

/* An RLE run's value is stored in whole bytes; bits above the bit width make it a value the
 * width cannot hold (a boolean of 255, a level of 2), which is corrupt, not data. */
static void rle_rejects_run_value_wider_than_bit_width(void **state)
{
    (void)state;
    Err err;
    uint8_t out8[4];
    const uint8_t bool_run[] = {4 << 1, 0xff}; /* 4 repeats of 0xff at bit width 1 */
    assert_int_equal(pq_rle_decode_u8(bool_run, sizeof bool_run, 1, out8, 4, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "bit width"));
    const uint8_t ok_run[] = {4 << 1, 0x01};
    assert_ok(pq_rle_decode_u8(ok_run, sizeof ok_run, 1, out8, 4, &err), &err);
    assert_int_equal(out8[3], 1);
    uint32_t out32[2];
    const uint8_t wide_run[] = {2 << 1, 0x00, 0x02}; /* 512 at bit width 9 */
    assert_int_equal(pq_rle_decode_u32(wide_run, sizeof wide_run, 9, out32, 2, &err), ERR_CORRUPT);
    const uint8_t fits_run[] = {2 << 1, 0xff, 0x01}; /* 511 at bit width 9 */
    assert_ok(pq_rle_decode_u32(fits_run, sizeof fits_run, 9, out32, 2, &err), &err);
    assert_int_equal(out32[1], 511);
}

static void dict_indices_read_width_byte_and_report_max(void **state)
{
    (void)state;
    Err err;
    const uint8_t bytes[] = {0x03, 0x03, 0x88, 0xc6, 0xfa};
    uint32_t out[8], max_code;
    assert_ok(pq_dict_indices_decode(bytes, sizeof bytes, out, 8, &max_code, &err), &err);
    assert_int_equal(max_code, 7);
    const uint8_t wide[] = {33, 0x02, 0x01};
    assert_int_equal(pq_dict_indices_decode(wide, sizeof wide, out, 1, &max_code, &err),
                     ERR_CORRUPT);
    assert_int_equal(pq_dict_indices_decode(bytes, 0, out, 1, &max_code, &err), ERR_CORRUPT);
    const uint8_t zero_width[] = {0x00};
    assert_ok(pq_dict_indices_decode(zero_width, 1, out, 8, &max_code, &err), &err);
    assert_int_equal(max_code, 0);
}

static void plain_decodes_and_bounds_every_type(void **state)
{
    (void)state;
    Err err;
    const uint8_t ints[] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    int32_t i32[2];
    assert_ok(pq_plain_decode_fixed(ints, 8, 4, i32, 2, &err), &err);
    assert_int_equal(i32[1], -1);
    assert_int_equal(pq_plain_decode_fixed(ints, 7, 4, i32, 2, &err), ERR_CORRUPT);
    const uint8_t bits[] = {0x05, 0x01};
    uint8_t bools[9];
    assert_ok(pq_plain_decode_bool(bits, 2, bools, 9, &err), &err);
    assert_int_equal(bools[0], 1);
    assert_int_equal(bools[1], 0);
    assert_int_equal(bools[2], 1);
    assert_int_equal(bools[8], 1);
    assert_int_equal(pq_plain_decode_bool(bits, 1, bools, 9, &err), ERR_CORRUPT);
    const uint8_t strs[] = {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0, 2, 0, 0, 0, 'x'};
    ColStr s[3];
    assert_ok(pq_plain_decode_byte_array(strs, 11, s, 2, &err), &err);
    assert_int_equal(s[0].len, 3);
    assert_memory_equal(s[0].ptr, "abc", 3);
    assert_int_equal(s[1].len, 0);
    assert_int_equal(pq_plain_decode_byte_array(strs, sizeof strs, s, 3, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "length 2"));
    assert_int_equal(pq_plain_decode_byte_array(strs, 9, s, 3, &err), ERR_CORRUPT);
    assert_ok(pq_plain_decode_flba(strs, 8, 4, s, 2, &err), &err);
    assert_int_equal(pq_plain_decode_flba(strs, 7, 4, s, 2, &err), ERR_CORRUPT);
    /* INT96: 1970-01-02 00:00:00.000001 = Julian day 2440589, 1000 ns. */
    uint8_t i96[12] = {0xe8, 0x03, 0, 0, 0, 0, 0, 0};
    store_u32le(i96 + 8, 2440589);
    int64_t us;
    assert_ok(pq_plain_decode_int96_us(i96, 12, &us, 1, &err), &err);
    assert_int_equal(us, 86400000001LL);
    assert_int_equal(pq_plain_decode_int96_us(i96, 11, &us, 1, &err), ERR_CORRUPT);
}

static void delta_decodes_spec_examples(void **state)
{
    (void)state;
    Err err;
    /* Example 1: 1 2 3 4 5 — block 128, 4 miniblocks, 5 values, first 1, min delta 1. */
    const uint8_t ex1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    int64_t out[8];
    size_t used;
    assert_ok(pq_delta_decode_i64(ex1, sizeof ex1, out, 5, &used, &err), &err);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(out[i], i + 1);
    }
    assert_int_equal(used, sizeof ex1);
    /* Example 2: 7 5 3 1 2 3 4 5 — min delta -2, relative 0 0 0 3 3 3 3 in 2 bits. */
    const uint8_t ex2[] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00,
                           0x00, 0xc0, 0x3f, 0,    0,    0,    0,    0,    0};
    const int64_t want[] = {7, 5, 3, 1, 2, 3, 4, 5};
    assert_ok(pq_delta_decode_i64(ex2, sizeof ex2, out, 8, &used, &err), &err);
    assert_memory_equal(out, want, sizeof want);
    int32_t out32[8];
    assert_ok(pq_delta_decode_i32(ex2, sizeof ex2, out32, 8, &used, &err), &err);
    assert_int_equal(out32[3], 1);
    /* Truncated anywhere, or a count that differs from the page's: corrupt. */
    for (size_t cut = 0; cut < sizeof ex2; cut++) {
        assert_int_equal(pq_delta_decode_i64(ex2, cut, out, 8, &used, &err), ERR_CORRUPT);
    }
    assert_int_equal(pq_delta_decode_i64(ex2, sizeof ex2, out, 7, &used, &err), ERR_CORRUPT);
    const uint8_t bad_block[] = {0x81, 0x01, 0x04, 0x01, 0x00};
    assert_int_equal(pq_delta_decode_i64(bad_block, sizeof bad_block, out, 1, &used, &err),
                     ERR_CORRUPT);
    const uint8_t wide[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 65, 0, 0, 0};
    assert_int_equal(pq_delta_decode_i64(wide, sizeof wide, out, 2, &used, &err), ERR_CORRUPT);
}

static void delta_strings_decode_and_check_lengths(void **state)
{
    (void)state;
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    /* DELTA_LENGTH_BYTE_ARRAY "abc", "de": lengths 3, 2 (first 3, min delta -1). */
    const uint8_t dlba[] = {0x80, 0x01, 0x04, 0x02, 0x06, 0x01, 0,  0,
                            0,    0,    'a',  'b',  'c',  'd',  'e'};
    ColStr s[2];
    assert_ok(pq_delta_length_decode(&arena, dlba, sizeof dlba, s, 2, &err), &err);
    assert_int_equal(s[1].len, 2);
    assert_memory_equal(s[1].ptr, "de", 2);
    assert_int_equal(pq_delta_length_decode(&arena, dlba, sizeof dlba - 1, s, 2, &err),
                     ERR_CORRUPT);
    /* DELTA_BYTE_ARRAY "abc", "abx": prefixes 0, 2; suffixes "abc", "x". */
    const uint8_t dba[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x04, 0, 0, 0,   0,   0x80, 0x01,
                           0x04, 0x02, 0x06, 0x03, 0,    0,    0, 0, 'a', 'b', 'c',  'x'};
    assert_ok(pq_delta_byte_array_decode(&arena, dba, sizeof dba, s, 2, &err), &err);
    assert_int_equal(s[1].len, 3);
    assert_memory_equal(s[1].ptr, "abx", 3);
    /* A prefix longer than the previous value is corrupt. */
    uint8_t bad[sizeof dba];
    memcpy(bad, dba, sizeof dba);
    bad[5] = 0x0a; /* prefix delta 5 */
    assert_int_equal(pq_delta_byte_array_decode(&arena, bad, sizeof bad, s, 2, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "prefix length"));
    arena_fini(&arena);
}

/* A DELTA_BYTE_ARRAY stream built with the writer's delta encoder. */
static void build_dba(StrBuf *out, const int32_t *prefix, const char *const *suffix, size_t n)
{
    Err err;
    int32_t lens[16];
    assert_ok(pq_enc_delta_i32(out, prefix, n, &err), &err);
    for (size_t i = 0; i < n; i++) {
        lens[i] = (int32_t)strlen(suffix[i]);
    }
    assert_ok(pq_enc_delta_i32(out, lens, n, &err), &err);
    for (size_t i = 0; i < n; i++) {
        assert_ok(strbuf_append_str(out, suffix[i], &err), &err);
    }
}

/* Values that only borrow a prefix or only carry a suffix are not copied (no expansion
 * from repeated values); values that need both are rebuilt. */
static void delta_byte_array_copies_only_what_it_must(void **state)
{
    (void)state;
    Err err;
    Arena arena;
    arena_init(&arena, NULL, 0);
    StrBuf buf;
    strbuf_init(&buf, NULL);
    const int32_t prefix[5] = {0, 6, 6, 3, 0};
    const char *const suffix[5] = {"/api/v1", "", "2", "", "x"};
    build_dba(&buf, prefix, suffix, 5);
    ColStr s[5];
    assert_ok(pq_delta_byte_array_decode(&arena, (const uint8_t *)buf.data, buf.len, s, 5, &err),
              &err);
    const char *const want[5] = {"/api/v1", "/api/v", "/api/v2", "/ap", "x"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(s[i].len, strlen(want[i]));
        assert_memory_equal(s[i].ptr, want[i], s[i].len);
    }
    assert_ptr_equal(s[1].ptr, s[0].ptr); /* borrowed, not copied */
    assert_ptr_equal(s[3].ptr, s[2].ptr);
    assert_true(s[0].ptr >= buf.data && s[0].ptr < buf.data + buf.len); /* the suffix itself */
    strbuf_fini(&buf);
    arena_fini(&arena);
}

static void bss_decodes_and_checks_size(void **state)
{
    (void)state;
    Err err;
    float want[2] = {1.5f, -2.25f};
    uint8_t raw[8], split[8];
    memcpy(raw, want, 8);
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 4; k++) {
            split[k * 2 + i] = raw[i * 4 + k];
        }
    }
    float got[2];
    assert_ok(pq_bss_decode(split, 8, 4, (uint8_t *)got, 2, &err), &err);
    assert_memory_equal(got, want, 8);
    assert_int_equal(pq_bss_decode(split, 7, 4, (uint8_t *)got, 2, &err), ERR_CORRUPT);
    assert_int_equal(pq_bss_decode(split, 4, 4, (uint8_t *)got, 2, &err), ERR_CORRUPT);
    uint8_t three[6] = {1, 2, 3, 4, 5, 6}, out3[6];
    assert_ok(pq_bss_decode(three, 6, 3, out3, 2, &err), &err);
    assert_int_equal(out3[1], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(rle_decodes_spec_bit_packed_example),
            cmocka_unit_test(rle_decodes_runs_and_every_bit_width),
            cmocka_unit_test(rle_rejects_truncated_input),
            cmocka_unit_test(rle_rejects_run_value_wider_than_bit_width),
            cmocka_unit_test(dict_indices_read_width_byte_and_report_max),
            cmocka_unit_test(plain_decodes_and_bounds_every_type),
            cmocka_unit_test(delta_decodes_spec_examples),
            cmocka_unit_test(delta_strings_decode_and_check_lengths),
            cmocka_unit_test(delta_byte_array_copies_only_what_it_must),
            cmocka_unit_test(bss_decodes_and_checks_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
