/* pq_footer_fuzz.c — libFuzzer target for the Thrift metadata decoders: the input is
 * decoded as a FileMetaData footer, a PageHeader, an OffsetIndex and a ColumnIndex
 * (pq_meta_dec.h). Errors are expected and ignored; crashes, leaks, deep recursion and
 * allocations the input cannot justify are the bugs.
 * Seeds: tests/fuzz/corpus/pq_footer_fuzz/ (raw footers cut from small files).
 */
#include <stddef.h>
#include <stdint.h>

#include "format/pq_meta_dec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Mem mem;
    mem_init(&mem, NULL, "fuzz", (size_t)256 << 20);
    Arena arena;
    arena_init(&arena, &mem, 0);
    Err err;
    err_init(&err);
    PqFileMeta meta;
    err_ignore(pq_meta_dec_file(&arena, data, size, &meta, &err));
    PqPageHeader ph;
    size_t header_len;
    err_ignore(pq_meta_dec_page_header(data, size, &ph, &header_len, &err));
    PqOffsetIndex oi;
    err_ignore(pq_meta_dec_offset_index(&arena, data, size, &oi, &err));
    PqColumnIndex ci;
    err_ignore(pq_meta_dec_column_index(&arena, data, size, &ci, &err));
    arena_fini(&arena);
    return 0;
}
