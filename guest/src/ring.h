/* The retained output of a background command: the last RING_SIZE bytes of its o/e records, oldest dropped
 * first. Readers (attached connections) hold an absolute cursor; one that fell behind the oldest record skips
 * ahead to it, so a slow attacher never holds memory or the command back. */
#ifndef CORRAL_GUEST_RING_H
#define CORRAL_GUEST_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_SIZE (64u << 10)
#define RING_RECORD_HEADER 3
#define RING_RECORD_MAX 4096u

struct ring {
    unsigned char *bytes; /* RING_SIZE bytes, allocated with the command */
    uint64_t head;        /* absolute offset where the next record goes */
    uint64_t tail;        /* absolute offset of the oldest record kept */
};

/* 0, or -1 when the memory is not there. */
int ring_init(struct ring *r);
void ring_free(struct ring *r);
/* Appends one record; len is at most RING_RECORD_MAX. */
void ring_append(struct ring *r, unsigned char type, const void *data, size_t len);
/* Copies the record at *cursor (moved up to the oldest kept one first) into data[RING_RECORD_MAX] and advances
 * *cursor past it. Returns its length, or -1 when the cursor is at the head. */
int ring_read(const struct ring *r, uint64_t *cursor, unsigned char *type, unsigned char *data);

#endif
