/* pq_dec_bss.c — BYTE_STREAM_SPLIT decoding (see pq_dec.h; Encodings.md
 * "Byte Stream Split"): K = value width streams of len / K bytes each; byte k of value i is
 * stream k's byte i. Widths 4 and 8 (float, double, int32, int64) have loops with a
 * constant stride; other widths (FIXED_LEN_BYTE_ARRAY) take the general loop.
 */
#include "format/pq_dec.h"

TN_INLINE void gather(const uint8_t *data, size_t stride, const size_t width, uint8_t *out,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < width; k++) {
            out[i * width + k] = data[k * stride + i];
        }
    }
}

ErrCode pq_bss_decode(const uint8_t *data, size_t len, size_t width, uint8_t *out, size_t n,
                      Err *err)
{
    if (width == 0 || len % width != 0)
        return err_set(err, ERR_CORRUPT,
                       "byte-stream-split data of %zu bytes is not a multiple of the value "
                       "width %zu",
                       len, width);
    size_t stride = len / width;
    if (stride < n)
        return err_set(err, ERR_CORRUPT,
                       "byte-stream-split data of %zu bytes holds %zu values, %zu are needed", len,
                       stride, n);
    if (width == 4)
        gather(data, stride, 4, out, n);
    else if (width == 8)
        gather(data, stride, 8, out, n);
    else
        gather(data, stride, width, out, n);
    return ERR_OK;
}
