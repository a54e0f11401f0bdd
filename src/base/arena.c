/* arena.c — bump allocation over a list of blocks (see arena.h).
 *
 * Block layout: [ArenaBlock header][payload...]. Ordinary blocks have block_bytes of
 * payload; an oversized request gets a dedicated block of exactly its size, linked
 * behind the current block so the current bump region stays usable.
 *
 * Recycling: arena_recycle moves the blocks in use to the spare list; a new block is
 * taken from the spare list first (first fit by payload size) and only then allocated.
 * A recycled block may be larger than the request it serves; its whole payload is used.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct ArenaBlock {
    ArenaBlock *next;
    size_t payload_bytes;
    /* 16-byte alignment for the payload that follows */
    unsigned char pad[16 - (sizeof(void *) + sizeof(size_t)) % 16];
};

#define ALIGN 16

void arena_init(Arena *arena, Mem *mem, size_t block_bytes)
{
    arena->mem = mem;
    arena->blocks = NULL;
    arena->spare = NULL;
    arena->cur = NULL;
    arena->end = NULL;
    arena->block_bytes = block_bytes ? block_bytes : ARENA_DEFAULT_BLOCK_BYTES;
    arena->total_bytes = 0;
    err_init(&arena->last_err);
}

static void free_blocks(Arena *arena, ArenaBlock *block)
{
    while (block) {
        ArenaBlock *next = block->next;
        arena->total_bytes -= block->payload_bytes + sizeof(ArenaBlock);
        mem_free(arena->mem, block);
        block = next;
    }
}

void arena_reset(Arena *arena)
{
    free_blocks(arena, arena->blocks);
    free_blocks(arena, arena->spare);
    arena->blocks = NULL;
    arena->spare = NULL;
    arena->cur = NULL;
    arena->end = NULL;
}

void arena_recycle(Arena *arena)
{
    free_blocks(arena, arena->spare); /* not reused during the cycle that ends now */
    arena->spare = arena->blocks;
    arena->blocks = NULL;
    arena->cur = NULL;
    arena->end = NULL;
}

void arena_fini(Arena *arena)
{
    arena_reset(arena);
}

/* A block with at least payload_bytes of payload: a spare one if any fits, else new. */
static ArenaBlock *block_new(Arena *arena, size_t payload_bytes)
{
    for (ArenaBlock **link = &arena->spare; *link; link = &(*link)->next) {
        if ((*link)->payload_bytes >= payload_bytes) {
            ArenaBlock *block = *link;
            *link = block->next;
            return block;
        }
    }
    size_t total;
    if (!size_add(payload_bytes, sizeof(ArenaBlock), &total)) {
        err_set(&arena->last_err, ERR_NOMEM, "arena allocation of %zu bytes is too large",
                payload_bytes);
        return NULL;
    }
    ArenaBlock *block = mem_alloc(arena->mem, total, &arena->last_err);
    if (!block)
        return NULL;
    block->payload_bytes = payload_bytes;
    arena->total_bytes += total;
    return block;
}

void *arena_alloc(Arena *arena, size_t size)
{
    size_t need = TN_ALIGN_UP(size ? size : 1, ALIGN);
    if (need < size) {
        /* Rounding up wrapped around: record why, as every other failure does. */
        err_set(&arena->last_err, ERR_NOMEM, "arena allocation of %zu bytes is too large", size);
        return NULL;
    }
    if (TN_LIKELY((size_t)(arena->end - arena->cur) >= need && arena->cur)) {
        void *p = arena->cur;
        arena->cur += need;
        return p;
    }
    if (need > arena->block_bytes / 4) {
        /* Oversized: a dedicated block, linked second so the bump block stays current. */
        ArenaBlock *block = block_new(arena, need);
        if (!block)
            return NULL;
        if (arena->blocks) {
            block->next = arena->blocks->next;
            arena->blocks->next = block;
        } else {
            block->next = NULL;
            arena->blocks = block;
        }
        return (unsigned char *)(block + 1);
    }
    ArenaBlock *block = block_new(arena, arena->block_bytes);
    if (!block)
        return NULL;
    block->next = arena->blocks;
    arena->blocks = block;
    arena->cur = (unsigned char *)(block + 1);
    arena->end = arena->cur + block->payload_bytes;
    void *p = arena->cur;
    arena->cur += need;
    return p;
}

void *arena_zalloc(Arena *arena, size_t size)
{
    void *p = arena_alloc(arena, size);
    if (p)
        memset(p, 0, size);
    return p;
}

void *arena_alloc_array(Arena *arena, size_t n, size_t size)
{
    size_t bytes;
    if (!size_mul(n, size, &bytes)) {
        err_set(&arena->last_err, ERR_NOMEM, "arena array of %zu x %zu bytes overflows", n, size);
        return NULL;
    }
    return arena_zalloc(arena, bytes);
}

void *arena_memdup(Arena *arena, const void *src, size_t len)
{
    void *p = arena_alloc(arena, len);
    if (p && len)
        memcpy(p, src, len);
    return p;
}

char *arena_strndup(Arena *arena, const char *src, size_t len)
{
    char *p = arena_alloc(arena, len + 1);
    if (!p)
        return NULL;
    memcpy(p, src, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(Arena *arena, const char *src)
{
    return arena_strndup(arena, src, strlen(src));
}

char *arena_sprintf(Arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(arena, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t arena_bytes(const Arena *arena)
{
    return arena->total_bytes;
}

ErrCode arena_error(const Arena *arena, Err *err)
{
    if (arena->last_err.code == ERR_OK)
        return err_set(err, ERR_NOMEM, "out of memory in arena");
    *err = arena->last_err;
    return ERR_NOMEM;
}

void *arena_grow_array(Arena *arena, void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) {
        return items;
    }
    size_t new_cap;
    if (!size_mul(*cap ? *cap : 4, 2, &new_cap)) {
        err_set(&arena->last_err, ERR_NOMEM, "array of %zu items is too large", *cap);
        return NULL;
    }
    void *bigger = arena_alloc_array(arena, new_cap, size);
    if (!bigger) {
        return NULL;
    }
    if (n > 0) {
        memcpy(bigger, items, n * size);
    }
    *cap = new_cap;
    return bigger;
}
