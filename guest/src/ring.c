/* A byte ring of length-prefixed records (see ring.h). A record is a type byte, a big-endian uint16 length and
 * the bytes; records wrap around the end of the buffer. */
#include "ring.h"

#include <stdlib.h>

int ring_init(struct ring *r) {
    r->bytes = malloc(RING_SIZE);
    r->head = r->tail = 0;
    return r->bytes == NULL ? -1 : 0;
}

void ring_free(struct ring *r) {
    free(r->bytes);
    r->bytes = NULL;
}

static void put(struct ring *r, uint64_t at, const unsigned char *data, size_t len) {
    for (size_t i = 0; i < len; i++) r->bytes[(at + i) % RING_SIZE] = data[i];
}

static void get(const struct ring *r, uint64_t at, unsigned char *data, size_t len) {
    for (size_t i = 0; i < len; i++) data[i] = r->bytes[(at + i) % RING_SIZE];
}

static size_t record_length(const struct ring *r, uint64_t at) {
    unsigned char header[RING_RECORD_HEADER];
    get(r, at, header, sizeof header);
    return (size_t)header[1] << 8 | header[2];
}

void ring_append(struct ring *r, unsigned char type, const void *data, size_t len) {
    if (len > RING_RECORD_MAX) len = RING_RECORD_MAX;
    size_t need = RING_RECORD_HEADER + len;
    while (r->head + need - r->tail > RING_SIZE) r->tail += RING_RECORD_HEADER + record_length(r, r->tail);
    unsigned char header[RING_RECORD_HEADER] = {type, (unsigned char)(len >> 8), (unsigned char)len};
    put(r, r->head, header, sizeof header);
    put(r, r->head + RING_RECORD_HEADER, data, len);
    r->head += need;
}

int ring_read(const struct ring *r, uint64_t *cursor, unsigned char *type, unsigned char *data) {
    if (*cursor < r->tail) *cursor = r->tail;
    if (*cursor >= r->head) return -1;
    unsigned char header[RING_RECORD_HEADER];
    get(r, *cursor, header, sizeof header);
    size_t len = (size_t)header[1] << 8 | header[2];
    *type = header[0];
    get(r, *cursor + RING_RECORD_HEADER, data, len);
    *cursor += RING_RECORD_HEADER + len;
    return (int)len;
}
