package dev.corral.core.workspace;

import dev.corral.core.error.CorralException;
import dev.corral.core.id.Slugs;
import dev.corral.core.key.Principal;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.plan.Plans;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.io.DataSize;
import dev.corral.core.workspace.files.TreeSize;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.core.workspace.files.WorkspacePath;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Creates, finds, resizes and deletes an organization's workspaces, keeping each record and its volume together.
 * A workspace is named by its UUID or by its slug, unique within the organization; a DEV-style free-form id is a
 * slug whose workspace is made on its first mount.
 *
 * <p>Quotas: each workspace's volume holds its {@code quotaBytes} ({@value #DEFAULT_QUOTA_BYTES} bytes unless
 * asked otherwise), and the quotas of an organization's workspaces add up to at most its plan's storage, so neither
 * one workspace nor all of them together can hold more than the plan allows, whoever writes.
 *
 * <p>Threading: safe for concurrent use. One lock serializes the changes that move quotas (create, resize,
 * delete), which are rare, so that two of them cannot both pass the organization's total.
 */
public final class WorkspaceService {
    public static final long DEFAULT_QUOTA_BYTES = 1L << 30;
    static final int MAX_NAME_LENGTH = 100;

    private final WorkspaceStore store;
    private final WorkspaceVolumes volumes;
    private final WorkspaceMountLookup mounts;
    private final Plans plans;
    private final InstantSource clock;
    private final ReentrantLock quotaLock = new ReentrantLock();

    public WorkspaceService(WorkspaceStore store, WorkspaceVolumes volumes, WorkspaceMountLookup mounts, Plans plans,
                            InstantSource clock) {
        this.store = store;
        this.volumes = volumes;
        this.mounts = mounts;
        this.plans = plans;
        this.clock = clock;
    }

    /**
     * Stores a workspace and makes its volume. The slug is made from the name when absent; {@code conflict} when
     * the organization already uses it, {@code quota_exceeded} when the quota does not fit in the plan's storage.
     */
    public Workspace create(Principal caller, String name, Optional<String> slug, Optional<Long> quotaBytes) {
        AccessPolicy.require(caller, Action.WORKSPACE_WRITE);
        String validName = validName(name);
        String validSlug = Slugs.requireValid("slug", slug.orElseGet(() -> Slugs.of(validName, "workspace")));
        quotaLock.lock();
        try {
            return createLocked(caller, validName, validSlug, quotaBytes);
        } finally {
            quotaLock.unlock();
        }
    }

    private Workspace createLocked(Principal caller, String name, String slug, Optional<Long> quotaBytes) {
        long quota = quotaBytes.orElse(Math.min(DEFAULT_QUOTA_BYTES, storageOf(caller)));
        checkQuota(caller, quota, 0);
        if (store.findBySlug(caller.organizationId(), slug).isPresent()) {
            throw CorralException.conflict("A workspace with slug '" + slug + "' already exists");
        }
        Instant now = clock.instant();
        var workspace = new Workspace(WorkspaceId.random(), caller.organizationId(), name, slug, quota, now, now);
        store.insert(workspace);
        try {
            volumes.create(workspace.id(), quota);
        } catch (RuntimeException e) {
            store.delete(workspace.organizationId(), workspace.id());
            throw e;
        }
        return workspace;
    }

    public Page<Workspace> list(Principal caller, PageRequest page) {
        AccessPolicy.require(caller, Action.WORKSPACE_READ);
        return store.list(caller.organizationId(), page);
    }

    /** The caller's workspace with this UUID or slug; {@code not_found} otherwise. */
    public Workspace get(Principal caller, String idOrSlug) {
        AccessPolicy.require(caller, Action.WORKSPACE_READ);
        return lookup(caller, idOrSlug);
    }

    /**
     * As {@link #get}, with no permission check: for the services that work in a workspace (its files), which
     * check their own action first.
     */
    public Workspace lookup(Principal caller, String idOrSlug) {
        return find(caller, idOrSlug).orElseThrow(() -> CorralException.notFound("workspace", idOrSlug));
    }

    /**
     * The workspace a sandbox's mount names: by UUID or slug, or made now (with the default quota) for a
     * free-form id that is a slug no workspace has yet. Checks no permission: mounting is part of creating a
     * sandbox, which the sandbox service checks.
     */
    public WorkspaceId resolveForMount(Principal caller, String field, String reference) {
        Optional<Workspace> found = find(caller, reference);
        if (found.isPresent()) {
            return found.get().id();
        }
        if (isUuid(reference)) {
            throw CorralException.notFound("workspace", reference);
        }
        if (!Slugs.isSlug(reference)) {
            throw CorralException.invalid(field, "must be a workspace's UUID or slug, or a new free-form id of "
                    + "a-z, 0-9 and inner '-' (at most 64)");
        }
        quotaLock.lock();
        try {
            // Another sandbox naming the same new id may have made it while this one waited for the lock.
            Optional<Workspace> made = store.findBySlug(caller.organizationId(), reference);
            return made.isPresent() ? made.get().id()
                    : createLocked(caller, reference, reference, Optional.empty()).id();
        } finally {
            quotaLock.unlock();
        }
    }

    /**
     * Renames a workspace or changes its quota; absent values keep what is stored. The volume is resized offline,
     * so a quota change waits until no sandbox mounts the workspace ({@code invalid_state} until then).
     */
    public Workspace update(Principal caller, String idOrSlug, Optional<String> name, Optional<Long> quotaBytes) {
        AccessPolicy.require(caller, Action.WORKSPACE_WRITE);
        quotaLock.lock();
        try {
            Workspace current = lookup(caller, idOrSlug);
            String newName = name.map(WorkspaceService::validName).orElse(current.name());
            long newQuota = quotaBytes.orElse(current.quotaBytes());
            if (newQuota != current.quotaBytes()) {
                checkQuota(caller, newQuota, current.quotaBytes());
                checkResizable(current, newQuota);
                volumes.resize(current.id(), newQuota);
            }
            Workspace updated = current.withChanges(newName, newQuota, clock.instant());
            if (!store.update(updated)) {
                throw CorralException.notFound("workspace", idOrSlug);
            }
            return updated;
        } finally {
            quotaLock.unlock();
        }
    }

    /**
     * Deletes the record and the volume with every file on it. A workspace that a sandbox which has not stopped
     * mounts is {@code invalid_state} (with {@code details.mountedBy}) unless {@code force}; forced, those sandboxes keep the files they mount
     * until they stop, and nobody else can reach them.
     */
    public Workspace delete(Principal caller, String idOrSlug, boolean force) {
        AccessPolicy.require(caller, Action.WORKSPACE_WRITE);
        quotaLock.lock();
        try {
            Workspace workspace = lookup(caller, idOrSlug);
            List<String> users = mounts.sandboxesMounting(workspace.organizationId(), workspace.id());
            if (!users.isEmpty() && !force) {
                throw CorralException.invalidState("Workspace " + workspace.slug() + " is mounted by "
                        + String.join(", ", users) + "; stop them or delete with force=true",
                        Map.of("mountedBy", users));
            }
            if (!store.delete(workspace.organizationId(), workspace.id())) {
                throw CorralException.notFound("workspace", idOrSlug);
            }
            volumes.delete(workspace.id());
            return workspace;
        } finally {
            quotaLock.unlock();
        }
    }

    /** What the workspace holds now; walks every file, so it costs as much as there are files. */
    public TreeSize usage(Workspace workspace) {
        return volumes.files(workspace.id()).measure(WorkspacePath.ROOT);
    }

    /** The ids of the sandboxes that have not stopped and mount {@code workspace}. */
    public List<String> mountedBy(Workspace workspace) {
        return mounts.sandboxesMounting(workspace.organizationId(), workspace.id());
    }

    /** The files of {@code workspace}. */
    public WorkspaceFiles files(Workspace workspace) {
        return volumes.files(workspace.id());
    }

    /** The organization's storage: the plan's total and what quotas take. */
    public Storage storage(Principal caller) {
        AccessPolicy.require(caller, Action.WORKSPACE_READ);
        return new Storage(store.totalQuotaBytes(caller.organizationId()), storageOf(caller));
    }

    /** The quota bytes an organization's workspaces take of its plan's {@code storageBytes}. */
    public record Storage(long allocatedBytes, long storageBytes) {
    }

    /**
     * Makes every workspace's volume ready after a start of the server (and of the host), before sandboxes that
     * mount them start. A volume that cannot be attached is skipped and described in the list returned.
     */
    public List<String> attachAll() {
        var problems = new ArrayList<String>();
        for (WorkspaceId id : store.allIds()) {
            try {
                volumes.attach(id);
            } catch (RuntimeException e) {
                problems.add(id + ": " + e.getMessage());
            }
        }
        return problems;
    }

    private void checkResizable(Workspace workspace, long newQuota) {
        List<String> users = mountedBy(workspace);
        if (!users.isEmpty()) {
            throw CorralException.invalidState("The quota of workspace " + workspace.slug() + " can change once no "
                    + "sandbox mounts it; mounted by " + String.join(", ", users));
        }
        long used = usage(workspace).bytes();
        if (newQuota < used) {
            throw CorralException.invalidState("quotaBytes " + newQuota + " is less than the " + used
                    + " bytes the workspace holds");
        }
    }

    private void checkQuota(Principal caller, long quota, long replacing) {
        if (quota < 1) {
            throw CorralException.invalid("quotaBytes", "must be a positive number of bytes");
        }
        long storage = storageOf(caller);
        long allocated = store.totalQuotaBytes(caller.organizationId()) - replacing;
        if (quota > storage - allocated) {
            throw CorralException.quotaExceeded("quotaBytes " + new DataSize(quota) + " does not fit: your plan's "
                    + "workspace storage is " + new DataSize(storage) + " and other workspaces' quotas take "
                    + new DataSize(allocated));
        }
    }

    private long storageOf(Principal caller) {
        return plans.of(caller.organization().tier()).maxStorageBytes();
    }

    private Optional<Workspace> find(Principal caller, String idOrSlug) {
        if (idOrSlug == null) {
            return Optional.empty();
        }
        Optional<Workspace> byId = isUuid(idOrSlug)
                ? store.find(caller.organizationId(), WorkspaceId.parse(idOrSlug))
                : Optional.empty();
        return byId.or(() -> store.findBySlug(caller.organizationId(), idOrSlug));
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
}
