/* pq_dict.h — dictionary builder for RLE_DICTIONARY pages (format layer; used by
 * pq_writer.c, one per column being encoded).
 *
 * Maps each distinct value to a code (0, 1, ... in order of first appearance) with an
 * open-addressing, linear-probing hash table (load <= 1/2) of 16-byte slots holding the
 * key (the value itself for 4/8-byte values, its 64-bit hash for byte strings) and the
 * entry index, so a probe touches one cache line and byte strings are compared only on a
 * full hash match. Entries are kept in PLAIN-ready form: fixed values packed back to back,
 * byte strings in a heap with end offsets.
 *
 * Adding stops before the value that would take the dictionary's PLAIN size past
 * `max_bytes`; the writer then falls back to another encoding for the rest of the chunk.
 * Memory: all buffers come from the Mem given at init and are freed by pq_dict_fini.
 * Thread contract: one thread at a time per PqDict.
 */
#ifndef TARN_FORMAT_PQ_DICT_H
#define TARN_FORMAT_PQ_DICT_H

#include "base/strbuf.h"

typedef struct PqDictSlot {
    uint64_t key;  /* value (fixed) or hash (bytes) */
    uint32_t code; /* entry index + 1; 0 = empty slot */
    uint32_t pad;
} PqDictSlot;

typedef struct PqDict {
    Mem *mem;
    PqDictSlot *slots;
    size_t mask; /* slot count - 1 (power of two) */
    uint32_t n_entries;
    size_t width;       /* 4 or 8 for fixed values, 0 for byte strings */
    StrBuf values;      /* fixed values packed, or the byte-string heap */
    StrBuf offs;        /* byte strings: uint32 end offsets, offs[0] = 0 */
    size_t plain_bytes; /* size of the dictionary page body, PLAIN */
    uint64_t seed;      /* hash seed, random per dictionary (see base/hash.h) */
} PqDict;

/* width 4 or 8 for fixed values, 0 for byte strings. Allocates nothing yet. */
void pq_dict_init(PqDict *dict, Mem *mem, size_t width);
void pq_dict_fini(PqDict *dict);

/* Forget every entry but keep the memory (the writer reuses one dictionary per column
 * across row groups, avoiding fresh zeroed pages for every chunk). */
void pq_dict_reset(PqDict *dict);

/* Code values[0..n) into codes[0..n). *n_done receives how many were coded (< n when the
 * dictionary filled up). Errors: ERR_NOMEM. */
TN_MUST_CHECK ErrCode pq_dict_add_fixed(PqDict *dict, const void *values, size_t n,
                                        size_t max_bytes, uint32_t *codes, size_t *n_done,
                                        Err *err);

/* The same for byte strings heap[offs[i]..offs[i+1]); `fixed_len` > 0 means every value
 * has that length (FIXED_LEN_BYTE_ARRAY: no length prefix in the PLAIN size). */
TN_MUST_CHECK ErrCode pq_dict_add_bytes(PqDict *dict, const uint8_t *heap, const uint32_t *offs,
                                        size_t n, size_t fixed_len, size_t max_bytes,
                                        uint32_t *codes, size_t *n_done, Err *err);

/* Entry i's bytes (byte-string dictionaries). */
TN_INLINE const uint8_t *pq_dict_entry(const PqDict *dict, uint32_t i, uint32_t *len)
{
    const uint32_t *offs = (const uint32_t *)dict->offs.data;
    *len = offs[i + 1] - offs[i];
    return (const uint8_t *)dict->values.data + offs[i];
}

#endif
