/* The file operations: stat, list, read, write, mkdir, move, delete. Each runs in its connection's child with
 * blocking I/O and ends the connection with `r` or `f`; stat and read may also run in the agent's loop with conn
 * FRAME_CAPTURE (see connection.c), so they must close what they open. */
#ifndef CORRAL_GUEST_FILES_H
#define CORRAL_GUEST_FILES_H

#include "frame.h"

int file_stat(int conn, const struct fields *request);
int file_list(int conn, const struct fields *request);
int file_read(int conn, const struct fields *request);
int file_write(int conn, const struct fields *request);
int file_mkdir(int conn, const struct fields *request);
int file_move(int conn, const struct fields *request);
int file_delete(int conn, const struct fields *request);

#endif
