/* rss_run.c — bench helper: run a command and print its wall time and peak memory as
 * JSON ({"seconds":S,"cpu_seconds":C,"peak_rss_kb":K,"status":N}); CPU time (user + system,
 * all processes waited for) is the fair measure on a machine shared with other work. Peak RSS is
 * the largest resident set of any process the command waited for (getrusage RUSAGE_CHILDREN), so
 * `sh -c "a | b"` reports the bigger of a and b. Used by bench/load/run.mjs to measure tarn and
 * DuckDB the same way. rss_run COMMAND [ARGS...]
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: rss_run COMMAND [ARGS...]\n");
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) {
        perror("rss_run: fork");
        return 1;
    }
    if (pid == 0) {
        /* the command's stdout goes to stderr: stdout carries only our JSON line */
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(argv[1], argv + 1);
        perror("rss_run: exec");
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    struct rusage usage;
    getrusage(RUSAGE_CHILDREN, &usage);
    double seconds =
            (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    double cpu = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
                 (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
    printf("{\"seconds\":%.4f,\"cpu_seconds\":%.4f,\"peak_rss_kb\":%ld,\"status\":%d}\n", seconds,
           cpu, usage.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
