/* cli.h — the subcommands' entry points (cli layer). main.c dispatches `tarn CMD ARGS...`
 * to cmd_CMD(argc, argv) with argv[0] = CMD; each lives in src/cli/cmd_CMD.c and returns
 * the process exit status: 0 success, 1 failure (message on stderr), 2 usage error.
 */
#ifndef TARN_CLI_CLI_H
#define TARN_CLI_CLI_H

int cmd_gen(int argc, char **argv);
int cmd_load(int argc, char **argv);

#endif
