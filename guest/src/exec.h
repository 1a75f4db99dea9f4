/* A foreground `exec`, served in the agent's own poll loop (see exec.c). Single-threaded: only the loop (through
 * connection.c) calls these. */
#ifndef CORRAL_GUEST_EXEC_H
#define CORRAL_GUEST_EXEC_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

#include "frame.h"

/* The most descriptors one exec polls: the connection, stdout, stderr, stdin. */
#define EXEC_POLLFDS 4

struct session;

/* Starts the command of the request on connection conn (non-blocking, which the session uses but does not own)
 * and sends `s`. Returns the session, or NULL with *code and message[] for the `f` frame (nothing was sent). */
struct session *exec_start(int conn, const struct fields *request, const char **code, char *message,
                           size_t message_len);
/* Fills p[] with what the session waits for (at most EXEC_POLLFDS; p[0] is the connection), lowering *next to
 * when it must be looked at even if nothing is ready. Returns how many. */
int exec_pollfds(struct session *s, struct pollfd *p, long long now, long long *next);
/* Handles what poll reported in the p[] filled by exec_pollfds (called every round). Returns 1 when the exec is
 * over (its last frame sent, or the client gone) and the connection is to be closed. */
int exec_ready(struct session *s, const struct pollfd *p);
/* Records the wait status of pid if it is a session's command. Returns 1 if it was. */
int exec_reaped(pid_t pid, int status);
/* Frees the session; its command's process group is killed unless the exec ended with `x` or `f`. */
void exec_end(struct session *s);

#endif
