/* `watch`: inotify events under a directory, streamed as `w` frames until the client closes. */
#ifndef CORRAL_GUEST_WATCH_H
#define CORRAL_GUEST_WATCH_H

#include "frame.h"

int watch_serve(int conn, const struct fields *request);

#endif
