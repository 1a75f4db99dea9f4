package dev.corral.http.sandboxes;

/** {@code POST /v1/sandboxes/{id}/files/mkdir}. */
record MakeDirectoryRequest(String path) {
}
