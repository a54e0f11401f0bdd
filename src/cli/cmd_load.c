/* cmd_load.c — `tarn load [--data DIR] [--table NS.TABLE] [--memory-limit SIZE] FILE...`:
 * Envoy access logs into an Iceberg table in one atomic commit (the work is
 * stream/envoy_load.c's; this file reads the files, shows progress on a terminal and
 * prints the outcome). The process runs under one memory budget, 1 GiB by default.
 *
 * Files and stdin ("-") are read in 4 MiB chunks into one buffer; gzip and zstd input
 * (rotated logs: access.log.2.gz) is decompressed on the way, detected by content.
 * An unreadable file aborts the whole load before anything is committed (exit 1); lines
 * that do not parse are rejects, not errors. Exit status: 0 when rows were loaded, 1 when
 * nothing could be loaded or a file could not be read, 2 for usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/datetime.h"
#include "cli/cli.h"
#include "format/input_stream.h"
#include "stream/envoy_load.h"

#define LOAD_CHUNK_BYTES ((size_t)4 << 20)

typedef struct LoadProgress {
    bool is_tty;
    int64_t start_ns;
    int64_t last_ns;
    int64_t total_bytes; /* of the regular files, for the percentage; 0 = unknown */
    int64_t done_bytes;  /* read from them so far (compressed bytes for .gz/.zst) */
} LoadProgress;

static void progress_show(LoadProgress *progress, const EnvoyLoader *loader, bool is_final)
{
    if (!progress->is_tty) {
        return;
    }
    int64_t now = datetime_monotonic_ns();
    if (!is_final && now - progress->last_ns < 200000000) {
        return; /* 5 updates a second are plenty */
    }
    progress->last_ns = now;
    EnvoyLoadStats stats;
    envoy_loader_stats(loader, &stats);
    double seconds = (double)(now - progress->start_ns) / 1e9;
    double rate = seconds > 0 ? (double)stats.n_rows / seconds : 0;
    if (progress->total_bytes > 0) {
        double fraction = (double)progress->done_bytes / (double)progress->total_bytes;
        double eta = fraction > 0 ? seconds / fraction - seconds : 0;
        int width = 30, filled = (int)(fraction * width);
        char bar[64];
        for (int i = 0; i < width; i++) {
            bar[i] = i < filled ? '#' : '.';
        }
        bar[width] = '\0';
        fprintf(stderr, "\r[%s] %3.0f%% %lld rows, %.0f rows/s, ETA %.0f s   ", bar, fraction * 100,
                (long long)stats.n_rows, rate, eta);
    } else {
        fprintf(stderr, "\r%lld rows, %.0f rows/s   ", (long long)stats.n_rows, rate);
    }
    if (is_final) {
        fputc('\n', stderr);
    }
}

static int usage(const char *message)
{
    fprintf(stderr, "tarn load: %s\nusage: %s\n", message, cli_command_usage("load"));
    return 2;
}

/* Feed one input (a file, or stdin when fd is STDIN_FILENO) in LOAD_CHUNK_BYTES reads
 * into one reused buffer: reading beats mapping here (no page fault per 4 KiB of input)
 * and keeps the input out of the resident set. */
/* Feed one input (a file, or stdin when fd is STDIN_FILENO) in LOAD_CHUNK_BYTES pieces into
 * one reused buffer, decompressing gzip and zstd input on the way (input_stream.h). Reading
 * beats mapping here: no page fault per 4 KiB of input, and the input stays out of the
 * resident set. */
static ErrCode load_fd(EnvoyLoader *loader, Mem *mem, int fd, const char *source, char *buf,
                       LoadProgress *progress, Err *err)
{
    InputStream *in;
    ErrCode rc = input_stream_open(mem, fd, source, &in, err);
    int64_t done_before = progress->done_bytes;
    while (rc == ERR_OK) {
        size_t n = 0;
        rc = input_stream_read(in, buf, LOAD_CHUNK_BYTES, &n, err);
        if (rc == ERR_OK) {
            rc = envoy_loader_feed(loader, source, buf, n, n == 0, err);
        }
        progress->done_bytes = done_before + input_stream_raw_bytes(in);
        progress_show(progress, loader, false);
        if (n == 0) {
            break;
        }
    }
    input_stream_close(in);
    return rc;
}

static ErrCode load_input(EnvoyLoader *loader, Mem *mem, const char *path, char *buf,
                          LoadProgress *progress, Err *err)
{
    if (strcmp(path, "-") == 0) {
        return load_fd(loader, mem, STDIN_FILENO, "-", buf, progress, err);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return err_errno(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, errno,
                         "could not open \"%s\"", path);
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    ErrCode rc = load_fd(loader, mem, fd, path, buf, progress, err);
    close(fd);
    return rc;
}

int cmd_load(int argc, char **argv)
{
    const char *data_dir = "./tarn-data";
    const char *table = "analytics.httproute_raw";
    size_t memory_limit = CLI_DEFAULT_MEMORY_LIMIT;
    int n_files = 0; /* file arguments are compacted into argv[1..n_files] */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 || strcmp(argv[i], "--table") == 0 ||
            strcmp(argv[i], "--memory-limit") == 0) {
            if (i + 1 >= argc) {
                return usage("an option needs a value");
            }
            if (argv[i][2] == 'm') {
                if (!cli_parse_bytes(argv[i + 1], &memory_limit)) {
                    return usage("--memory-limit takes a size such as 512M or 2G");
                }
            } else {
                *(argv[i][2] == 'd' ? &data_dir : &table) = argv[i + 1];
            }
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            char message[160];
            snprintf(message, sizeof message, "unknown option \"%s\"", argv[i]);
            return usage(message);
        } else {
            argv[++n_files] = argv[i];
        }
    }
    if (n_files == 0) {
        return usage("name at least one FILE (- for stdin)");
    }
    char ns[129], name[129];
    const char *dot = strchr(table, '.');
    if (!dot || (size_t)(dot - table) >= sizeof ns || strlen(dot + 1) >= sizeof name) {
        return usage("--table must be NAMESPACE.TABLE, e.g. analytics.httproute_raw");
    }
    snprintf(ns, sizeof ns, "%.*s", (int)(dot - table), table);
    snprintf(name, sizeof name, "%s", dot + 1);

    Mem mem;
    mem_init(&mem, NULL, "tarn load", memory_limit);
    Err err;
    err_init(&err);
    LoadProgress progress = {isatty(STDERR_FILENO) != 0, datetime_monotonic_ns(), 0, 0, 0};
    /* every file must be readable before anything is created or written */
    for (int i = 1; i <= n_files; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") == 0) {
            continue;
        }
        if (stat(argv[i], &st) != 0 || access(argv[i], R_OK) != 0) {
            fprintf(stderr, "tarn load: could not open \"%s\": %s\n", argv[i], strerror(errno));
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            fprintf(stderr, "tarn load: \"%s\" is a directory, not a log file\n", argv[i]);
            return 1;
        }
        progress.total_bytes += st.st_size;
    }
    IceStore *store = NULL;
    EnvoyLoader *loader = NULL;
    long n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    ErrCode rc = ice_store_open(&mem, data_dir, &store, &err);
    if (rc == ERR_OK) {
        rc = envoy_loader_open(&mem, store, ns, name, n_cpus > 0 ? (int)n_cpus : 1, &loader, &err);
    }
    char *buf = rc == ERR_OK ? mem_alloc(&mem, LOAD_CHUNK_BYTES, &err) : NULL;
    if (rc == ERR_OK && !buf) {
        rc = ERR_NOMEM;
    }
    for (int i = 1; rc == ERR_OK && i <= n_files; i++) {
        rc = load_input(loader, &mem, argv[i], buf, &progress, &err);
    }
    mem_free(&mem, buf);
    EnvoyLoadStats stats = {0};
    if (rc == ERR_OK) {
        progress_show(&progress, loader, true);
        rc = envoy_loader_commit(loader, &stats, &err);
    } else {
        envoy_loader_abort(loader);
    }
    ice_store_close(store);
    if (rc != ERR_OK) {
        fprintf(stderr, "tarn load: %s\n", err.msg);
        return 1;
    }
    double seconds = (double)(datetime_monotonic_ns() - progress.start_ns) / 1e9;
    printf("loaded %lld rows into %s (%lld rejected) in %.2f s\n", (long long)stats.n_rows, table,
           (long long)stats.n_rejected, seconds);
    fflush(stdout); /* the outcome line comes before any note on stderr */
    if (stats.n_rows == 0) {
        fprintf(stderr, "tarn load: nothing could be loaded%s\n",
                stats.n_rejected ? "; see analytics._rejected for the reasons" : "");
        return 1;
    }
    return 0;
}
