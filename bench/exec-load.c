/*
 * Exec load generator for bench/agent-bench.ts: starts /bin/true at RATE
 * execs per second for SECONDS seconds, one at a time, and prints how many
 * ran and the rate achieved as JSON. The benchmark runs several of these
 * in parallel, because one exec at a time cannot reach 2,000 per second
 * on a small virtual machine.
 *
 *   exec-load RATE SECONDS
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: exec-load RATE SECONDS\n");
    return 2;
  }
  double rate = atof(argv[1]);
  double seconds = atof(argv[2]);
  long total = (long)(rate * seconds);
  long done = 0;
  char *args[] = {"/bin/true", NULL};
  double start = now();
  while (done < total) {
    long due = (long)((now() - start) * rate);
    if (done >= due) {
      struct timespec pause = {0, 200000};
      nanosleep(&pause, NULL);
      continue;
    }
    pid_t pid;
    if (posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ) == 0) {
      waitpid(pid, NULL, 0);
    }
    done++;
  }
  double wall = now() - start;
  printf("{\"finished\":%ld,\"wallMs\":%.1f,\"rate\":%.1f}\n", done,
         wall * 1000, done / wall);
  return 0;
}
