/* The connections the agent serves in its own poll loop: reading each request without blocking, then either
 * forking a child for it or serving it here (hello, exec (see exec.c), the background commands: exec background=1,
 * processes, attach, signal). Single-threaded: only main.c's loop calls these. */
#ifndef CORRAL_GUEST_CONNECTION_H
#define CORRAL_GUEST_CONNECTION_H

#include <poll.h>

#include "background.h"
#include "exec.h"

#define PROTOCOL_VERSION 1
/* Connections the agent itself holds at once (reading a request, listing, attached): room for one attach to
 * every background command and then some. More wait in the listen backlog. */
#define CONNECTIONS_MAX 512

/* Accepts what is waiting on the listening socket, as far as there are free slots. */
void connections_accept(int listen_fd);
/* Until when accepting rests after running out of descriptors (monotonic ms), or a time already past. */
long long connections_accept_paused_until(void);
/* The most descriptors one connection polls. */
#define CONNECTION_POLLFDS EXEC_POLLFDS

/* Fills p[] with what connection slot i waits for (at most CONNECTION_POLLFDS), lowering *next to when it must be
 * looked at even if nothing is ready. Returns how many; 0 for a free slot (or one closed now: timed out, or done). */
int connection_pollfds(int i, struct pollfd *p, long long now, long long *next);
int connection_fd(int i);
/* Handles what poll reported in the p[] that connection_pollfds filled for slot i. Called every round, also when
 * nothing was reported (an exec has work then too: a timeout, draining after its command was reaped). */
void connection_ready(int i, const struct pollfd *p);
/* Closes the connections attached to a command about to be forgotten. */
void connections_detach(struct background *b);

#endif
