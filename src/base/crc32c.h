/* crc32c.h — CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78) checksums
 * (base layer).
 *
 * Used for checksums in files tarn writes itself (event-log records, checkpoints) and to
 * verify those it reads. The value is the standard CRC-32C of iSCSI, ext4 and Parquet's
 * page checksum alternative: initial value all ones, final xor all ones, so
 * crc32c_update(0, "123456789", 9) == 0xE3069283.
 *
 * Two implementations give identical results: a portable slicing-by-8 table walk, and the
 * SSE4.2 `crc32` instruction, chosen at run time when the CPU has it. The tables and the
 * CPU check are set up once per process (call_once) and are immutable afterwards.
 * Thread contract: all functions are thread-safe.
 */
#ifndef TARN_BASE_CRC32C_H
#define TARN_BASE_CRC32C_H

#include "base/tn.h"

/* Extend the checksum `crc` of some earlier bytes by `len` more bytes and return the
 * checksum of the whole. Start with crc = 0; crc32c_update(crc32c_update(0, a, n), b, m)
 * equals the checksum of a followed by b. `data` may be NULL when len is 0. */
uint32_t crc32c_update(uint32_t crc, const void *data, size_t len);

/* The same with the portable table implementation (for tests and benchmarks). */
uint32_t crc32c_update_table(uint32_t crc, const void *data, size_t len);

/* The same with the SSE4.2 instruction; call only when crc32c_has_hw() is true. */
uint32_t crc32c_update_hw(uint32_t crc, const void *data, size_t len);

/* True when this CPU has the crc32 instruction and crc32c_update uses it. */
bool crc32c_has_hw(void);

#endif
