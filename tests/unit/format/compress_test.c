/* compress_test.c — codec wrappers: round trips for every codec over compressible,
 * incompressible and empty inputs; size mismatches and garbage are ERR_CORRUPT, never a
 * write past the destination; gzip multi-member streams decode; names parse. */
#include <stdlib.h>
#include <string.h>

#include "format/compress.h"
#include "test_util.h"

static const CompressCodec all_codecs[] = {COMPRESS_NONE, COMPRESS_SNAPPY,  COMPRESS_GZIP,
                                           COMPRESS_ZSTD, COMPRESS_LZ4_RAW, COMPRESS_DEFLATE};

static void fill(unsigned char *buf, size_t len, bool is_compressible)
{
    uint64_t x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[i] =
                is_compressible ? (unsigned char)("access-log "[i % 11]) : (unsigned char)(x >> 56);
    }
}

static void round_trip(CompressCodec codec, size_t len, bool is_compressible)
{
    Err err;
    err_init(&err);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    unsigned char *src = mem_alloc(&mem, len + 1, &err);
    unsigned char *dst = mem_alloc(&mem, len + 1, &err);
    assert_non_null(src);
    assert_non_null(dst);
    fill(src, len, is_compressible);
    StrBuf out;
    strbuf_init(&out, &mem);
    assert_ok(compress_block(codec, 0, src, len, &out, &err), &err);
    if (is_compressible && len > 1000 && codec != COMPRESS_NONE)
        assert_true(out.len < len / 4);
    assert_ok(decompress_block(codec, out.data, out.len, dst, len, &err), &err);
    assert_memory_equal(src, dst, len);
    if (len > 0) {
        /* declaring one byte less than the stream holds is corrupt, not an overflow */
        assert_int_equal(decompress_block(codec, out.data, out.len, dst, len - 1, &err),
                         ERR_CORRUPT);
    }
    strbuf_fini(&out);
    mem_free(&mem, src);
    mem_free(&mem, dst);
    assert_int_equal(mem_used(&mem), 0);
}

static void compress_round_trips_every_codec(void **state)
{
    (void)state;
    for (size_t c = 0; c < TN_ARRAY_LEN(all_codecs); c++) {
        round_trip(all_codecs[c], 0, true);
        round_trip(all_codecs[c], 1, false);
        round_trip(all_codecs[c], 100000, true);
        round_trip(all_codecs[c], 100000, false);
    }
}

static void decompress_rejects_garbage(void **state)
{
    (void)state;
    Err err;
    err_init(&err);
    unsigned char garbage[64];
    unsigned char dst[256];
    fill(garbage, sizeof garbage, false);
    for (size_t c = 1; c < TN_ARRAY_LEN(all_codecs); c++) {
        ErrCode rc =
                decompress_block(all_codecs[c], garbage, sizeof garbage, dst, sizeof dst, &err);
        assert_int_equal(rc, ERR_CORRUPT);
        assert_true(strlen(err.msg) > 0);
    }
}

static void gzip_reads_multiple_members(void **state)
{
    (void)state;
    Err err;
    err_init(&err);
    StrBuf out;
    strbuf_init(&out, NULL);
    assert_ok(compress_block(COMPRESS_GZIP, 0, "hello ", 6, &out, &err), &err);
    assert_ok(compress_block(COMPRESS_GZIP, 0, "world", 5, &out, &err), &err);
    char dst[11];
    assert_ok(decompress_block(COMPRESS_GZIP, out.data, out.len, dst, sizeof dst, &err), &err);
    assert_memory_equal(dst, "hello world", 11);
    strbuf_fini(&out);
}

static void codec_names_parse(void **state)
{
    (void)state;
    CompressCodec codec;
    assert_true(compress_codec_parse("ZSTD", &codec));
    assert_int_equal(codec, COMPRESS_ZSTD);
    assert_true(compress_codec_parse("lz4", &codec));
    assert_int_equal(codec, COMPRESS_LZ4_RAW);
    assert_true(compress_codec_parse("uncompressed", &codec));
    assert_int_equal(codec, COMPRESS_NONE);
    assert_false(compress_codec_parse("brotli", &codec));
    assert_string_equal(compress_codec_name(COMPRESS_SNAPPY), "snappy");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(compress_round_trips_every_codec),
            cmocka_unit_test(decompress_rejects_garbage),
            cmocka_unit_test(gzip_reads_multiple_members),
            cmocka_unit_test(codec_names_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
