/* arena.h — region allocator with a named lifetime (base layer).
 *
 * An Arena hands out memory by bumping a pointer through blocks taken from a Mem budget,
 * and gives it all back at once (arena_reset / arena_fini). Data that lives exactly as
 * long as a query, a batch or a file's metadata is allocated here, so error paths never
 * free piece by piece (STYLE.md §6). Requests larger than a quarter of the block size get
 * a block of their own so big buffers do not waste the tail of a block.
 *
 * Failure: an allocation that the budget refuses returns NULL; the arena remembers the
 * first failure's message (arena_error) so a caller deep in a decoder can report it.
 * Thread contract: one thread at a time.
 */
#ifndef TARN_BASE_ARENA_H
#define TARN_BASE_ARENA_H

#include "base/mem.h"

typedef struct ArenaBlock ArenaBlock;

typedef struct Arena {
    Mem *mem;           /* budget the blocks are charged to (may be NULL) */
    ArenaBlock *blocks; /* in use this cycle, newest first */
    ArenaBlock *spare;  /* kept by arena_recycle for reuse in the next cycle */
    unsigned char *cur; /* bump pointer in the newest ordinary block */
    unsigned char *end;
    size_t block_bytes; /* size of ordinary blocks */
    size_t total_bytes; /* bytes held in all blocks */
    Err last_err;       /* why the last allocation failed */
} Arena;

#define ARENA_DEFAULT_BLOCK_BYTES (64 * 1024)

/* Initialise in caller's storage; block_bytes 0 means ARENA_DEFAULT_BLOCK_BYTES. */
void arena_init(Arena *arena, Mem *mem, size_t block_bytes);

/* Give every block back to the budget. The arena may be initialised again afterwards. */
void arena_fini(Arena *arena);

/* Free everything allocated so far; keeps nothing. Pointers from the arena become invalid. */
void arena_reset(Arena *arena);

/* Forget everything allocated so far but keep the blocks (still charged to the budget) for
 * the next cycle, so a loop that fills and empties an arena per batch or per column chunk
 * does not hand big blocks back to the system and fault them in again each time. Blocks
 * the next cycle does not reuse are freed at the recycle after it, so an arena holds at
 * most what its last cycle needed. Pointers from the arena become invalid. */
void arena_recycle(Arena *arena);

/* `size` bytes aligned to 16, or NULL when the budget refuses (see arena_error). */
void *arena_alloc(Arena *arena, size_t size);

/* Zeroed arena_alloc. */
void *arena_zalloc(Arena *arena, size_t size);

/* n * size bytes, NULL also when the product overflows. Zeroed. */
void *arena_alloc_array(Arena *arena, size_t n, size_t size);

/* Copies into the arena (NUL-terminated for the string forms). NULL on failure. */
/* Room for one more item in an array that lives in the arena: returns `items` when
 * n < *cap, else a new array of twice the capacity (at least 8) holding the first n items,
 * with *cap updated (the old array stays in the arena until it is reset). NULL when out of
 * memory or the size overflows (see arena_error). */
void *arena_grow_array(Arena *arena, void *items, size_t n, size_t *cap, size_t size);

void *arena_memdup(Arena *arena, const void *src, size_t len);
char *arena_strdup(Arena *arena, const char *src);
char *arena_strndup(Arena *arena, const char *src, size_t len);
char *arena_sprintf(Arena *arena, const char *fmt, ...) TN_PRINTF(2, 3);

/* Bytes held by the arena's blocks. */
size_t arena_bytes(const Arena *arena);

/* Copy the reason for the last failed allocation into err; returns ERR_NOMEM. */
ErrCode arena_error(const Arena *arena, Err *err);

#endif
