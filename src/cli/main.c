/* main.c — the tarn command line: version, help and subcommand dispatch (cli layer).
 * Each subcommand lives in its own cmd_<name>.c as later issues add them; this file owns
 * the table of commands and the usage errors. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "tarn.h"

typedef struct CliCommand {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(int argc, char **argv); /* NULL: announced, arrives with a later issue */
} CliCommand;

static const CliCommand commands[] = {
        {"sql", "run SQL against the lakehouse",
         "tarn sql [-c SQL] [-f FILE] [--format table|csv|json] [--ref BRANCH]", NULL},
        {"load", "load Envoy access logs into an Iceberg table",
         "tarn load [--data DIR] [--table NS.TABLE] [--memory-limit SIZE] FILE...   (- reads "
         "stdin)",
         cmd_load},
        {"gen", "generate synthetic Envoy Gateway traffic",
         "tarn gen envoy [--events N] [--start TS] [--days D] [--seed S]", cmd_gen},
        {"serve", "run ingest, streaming, catalog and SQL servers",
         "tarn serve [--http ADDR:PORT] [--pg ADDR:PORT]", NULL},
        {"demo", "a newcomer's first run", "tarn demo", NULL},
        {"branch", "list, create or delete catalog branches", "tarn branch [NAME [FROM]] [-d NAME]",
         NULL},
        {"tag", "list, create or delete catalog tags", "tarn tag [NAME [FROM]] [-d NAME]", NULL},
        {"log", "show the catalog's commit log", "tarn log [REF] [-n N]", NULL},
        {"merge", "merge one branch into another", "tarn merge FROM [--into TO]", NULL},
        {"diff", "show what differs between two refs", "tarn diff A B", NULL},
};

static void print_overview(FILE *out)
{
    fprintf(out, "tarn %s — a lakehouse for HTTP traffic analytics in one binary\n\n",
            tarn_version());
    fprintf(out, "usage: tarn <command> [options]   (every command takes --data DIR, default "
                 "./tarn-data)\n\n");
    fprintf(out, "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(out, "  %-8s %s%s\n", commands[i].name, commands[i].summary,
                commands[i].run ? "" : " (not yet available)");
    }
    fprintf(out, "\n  tarn help COMMAND   show one command's usage\n  tarn --version\n");
}

static const CliCommand *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

const char *cli_command_usage(const char *name)
{
    const CliCommand *cmd = find_command(name);
    return cmd ? cmd->usage : "tarn help";
}

static int unknown_command(const char *name)
{
    fprintf(stderr, "tarn: unknown command \"%s\"; run \"tarn help\" for the list\n", name);
    return 2;
}

static int run_help(int argc, char **argv)
{
    if (argc < 3) {
        print_overview(stdout);
        return 0;
    }
    const CliCommand *cmd = find_command(argv[2]);
    if (!cmd)
        return unknown_command(argv[2]);
    printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
    if (!cmd->run)
        printf("\nthis command is not available in this build yet\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("tarn %s\n", tarn_version());
        return 0;
    }
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return run_help(argc, argv);
    const CliCommand *cmd = find_command(name);
    if (!cmd)
        return unknown_command(name);
    if (!cmd->run) {
        fprintf(stderr, "tarn %s: not available in this build yet\nusage: %s\n", name, cmd->usage);
        return 2;
    }
    return cmd->run(argc - 1, argv + 1);
}
