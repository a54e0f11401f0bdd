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
    const char *details;               /* `tarn help CMD` text after the summary, or NULL */
} CliCommand;

static const char load_details[] =
        "Reads Envoy Gateway's default JSON access log and Envoy's default text format\n"
        "(detected per line; files may be plain, gzip or zstd, detected by content) and\n"
        "appends the rows to an Apache Iceberg table, created when missing with 20 columns\n"
        "(event_time, method, path, protocol, response_code, ..., client_ip, user_agent,\n"
        "route_name, route_namespace, route) and partitioned by day(event_time). Lines that\n"
        "do not parse go to analytics._rejected (source, line, raw text, reason) in the same\n"
        "atomic commit.\n"
        "\n"
        "  --data DIR           the lakehouse (default ./tarn-data)\n"
        "  --table NS.TABLE     the target table (default analytics.httproute_raw)\n"
        "  --memory-limit SIZE  the process's memory budget (default 1G; 512M, 2G, ...)\n"
        "\n"
        "Prints \"loaded N rows into TABLE (M rejected) in S s\". Exit status: 0 when rows\n"
        "were loaded; 1 when nothing could be loaded or a file could not be read (then\n"
        "nothing is written); 2 for usage errors.\n"
        "\n"
        "example: tarn gen envoy --events 100000 | tarn load --data /tmp/lake -\n";

static const char gen_details[] =
        "Writes realistic synthetic Envoy Gateway JSON access logs to stdout: ~30 HTTPRoutes\n"
        "with Zipf popularity, thousands of clients, a diurnal load curve, per-route\n"
        "latencies, status/flag/user-agent mixes and four injected incidents (a latency\n"
        "regression, a 5xx burst, credential stuffing, a path scan). The same options give\n"
        "the same bytes.\n"
        "\n"
        "  --events N   how many lines (default 100000)\n"
        "  --days D     over how many days (default 1)\n"
        "  --start TS   the first day, RFC 3339 (default 2026-11-01T00:00:00Z)\n"
        "  --seed S     the random seed (default 1)\n";

static const CliCommand commands[] = {
        {"sql", "run SQL against the lakehouse",
         "tarn sql [-c SQL] [-f FILE] [--format table|csv|json] [--ref BRANCH]", NULL, NULL},
        {"load", "load Envoy access logs into an Iceberg table",
         "tarn load [--data DIR] [--table NS.TABLE] [--memory-limit SIZE] FILE...   (- reads "
         "stdin)",
         cmd_load, load_details},
        {"gen", "generate synthetic Envoy Gateway traffic",
         "tarn gen envoy [--events N] [--start TS] [--days D] [--seed S]", cmd_gen, gen_details},
        {"serve", "run ingest, streaming, catalog and SQL servers",
         "tarn serve [--http ADDR:PORT] [--pg ADDR:PORT]", NULL, NULL},
        {"demo", "a newcomer's first run", "tarn demo", NULL, NULL},
        {"branch", "list, create or delete catalog branches", "tarn branch [NAME [FROM]] [-d NAME]",
         NULL, NULL},
        {"tag", "list, create or delete catalog tags", "tarn tag [NAME [FROM]] [-d NAME]", NULL,
         NULL},
        {"log", "show the catalog's commit log", "tarn log [REF] [-n N]", NULL, NULL},
        {"merge", "merge one branch into another", "tarn merge FROM [--into TO]", NULL, NULL},
        {"diff", "show what differs between two refs", "tarn diff A B", NULL, NULL},
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
    if (cmd->details)
        printf("\n%s", cmd->details);
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
