package dev.corral.core.sandbox;

import dev.corral.core.org.OrganizationId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Corral remembers of one sandbox. The runtime holds the sandbox itself; this record is the truth the API
 * answers from, and what the server reconciles with the runtime at start.
 *
 * @param template     the template as the client asked for it (a RunTools name may be an alias)
 * @param idleTimeout  inactivity after which the sandbox is paused; {@link Duration#ZERO} never
 * @param maxRuntime   how long it may run from its creation before it is stopped, within its plan's maximum;
 *                     {@link Duration#ZERO} for no limit of its own (the plan's still applies)
 * @param lastActivity the last exec, file call or log connection; idle time counts from here
 * @param mounts       workspaces mounted into it, in the order asked for
 * @param error        why it failed, for {@link SandboxStatus#FAILED}
 * @param hibernated   paused, and its processes stopped to free their memory; its files are kept
 * @param network      its own network with the default egress policy, or loopback only
 */
public record Sandbox(
        SandboxId id,
        OrganizationId organizationId,
        Optional<String> name,
        String template,
        SandboxStatus status,
        List<String> tags,
        Map<String, String> metadata,
        Map<String, String> env,
        List<WorkspaceMount> mounts,
        Resources resources,
        Duration idleTimeout,
        Duration maxRuntime,
        Optional<String> error,
        Instant createdAt,
        Instant lastActivity,
        Optional<Instant> pausedAt,
        Optional<Instant> stoppedAt,
        boolean hibernated,
        SandboxNetwork network) {

    public Sandbox {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(status, "status");
        tags = List.copyOf(tags);
        metadata = Map.copyOf(metadata);
        env = Map.copyOf(env);
        mounts = List.copyOf(mounts);
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(maxRuntime, "maxRuntime");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastActivity, "lastActivity");
        Objects.requireNonNull(pausedAt, "pausedAt");
        Objects.requireNonNull(stoppedAt, "stoppedAt");
        Objects.requireNonNull(network, "network");
    }

    /** A sandbox with loopback only, as every sandbox was before sandboxes had networks. */
    public Sandbox(SandboxId id, OrganizationId organizationId, Optional<String> name, String template,
                   SandboxStatus status, List<String> tags, Map<String, String> metadata, Map<String, String> env,
                   List<WorkspaceMount> mounts, Resources resources, Duration idleTimeout, Duration maxRuntime,
                   Optional<String> error, Instant createdAt, Instant lastActivity, Optional<Instant> pausedAt,
                   Optional<Instant> stoppedAt, boolean hibernated) {
        this(id, organizationId, name, template, status, tags, metadata, env, mounts, resources, idleTimeout,
                maxRuntime, error, createdAt, lastActivity, pausedAt, stoppedAt, hibernated, SandboxNetwork.NONE);
    }

    public Sandbox running(Instant now) {
        return new Sandbox(id, organizationId, name, template, SandboxStatus.RUNNING, tags, metadata, env, mounts, resources,
                idleTimeout, maxRuntime, Optional.empty(), createdAt, now, Optional.empty(), stoppedAt, false, network);
    }

    public Sandbox paused(Instant now) {
        return new Sandbox(id, organizationId, name, template, SandboxStatus.PAUSED, tags, metadata, env, mounts, resources,
                idleTimeout, maxRuntime, error, createdAt, lastActivity, Optional.of(now), stoppedAt, false, network);
    }

    public Sandbox stopped(Instant now) {
        return new Sandbox(id, organizationId, name, template, SandboxStatus.STOPPED, tags, metadata, env, mounts, resources,
                idleTimeout, maxRuntime, error, createdAt, lastActivity, pausedAt, Optional.of(now), false, network);
    }

    /** Stopped by its maximum runtime or its plan's; the reason is kept as its error. */
    public Sandbox expired(Instant now) {
        return new Sandbox(id, organizationId, name, template, SandboxStatus.STOPPED, tags, metadata, env, mounts, resources,
                idleTimeout, maxRuntime, Optional.of("stopped: the maximum runtime was reached"), createdAt,
                lastActivity, pausedAt, Optional.of(now), false, network);
    }

    public Sandbox failed(String reason, Instant now) {
        return new Sandbox(id, organizationId, name, template, SandboxStatus.FAILED, tags, metadata, env, mounts, resources,
                idleTimeout, maxRuntime, Optional.of(reason), createdAt, lastActivity, pausedAt, Optional.of(now),
                false, network);
    }

    /** Paused still, with its processes stopped: what hibernation leaves. */
    public Sandbox asHibernated() {
        return new Sandbox(id, organizationId, name, template, status, tags, metadata, env, mounts, resources,
                idleTimeout, maxRuntime, error, createdAt, lastActivity, pausedAt, stoppedAt, true, network);
    }

    /** Whether it has been paused for {@code after} at {@code now} and is not hibernated yet; zero never. */
    public boolean shouldHibernate(Duration after, Instant now) {
        return status == SandboxStatus.PAUSED && !hibernated && !after.isZero()
                && pausedAt.map(at -> !at.plus(after).isAfter(now)).orElse(false);
    }

    /** Whether a workspace is mounted writable: RunTools' {@code hasWritableWorkspaceMount}. */
    public boolean hasWritableWorkspaceMount() {
        return mounts.stream().anyMatch(mount -> !mount.readOnly());
    }

    /** Whether it has been idle for its whole idle timeout at {@code now}. */
    public boolean isIdle(Instant now) {
        return status == SandboxStatus.RUNNING && !idleTimeout.isZero()
                && !lastActivity.plus(idleTimeout).isAfter(now);
    }

    /**
     * Whether it has run for the shorter of its own maximum runtime and its plan's {@code planMaxRuntime} at
     * {@code now}; a zero maximum is no limit.
     */
    public boolean hasOutlived(Duration planMaxRuntime, Instant now) {
        Duration limit = maxRuntime.isZero() || (!planMaxRuntime.isZero() && planMaxRuntime.compareTo(maxRuntime) < 0)
                ? planMaxRuntime : maxRuntime;
        return status.isActive() && !limit.isZero() && !createdAt.plus(limit).isAfter(now);
    }

    /** The same sandbox with the settings a client may change after creation. */
    /** The same sandbox with another network (its egress policy changed at runtime). */
    public Sandbox withNetwork(SandboxNetwork newNetwork) {
        return new Sandbox(id, organizationId, name, template, status, tags, metadata, env, mounts, resources,
                idleTimeout, maxRuntime, error, createdAt, lastActivity, pausedAt, stoppedAt, hibernated, newNetwork);
    }

    public Sandbox withSettings(Optional<String> newName, List<String> newTags, Map<String, String> newMetadata,
                                Duration newIdleTimeout, Duration newMaxRuntime) {
        return new Sandbox(id, organizationId, newName, template, status, newTags, newMetadata, env, mounts, resources,
                newIdleTimeout, newMaxRuntime, error, createdAt, lastActivity, pausedAt, stoppedAt, hibernated, network);
    }
}
