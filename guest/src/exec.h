/* A foreground `exec`, served in the connection's own child process. */
#ifndef CORRAL_GUEST_EXEC_H
#define CORRAL_GUEST_EXEC_H

#include "frame.h"

/* Runs the command of the request on connection conn until it ends or the client goes away, sending `s`,
 * `o`/`e` and `x` (or `f`). Returns the process exit status for the connection child. */
int exec_foreground(int conn, const struct fields *request);

#endif
