/* pq_enc_test.c — Parquet encoders against byte sequences worked out by hand from
 * Encodings.md: the bit-packing example (0..7 at width 3), RLE runs, literal padding and
 * the borrowing of run values to align literal groups, DELTA_BINARY_PACKED examples 1 and
 * 2 of the spec plus int32 wrap-around, BYTE_STREAM_SPLIT, PLAIN booleans, and the
 * dictionary builder and statistics orders. */
#include <math.h>
#include <string.h>

#include "format/pq_dict.h"
#include "format/pq_enc.h"
#include "format/pq_stats.h"
#include "test_util.h"

static void expect_bytes(const StrBuf *sb, const uint8_t *want, size_t n)
{
    assert_int_equal(sb->len, n);
    assert_memory_equal(sb->data, want, n);
}

static void pq_bitpack_matches_spec_example(void **state)
{
    (void)state;
    const uint32_t vals[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    uint8_t out[3];
    pq_bitpack_u32(vals, 8, 3, out);
    assert_int_equal(out[0], 0x88);
    assert_int_equal(out[1], 0xc6);
    assert_int_equal(out[2], 0xfa);
    const uint64_t wide[8] = {1, 0, 0, 0, 0, 0, 0, UINT64_MAX};
    uint8_t out64[64];
    pq_bitpack_u64(wide, 8, 64, out64);
    assert_int_equal(out64[0], 1);
    assert_int_equal(out64[63], 0xff);
    assert_int_equal(out64[55], 0);
}

static void pq_enc_rle_literals_and_runs(void **state)
{
    (void)state;
    Err err;
    StrBuf sb;
    strbuf_init(&sb, NULL);
    const uint32_t lit[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    assert_ok(pq_enc_rle(&sb, lit, 8, 3, &err), &err);
    const uint8_t want1[] = {0x03, 0x88, 0xc6, 0xfa};
    expect_bytes(&sb, want1, sizeof want1);

    strbuf_clear(&sb);
    uint32_t run[100];
    for (int i = 0; i < 100; i++) {
        run[i] = 5;
    }
    assert_ok(pq_enc_rle(&sb, run, 100, 3, &err), &err);
    const uint8_t want2[] = {0xc8, 0x01, 0x05}; /* 100 << 1 = 200 as ULEB128, value byte */
    expect_bytes(&sb, want2, sizeof want2);

    strbuf_clear(&sb);
    const uint8_t three[3] = {1, 1, 1}; /* too short for a run: one padded literal group */
    assert_ok(pq_enc_rle_u8(&sb, three, 3, 1, &err), &err);
    const uint8_t want3[] = {0x03, 0x07};
    expect_bytes(&sb, want3, sizeof want3);

    strbuf_clear(&sb);
    uint8_t mixed[17] = {0, 1, 0}; /* 3 literals, 14 ones: 5 complete the group, 9 a run */
    memset(mixed + 3, 1, 14);
    assert_ok(pq_enc_rle_u8(&sb, mixed, 17, 1, &err), &err);
    const uint8_t want4[] = {0x03, 0xfa, 0x12, 0x01};
    expect_bytes(&sb, want4, sizeof want4);

    strbuf_clear(&sb); /* 3 literals, 10 ones: a run of 5 is not worth it, all literals */
    assert_ok(pq_enc_rle_u8(&sb, mixed, 13, 1, &err), &err);
    const uint8_t want4b[] = {0x05, 0xfa, 0x1f};
    expect_bytes(&sb, want4b, sizeof want4b);

    strbuf_clear(&sb);
    uint32_t wide[9] = {0x12345, 0x12345, 0x12345, 0x12345, 0x12345,
                        0x12345, 0x12345, 0x12345, 0x12345};
    assert_ok(pq_enc_rle(&sb, wide, 9, 17, &err), &err); /* value in 3 bytes */
    const uint8_t want5[] = {0x12, 0x45, 0x23, 0x01};
    expect_bytes(&sb, want5, sizeof want5);
    strbuf_fini(&sb);
}

static void pq_enc_delta_matches_spec_examples(void **state)
{
    (void)state;
    Err err;
    StrBuf sb;
    strbuf_init(&sb, NULL);
    const int64_t ex1[5] = {1, 2, 3, 4, 5};
    assert_ok(pq_enc_delta_i64(&sb, ex1, 5, &err), &err);
    const uint8_t want1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
    expect_bytes(&sb, want1, sizeof want1);

    strbuf_clear(&sb);
    const int32_t ex2[8] = {7, 5, 3, 1, 2, 3, 4, 5};
    assert_ok(pq_enc_delta_i32(&sb, ex2, 8, &err), &err);
    const uint8_t want2[] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00,
                             0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    expect_bytes(&sb, want2, sizeof want2);

    strbuf_clear(&sb);
    const int32_t wrap[2] = {INT32_MIN, INT32_MAX}; /* delta wraps to -1 in 32 bits */
    assert_ok(pq_enc_delta_i32(&sb, wrap, 2, &err), &err);
    const uint8_t want3[] = {0x80, 0x01, 0x04, 0x02, 0xff, 0xff, 0xff,
                             0xff, 0x0f, 0x01, 0x00, 0x00, 0x00, 0x00};
    expect_bytes(&sb, want3, sizeof want3);

    strbuf_clear(&sb);
    assert_ok(pq_enc_delta_i64(&sb, NULL, 0, &err), &err);
    const uint8_t want4[] = {0x80, 0x01, 0x04, 0x00, 0x00};
    expect_bytes(&sb, want4, sizeof want4);
    strbuf_fini(&sb);
}

static void pq_enc_bss_and_plain_layouts(void **state)
{
    (void)state;
    Err err;
    StrBuf sb;
    strbuf_init(&sb, NULL);
    const float f[2] = {1.0f, 2.0f}; /* 00 00 80 3f, 00 00 00 40 */
    assert_ok(pq_enc_bss(&sb, f, 2, 4, &err), &err);
    const uint8_t want1[] = {0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3f, 0x40};
    expect_bytes(&sb, want1, sizeof want1);

    strbuf_clear(&sb);
    const uint8_t bools[9] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
    assert_ok(pq_enc_plain_bool(&sb, bools, 9, &err), &err);
    const uint8_t want2[] = {0x0d, 0x01};
    expect_bytes(&sb, want2, sizeof want2);

    strbuf_clear(&sb);
    const uint8_t heap[] = "abc";
    const uint32_t offs[3] = {0, 2, 3};
    assert_ok(pq_enc_plain_bytes(&sb, heap, offs, 2, &err), &err);
    const uint8_t want3[] = {2, 0, 0, 0, 'a', 'b', 1, 0, 0, 0, 'c'};
    expect_bytes(&sb, want3, sizeof want3);
    strbuf_fini(&sb);
}

static void pq_dict_codes_in_first_seen_order_and_stops_when_full(void **state)
{
    (void)state;
    Err err;
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    PqDict dict;
    pq_dict_init(&dict, &mem, 4);
    const int32_t vals[5] = {5, 7, 5, 9, 7};
    uint32_t codes[5];
    size_t done = 0;
    assert_ok(pq_dict_add_fixed(&dict, vals, 5, 1 << 20, codes, &done, &err), &err);
    assert_int_equal(done, 5);
    assert_int_equal(dict.n_entries, 3);
    assert_int_equal(codes[0], 0);
    assert_int_equal(codes[1], 1);
    assert_int_equal(codes[2], 0);
    assert_int_equal(codes[3], 2);
    assert_int_equal(codes[4], 1);
    pq_dict_fini(&dict);

    pq_dict_init(&dict, &mem, 4);
    assert_ok(pq_dict_add_fixed(&dict, vals, 5, 8, codes, &done, &err), &err);
    assert_int_equal(done, 3); /* the third distinct value would pass 8 bytes */
    pq_dict_fini(&dict);

    pq_dict_init(&dict, &mem, 0);
    const uint8_t heap[] = "abba";
    const uint32_t offs[5] = {0, 1, 3, 4, 4}; /* "a", "bb", "a", "" */
    assert_ok(pq_dict_add_bytes(&dict, heap, offs, 4, 0, 1 << 20, codes, &done, &err), &err);
    assert_int_equal(done, 4);
    assert_int_equal(dict.n_entries, 3);
    assert_int_equal(codes[2], 0);
    assert_int_equal(codes[3], 2);
    assert_int_equal(dict.plain_bytes, 15);
    pq_dict_fini(&dict);

    /* many entries force rehashing */
    pq_dict_init(&dict, &mem, 8);
    static int64_t many[5000];
    static uint32_t many_codes[5000];
    for (int i = 0; i < 5000; i++) {
        many[i] = (i % 2500) * 1000003LL;
    }
    assert_ok(pq_dict_add_fixed(&dict, many, 5000, 1 << 20, many_codes, &done, &err), &err);
    assert_int_equal(dict.n_entries, 2500);
    assert_int_equal(many_codes[4999], 2499);
    pq_dict_fini(&dict);
    assert_int_equal(mem_used(&mem), 0);
}

static void pq_stats_follow_parquet_orders(void **state)
{
    (void)state;
    PqStats st;
    uint8_t buf[8];
    pq_stats_init(&st, PQ_STATS_FLOAT);
    const float f[3] = {NAN, 0.0f, -0.0f};
    pq_stats_update_float(&st, f, 3);
    assert_int_equal(st.nan_count, 1);
    PqBytes lo = pq_stats_min_bytes(&st, buf);
    float v;
    memcpy(&v, lo.ptr, 4);
    assert_true(v == 0.0f && signbit(v)); /* min zero written as -0.0 */
    PqBytes hi = pq_stats_max_bytes(&st, buf);
    memcpy(&v, hi.ptr, 4);
    assert_true(v == 0.0f && !signbit(v));

    pq_stats_init(&st, PQ_STATS_DOUBLE);
    const double only_nan[1] = {NAN};
    pq_stats_update_double(&st, only_nan, 1);
    assert_false(st.has_bounds);

    pq_stats_init(&st, PQ_STATS_BYTES);
    const uint8_t heap[] = "a\xff"
                           "b";
    const uint32_t offs[4] = {0, 1, 2, 3};
    pq_stats_update_bytes(&st, heap, offs, 3);
    assert_int_equal(st.min_ptr[0], 'a');
    assert_int_equal(st.max_ptr[0], 0xff); /* unsigned byte order */

    pq_stats_init(&st, PQ_STATS_BYTES_SIGNED);
    const uint8_t dec[] = {0x7f, 0xff, 0x80, 0x00, 0x00, 0x01};
    const uint32_t doffs[4] = {0, 2, 4, 6};
    pq_stats_update_bytes(&st, dec, doffs, 3);
    assert_int_equal(st.min_ptr[0], 0x80); /* negative two's complement is smallest */
    assert_int_equal(st.max_ptr[0], 0x7f);

    pq_stats_init(&st, PQ_STATS_I64);
    const int64_t ints[3] = {3, INT64_MIN, -1};
    pq_stats_update_i64(&st, ints, 3);
    lo = pq_stats_min_bytes(&st, buf);
    assert_int_equal(lo.len, 8);
    assert_int_equal(buf[7], 0x80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(pq_bitpack_matches_spec_example),
            cmocka_unit_test(pq_enc_rle_literals_and_runs),
            cmocka_unit_test(pq_enc_delta_matches_spec_examples),
            cmocka_unit_test(pq_enc_bss_and_plain_layouts),
            cmocka_unit_test(pq_dict_codes_in_first_seen_order_and_stops_when_full),
            cmocka_unit_test(pq_stats_follow_parquet_orders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
