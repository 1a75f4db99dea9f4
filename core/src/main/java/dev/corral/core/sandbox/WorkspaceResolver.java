package dev.corral.core.sandbox;

import dev.corral.core.key.Principal;
import dev.corral.core.workspace.WorkspaceId;

/** Finds, or makes on first use, the workspace a sandbox's mount names. */
@FunctionalInterface
public interface WorkspaceResolver {
    /**
     * The caller's workspace named {@code reference} (UUID, slug, or free-form id made now); {@code
     * validation_failed} naming {@code field} or {@code quota_exceeded} when none can be had.
     */
    WorkspaceId resolveForMount(Principal caller, String field, String reference);
}
