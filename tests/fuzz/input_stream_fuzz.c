/* input_stream_fuzz.c — libFuzzer target for format/input_stream: arbitrary bytes (often
 * gzip or zstd headers followed by garbage) read to the end through a memfd in pieces whose
 * size the first byte picks. Every input must read to the end or stop with ERR_CORRUPT,
 * within the 64 MiB budget (a decompression bomb fails cleanly: ERR_NOMEM is not reached
 * because output is produced in pieces), and release everything it took. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/input_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    int fd = memfd_create("input_stream_fuzz", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1) ||
        lseek(fd, 0, SEEK_SET) != 0) {
        abort(); /* the harness itself failed */
    }
    Mem mem;
    mem_init(&mem, NULL, "input_stream_fuzz", (size_t)64 << 20);
    Err err;
    err_init(&err);
    InputStream *in;
    if (input_stream_open(&mem, fd, "fuzz", &in, &err) != ERR_OK) {
        abort();
    }
    static uint8_t buf[65536];
    size_t piece = (size_t)data[0] * 256 + 1;
    size_t total = 0;
    for (;;) {
        size_t n = 0;
        ErrCode rc = input_stream_read(in, buf, piece, &n, &err);
        if (rc != ERR_OK) {
            if (rc != ERR_CORRUPT) {
                abort();
            }
            break;
        }
        if (n == 0 || n > piece) {
            if (n > piece) {
                abort();
            }
            break;
        }
        total += n;
        if (total > ((size_t)256 << 20)) {
            break; /* a bomb: stop reading, it is not an error of the reader */
        }
    }
    input_stream_close(in);
    close(fd);
    if (mem_used(&mem) != 0) {
        abort();
    }
    return 0;
}
