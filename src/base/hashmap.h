/* hashmap.h — open-addressing hash map from byte-string keys to uint64_t values (base layer).
 *
 * Used wherever tarn needs a dictionary keyed by bytes: string dictionaries in the Parquet
 * writer, group keys, name lookups. Values are uint64_t (an index into a caller's array, a
 * code, or a count); keep bigger payloads in an array and store the index, so nothing
 * points into memory that moves when the table grows (STYLE.md §6).
 *
 * Layout: one array of slots, capacity a power of two (at least HASHMAP_MIN_CAP), linear
 * probing from hash_bytes(key) & (cap - 1). The table doubles before an insert would take
 * the load factor above 0.7, so every probe sequence ends at an empty slot. Deletion is
 * tombstone-free: the following run of slots is shifted back into the hole (see hashmap.c),
 * so lookups never scan dead slots and a long-lived map does not degrade.
 *
 * Memory: the slot array and the key copies are charged to the Mem given at init. Keys are
 * copied into an arena owned by the map; the bytes of removed keys are reclaimed only at
 * hashmap_fini (maps with heavy churn of long keys should be rebuilt now and then).
 *
 * Thread contract: one thread at a time; concurrent readers are fine when nobody writes.
 */
#ifndef TARN_BASE_HASHMAP_H
#define TARN_BASE_HASHMAP_H

#include "base/arena.h"

#define HASHMAP_MIN_CAP 16

typedef struct HashMapSlot HashMapSlot;

typedef struct HashMap {
    Mem *mem;           /* budget for slots and keys (may be NULL) */
    HashMapSlot *slots; /* NULL until the first insert */
    size_t cap;         /* number of slots, 0 or a power of two */
    size_t count;       /* live entries */
    Arena keys;         /* copies of the keys */
    uint64_t seed;      /* hash seed, random per map (see base/hash.h) */
} HashMap;

/* Position of an iteration; start it with HASHMAP_ITER_INIT. */
typedef struct HashMapIter {
    size_t next_slot;
} HashMapIter;

#define HASHMAP_ITER_INIT \
    {                     \
        0                 \
    }

/* Initialise an empty map in caller's storage; allocates nothing. */
void hashmap_init(HashMap *map, Mem *mem);

/* Free the slots and all key copies; the map is empty and reusable afterwards. */
void hashmap_fini(HashMap *map);

/* Number of entries. */
size_t hashmap_count(const HashMap *map);

/* Look `key` up; on a hit stores its value in *value_out (may be NULL) and returns true. */
bool hashmap_get(const HashMap *map, const void *key, size_t key_len, uint64_t *value_out);

/* Insert `key` -> `value`, or overwrite the value when the key is present (the stored key
 * copy is kept). The key bytes are copied. Errors: ERR_NOMEM when growing the table or
 * copying the key fails; the map is then unchanged (it may have grown, which is harmless). */
TN_MUST_CHECK ErrCode hashmap_put(HashMap *map, const void *key, size_t key_len, uint64_t value,
                                  Err *err);

/* Make room for `n_entries` entries in total without further growth. Errors: ERR_NOMEM. */
TN_MUST_CHECK ErrCode hashmap_reserve(HashMap *map, size_t n_entries, Err *err);

/* Remove `key`; returns true and its value in *value_out (may be NULL) when it was present.
 * Never allocates. */
bool hashmap_remove(HashMap *map, const void *key, size_t key_len, uint64_t *value_out);

/* Next entry in slot order; false at the end. *key_out is borrowed: valid until the entry is
 * removed or the map is finished. The map must not be modified during an iteration (a
 * removal shifts entries and could make the iteration skip or repeat one). */
bool hashmap_next(const HashMap *map, HashMapIter *iter, const void **key_out, size_t *key_len_out,
                  uint64_t *value_out);

#endif
