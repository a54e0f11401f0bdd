/* mem.c — system allocation and budget accounting (see mem.h).
 *
 * Block layout: [16-byte header: size_t size, u64 source][user bytes...]. The header
 * keeps user pointers 16-byte aligned (glibc malloc returns 16-aligned blocks) and lets
 * mem_free and mem_realloc know how many bytes to uncharge and how to give the block back.
 *
 * Sources: blocks under MEM_HUGE_BYTES come from malloc. Larger ones (decoded column
 * chunks, decompressed pages, hash tables) are mapped directly and marked MADV_HUGEPAGE:
 * first touch then faults in 2 MiB at a time instead of 4 KiB, which on the Parquet
 * read bench removed most of the ~25% of time spent in page faults. Mapped memory is
 * already zero, so mem_calloc skips its memset there.
 *
 * Charging walks the parent chain with atomic adds; if any ancestor would go over its
 * limit, the charges already made are undone and the allocation fails. Between the add and
 * the undo another thread may briefly see the higher count; that can only make it fail
 * early, never let a budget be exceeded.
 */
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER_BYTES   16
#define MEM_HUGE_BYTES ((size_t)2 << 20) /* the x86-64 huge page; also the mapping unit */
#define SOURCE_MALLOC  0
#define SOURCE_MAPPED  0x6d6170706564ULL /* "mapped": a check that the header is ours */

/* Bytes mapped for a block of `total` bytes (header included). */
static size_t mapped_bytes(size_t total)
{
    return TN_ALIGN_UP(total, MEM_HUGE_BYTES);
}

/* A block of `total` bytes with its header filled in; *is_zeroed tells whether the memory
 * is known to be zero. NULL when the system has none. */
static unsigned char *block_get(size_t size, size_t total, bool *is_zeroed)
{
    uint64_t source = SOURCE_MALLOC;
    unsigned char *block;
    *is_zeroed = false;
    if (total >= MEM_HUGE_BYTES) {
        void *p = mmap(NULL, mapped_bytes(total), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        /* advice only: without transparent huge pages the block still works */
        (void)madvise(p, mapped_bytes(total), MADV_HUGEPAGE);
        block = p;
        source = SOURCE_MAPPED;
        *is_zeroed = true;
    } else {
        block = malloc(total);
        if (!block)
            return NULL;
    }
    memcpy(block, &size, sizeof size);
    memcpy(block + sizeof size, &source, sizeof source);
    return block;
}

static void block_put(unsigned char *block)
{
    size_t size;
    uint64_t source;
    memcpy(&size, block, sizeof size);
    memcpy(&source, block + sizeof size, sizeof source);
    if (source == SOURCE_MAPPED) {
        munmap(block, mapped_bytes(size + HEADER_BYTES));
    } else {
        free(block);
    }
}

static bool block_is_mapped(const unsigned char *block)
{
    uint64_t source;
    memcpy(&source, block + sizeof(size_t), sizeof source);
    return source == SOURCE_MAPPED;
}

void mem_init(Mem *mem, Mem *parent, const char *name, size_t limit_bytes)
{
    mem->parent = parent;
    mem->name = name;
    mem->limit_bytes = limit_bytes;
    atomic_init(&mem->used_bytes, 0);
    atomic_init(&mem->peak_bytes, 0);
    atomic_init(&mem->fail_countdown, 0);
}

void mem_format_bytes(size_t bytes, char *buf, size_t buf_len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = (double)bytes;
    size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < TN_ARRAY_LEN(units)) {
        value /= 1024.0;
        unit++;
    }
    if (unit == 0 || value == (double)(size_t)value) {
        snprintf(buf, buf_len, "%zu %s", (size_t)value, units[unit]);
    } else {
        snprintf(buf, buf_len, "%.1f %s", value, units[unit]);
    }
}

static bool hook_fires(Mem *mem)
{
    for (Mem *m = mem; m; m = m->parent) {
        long left = atomic_load(&m->fail_countdown);
        if (left > 0 && atomic_fetch_sub(&m->fail_countdown, 1) == 1)
            return true;
    }
    return false;
}

static void uncharge(Mem *mem, Mem *stop, size_t size)
{
    for (Mem *m = mem; m != stop; m = m->parent) {
        atomic_fetch_sub(&m->used_bytes, size);
    }
}

/* Charge `size` to mem and its ancestors; on failure fills err and charges nothing. */
static bool charge(Mem *mem, size_t size, Err *err)
{
    if (hook_fires(mem)) {
        if (err)
            err_set(err, ERR_NOMEM, "out of memory (injected failure in %s)", mem->name);
        return false;
    }
    for (Mem *m = mem; m; m = m->parent) {
        size_t now = atomic_fetch_add(&m->used_bytes, size) + size;
        if (m->limit_bytes && now > m->limit_bytes) {
            uncharge(mem, m->parent, size);
            if (err) {
                char limit[32];
                mem_format_bytes(m->limit_bytes, limit, sizeof limit);
                err_set(err, ERR_NOMEM, "memory limit of %s exceeded for %s", limit, m->name);
            }
            return false;
        }
        size_t peak = atomic_load(&m->peak_bytes);
        while (now > peak && !atomic_compare_exchange_weak(&m->peak_bytes, &peak, now)) {
        }
    }
    return true;
}

/* mem_alloc that also says whether the bytes are known to be zero. */
static void *alloc_block(Mem *mem, size_t size, bool *is_zeroed, Err *err)
{
    size_t total;
    if (size > MEM_MAX_ALLOC_BYTES || !size_add(size, HEADER_BYTES, &total)) {
        if (err)
            err_set(err, ERR_NOMEM, "allocation of %zu bytes is too large", size);
        return NULL;
    }
    if (mem && !charge(mem, size, err))
        return NULL;
    unsigned char *block = block_get(size, total, is_zeroed);
    if (!block) {
        if (mem)
            uncharge(mem, NULL, size);
        if (err)
            err_set(err, ERR_NOMEM, "out of memory allocating %zu bytes", size);
        return NULL;
    }
    return block + HEADER_BYTES;
}

void *mem_alloc(Mem *mem, size_t size, Err *err)
{
    bool is_zeroed;
    return alloc_block(mem, size, &is_zeroed, err);
}

void *mem_calloc(Mem *mem, size_t n, size_t size, Err *err)
{
    size_t bytes;
    if (!size_mul(n, size, &bytes)) {
        if (err)
            err_set(err, ERR_NOMEM, "allocation of %zu x %zu bytes overflows", n, size);
        return NULL;
    }
    bool is_zeroed;
    void *p = alloc_block(mem, bytes, &is_zeroed, err);
    if (p && !is_zeroed)
        memset(p, 0, bytes);
    return p;
}

void *mem_realloc(Mem *mem, void *p, size_t size, Err *err)
{
    if (!p)
        return mem_alloc(mem, size, err);
    unsigned char *block = (unsigned char *)p - HEADER_BYTES;
    size_t old_size;
    memcpy(&old_size, block, sizeof old_size);
    size_t total;
    if (size > MEM_MAX_ALLOC_BYTES || !size_add(size, HEADER_BYTES, &total)) {
        if (err)
            err_set(err, ERR_NOMEM, "allocation of %zu bytes is too large", size);
        return NULL;
    }
    if (mem && size > old_size && !charge(mem, size - old_size, err))
        return NULL;
    unsigned char *moved;
    if (!block_is_mapped(block) && total < MEM_HUGE_BYTES) {
        moved = realloc(block, total);
        if (moved)
            memcpy(moved, &size, sizeof size);
    } else if (block_is_mapped(block) && total >= MEM_HUGE_BYTES) {
        /* between mappings: mremap moves page tables, not bytes, and the pages already
         * touched stay resident (a doubling buffer would otherwise copy and re-fault
         * everything it holds each time it grows) */
        size_t old_len = mapped_bytes(old_size + HEADER_BYTES);
        size_t new_len = mapped_bytes(total);
        moved = block;
        if (new_len != old_len) {
            void *q = mremap(block, old_len, new_len, MREMAP_MAYMOVE);
            moved = q == MAP_FAILED ? NULL : q;
            if (moved && new_len > old_len)
                (void)madvise(moved, new_len, MADV_HUGEPAGE); /* advice only */
        }
        if (moved)
            memcpy(moved, &size, sizeof size);
    } else {
        /* to, from or between mappings: a new block and a copy */
        bool is_zeroed;
        moved = block_get(size, total, &is_zeroed);
        if (moved) {
            memcpy(moved + HEADER_BYTES, p, TN_MIN(size, old_size));
            block_put(block);
        }
    }
    if (!moved) {
        if (mem && size > old_size)
            uncharge(mem, NULL, size - old_size);
        if (err)
            err_set(err, ERR_NOMEM, "out of memory allocating %zu bytes", size);
        return NULL;
    }
    if (mem && size < old_size)
        uncharge(mem, NULL, old_size - size);
    return moved + HEADER_BYTES;
}

void mem_free(Mem *mem, void *p)
{
    if (!p)
        return;
    unsigned char *block = (unsigned char *)p - HEADER_BYTES;
    size_t size;
    memcpy(&size, block, sizeof size);
    if (mem)
        uncharge(mem, NULL, size);
    block_put(block);
}

size_t mem_used(const Mem *mem)
{
    return atomic_load(&mem->used_bytes);
}

size_t mem_peak(const Mem *mem)
{
    return atomic_load(&mem->peak_bytes);
}

void mem_fail_at(Mem *mem, long n)
{
    atomic_store(&mem->fail_countdown, n);
}
