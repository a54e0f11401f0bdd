/* mem.h — the one place tarn allocates from the system, and its memory budgets (base layer).
 *
 * Every allocation in tarn goes through mem_alloc/mem_realloc/mem_free (arenas and growable
 * buffers are built on them); raw malloc/free appear only in mem.c (STYLE.md §6).
 * A Mem is a budget: it counts the bytes live under it and refuses an allocation that would
 * take it past its limit, so one query or one ingest batch fails with ERR_NOMEM ("memory
 * limit of 512 MiB exceeded for query") instead of the process being OOM-killed. Budgets
 * form a tree: a query's Mem has the process Mem as parent, and a charge must fit in every
 * ancestor. Operators that can spill take ERR_NOMEM as the signal to spill.
 *
 * Each block carries a 16-byte header with its size, so mem_free needs no size and
 * mem_realloc accounts the difference. Blocks of 2 MiB and more are mapped with
 * transparent huge pages rather than malloc'd (see mem.c); callers cannot tell. A NULL Mem
 * means "untracked" (still counted nowhere, still through this file).
 *
 * Test hook (SQLite's malloc tests): mem_fail_at(mem, n) makes the n-th allocation charged
 * to `mem` from now on fail once with ERR_NOMEM.
 *
 * Thread contract: a Mem may be shared by threads; counters are atomics.
 */
#ifndef TARN_BASE_MEM_H
#define TARN_BASE_MEM_H

#include <stdatomic.h>

#include "base/err.h"

typedef struct Mem {
    struct Mem *parent; /* charged too; NULL at the root */
    const char *name;   /* for messages: "query", "process", "ingest batch" */
    size_t limit_bytes; /* 0 = unlimited */
    atomic_size_t used_bytes;
    atomic_size_t peak_bytes;
    atomic_long fail_countdown; /* test hook; 0 = off */
} Mem;

/* Largest single allocation (1 TiB). No real request comes near it; a bigger size comes from
 * corrupt input or an arithmetic slip and fails cleanly with ERR_NOMEM, the same in release
 * and under ASan (whose allocator aborts above 1 TiB instead of returning NULL). */
#define MEM_MAX_ALLOC_BYTES ((size_t)1 << 40)

/* Initialise a budget in caller's storage. `name` is borrowed and must outlive the Mem. */
void mem_init(Mem *mem, Mem *parent, const char *name, size_t limit_bytes);

/* Allocate `size` bytes (16-byte aligned) charged to `mem` (may be NULL). Returns NULL on
 * failure and, when `err` is non-NULL, fills it with ERR_NOMEM naming the budget.
 * The block is caller-owned: free it with mem_free on the same Mem. */
void *mem_alloc(Mem *mem, size_t size, Err *err);

/* mem_alloc of n*size zeroed bytes; fails (ERR_NOMEM) on overflow of n*size too. */
void *mem_calloc(Mem *mem, size_t n, size_t size, Err *err);

/* Resize a block from mem_alloc (p may be NULL). On failure returns NULL and `p` is left
 * untouched and still owned by the caller. */
void *mem_realloc(Mem *mem, void *p, size_t size, Err *err);

/* Free a block from mem_alloc/mem_realloc on the same Mem; NULL is a no-op. */
void mem_free(Mem *mem, void *p);

/* Bytes live under `mem`, and the most that ever were. */
size_t mem_used(const Mem *mem);
size_t mem_peak(const Mem *mem);

/* Test hook: the n-th allocation charged to `mem` from now fails once (n >= 1; 0 = off). */
void mem_fail_at(Mem *mem, long n);

/* Format a byte count for messages: "512 MiB", "1.5 GiB", "100 B". */
void mem_format_bytes(size_t bytes, char *buf, size_t buf_len);

#endif
