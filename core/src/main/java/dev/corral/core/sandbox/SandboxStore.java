package dev.corral.core.sandbox;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where sandbox records are kept. Every read a client can cause is scoped to an organization. */
public interface SandboxStore {
    /** Stores a new sandbox; {@code conflict} when another sandbox of the organization that is not stopped or
     * failed has the same name. */
    void insert(Sandbox sandbox);

    Optional<Sandbox> find(OrganizationId organizationId, SandboxId id);

    /** The newest sandbox of the organization with this name that is not stopped or failed. */
    Optional<Sandbox> findByName(OrganizationId organizationId, String name);

    /** The organization's sandboxes matching {@code filter}, newest first. */
    Page<Sandbox> list(OrganizationId organizationId, SandboxFilter filter, PageRequest page);

    /** The ids of the organization's creating, running or paused sandboxes that mount {@code workspace}. */
    List<String> sandboxesMounting(OrganizationId organizationId, WorkspaceId workspace);

    /** How many of the organization's sandboxes are creating, running or paused. */
    int countActive(OrganizationId organizationId);

    /** How many sandboxes of every organization are creating, running or paused: what this host holds. */
    default int countAllActive() {
        return listActive().size();
    }

    /** Every sandbox of every organization that is creating, running or paused: what the runtime should hold. */
    List<Sandbox> listActive();

    /**
     * Replaces the mutable part of the stored sandbox (status, error, pause and stop times) with {@code sandbox}'s,
     * and moves its last activity forward to {@code sandbox}'s when that is later; does nothing for an unknown id.
     */
    void update(Sandbox sandbox);

    /**
     * Replaces the settings a client may change after creation (name, tags, metadata, idle timeout, maximum
     * runtime, network policy) of the stored sandbox with {@code sandbox}'s, all at once; {@code conflict} when the name is another
     * live sandbox's of the organization, and then nothing changes. Does nothing for an unknown id.
     */
    void updateSettings(Sandbox sandbox);

    /** Moves the last activity forward to {@code at}; an earlier time changes nothing. */
    void recordActivity(SandboxId id, Instant at);
}
