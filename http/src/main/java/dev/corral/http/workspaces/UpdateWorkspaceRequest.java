package dev.corral.http.workspaces;

/** Body of {@code PATCH /v1/workspaces/{id}}: any of the fields, absent ones unchanged. */
public record UpdateWorkspaceRequest(String name, Long quotaBytes) {
}
