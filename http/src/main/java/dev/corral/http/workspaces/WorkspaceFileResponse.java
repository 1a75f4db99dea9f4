package dev.corral.http.workspaces;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.corral.core.workspace.files.WorkspaceEntry;
import java.time.Instant;

/**
 * A file or folder as the storage API lists it (RunTools §3.2): {@code {id: "/src/index.ts", value: "index.ts",
 * type: "file", date, size}} or {@code {id, value, type: "folder", date, lazy: true, count}}. Links are shown as
 * {@code symlink}, never followed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record WorkspaceFileResponse(String id, String value, String type, Instant date, Long size, Boolean lazy,
                             Long count) {
    static WorkspaceFileResponse of(WorkspaceEntry entry) {
        boolean folder = entry.kind() == WorkspaceEntry.Kind.FOLDER;
        return new WorkspaceFileResponse(entry.path().toString(), entry.name(), entry.kind().wire(),
                entry.modifiedAt(), folder ? null : entry.size(), folder ? Boolean.TRUE : null,
                folder ? entry.children() : null);
    }
}
