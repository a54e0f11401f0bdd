/* test_util.c — see test_util.h. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

const char *test_tmpdir(const char *test_name, char *buf, size_t buf_len)
{
    const char *root = getenv("TARN_TEST_TMP");
    if (!root)
        root = "/tmp/tarn-test";
    mkdir(root, 0755);
    snprintf(buf, buf_len, "%s/%s-%d", root, test_name, (int)getpid());
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", buf);
    if (system(cmd) != 0)
        fail_msg("could not clear %s", buf);
    if (mkdir(buf, 0755) != 0)
        fail_msg("could not create %s", buf);
    return buf;
}
