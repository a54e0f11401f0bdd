/* cli.h — the subcommands' entry points (cli layer). main.c dispatches `tarn CMD ARGS...`
 * to cmd_CMD(argc, argv) with argv[0] = CMD; each lives in src/cli/cmd_CMD.c and returns
 * the process exit status: 0 success, 1 failure (message on stderr), 2 usage error.
 */
#ifndef TARN_CLI_CLI_H
#define TARN_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

int cmd_gen(int argc, char **argv);
int cmd_load(int argc, char **argv);

/* The usage line of a subcommand ("tarn load [--data DIR] ..."), from main.c's command
 * table: the one place each usage is written. */
const char *cli_command_usage(const char *name);

/* Every process runs under one memory budget (DESIGN.md §7): --memory-limit, this by
 * default. */
#define CLI_DEFAULT_MEMORY_LIMIT ((size_t)1 << 30)

/* Parse a positive byte size: a number with an optional K, M, G or T suffix (powers of
 * 1024; "512M", "512MB", "512MiB" are the same). False on anything else. */
bool cli_parse_bytes(const char *text, size_t *out);

#endif
