/* pq_reader_fuzz.c — libFuzzer target for the whole Parquet read path: open the input as a
 * file in memory (footer, schema), then decode every supported column of every row group
 * (page headers, decompression, levels, every encoding). Errors are expected and ignored;
 * crashes, leaks, sanitizer reports, timeouts and huge allocations are the bugs. A 256 MiB
 * budget stands in for a query's memory limit, so hostile sizes end as ERR_NOMEM.
 * Seeds: tests/fuzz/corpus/pq_reader_fuzz/ (see tests/fuzz/README.md).
 */
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "format/pq_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Mem mem;
    mem_init(&mem, NULL, "fuzz", (size_t)256 << 20);
    Err err;
    err_init(&err);
    PqReader *reader = NULL;
    if (pq_reader_open_buffer(&mem, data, size, "fuzz", &reader, &err) != ERR_OK)
        return 0;
    Arena arena;
    arena_init(&arena, &mem, 0);
    for (int32_t rg = 0; rg < pq_reader_n_row_groups(reader); rg++) {
        for (int32_t col = 0; col < pq_reader_n_columns(reader); col++) {
            if (pq_reader_column(reader, col)->unsupported)
                continue;
            ColVec vec;
            /* Errors are the expected outcome for most inputs. */
            err_ignore(pq_reader_read_column(reader, rg, col, &arena, &vec, &err));
            arena_reset(&arena);
        }
        PqPredicate pred = {.col = 0, .cmp = PQ_CMP_GE, .i64 = 5, .f64 = 1.5};
        (void)pq_reader_row_group_may_match(reader, rg, &pred, 1);
    }
    arena_fini(&arena);
    pq_reader_close(reader);
    return 0;
}
