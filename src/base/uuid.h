/* uuid.h — random (version 4) UUIDs and their text form (base layer). Iceberg needs them
 * for table uuids and unique data, manifest and metadata file names; the uuid type's
 * values are the 16 bytes in big-endian (RFC 9562) order.
 * Thread-safe: randomness comes from getrandom(2), no shared state.
 */
#ifndef TARN_BASE_UUID_H
#define TARN_BASE_UUID_H

#include "base/err.h"

#define UUID_TEXT_LEN 36 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", plus a NUL in buffers */

/* 16 random bytes with the version 4 and variant bits set. */
void uuid_random(uint8_t out[16]);

/* Lower-case text form into `out` (UUID_TEXT_LEN + 1 bytes, NUL-terminated). */
void uuid_format(const uint8_t uuid[16], char out[UUID_TEXT_LEN + 1]);

/* A new random uuid's text form. */
void uuid_random_text(char out[UUID_TEXT_LEN + 1]);

/* Parse the 36-character text form (either case). Errors: ERR_INVALID naming the text. */
TN_MUST_CHECK ErrCode uuid_parse(const char *text, size_t len, uint8_t out[16], Err *err);

#endif
