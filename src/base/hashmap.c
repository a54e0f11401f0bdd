/* hashmap.c — linear probing with backward-shift deletion (see hashmap.h).
 *
 * Slot: {key pointer, key length, full 64-bit hash, value}; key == NULL marks an empty
 * slot (a zero-length key still gets a non-NULL arena pointer). The full hash is kept so
 * that growth rehashes without touching key bytes and probes compare hashes before keys.
 *
 * Insert: probe from home = hash & mask until the key or an empty slot. The load limit
 * (count <= 0.7 * cap, checked before inserting) keeps probe runs short and guarantees an
 * empty slot exists.
 *
 * Delete (backward shift): after emptying slot `hole`, walk the run that follows. An entry
 * at slot j whose home h is cyclically outside (hole, j] may move back into the hole,
 * because its probe sequence h, h+1, ..., j passes through the hole; move it, and its old
 * slot becomes the new hole. Entries whose home lies in (hole, j] must stay, else a lookup
 * starting at their home would no longer reach them. The walk stops at the first empty
 * slot. Afterwards every entry is again reachable from its home with no empty slot between,
 * which is the invariant lookups rely on, so no tombstones are needed.
 */
#include "base/hashmap.h"

#include <string.h>

#include "base/hash.h"

struct HashMapSlot {
    const uint8_t *key; /* arena-owned copy; NULL = empty slot */
    size_t key_len;
    uint64_t hash;
    uint64_t value;
};

/* 16 KiB key blocks: small enough that a tiny map costs little, large enough that a big
 * one makes few block allocations. */
#define KEY_BLOCK_BYTES (16 * 1024)

void hashmap_init(HashMap *map, Mem *mem)
{
    map->mem = mem;
    map->slots = NULL;
    map->cap = 0;
    map->count = 0;
    arena_init(&map->keys, mem, KEY_BLOCK_BYTES);
    map->seed = hash_seed_random();
}

void hashmap_fini(HashMap *map)
{
    mem_free(map->mem, map->slots);
    map->slots = NULL;
    map->cap = 0;
    map->count = 0;
    arena_fini(&map->keys);
}

size_t hashmap_count(const HashMap *map)
{
    return map->count;
}

/* Slot holding the key, or the empty slot where it would go. Requires cap > 0. */
static size_t find_slot(const HashMap *map, const void *key, size_t key_len, uint64_t hash)
{
    size_t mask = map->cap - 1;
    size_t idx = (size_t)hash & mask;
    for (;;) {
        const HashMapSlot *slot = &map->slots[idx];
        if (!slot->key)
            return idx;
        if (slot->hash == hash && slot->key_len == key_len &&
            (key_len == 0 || memcmp(slot->key, key, key_len) == 0))
            return idx;
        idx = (idx + 1) & mask;
    }
}

bool hashmap_get(const HashMap *map, const void *key, size_t key_len, uint64_t *value_out)
{
    if (map->count == 0)
        return false;
    size_t idx = find_slot(map, key, key_len, hash_bytes_seeded(key, key_len, map->seed));
    if (!map->slots[idx].key)
        return false;
    if (value_out)
        *value_out = map->slots[idx].value;
    return true;
}

/* True when `n_entries` fit in `cap` slots within the 0.7 load limit. */
static bool fits(size_t n_entries, size_t cap)
{
    return n_entries <= cap / 10 * 7 + (cap % 10) * 7 / 10;
}

static ErrCode resize(HashMap *map, size_t new_cap, Err *err)
{
    HashMapSlot *slots = mem_calloc(map->mem, new_cap, sizeof(HashMapSlot), err);
    if (!slots)
        return ERR_NOMEM;
    size_t mask = new_cap - 1;
    for (size_t old_idx = 0; old_idx < map->cap; old_idx++) {
        const HashMapSlot *old = &map->slots[old_idx];
        if (!old->key)
            continue;
        size_t idx = (size_t)old->hash & mask;
        while (slots[idx].key) {
            idx = (idx + 1) & mask;
        }
        slots[idx] = *old;
    }
    mem_free(map->mem, map->slots);
    map->slots = slots;
    map->cap = new_cap;
    return ERR_OK;
}

ErrCode hashmap_reserve(HashMap *map, size_t n_entries, Err *err)
{
    size_t cap = map->cap ? map->cap : HASHMAP_MIN_CAP;
    while (!fits(n_entries, cap)) {
        if (cap > SIZE_MAX / 2 / sizeof(HashMapSlot))
            return err_set(err, ERR_NOMEM, "hash map of %zu entries is too large", n_entries);
        cap *= 2;
    }
    if (cap == map->cap)
        return ERR_OK;
    return resize(map, cap, err);
}

ErrCode hashmap_put(HashMap *map, const void *key, size_t key_len, uint64_t value, Err *err)
{
    uint64_t hash = hash_bytes_seeded(key, key_len, map->seed);
    if (map->cap) {
        size_t idx = find_slot(map, key, key_len, hash);
        if (map->slots[idx].key) {
            map->slots[idx].value = value;
            return ERR_OK;
        }
    }
    ErrCode rc = hashmap_reserve(map, map->count + 1, err);
    if (rc != ERR_OK)
        return rc;
    const uint8_t *copy = arena_memdup(&map->keys, key, key_len);
    if (!copy)
        return arena_error(&map->keys, err);
    size_t idx = find_slot(map, key, key_len, hash);
    map->slots[idx] = (HashMapSlot){.key = copy, .key_len = key_len, .hash = hash, .value = value};
    map->count++;
    return ERR_OK;
}

bool hashmap_remove(HashMap *map, const void *key, size_t key_len, uint64_t *value_out)
{
    if (map->count == 0)
        return false;
    size_t hole = find_slot(map, key, key_len, hash_bytes_seeded(key, key_len, map->seed));
    if (!map->slots[hole].key)
        return false;
    if (value_out)
        *value_out = map->slots[hole].value;
    size_t mask = map->cap - 1;
    size_t idx = (hole + 1) & mask;
    while (map->slots[idx].key) {
        size_t home = (size_t)map->slots[idx].hash & mask;
        /* Distances measured forward from the hole: the entry may move back iff its home
         * is not strictly after the hole and at or before idx. */
        size_t home_dist = (home - hole) & mask;
        size_t idx_dist = (idx - hole) & mask;
        if (home_dist == 0 || home_dist > idx_dist) {
            map->slots[hole] = map->slots[idx];
            hole = idx;
        }
        idx = (idx + 1) & mask;
    }
    map->slots[hole] = (HashMapSlot){0};
    map->count--;
    return true;
}

bool hashmap_next(const HashMap *map, HashMapIter *iter, const void **key_out, size_t *key_len_out,
                  uint64_t *value_out)
{
    while (iter->next_slot < map->cap) {
        const HashMapSlot *slot = &map->slots[iter->next_slot++];
        if (!slot->key)
            continue;
        if (key_out)
            *key_out = slot->key;
        if (key_len_out)
            *key_len_out = slot->key_len;
        if (value_out)
            *value_out = slot->value;
        return true;
    }
    return false;
}
