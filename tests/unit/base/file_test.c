/* file_test.c — unit tests for base/file: mapping empty, non-empty and missing files;
 * buffered output with small and large writes, commit, abort and failed commits;
 * file_read_all. Files live in the test's own temporary directory. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "test_util.h"

static void write_file(const char *path, const void *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void file_map_empty_and_non_empty(void **state)
{
    (void)state;
    char dir[1024], path[1200];
    test_tmpdir("file_map", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/empty", dir);
    write_file(path, "", 0);
    Err err;
    FileMap map = {(const uint8_t *)"x", 99};
    assert_ok(file_map(path, &map, &err), &err);
    assert_null(map.data);
    assert_int_equal(map.len, 0);
    file_unmap(&map);
    snprintf(path, sizeof path, "%s/data", dir);
    write_file(path, "PAR1 hello PAR1", 15);
    assert_ok(file_map(path, &map, &err), &err);
    assert_int_equal(map.len, 15);
    assert_memory_equal(map.data, "PAR1 hello PAR1", 15);
    file_unmap(&map);
    assert_null(map.data);
    file_unmap(&map); /* zeroed: no-op */
}

static void file_map_missing_file_is_not_found_with_path(void **state)
{
    (void)state;
    char dir[1024], path[1200], want[1400];
    test_tmpdir("file_missing", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/nope.parquet", dir);
    Err err;
    FileMap map = {NULL, 7};
    assert_int_equal(file_map(path, &map, &err), ERR_NOT_FOUND);
    snprintf(want, sizeof want, "could not open file \"%s\": No such file or directory", path);
    assert_string_equal(err.msg, want);
    assert_int_equal(map.len, 7);
    assert_int_equal(file_map(dir, &map, &err), ERR_IO);
    assert_non_null(strstr(err.msg, "is not a regular file"));
}

static void file_out_writes_small_and_big_pieces(void **state)
{
    (void)state;
    char dir[1024], path[1200];
    test_tmpdir("file_out", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.bin", dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    static uint8_t big[3 << 20];
    for (size_t i = 0; i < sizeof big; i++) {
        big[i] = (uint8_t)(i * 131 + 7);
    }
    FileOut out;
    Err err;
    assert_ok(file_out_open(&out, &mem, path, &err), &err);
    size_t expect_len = 0;
    for (int round = 0; round < 3; round++) {
        assert_ok(file_out_write(&out, "PAR1", 4, &err), &err);
        assert_ok(file_out_write(&out, big, 700000, &err), &err);     /* fills the buffer */
        assert_ok(file_out_write(&out, big, sizeof big, &err), &err); /* goes straight through */
        expect_len += 4 + 700000 + sizeof big;
        assert_int_equal(out.offset, (int64_t)expect_len);
    }
    assert_ok(file_out_write(&out, "", 0, &err), &err);
    assert_ok(file_out_commit(&out, true, &err), &err);
    assert_int_equal(mem_used(&mem), 0);
    StrBuf content;
    strbuf_init(&content, &mem);
    assert_ok(file_read_all(path, &content, &err), &err);
    assert_int_equal(content.len, expect_len);
    size_t pos = 0;
    for (int round = 0; round < 3; round++) {
        assert_memory_equal(content.data + pos, "PAR1", 4);
        assert_memory_equal(content.data + pos + 4, big, 700000);
        assert_memory_equal(content.data + pos + 4 + 700000, big, sizeof big);
        pos += 4 + 700000 + sizeof big;
    }
    strbuf_fini(&content);
    file_out_abort(&out); /* after commit: no-op, the file stays */
    assert_true(file_exists(path));
    assert_int_equal(mem_used(&mem), 0);
}

static void file_out_abort_deletes_the_file(void **state)
{
    (void)state;
    char dir[1024], path[1200];
    test_tmpdir("file_abort", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/partial.parquet", dir);
    Mem mem;
    mem_init(&mem, NULL, "test", 0);
    FileOut out;
    Err err;
    assert_ok(file_out_open(&out, &mem, path, &err), &err);
    assert_ok(file_out_write(&out, "half a file", 11, &err), &err);
    assert_true(file_exists(path));
    file_out_abort(&out);
    assert_false(file_exists(path));
    assert_int_equal(mem_used(&mem), 0);
}

/* Regression: abort after a failed open closed an uninitialised descriptor. */
static void file_out_open_failure_is_safe_to_abort(void **state)
{
    (void)state;
    char dir[1024], path[1200];
    test_tmpdir("file_open_fail", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/no/such/dir/x", dir);
    FileOut out;
    memset(&out, 0x7f, sizeof out);
    out.fd = 0; /* stdin: an unsafe abort would close it */
    Err err;
    assert_int_equal(file_out_open(&out, NULL, path, &err), ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "could not create file"));
    assert_non_null(strstr(err.msg, path));
    file_out_abort(&out);
    struct stat st;
    assert_int_equal(fstat(0, &st), 0);
}

/* Regression: a failed commit left the incomplete file behind and abort could not remove
 * it. The descriptor is closed behind the writer's back to make the flush fail. */
static void file_out_failed_commit_deletes_the_file(void **state)
{
    (void)state;
    char dir[1024], path[1200];
    test_tmpdir("file_commit_fail", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/broken", dir);
    FileOut out;
    Err err;
    assert_ok(file_out_open(&out, NULL, path, &err), &err);
    assert_ok(file_out_write(&out, "buffered", 8, &err), &err);
    close(out.fd);
    assert_int_equal(file_out_commit(&out, false, &err), ERR_IO);
    assert_non_null(strstr(err.msg, "could not write file"));
    assert_false(file_exists(path));
    file_out_abort(&out);
}

static void file_out_write_reports_budget_failure(void **state)
{
    (void)state;
    char dir[1024], path[1200];
    test_tmpdir("file_nomem", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/x", dir);
    Mem mem;
    mem_init(&mem, NULL, "query", 0);
    FileOut out;
    Err err;
    assert_ok(file_out_open(&out, &mem, path, &err), &err);
    mem_fail_at(&mem, 1);
    assert_int_equal(file_out_write(&out, "abc", 3, &err), ERR_NOMEM);
    assert_int_equal(out.offset, 0);
    file_out_abort(&out);
    assert_false(file_exists(path));
    assert_int_equal(mem_used(&mem), 0);
}

static void file_read_all_appends_and_reports_missing(void **state)
{
    (void)state;
    char dir[1024], path[1200];
    test_tmpdir("file_read_all", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/in.json", dir);
    write_file(path, "{\"a\":1}", 7);
    StrBuf sb;
    strbuf_init(&sb, NULL);
    Err err;
    assert_ok(strbuf_append_str(&sb, "prefix:", &err), &err);
    assert_ok(file_read_all(path, &sb, &err), &err);
    assert_string_equal(sb.data, "prefix:{\"a\":1}");
    snprintf(path, sizeof path, "%s/missing", dir);
    assert_int_equal(file_read_all(path, &sb, &err), ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, path));
    strbuf_fini(&sb);
    /* An empty file reads as nothing. */
    snprintf(path, sizeof path, "%s/empty", dir);
    write_file(path, "", 0);
    strbuf_init(&sb, NULL);
    assert_ok(file_read_all(path, &sb, &err), &err);
    assert_int_equal(sb.len, 0);
    strbuf_fini(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(file_map_empty_and_non_empty),
            cmocka_unit_test(file_map_missing_file_is_not_found_with_path),
            cmocka_unit_test(file_out_writes_small_and_big_pieces),
            cmocka_unit_test(file_out_abort_deletes_the_file),
            cmocka_unit_test(file_out_open_failure_is_safe_to_abort),
            cmocka_unit_test(file_out_failed_commit_deletes_the_file),
            cmocka_unit_test(file_out_write_reports_budget_failure),
            cmocka_unit_test(file_read_all_appends_and_reports_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
