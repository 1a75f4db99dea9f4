package dev.corral.http.workspaces;

import java.util.List;

/**
 * Answer of {@code GET /v1/workspaces/{id}/usage}: what the workspace holds, and the sandboxes that have not
 * stopped and mount it (what makes a delete without {@code force} a 409).
 */
public record WorkspaceUsageResponse(String workspaceId, long usedBytes, long quotaBytes, long files,
                                     List<String> sandboxes) {
}
