/* pq_dict.c — the dictionary hash table; see pq_dict.h for the slot layout.
 *
 * The table doubles when it would pass half full (rehash by stored key: fixed keys are
 * rehashed with hash_u64, byte-string keys are their hash already). The fixed-value path
 * remembers the previous value and its code, an optimization for runs (timestamps,
 * sorted keys) that skips the probe.
 */
#include "format/pq_dict.h"

#include <string.h>

#include "base/hash.h"

#define DICT_INITIAL_SLOTS 1024

void pq_dict_init(PqDict *dict, Mem *mem, size_t width)
{
    memset(dict, 0, sizeof(*dict));
    dict->mem = mem;
    dict->width = width;
    dict->seed = hash_seed_random();
    strbuf_init(&dict->values, mem);
    strbuf_init(&dict->offs, mem);
}

void pq_dict_fini(PqDict *dict)
{
    mem_free(dict->mem, dict->slots);
    dict->slots = NULL;
    strbuf_fini(&dict->values);
    strbuf_fini(&dict->offs);
}

void pq_dict_reset(PqDict *dict)
{
    if (dict->slots && dict->n_entries > 0) {
        memset(dict->slots, 0, (dict->mask + 1) * sizeof(PqDictSlot));
    }
    dict->n_entries = 0;
    dict->plain_bytes = 0;
    strbuf_clear(&dict->values);
    strbuf_clear(&dict->offs);
}

static uint64_t slot_hash(const PqDict *dict, uint64_t key)
{
    return dict->width ? hash_u64(key ^ dict->seed) : key;
}

/* Make room for one more entry. */
static ErrCode dict_grow(PqDict *dict, Err *err)
{
    size_t n_slots = dict->slots ? dict->mask + 1 : 0;
    if (dict->slots && (size_t)(dict->n_entries + 1) * 2 <= n_slots)
        return ERR_OK;
    size_t new_n = n_slots ? n_slots * 2 : DICT_INITIAL_SLOTS;
    PqDictSlot *slots = mem_calloc(dict->mem, new_n, sizeof(PqDictSlot), err);
    if (!slots)
        return ERR_NOMEM;
    size_t mask = new_n - 1;
    for (size_t i = 0; i < n_slots; i++) {
        if (!dict->slots[i].code)
            continue;
        size_t pos = slot_hash(dict, dict->slots[i].key) & mask;
        while (slots[pos].code) {
            pos = (pos + 1) & mask;
        }
        slots[pos] = dict->slots[i];
    }
    mem_free(dict->mem, dict->slots);
    dict->slots = slots;
    dict->mask = mask;
    return ERR_OK;
}

ErrCode pq_dict_add_fixed(PqDict *dict, const void *values, size_t n, size_t max_bytes,
                          uint32_t *codes, size_t *n_done, Err *err)
{
    const size_t width = dict->width;
    const uint8_t *src = values;
    uint64_t prev_key = 0;
    uint32_t prev_code = 0;
    bool has_prev = false;
    ErrCode rc = dict_grow(dict, err);
    if (rc != ERR_OK)
        return rc;
    size_t i = 0;
    for (; i < n; i++) {
        uint64_t key = 0;
        if (width == 4) {
            uint32_t k32;
            memcpy(&k32, src + i * 4, 4);
            key = k32;
        } else {
            memcpy(&key, src + i * 8, 8);
        }
        if (has_prev && key == prev_key) {
            codes[i] = prev_code;
            continue;
        }
        size_t pos = hash_u64(key ^ dict->seed) & dict->mask;
        while (dict->slots[pos].code && dict->slots[pos].key != key) {
            pos = (pos + 1) & dict->mask;
        }
        uint32_t code;
        if (dict->slots[pos].code) {
            code = dict->slots[pos].code - 1;
        } else {
            if (dict->plain_bytes + width > max_bytes)
                break;
            rc = strbuf_append(&dict->values, src + i * width, width, err);
            if (rc != ERR_OK)
                return rc;
            code = dict->n_entries++;
            dict->slots[pos].key = key;
            dict->slots[pos].code = code + 1;
            dict->plain_bytes += width;
            rc = dict_grow(dict, err);
            if (rc != ERR_OK)
                return rc;
        }
        codes[i] = code;
        prev_key = key;
        prev_code = code;
        has_prev = true;
    }
    *n_done = i;
    return ERR_OK;
}

ErrCode pq_dict_add_bytes(PqDict *dict, const uint8_t *heap, const uint32_t *offs, size_t n,
                          size_t fixed_len, size_t max_bytes, uint32_t *codes, size_t *n_done,
                          Err *err)
{
    ErrCode rc = dict_grow(dict, err);
    if (rc != ERR_OK)
        return rc;
    if (dict->offs.len == 0) {
        uint32_t zero = 0;
        rc = strbuf_append(&dict->offs, &zero, 4, err);
        if (rc != ERR_OK)
            return rc;
    }
    size_t prefix = fixed_len ? 0 : 4;
    size_t i = 0;
    for (; i < n; i++) {
        const uint8_t *val = heap + offs[i];
        uint32_t len = offs[i + 1] - offs[i];
        uint64_t h = hash_bytes_seeded(val, len, dict->seed);
        size_t pos = h & dict->mask;
        uint32_t code = 0;
        bool found = false;
        while (dict->slots[pos].code) {
            if (dict->slots[pos].key == h) {
                uint32_t elen;
                const uint8_t *e = pq_dict_entry(dict, dict->slots[pos].code - 1, &elen);
                if (elen == len && (len == 0 || memcmp(e, val, len) == 0)) {
                    code = dict->slots[pos].code - 1;
                    found = true;
                    break;
                }
            }
            pos = (pos + 1) & dict->mask;
        }
        if (!found) {
            if (dict->plain_bytes + prefix + len > max_bytes)
                break;
            if (len > 0) {
                rc = strbuf_append(&dict->values, val, len, err);
                if (rc != ERR_OK)
                    return rc;
            }
            uint32_t end = (uint32_t)dict->values.len;
            rc = strbuf_append(&dict->offs, &end, 4, err);
            if (rc != ERR_OK) {
                dict->values.len -= len;
                return rc;
            }
            code = dict->n_entries++;
            dict->slots[pos].key = h;
            dict->slots[pos].code = code + 1;
            dict->plain_bytes += prefix + len;
            rc = dict_grow(dict, err);
            if (rc != ERR_OK)
                return rc;
        }
        codes[i] = code;
    }
    *n_done = i;
    return ERR_OK;
}
