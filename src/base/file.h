/* file.h — files: read-only mappings for readers, buffered output for writers (base layer).
 *
 * FileMap maps a whole file read-only (mmap) so the Parquet reader can decode
 * uncompressed pages in place (zero copy); an empty file maps to data == NULL, len == 0.
 * FileOut writes a new file through a user-space buffer, tracks the offset (Parquet footers
 * record page offsets) and either commits (flush, optional fsync, close) or aborts (close
 * and unlink, so a failed writer leaves nothing behind).
 * Errors carry the path and errno text. Thread contract: one thread per object; a FileMap's
 * bytes may be read by any number of threads.
 */
#ifndef TARN_BASE_FILE_H
#define TARN_BASE_FILE_H

#include "base/strbuf.h"

typedef struct FileMap {
    const uint8_t *data; /* borrowed until file_unmap */
    size_t len;
} FileMap;

/* Map `path` read-only. Errors: ERR_NOT_FOUND (no such file), ERR_IO. */
TN_MUST_CHECK ErrCode file_map(const char *path, FileMap *out, Err *err);

/* Unmap; a zeroed FileMap is a no-op. */
void file_unmap(FileMap *map);

typedef struct FileOut {
    int fd;
    char path[4096];
    int64_t offset; /* bytes written so far, buffered included */
    StrBuf buf;     /* pending bytes */
} FileOut;

/* Create (truncate) `path` for writing. Buffer memory is charged to `mem`.
 * Errors: ERR_NOT_FOUND (missing directory), ERR_IO, ERR_INVALID (path too long). */
TN_MUST_CHECK ErrCode file_out_open(FileOut *out, Mem *mem, const char *path, Err *err);

/* Append bytes (buffered; large writes go straight through). */
TN_MUST_CHECK ErrCode file_out_write(FileOut *out, const void *bytes, size_t len, Err *err);

/* Flush, fsync when `durable` (the file, then its directory, so the new name survives a
 * crash too), and close. The FileOut is finished either way; on failure
 * the incomplete file is deleted. Errors: ERR_IO. */
TN_MUST_CHECK ErrCode file_out_commit(FileOut *out, bool durable, Err *err);

/* Close and delete the partial file. Safe after a failed open or write, and after commit
 * (then a no-op). */
void file_out_abort(FileOut *out);

/* Read a whole file into `out` (appended). Errors: ERR_NOT_FOUND, ERR_IO, ERR_NOMEM. */
TN_MUST_CHECK ErrCode file_read_all(const char *path, StrBuf *out, Err *err);

/* Replace `path` with `len` bytes atomically: write a temporary file beside it, then
 * rename it over `path` (readers see the old or the new contents, never a mix). With
 * `durable`, the file and its directory are fsync'd so the new contents survive a crash.
 * Errors: ERR_NOT_FOUND (missing directory), ERR_IO; on error `path` is untouched. */
TN_MUST_CHECK ErrCode file_write_atomic(const char *path, const void *bytes, size_t len,
                                        bool durable, Err *err);

/* mkdir -p: create `path` and its missing parents (mode 0755); each directory created is
 * made durable by syncing its parent. Errors: ERR_IO, ERR_INVALID (path too long). */
TN_MUST_CHECK ErrCode file_mkdirs(const char *path, Err *err);

#endif
