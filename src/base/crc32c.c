/* crc32c.c — CRC-32C by slicing-by-8 tables or the SSE4.2 instruction (see crc32c.h).
 *
 * Table method: table[0][b] is the reflected CRC of the single byte b. table[k][b] is the
 * CRC contribution of byte b followed by k zero bytes, so eight input bytes can be folded
 * in with eight independent lookups: xor the current crc into the first four bytes, then
 * look up each of the eight bytes in the table for its distance from the end of the word.
 * Bytes before an 8-byte boundary and the tail go through table[0] one at a time.
 * The 8 KiB of tables are built on first use under call_once, together with the CPU check.
 *
 * Hardware method: the `crc32` instruction computes exactly this reflected CRC-32C step
 * (without the pre/post inversion), on 8 bytes per instruction. The function is compiled
 * with target("sse4.2") so the rest of the build needs no -msse4.2.
 */
#include "base/crc32c.h"

#include <string.h>
#include <threads.h>

#if defined(__x86_64__)
#define TN_HAVE_CRC32_INSN 1
#include <nmmintrin.h>
#else
#define TN_HAVE_CRC32_INSN 0
#endif

#define CRC32C_POLY_REFLECTED 0x82F63B78u

static uint32_t crc_table[8][256];
static bool has_hw_insn;
static once_flag init_once = ONCE_FLAG_INIT;

static void init_tables(void)
{
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ ((crc & 1u) ? CRC32C_POLY_REFLECTED : 0u);
        }
        crc_table[0][byte] = crc;
    }
    for (int k = 1; k < 8; k++) {
        for (uint32_t byte = 0; byte < 256; byte++) {
            uint32_t prev = crc_table[k - 1][byte];
            crc_table[k][byte] = (prev >> 8) ^ crc_table[0][prev & 0xffu];
        }
    }
#if TN_HAVE_CRC32_INSN
    __builtin_cpu_init();
    has_hw_insn = __builtin_cpu_supports("sse4.2");
#else
    has_hw_insn = false;
#endif
}

static void ensure_init(void)
{
    call_once(&init_once, init_tables);
}

bool crc32c_has_hw(void)
{
    ensure_init();
    return has_hw_insn;
}

uint32_t crc32c_update_table(uint32_t crc, const void *data, size_t len)
{
    ensure_init();
    const uint8_t *p = data;
    uint32_t state = ~crc;
    while (len > 0 && ((uintptr_t)p & 7u) != 0) {
        state = (state >> 8) ^ crc_table[0][(state ^ *p++) & 0xffu];
        len--;
    }
    while (len >= 8) {
        uint32_t lo = load_u32le(p) ^ state;
        uint32_t hi = load_u32le(p + 4);
        state = crc_table[7][lo & 0xffu] ^ crc_table[6][(lo >> 8) & 0xffu] ^
                crc_table[5][(lo >> 16) & 0xffu] ^ crc_table[4][lo >> 24] ^
                crc_table[3][hi & 0xffu] ^ crc_table[2][(hi >> 8) & 0xffu] ^
                crc_table[1][(hi >> 16) & 0xffu] ^ crc_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len > 0) {
        state = (state >> 8) ^ crc_table[0][(state ^ *p++) & 0xffu];
        len--;
    }
    return ~state;
}

#if TN_HAVE_CRC32_INSN
__attribute__((target("sse4.2"))) uint32_t crc32c_update_hw(uint32_t crc, const void *data,
                                                            size_t len)
{
    const uint8_t *p = data;
    uint64_t state = ~crc;
    while (len > 0 && ((uintptr_t)p & 7u) != 0) {
        state = _mm_crc32_u8((uint32_t)state, *p++);
        len--;
    }
    while (len >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        state = _mm_crc32_u64(state, word);
        p += 8;
        len -= 8;
    }
    while (len > 0) {
        state = _mm_crc32_u8((uint32_t)state, *p++);
        len--;
    }
    return ~(uint32_t)state;
}
#else
uint32_t crc32c_update_hw(uint32_t crc, const void *data, size_t len)
{
    return crc32c_update_table(crc, data, len);
}
#endif

uint32_t crc32c_update(uint32_t crc, const void *data, size_t len)
{
    if (crc32c_has_hw())
        return crc32c_update_hw(crc, data, len);
    return crc32c_update_table(crc, data, len);
}
