/* Starting a command as the protocol's `exec` asks: a new session and process group, numeric uid/gid, the
 * environment replaced whole, cwd made if missing, argv[0] looked up in the given PATH, and pipes or a pty.
 * Shared by foreground and background execs, both in the agent itself. */
#ifndef CORRAL_GUEST_SPAWN_H
#define CORRAL_GUEST_SPAWN_H

#include <sys/types.h>

#include "frame.h"

/* The fields of an `exec` request; argv and envp point into the request payload, which must outlive it. */
struct exec_request {
    char **argv;
    char **envp;
    const char *cwd;
    long long uid, gid; /* -1: keep the agent's */
    int pty, cols, rows;
    int stdin_open;
    int background;
    long long timeout_ms;
    long long max_output; /* -1: unlimited */
};

/* A started command. With a pty, out_fd is the master (also written for input) and err_fd and in_fd are -1. */
struct spawned {
    pid_t pid;
    int in_fd, out_fd, err_fd;
};

/* Parses an exec request. Returns 0, or -1 with *problem saying what was malformed. */
int exec_request_parse(const struct fields *f, struct exec_request *req, const char **problem);
void exec_request_free(struct exec_request *req);

/* Starts the command; every fd it returns is non-blocking and close-on-exec. Returns 0, or -1 with *err the
 * errno and what the step that failed ("exec ls", "chdir /x", ...), written into what[what_len]. SIGCHLD must
 * be blocked by the caller, who reaps the command. */
int spawn_command(const struct exec_request *req, struct spawned *out, int *err, char *what, size_t what_len);

/* mkdir -p with mode 0755 for each directory it makes. Returns 0 or -1 with errno set. */
int make_directories(const char *path);

/* Encodes a wait status as the protocol's code= and signal= (code 128+n when signal n ended it). */
void exit_fields(int status, int *code, int *signal);

#endif
