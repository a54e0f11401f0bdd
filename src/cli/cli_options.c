/* cli_options.c — option values shared by the subcommands (cli layer): byte sizes such as
 * --memory-limit 512M. Each subcommand parses its own argv; these helpers keep the
 * accepted spellings and messages the same everywhere. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

bool cli_parse_bytes(const char *text, size_t *out)
{
    errno = 0;
    char *end;
    unsigned long long value = strtoull(text, &end, 10);
    if (end == text || errno != 0 || text[0] == '-') {
        return false;
    }
    unsigned shift = 0;
    switch (toupper((unsigned char)*end)) {
    case '\0':
        break;
    case 'K':
        shift = 10;
        break;
    case 'M':
        shift = 20;
        break;
    case 'G':
        shift = 30;
        break;
    case 'T':
        shift = 40;
        break;
    default:
        return false;
    }
    if (*end) {
        end++;
        /* "512M", "512MB", "512MiB" all mean 512 MiB */
        if (strcasecmp(end, "B") != 0 && strcasecmp(end, "iB") != 0 && *end != '\0') {
            return false;
        }
    }
    if (value == 0 || value > (SIZE_MAX >> shift)) {
        return false;
    }
    *out = (size_t)value << shift;
    return true;
}
