/* pq_enc_bss.c — BYTE_STREAM_SPLIT (Encodings.md §9): for values of K bytes, K streams
 * where stream k holds byte k of every value, streams concatenated. Zstd compresses the
 * exponent stream of floats much better this way. The loops are specialised for K = 4
 * and 8 (the float and double cases).
 */
#include "format/pq_enc.h"

ErrCode pq_enc_bss(StrBuf *out, const void *values, size_t n, size_t width, Err *err)
{
    ErrCode rc = strbuf_reserve(out, n * width, err);
    if (rc != ERR_OK)
        return rc;
    const uint8_t *src = values;
    uint8_t *dst = (uint8_t *)out->data + out->len;
    if (width == 4) {
        for (size_t i = 0; i < n; i++) {
            dst[i] = src[i * 4];
            dst[n + i] = src[i * 4 + 1];
            dst[2 * n + i] = src[i * 4 + 2];
            dst[3 * n + i] = src[i * 4 + 3];
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < width; k++) {
                dst[k * n + i] = src[i * width + k];
            }
        }
    }
    out->len += n * width;
    return ERR_OK;
}
