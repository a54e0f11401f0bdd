/* cmd_gen.c — `tarn gen envoy`: synthetic Envoy Gateway access logs on stdout (cli layer;
 * the generator is stream/envoy_gen).
 *
 *   tarn gen envoy [--events N] [--start TS] [--days D] [--seed S]
 *
 * Defaults: 100000 events over 1 day from 2026-11-01T00:00:00Z with seed 1. The start is
 * fixed rather than "now" so that the same arguments always give the same bytes. Options
 * also take the --name=value form; --data DIR is accepted (every command takes it) and
 * unused. Lines are generated into a 1 MiB buffer and written with write(2) in big chunks
 * (a pipe on stdout is asked for a 1 MiB buffer too).
 * A closed pipe (`| head`) ends the command quietly with status 0; SIGPIPE is ignored so
 * the write reports EPIPE instead of killing the process. Exit status: 0 success, 1 write
 * failure, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/datetime.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "stream/envoy_gen.h"

#define BUFFER_BYTES ((size_t)1 << 20)

static int usage_error(const char *fmt, ...) TN_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tarn gen: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nusage: %s\n", cli_command_usage("gen"));
    va_end(ap);
    return 2;
}

/* A whole decimal number in [lo, hi]; false otherwise. */
static bool parse_int(const char *text, long long lo, long long hi, long long *out)
{
    if (!*text)
        return false;
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < lo || value > hi)
        return false;
    *out = value;
    return true;
}

static bool parse_seed(const char *text, uint64_t *out)
{
    if (!*text || *text == '-')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = value;
    return true;
}

/* Apply one option; returns 0 or the usage-error status. */
static int apply_option(EnvoyGenOptions *opts, const char *name, const char *value)
{
    long long number;
    if (strcmp(name, "--events") == 0) {
        if (!parse_int(value, 0, INT64_MAX, &number))
            return usage_error("--events wants a whole number >= 0, not \"%s\"", value);
        opts->n_events = number;
    } else if (strcmp(name, "--days") == 0) {
        if (!parse_int(value, 1, ENVOY_GEN_MAX_DAYS, &number))
            return usage_error("--days wants a whole number from 1 to 3660, not \"%s\"", value);
        opts->n_days = (int32_t)number;
    } else if (strcmp(name, "--seed") == 0) {
        if (!parse_seed(value, &opts->seed))
            return usage_error("--seed wants a whole number >= 0, not \"%s\"", value);
    } else if (strcmp(name, "--start") == 0) {
        Err err;
        if (datetime_parse(value, strlen(value), &opts->start_us, NULL, &err) != ERR_OK)
            return usage_error("--start: %s", err.msg);
    } else if (strcmp(name, "--data") != 0) {
        return usage_error("unknown option \"%s\"", name);
    }
    return 0;
}

static int parse_args(int argc, char **argv, EnvoyGenOptions *opts)
{
    if (argc < 2)
        return usage_error("%s", "say what to generate: envoy");
    if (strcmp(argv[1], "envoy") != 0)
        return usage_error("unknown generator \"%s\" (only \"envoy\" exists)", argv[1]);
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0)
            return usage_error("unexpected argument \"%s\"", arg);
        const char *eq = strchr(arg, '=');
        char name[32];
        const char *value;
        if (eq) {
            size_t len = (size_t)(eq - arg);
            if (len >= sizeof name)
                return usage_error("unknown option \"%s\"", arg);
            memcpy(name, arg, len);
            name[len] = '\0';
            value = eq + 1;
        } else {
            if (strlen(arg) >= sizeof name)
                return usage_error("unknown option \"%s\"", arg);
            snprintf(name, sizeof name, "%s", arg);
            if (i + 1 >= argc)
                return usage_error("%s needs a value", arg);
            value = argv[++i];
        }
        int status = apply_option(opts, name, value);
        if (status != 0)
            return status;
    }
    return 0;
}

/* Write all of buf to stdout. Returns 0, or -1 with errno set. */
static int write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int generate(EnvoyGen *gen, char *buf)
{
    Err err;
    err_init(&err);
    while (!envoy_gen_done(gen)) {
        size_t len = envoy_gen_fill(gen, buf, BUFFER_BYTES, &err);
        if (len == 0 && !envoy_gen_done(gen)) {
            fprintf(stderr, "tarn gen: %s\n", err.msg);
            return 1;
        }
        if (write_all(buf, len) != 0) {
            if (errno == EPIPE)
                return 0; /* the reader went away (| head): nothing more to do */
            fprintf(stderr, "tarn gen: could not write to standard output: %s\n", strerror(errno));
            return 1;
        }
    }
    return 0;
}

int cmd_gen(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: %s\n", cli_command_usage("gen"));
        return 0;
    }
    EnvoyGenOptions opts = envoy_gen_default_options();
    int status = parse_args(argc, argv, &opts);
    if (status != 0)
        return status;
    Mem mem;
    mem_init(&mem, NULL, "tarn gen", 0);
    Err err;
    err_init(&err);
    EnvoyGen *gen = NULL;
    if (envoy_gen_new(&mem, &opts, &gen, &err) != ERR_OK)
        return usage_error("%s", err.msg);
    char *buf = mem_alloc(&mem, BUFFER_BYTES, &err);
    if (!buf) {
        envoy_gen_free(gen);
        fprintf(stderr, "tarn gen: %s\n", err.msg);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    /* A bigger pipe buffer halves the reader's wakeups (an optimization; failure is fine:
     * stdout may not be a pipe, or the size may exceed /proc/sys/fs/pipe-max-size). */
    (void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, (int)BUFFER_BYTES);
    status = generate(gen, buf);
    mem_free(&mem, buf);
    envoy_gen_free(gen);
    return status;
}
