/* datetime_fuzz.c — libFuzzer target for the timestamp and date parsers (base/datetime).
 * Any input must parse or fail with ERR_INVALID; what parses must format and parse back
 * to the same instant (RFC 3339, fixed six digits, is lossless for years 1..9999). */
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Err err;
    err_init(&err);
    int64_t ts = 0;
    bool is_zoned = false;
    if (datetime_parse((const char *)data, size, &ts, &is_zoned, &err) == ERR_OK) {
        char text[DATETIME_FORMAT_CAP];
        size_t len = datetime_format(ts, DATETIME_RFC3339_FIXED, text, sizeof text);
        int64_t again = 0;
        if (datetime_parse(text, len, &again, NULL, &err) == ERR_OK && again != ts)
            abort(); /* a round trip that changes the instant is a bug: make the fuzzer stop */
    } else if (err.code != ERR_INVALID) {
        abort();
    }
    int32_t days = 0;
    err_ignore(datetime_parse_date((const char *)data, size, &days,
                                   &err)); /* either outcome is fine */
    return 0;
}
