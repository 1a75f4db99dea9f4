package dev.corral.http.workspaces;

import java.util.List;

/** Bodies of the storage API's JSON calls (RunTools §3.2). */
final class WorkspaceFileRequests {
    private WorkspaceFileRequests() {
    }

    /** {@code POST .../files[/{path}]}: a new file (with optional text) or folder named {@code name}. */
    record Create(String name, String type, String contents) {
    }

    /**
     * {@code PUT .../files/{path}}: {@code rename} (target: a new name), {@code move} and {@code copy} (target: a
     * folder), {@code write} (contents: text); {@code PUT .../files} applies {@code copy} or {@code move} to
     * {@code ids}.
     */
    record Change(String operation, String target, String contents, List<String> ids) {
    }

    /** {@code DELETE .../files}: the paths to delete. */
    record Delete(List<String> ids) {
    }
}
