/* file.c — mappings and buffered writes (see file.h). Output is buffered in 1 MiB
 * chunks; writes larger than the buffer bypass it after a flush. */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash.h"

#define FILE_OUT_BUFFER_BYTES (1u << 20)

static ErrCode open_error(Err *err, int errnum, const char *what, const char *path)
{
    return err_errno(err, errnum == ENOENT ? ERR_NOT_FOUND : ERR_IO, errnum,
                     "could not %s file \"%s\"", what, path);
}

ErrCode file_map(const char *path, FileMap *out, Err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return open_error(err, errno, "open", path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int errnum = errno;
        close(fd);
        return open_error(err, errnum, "stat", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(err, ERR_IO, "\"%s\" is not a regular file", path);
    }
    FileMap map = {NULL, (size_t)st.st_size};
    if (map.len > 0) {
        void *p = mmap(NULL, map.len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int errnum = errno;
            close(fd);
            return open_error(err, errnum, "map", path);
        }
        map.data = p;
    }
    close(fd);
    *out = map;
    return ERR_OK;
}

void file_unmap(FileMap *map)
{
    if (map->data)
        munmap((void *)(uintptr_t)map->data, map->len);
    map->data = NULL;
    map->len = 0;
}

ErrCode file_out_open(FileOut *out, Mem *mem, const char *path, Err *err)
{
    /* Set up first so that file_out_abort is safe (a no-op) after a failed open. */
    out->fd = -1;
    out->path[0] = '\0';
    out->offset = 0;
    strbuf_init(&out->buf, mem);
    if (strlen(path) >= sizeof out->path)
        return err_set(err, ERR_INVALID, "path \"%.64s...\" is too long", path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return open_error(err, errno, "create", path);
    out->fd = fd;
    snprintf(out->path, sizeof out->path, "%s", path);
    return ERR_OK;
}

static ErrCode write_fully(FileOut *out, const void *bytes, size_t len, Err *err)
{
    const char *p = bytes;
    while (len > 0) {
        ssize_t n = write(out->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return err_errno(err, ERR_IO, errno, "could not write file \"%s\"", out->path);
        }
        p += n;
        len -= (size_t)n;
    }
    return ERR_OK;
}

static ErrCode flush_buffer(FileOut *out, Err *err)
{
    ErrCode rc = write_fully(out, out->buf.data, out->buf.len, err);
    strbuf_clear(&out->buf);
    return rc;
}

ErrCode file_out_write(FileOut *out, const void *bytes, size_t len, Err *err)
{
    ErrCode rc;
    if (out->buf.len + len > FILE_OUT_BUFFER_BYTES) {
        rc = flush_buffer(out, err);
        if (rc != ERR_OK)
            return rc;
    }
    if (len >= FILE_OUT_BUFFER_BYTES) {
        rc = write_fully(out, bytes, len, err);
    } else {
        rc = strbuf_append(&out->buf, bytes, len, err);
    }
    if (rc == ERR_OK)
        out->offset += (int64_t)len;
    return rc;
}

/* fsync the directory holding `path`, so a rename or create in it is durable. */
static ErrCode sync_parent_dir(const char *path, Err *err)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 1;
    if (len == 0) {
        len = 1; /* "/file": the root */
    }
    if (len >= sizeof dir) {
        return err_set(err, ERR_INVALID, "path too long: %.64s...", path);
    }
    memcpy(dir, slash ? path : ".", len);
    dir[len] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return open_error(err, errno, "open directory", dir);
    }
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    return rc == 0 ? ERR_OK : open_error(err, saved, "fsync directory", dir);
}

ErrCode file_out_commit(FileOut *out, bool durable, Err *err)
{
    ErrCode rc = flush_buffer(out, err);
    if (rc == ERR_OK && durable && fsync(out->fd) != 0)
        rc = err_errno(err, ERR_IO, errno, "could not fsync file \"%s\"", out->path);
    if (close(out->fd) != 0 && rc == ERR_OK)
        rc = err_errno(err, ERR_IO, errno, "could not close file \"%s\"", out->path);
    /* the new name must survive a crash too, not only the bytes */
    if (rc == ERR_OK && durable)
        rc = sync_parent_dir(out->path, err);
    /* A file whose commit failed is incomplete: delete it, as abort would. */
    if (rc != ERR_OK)
        unlink(out->path);
    out->fd = -1;
    strbuf_fini(&out->buf);
    return rc;
}

void file_out_abort(FileOut *out)
{
    if (out->fd >= 0) {
        close(out->fd);
        unlink(out->path);
    }
    out->fd = -1;
    strbuf_fini(&out->buf);
}

ErrCode file_read_all(const char *path, StrBuf *out, Err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return open_error(err, errno, "open", path);
    ErrCode rc = ERR_OK;
    for (;;) {
        rc = strbuf_reserve(out, 64 * 1024, err);
        if (rc != ERR_OK)
            break;
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = open_error(err, errno, "read", path);
            break;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
    }
    close(fd);
    return rc;
}

ErrCode file_write_atomic(const char *path, const void *bytes, size_t len, bool durable, Err *err)
{
    char tmp[4096];
    /* a random suffix: two writers of the same path never share a temporary file */
    int n = snprintf(tmp, sizeof tmp, "%s.tmp-%016llx", path,
                     (unsigned long long)hash_seed_random());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        return err_set(err, ERR_INVALID, "path too long: %.64s...", path);
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return open_error(err, errno, "create", tmp);
    }
    const uint8_t *p = bytes;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            int saved = errno;
            close(fd);
            unlink(tmp);
            return open_error(err, saved, "write", tmp);
        }
        p += w;
        left -= (size_t)w;
    }
    if (durable && fsync(fd) != 0) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        return open_error(err, saved, "fsync", tmp);
    }
    if (close(fd) != 0) {
        int saved = errno;
        unlink(tmp);
        return open_error(err, saved, "close", tmp);
    }
    if (rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        return open_error(err, saved, "rename into", path);
    }
    return durable ? sync_parent_dir(path, err) : ERR_OK;
}

ErrCode file_mkdirs(const char *path, Err *err)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len >= sizeof buf) {
        return err_set(err, ERR_INVALID, "path too long: %.64s...", path);
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char saved = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0755) == 0) {
                /* a new directory's entry is durable once its parent is synced */
                ErrCode rc = sync_parent_dir(buf, err);
                if (rc != ERR_OK) {
                    return rc;
                }
            } else if (errno != EEXIST) {
                return open_error(err, errno, "create directory", buf);
            }
            buf[i] = saved;
        }
    }
    return ERR_OK;
}
