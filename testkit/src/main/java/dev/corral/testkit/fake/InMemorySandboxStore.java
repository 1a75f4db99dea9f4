package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxFilter;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.workspace.WorkspaceId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A {@link SandboxStore} in a map, for unit tests; it passes the same contract as the database stores, including
 * the rule that a live (not stopped or failed) sandbox's name is unique in its organization.
 *
 * <p>Threading: safe for concurrent use; writes hold one lock, so an insert's name check and the insert are one
 * step, and readers see each sandbox whole, before or after a write.
 */
public final class InMemorySandboxStore implements SandboxStore {
    private final ConcurrentHashMap<SandboxId, Sandbox> byId = new ConcurrentHashMap<>();
    private final WriteLock writes = new WriteLock();

    @Override
    public void insert(Sandbox sandbox) {
        writes.run(() -> {
            if (byId.containsKey(sandbox.id())) {
                throw CorralException.conflict("Sandbox '" + sandbox.id() + "' already exists");
            }
            if (isLive(sandbox) && sandbox.name().isPresent()
                    && findByName(sandbox.organizationId(), sandbox.name().get()).isPresent()) {
                throw CorralException.conflict("A sandbox named '" + sandbox.name().get() + "' already exists");
            }
            byId.put(sandbox.id(), sandbox);
        });
    }

    @Override
    public Optional<Sandbox> find(OrganizationId organizationId, SandboxId id) {
        return Optional.ofNullable(byId.get(id)).filter(sandbox -> sandbox.organizationId().equals(organizationId));
    }

    @Override
    public Optional<Sandbox> findByName(OrganizationId organizationId, String name) {
        return of(organizationId)
                .filter(sandbox -> isLive(sandbox) && sandbox.name().equals(Optional.of(name)))
                .max(Comparator.comparing((Sandbox sandbox) -> sandbox.createdAt().toEpochMilli())
                        .thenComparing(sandbox -> sandbox.id().value()));
    }

    @Override
    public Page<Sandbox> list(OrganizationId organizationId, SandboxFilter filter, PageRequest page) {
        return NewestFirstPages.page(of(organizationId).filter(sandbox -> matches(sandbox, filter)), page,
                Sandbox::createdAt, sandbox -> sandbox.id().value());
    }

    @Override
    public List<String> sandboxesMounting(OrganizationId organizationId, WorkspaceId workspace) {
        return of(organizationId)
                .filter(sandbox -> sandbox.status().isActive()
                        && sandbox.mounts().stream().anyMatch(mount -> mount.workspaceId().equals(workspace)))
                .map(sandbox -> sandbox.id().value())
                .sorted()
                .toList();
    }

    @Override
    public int countActive(OrganizationId organizationId) {
        return (int) of(organizationId).filter(sandbox -> sandbox.status().isActive()).count();
    }

    @Override
    public int countAllActive() {
        return (int) byId.values().stream().filter(sandbox -> sandbox.status().isActive()).count();
    }

    @Override
    public void updateSettings(Sandbox sandbox) {
        writes.run(() -> {
            Sandbox stored = find(sandbox.organizationId(), sandbox.id()).orElse(null);
            if (stored == null) {
                return;
            }
            if (isLive(stored) && sandbox.name().isPresent()) {
                findByName(stored.organizationId(), sandbox.name().get())
                        .filter(other -> !other.id().equals(stored.id()))
                        .ifPresent(other -> {
                            throw CorralException.conflict("A sandbox named '" + sandbox.name().get()
                                    + "' already exists");
                        });
            }
            byId.put(stored.id(), new Sandbox(stored.id(), stored.organizationId(), sandbox.name(),
                    stored.template(), stored.status(), sandbox.tags(), sandbox.metadata(), stored.env(),
                    stored.mounts(), stored.resources(), sandbox.idleTimeout(), sandbox.maxRuntime(), stored.error(),
                    stored.createdAt(), stored.lastActivity(), stored.pausedAt(), stored.stoppedAt(),
                    stored.hibernated(), sandbox.network()));
        });
    }

    @Override
    public List<Sandbox> listActive() {
        return byId.values().stream().filter(sandbox -> sandbox.status().isActive()).toList();
    }

    @Override
    public void update(Sandbox sandbox) {
        writes.run(() -> find(sandbox.organizationId(), sandbox.id()).ifPresent(stored -> byId.put(stored.id(),
                withMutablePart(stored, sandbox, later(stored.lastActivity(), sandbox.lastActivity())))));
    }

    @Override
    public void recordActivity(SandboxId id, Instant at) {
        writes.run(() -> byId.computeIfPresent(id, (k, stored) ->
                withMutablePart(stored, stored, later(stored.lastActivity(), at))));
    }

    private Stream<Sandbox> of(OrganizationId organizationId) {
        return byId.values().stream().filter(sandbox -> sandbox.organizationId().equals(organizationId));
    }

    /** What the name rule counts: a sandbox that is not stopped or failed. */
    private static boolean isLive(Sandbox sandbox) {
        return sandbox.status() != SandboxStatus.STOPPED && sandbox.status() != SandboxStatus.FAILED;
    }

    private static boolean matches(Sandbox sandbox, SandboxFilter filter) {
        boolean status = filter.statuses().isEmpty() ? sandbox.status() != SandboxStatus.STOPPED
                : filter.statuses().contains(sandbox.status());
        return status
                && sandbox.tags().containsAll(filter.tags())
                && filter.template().map(sandbox.template()::equals).orElse(true)
                && filter.metadata().entrySet().stream()
                .allMatch(pair -> pair.getValue().equals(sandbox.metadata().get(pair.getKey())));
    }

    /** {@code stored} with the mutable part (status, error, pause and stop times) of {@code from}. */
    private static Sandbox withMutablePart(Sandbox stored, Sandbox from, Instant lastActivity) {
        return new Sandbox(stored.id(), stored.organizationId(), stored.name(), stored.template(), from.status(),
                stored.tags(), stored.metadata(), stored.env(), stored.mounts(), stored.resources(),
                stored.idleTimeout(), stored.maxRuntime(), from.error(), stored.createdAt(), lastActivity,
                from.pausedAt(),
                from.stoppedAt(), from.hibernated(), stored.network());
    }

    private static Instant later(Instant a, Instant b) {
        return b.isAfter(a) ? b : a;
    }
}
