package dev.corral.http.workspaces;

/** Answer of {@code GET /v1/workspaces/{id}/usage}: what the workspace holds; {@code quotaBytes} null if unlimited. */
public record WorkspaceUsageResponse(String workspaceId, long usedBytes, Long quotaBytes, long files) {
}
