package dev.corral.http.sandboxes;

/** {@code POST /v1/sandboxes/{id}/files/move}. */
record MoveFileRequest(String from, String to) {
}
