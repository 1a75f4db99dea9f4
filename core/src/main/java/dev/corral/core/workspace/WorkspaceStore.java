package dev.corral.core.workspace;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.util.List;
import java.util.Optional;

/** Where workspace records are kept. Every call is scoped to an organization; safe for concurrent use. */
public interface WorkspaceStore {
    /** Stores a new workspace; {@code conflict} when the organization already has one with its slug. */
    void insert(Workspace workspace);

    Optional<Workspace> find(OrganizationId organizationId, WorkspaceId id);

    Optional<Workspace> findBySlug(OrganizationId organizationId, String slug);

    /** The organization's workspaces, newest first. */
    Page<Workspace> list(OrganizationId organizationId, PageRequest page);

    /** Replaces name, quota and update time; returns false when there is no such workspace. */
    boolean update(Workspace workspace);

    /** What the quotas of the organization's workspaces add up to. */
    long totalQuotaBytes(OrganizationId organizationId);

    /** Every workspace of every organization. */
    List<WorkspaceId> allIds();

    /** Removes the record; returns false when there was none. */
    boolean delete(OrganizationId organizationId, WorkspaceId id);
}
