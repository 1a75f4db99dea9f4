package dev.corral.core.workspace;

import dev.corral.core.error.CorralException;
import dev.corral.core.id.Slugs;
import dev.corral.core.key.Principal;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.plan.Plans;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Creates, finds, changes and deletes an organization's workspaces, keeping each record and its host directory
 * together. A workspace is named by its UUID or by its slug, which is unique within the organization.
 */
public final class WorkspaceService {
    static final int MAX_NAME_LENGTH = 100;

    private final WorkspaceStore store;
    private final WorkspaceVolumes volumes;
    private final Plans plans;
    private final InstantSource clock;

    public WorkspaceService(WorkspaceStore store, WorkspaceVolumes volumes, Plans plans, InstantSource clock) {
        this.store = store;
        this.volumes = volumes;
        this.plans = plans;
        this.clock = clock;
    }

    /**
     * Stores a workspace and creates its directory. The slug is made from the name when absent; {@code conflict}
     * when the organization already uses it, {@code quota_exceeded} when the quota is above the plan's storage.
     */
    public Workspace create(Principal caller, String name, Optional<String> slug, Optional<Long> quotaBytes) {
        String validName = validName(name);
        String validSlug = Slugs.requireValid("slug", slug.orElseGet(() -> Slugs.of(validName, "workspace")));
        Optional<Long> validQuota = validQuota(caller, quotaBytes);
        if (store.findBySlug(caller.organizationId(), validSlug).isPresent()) {
            throw duplicate(validSlug);
        }
        Instant now = clock.instant();
        var workspace = new Workspace(WorkspaceId.random(), caller.organizationId(), validName, validSlug,
                validQuota, now, now);
        store.insert(workspace);
        try {
            volumes.create(workspace.id());
        } catch (RuntimeException e) {
            store.delete(workspace.organizationId(), workspace.id());
            throw e;
        }
        return workspace;
    }

    public Page<Workspace> list(Principal caller, PageRequest page) {
        return store.list(caller.organizationId(), page);
    }

    /** The caller's workspace with this UUID or slug; {@code not_found} otherwise. */
    public Workspace get(Principal caller, String idOrSlug) {
        Optional<Workspace> byId = isUuid(idOrSlug)
                ? store.find(caller.organizationId(), WorkspaceId.parse(idOrSlug))
                : Optional.empty();
        return byId.or(() -> store.findBySlug(caller.organizationId(), idOrSlug))
                .orElseThrow(() -> CorralException.notFound("workspace", idOrSlug));
    }

    /** Renames a workspace or sets its quota; absent values keep what is stored. */
    public Workspace update(Principal caller, String idOrSlug, Optional<String> name, Optional<Long> quotaBytes) {
        Workspace current = get(caller, idOrSlug);
        String newName = name.map(WorkspaceService::validName).orElse(current.name());
        Optional<Long> newQuota = quotaBytes.isPresent() ? validQuota(caller, quotaBytes) : current.quotaBytes();
        Workspace updated = current.withChanges(newName, newQuota, clock.instant());
        if (!store.update(updated)) {
            throw CorralException.notFound("workspace", idOrSlug);
        }
        return updated;
    }

    /**
     * Deletes the record, then the directory with every file in it. Nothing mounts workspaces yet, so no
     * workspace is ever in use.
     */
    public Workspace delete(Principal caller, String idOrSlug) {
        Workspace workspace = get(caller, idOrSlug);
        if (!store.delete(workspace.organizationId(), workspace.id())) {
            throw CorralException.notFound("workspace", idOrSlug);
        }
        volumes.delete(workspace.id());
        return workspace;
    }

    /** What the workspace's directory holds now; walks the whole tree, so it costs as much as there are files. */
    public WorkspaceUsage usage(Workspace workspace) {
        return volumes.usage(workspace.id());
    }

    /** The bytes the workspace may hold: its own quota, else the plan's storage ({@link Long#MAX_VALUE}: no limit). */
    public long quotaOf(Principal caller, Workspace workspace) {
        return workspace.quotaBytes().orElse(plans.of(caller.organization().tier()).maxStorageBytes());
    }

    private Optional<Long> validQuota(Principal caller, Optional<Long> quotaBytes) {
        if (quotaBytes.isEmpty()) {
            return quotaBytes;
        }
        long quota = quotaBytes.get();
        if (quota < 1) {
            throw CorralException.invalid("quotaBytes", "must be a positive number of bytes");
        }
        long max = plans.of(caller.organization().tier()).maxStorageBytes();
        if (quota > max) {
            throw CorralException.quotaExceeded("quotaBytes " + quota + " is above the plan's storage of " + max
                    + " bytes");
        }
        return quotaBytes;
    }

    private static String validName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH) {
            throw CorralException.invalid("name", "must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        return trimmed;
    }

    private static boolean isUuid(String text) {
        try {
            WorkspaceId.parse(text);
            return true;
        } catch (CorralException e) {
            return false;
        }
    }

    private static CorralException duplicate(String slug) {
        return CorralException.conflict("A workspace with slug '" + slug + "' already exists");
    }
}
