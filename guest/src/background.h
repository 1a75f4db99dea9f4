/* The process table of background commands: kept by the agent itself (not a connection's child), so that any
 * later connection can list, attach to and signal them. Single-threaded: only the agent's poll loop uses it. */
#ifndef CORRAL_GUEST_BACKGROUND_H
#define CORRAL_GUEST_BACKGROUND_H

#include <sys/types.h>

#include "ring.h"
#include "spawn.h"

#define BACKGROUND_MAX 256
/* How long an ended command stays listed. */
#define BACKGROUND_KEEP_MS (10ll * 60 * 1000)
#define COMMAND_TEXT_MAX 1024

struct background {
    char id[32];
    pid_t pid;
    int out_fd, err_fd; /* -1 once at their end */
    char command[COMMAND_TEXT_MAX];
    long long started_ms;   /* wall clock */
    long long deadline_ms;  /* monotonic; 0 for none */
    long long ended_ms;     /* monotonic; 0 while running */
    int running, code, signal, timed_out;
    struct ring ring;
};

/* The table: BACKGROUND_MAX slots, NULL when free. */
extern struct background *backgrounds[BACKGROUND_MAX];

long long monotonic_ms(void);
long long wall_ms(void);

/* Starts a background command. Returns it, or NULL with *err and what[] saying why (EAGAIN: the table is full
 * of running commands). */
struct background *background_start(const struct exec_request *req, int *err, char *what, size_t what_len);
struct background *background_find(const char *id);
/* Reads what is waiting on fd (its out_fd or err_fd) into the ring. */
void background_read(struct background *b, int fd);
/* Records the wait status of pid if it is a background command; drains and closes its pipes. */
void background_reaped(pid_t pid, int status);
/* Kills commands past their timeout. Returns the earliest deadline left, or 0. */
long long background_timeouts(long long now);
/* 1 when slot i holds a command ended long enough ago to be forgotten. */
int background_expired(int i, long long now);
/* Forgets slot i; calls background_forgetting first, so that whoever is attached to it can let go. */
void background_forget(int i);
extern void (*background_forgetting)(struct background *b);

#endif
