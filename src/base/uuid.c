/* uuid.c — version 4 UUIDs from getrandom(2) and the 8-4-4-4-12 hex text form. */
#include "base/uuid.h"

#include <errno.h>
#include <sys/random.h>

void uuid_random(uint8_t out[16])
{
    size_t got = 0;
    while (got < 16) {
        ssize_t n = getrandom(out + got, 16 - got, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            /* getrandom cannot fail on Linux >= 3.17 with these flags; keep the output
             * unique anyway by mixing time and address bits. */
            uint64_t mix = (uint64_t)(uintptr_t)out ^ (uint64_t)got * 0x9E3779B97F4A7C15ull;
            for (size_t i = got; i < 16; i++) {
                out[i] = (uint8_t)(mix >> ((i % 8) * 8));
            }
            break;
        }
        got += (size_t)n;
    }
    out[6] = (uint8_t)((out[6] & 0x0F) | 0x40); /* version 4 */
    out[8] = (uint8_t)((out[8] & 0x3F) | 0x80); /* RFC 9562 variant */
}

void uuid_format(const uint8_t uuid[16], char out[UUID_TEXT_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    size_t pos = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[pos++] = '-';
        }
        out[pos++] = hex[uuid[i] >> 4];
        out[pos++] = hex[uuid[i] & 15];
    }
    out[pos] = '\0';
}

void uuid_random_text(char out[UUID_TEXT_LEN + 1])
{
    uint8_t bytes[16];
    uuid_random(bytes);
    uuid_format(bytes, out);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

ErrCode uuid_parse(const char *text, size_t len, uint8_t out[16], Err *err)
{
    if (len != UUID_TEXT_LEN) {
        return err_set(err, ERR_INVALID, "\"%.*s\" is not a uuid: expected 36 characters",
                       (int)(len > 64 ? 64 : len), text);
    }
    size_t pos = 0;
    for (int i = 0; i < 16; i++) {
        if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
            if (text[pos] != '-') {
                return err_set(err, ERR_INVALID, "\"%.36s\" is not a uuid: '-' expected at %zu",
                               text, pos + 1);
            }
            pos++;
        }
        int hi = hex_value(text[pos]);
        int lo = hex_value(text[pos + 1]);
        if (hi < 0 || lo < 0) {
            return err_set(err, ERR_INVALID,
                           "\"%.36s\" is not a uuid: bad hex digit at character %zu", text,
                           pos + 1);
        }
        out[i] = (uint8_t)(hi << 4 | lo);
        pos += 2;
    }
    return ERR_OK;
}
