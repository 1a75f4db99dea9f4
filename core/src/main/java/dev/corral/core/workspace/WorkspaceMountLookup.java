package dev.corral.core.workspace;

import dev.corral.core.org.OrganizationId;
import java.util.List;

/** Tells which sandboxes that have not stopped mount a workspace: what makes a workspace "in use". */
@FunctionalInterface
public interface WorkspaceMountLookup {
    /** The ids of the organization's creating, running or paused sandboxes that mount {@code workspace}. */
    List<String> sandboxesMounting(OrganizationId organizationId, WorkspaceId workspace);
}
