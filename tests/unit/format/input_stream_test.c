/* input_stream_test.c — unit tests for format/input_stream: plain bytes pass through;
 * gzip (one and several members) and zstd (several frames) decompress to the original,
 * read in pieces of every size; truncated or corrupt streams are ERR_CORRUPT naming the
 * offset; tiny and empty inputs work; the decoders' memory is charged to the Mem. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "format/compress.h"
#include "format/input_stream.h"
#include "test_util.h"

/* Write bytes to a temporary file and return an fd positioned at its start. */
static int temp_fd(const void *bytes, size_t len)
{
    char dir[512], path[600];
    test_tmpdir("input_stream", dir, sizeof dir);
    static int counter;
    snprintf(path, sizeof path, "%s/in%d", dir, counter++);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* Read the whole stream with reads of `piece` bytes; returns the error code. */
static ErrCode read_all(Mem *mem, int fd, size_t piece, StrBuf *out, InputCompression *kind,
                        Err *err)
{
    InputStream *in;
    ErrCode rc = input_stream_open(mem, fd, "test-input", &in, err);
    if (rc != ERR_OK) {
        return rc;
    }
    char buf[70000];
    for (;;) {
        size_t n = 0;
        rc = input_stream_read(in, buf, piece, &n, err);
        if (rc != ERR_OK || n == 0) {
            break;
        }
        assert_true(n <= piece);
        assert_ok(strbuf_append(out, buf, n, err), err);
    }
    *kind = input_stream_compression(in);
    input_stream_close(in);
    return rc;
}

static void make_text(StrBuf *text, Err *err)
{
    for (int i = 0; i < 20000; i++) {
        assert_ok(
                strbuf_appendf(text, err, "{\"line\":%d,\"path\":\"/api/v%d/items\"}\n", i, i % 7),
                err);
    }
}

static void formats_round_trip_in_every_piece_size(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "input_stream_test", 0);
    Err err;
    err_init(&err);
    StrBuf text, gz, zst;
    strbuf_init(&text, &mem);
    strbuf_init(&gz, &mem);
    strbuf_init(&zst, &mem);
    make_text(&text, &err);
    size_t half = text.len / 2;
    /* two gzip members and two zstd frames, as `cat a.gz b.gz` makes */
    assert_ok(compress_block(COMPRESS_GZIP, 0, text.data, half, &gz, &err), &err);
    assert_ok(compress_block(COMPRESS_GZIP, 0, text.data + half, text.len - half, &gz, &err), &err);
    assert_ok(compress_block(COMPRESS_ZSTD, 0, text.data, half, &zst, &err), &err);
    assert_ok(compress_block(COMPRESS_ZSTD, 0, text.data + half, text.len - half, &zst, &err),
              &err);
    const StrBuf *inputs[3] = {&text, &gz, &zst};
    const InputCompression kinds[3] = {INPUT_PLAIN, INPUT_GZIP, INPUT_ZSTD};
    const size_t pieces[4] = {1, 7, 4096, 65536};
    for (int k = 0; k < 3; k++) {
        for (int p = 0; p < 4; p++) {
            int fd = temp_fd(inputs[k]->data, inputs[k]->len);
            StrBuf out;
            strbuf_init(&out, &mem);
            InputCompression kind;
            assert_ok(read_all(&mem, fd, pieces[p], &out, &kind, &err), &err);
            close(fd);
            assert_int_equal(kind, kinds[k]);
            assert_int_equal(out.len, text.len);
            assert_memory_equal(out.data, text.data, text.len);
            strbuf_fini(&out);
        }
    }
    strbuf_fini(&text);
    strbuf_fini(&gz);
    strbuf_fini(&zst);
    assert_int_equal(mem_used(&mem), 0);
}

static void truncated_and_corrupt_streams_say_where(void **state)
{
    (void)state;
    Mem mem;
    mem_init(&mem, NULL, "input_stream_test", 0);
    Err err;
    err_init(&err);
    StrBuf text, gz, zst, out;
    strbuf_init(&text, &mem);
    strbuf_init(&gz, &mem);
    strbuf_init(&zst, &mem);
    strbuf_init(&out, &mem);
    make_text(&text, &err);
    assert_ok(compress_block(COMPRESS_GZIP, 0, text.data, text.len, &gz, &err), &err);
    assert_ok(compress_block(COMPRESS_ZSTD, 0, text.data, text.len, &zst, &err), &err);
    InputCompression kind;
    int fd = temp_fd(gz.data, gz.len / 2);
    assert_int_equal(read_all(&mem, fd, 65536, &out, &kind, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "gzip data is truncated"));
    close(fd);
    fd = temp_fd(zst.data, zst.len - 3);
    strbuf_clear(&out);
    assert_int_equal(read_all(&mem, fd, 65536, &out, &kind, &err), ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "zstd data is truncated"));
    close(fd);
    gz.data[gz.len / 2] ^= 0x55; /* flip bits in the middle of the deflate stream */
    gz.data[gz.len / 2 + 1] ^= 0xff;
    fd = temp_fd(gz.data, gz.len);
    strbuf_clear(&out);
    ErrCode rc = read_all(&mem, fd, 65536, &out, &kind, &err);
    assert_true(rc == ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "compressed byte"));
    close(fd);
    /* tiny inputs: empty, and shorter than any magic */
    fd = temp_fd("", 0);
    strbuf_clear(&out);
    assert_ok(read_all(&mem, fd, 16, &out, &kind, &err), &err);
    assert_int_equal(out.len, 0);
    close(fd);
    fd = temp_fd("\x1f", 1);
    strbuf_clear(&out);
    assert_ok(read_all(&mem, fd, 16, &out, &kind, &err), &err);
    assert_int_equal(kind, INPUT_PLAIN);
    assert_int_equal(out.len, 1);
    close(fd);
    strbuf_fini(&text);
    strbuf_fini(&gz);
    strbuf_fini(&zst);
    strbuf_fini(&out);
    assert_int_equal(mem_used(&mem), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(formats_round_trip_in_every_piece_size),
            cmocka_unit_test(truncated_and_corrupt_streams_say_where),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
