/* envoy_parse_bench.c — single-threaded throughput of the Envoy access-log parser
 * (stream/envoy_parse; test tool, run by hand).
 *
 *   envoy_parse_bench FILE [--passes N] [--batch ROWS]
 *
 * Maps FILE (e.g. from `tarn gen envoy --events 1000000 > envoy.jsonl`), then parses every
 * line N times (default 3) into a batch of ROWS rows (default 65536), resetting it when
 * full as a loader would. Prints lines, rejects, lines/s and MB/s of the best pass, and the
 * first reject's reason. Exit status 0, or 1 when the file cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "base/file.h"
#include "stream/envoy_parse.h"

typedef struct PassResult {
    size_t n_lines;
    size_t n_rejects;
    int64_t elapsed_ns;
} PassResult;

static ErrCode run_pass(EnvoyBatch *batch, const FileMap *map, PassResult *out, char *first_reject,
                        size_t reject_cap, Err *err)
{
    PassResult result = {0};
    const char *p = (const char *)map->data;
    const char *end = p + map->len;
    int64_t started = datetime_monotonic_ns();
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        if (envoy_batch_is_full(batch)) {
            envoy_batch_reset(batch);
        }
        Err line_err;
        ErrCode rc = envoy_batch_add_line(batch, p, (size_t)(line_end - p), &line_err);
        if (rc == ERR_INVALID) {
            if (result.n_rejects++ == 0 && first_reject[0] == '\0') {
                snprintf(first_reject, reject_cap, "%s", line_err.msg);
            }
        } else if (rc != ERR_OK) {
            *err = line_err;
            return rc;
        }
        result.n_lines++;
        p = nl ? nl + 1 : end;
    }
    result.elapsed_ns = datetime_monotonic_ns() - started;
    envoy_batch_reset(batch);
    *out = result;
    return ERR_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: envoy_parse_bench FILE [--passes N] [--batch ROWS]\n");
        return 1;
    }
    long passes = 3, batch_rows = 65536;
    for (int i = 2; i + 1 < argc; i += 2) {
        char *end = NULL;
        long value = strtol(argv[i + 1], &end, 10);
        if (*end != '\0' || value < 1) {
            fprintf(stderr, "envoy_parse_bench: bad value \"%s\"\n", argv[i + 1]);
            return 1;
        }
        if (strcmp(argv[i], "--passes") == 0) {
            passes = value;
        } else if (strcmp(argv[i], "--batch") == 0) {
            batch_rows = value;
        }
    }
    Mem mem;
    mem_init(&mem, NULL, "envoy_parse_bench", 0);
    Err err;
    FileMap map = {0};
    EnvoyBatch *batch = NULL;
    if (file_map(argv[1], &map, &err) != ERR_OK ||
        envoy_batch_new(&mem, (size_t)batch_rows, &batch, &err) != ERR_OK) {
        fprintf(stderr, "envoy_parse_bench: %s\n", err.msg);
        file_unmap(&map);
        return 1;
    }
    char first_reject[ERR_MSG_CAP] = "";
    PassResult best = {0};
    for (long pass = 0; pass < passes; pass++) {
        PassResult result;
        if (run_pass(batch, &map, &result, first_reject, sizeof first_reject, &err) != ERR_OK) {
            fprintf(stderr, "envoy_parse_bench: %s\n", err.msg);
            break;
        }
        if (pass == 0 || result.elapsed_ns < best.elapsed_ns) {
            best = result;
        }
    }
    double seconds = (double)best.elapsed_ns / 1e9;
    printf("lines %zu  rejects %zu  bytes %zu  best of %ld passes: %.3f s  %.2f M lines/s  "
           "%.0f MB/s\n",
           best.n_lines, best.n_rejects, map.len, passes, seconds,
           (double)best.n_lines / seconds / 1e6, (double)map.len / seconds / 1e6);
    if (first_reject[0]) {
        printf("first reject: %s\n", first_reject);
    }
    envoy_batch_free(batch);
    file_unmap(&map);
    return 0;
}
