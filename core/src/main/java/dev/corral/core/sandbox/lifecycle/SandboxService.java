package dev.corral.core.sandbox.lifecycle;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.plan.Bandwidth;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.plan.Plans;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.NetworkUsage;
import dev.corral.core.sandbox.RequestedMount;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxFilter;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.sandbox.TemplateBuilder;
import dev.corral.core.sandbox.WorkspaceMount;
import dev.corral.core.sandbox.WorkspaceResolver;
import dev.corral.core.sandbox.logs.LogEntry;
import dev.corral.core.sandbox.logs.SandboxLogs;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The life of sandboxes: create (answered at once, started in the background), get, list, pause, resume, delete,
 * and bringing the store and the runtime into agreement at start.
 *
 * <p>Implementation notes. The store says what each sandbox should be; the runtime holds what it is. Every
 * transition of one sandbox runs under that sandbox's lock ({@link SandboxLocks}) and goes runtime first, store
 * second, log stream last, so a crash between the two leaves a difference that {@link #reconcile()} settles at
 * the next start. Creating checks the organization's concurrent-sandbox limit and this host's ({@code
 * maxSandboxes}) under one lock held only for the count and the insert, so two racing creates cannot both take
 * the last slot and one past a limit is refused at once. Starts run on virtual threads owned by this service; whoever
 * wants to wait for one (create with {@code wait=true}, an exec on a sandbox still creating) waits on its future.
 */
public final class SandboxService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SandboxService.class.getName());
    private static final Duration START_WAIT = Duration.ofMinutes(5);
    private static final int MAX_ERROR_LENGTH = 1000;
    /** What a create past the host's limit is told to wait: sandboxes end often, but not in a second. */
    private static final Duration HOST_FULL_RETRY = Duration.ofSeconds(10);
    /**
     * A sandbox's activity is written at most this often: an exec records it at its start and its end, and a busy
     * sandbox would otherwise send two writes per command through the store's one SQLite connection, for idle
     * timeouts that count in seconds.
     */
    private static final Duration ACTIVITY_RESOLUTION = Duration.ofMillis(250);

    private final SandboxStore store;
    private final SandboxRuntime runtime;
    private final TemplateBuilder templates;
    private final Plans plans;
    private final SandboxLogs logs;
    private final WorkspaceResolver workspaces;
    private final SandboxLoginSetup logins;
    private final InstantSource clock;
    private final int maxSandboxes;
    private final SandboxLocks locks = new SandboxLocks();
    private final ReentrantLock admission = new ReentrantLock();
    private final ConcurrentHashMap<SandboxId, CompletableFuture<Sandbox>> starts = new ConcurrentHashMap<>();
    /** When each sandbox's activity was last written; an entry lives as long as its sandbox (see forget). */
    private final ConcurrentHashMap<SandboxId, Instant> activityWritten = new ConcurrentHashMap<>();
    private final java.util.List<java.util.function.Consumer<SandboxId>> deletionListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService starter = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("corral-sandbox-start-", 0).factory());

    /**
     * @param maxSandboxes how many sandboxes this host holds at once (creating, running or paused), whatever their
     *                     organizations' plans allow
     */
    public SandboxService(SandboxStore store, SandboxRuntime runtime, TemplateBuilder templates, Plans plans,
                          SandboxLogs logs, WorkspaceResolver workspaces, InstantSource clock, int maxSandboxes) {
        this(store, runtime, templates, plans, logs, workspaces, SandboxLoginSetup.NONE, clock, maxSandboxes);
    }

    /**
     * @param logins       checks and keeps the SSH logins a create asks for ({@code sshKeys}, {@code rootPassword})
     * @param maxSandboxes as above
     */
    public SandboxService(SandboxStore store, SandboxRuntime runtime, TemplateBuilder templates, Plans plans,
                          SandboxLogs logs, WorkspaceResolver workspaces, SandboxLoginSetup logins,
                          InstantSource clock, int maxSandboxes) {
        if (maxSandboxes < 1) {
            throw new IllegalArgumentException("maxSandboxes must be positive: " + maxSandboxes);
        }
        this.maxSandboxes = maxSandboxes;
        this.store = store;
        this.workspaces = workspaces;
        this.logins = logins;
        this.runtime = runtime;
        this.templates = templates;
        this.plans = plans;
        this.logs = logs;
        this.clock = clock;
    }

    /**
     * Records a new sandbox as {@code creating} and starts it in the background; {@code quota_exceeded} when the
     * organization has as many as its plan allows, {@code rate_limited} when this host holds as many as it may,
     * {@code runtime_unavailable} when the runtime cannot make sandboxes at all (nothing is recorded then). The SSH
     * logins it asks for are checked with the rest, before anything is recorded, and kept once the sandbox is.
     */
    public Sandbox create(Principal caller, CreateSandbox request) {
        AccessPolicy.require(caller, Action.SANDBOX_CREATE);
        PlanLimits plan = plans.of(caller.organization().tier());
        SandboxRules.Checked checked = SandboxRules.check(request, templates.names(), plan);
        SandboxLoginSetup.Checked checkedLogins = logins.check(caller, request.logins());
        List<WorkspaceMount> mounts = resolve(caller, checked.mounts());
        runtime.requireAvailable();
        Instant now = clock.instant();
        var sandbox = new Sandbox(SandboxId.random(), caller.organizationId(), checked.name(), checked.template(),
                SandboxStatus.CREATING, checked.tags(), checked.metadata(), checked.env(), mounts, checked.resources(),
                checked.idleTimeout(), checked.maxRuntime(), Optional.empty(), now, now, Optional.empty(),
                Optional.empty(), false, checked.network());
        admission.lock();
        try {
            if (store.countActive(caller.organizationId()) >= plan.concurrentSandboxes()) {
                throw CorralException.quotaExceeded("Your plan allows " + plan.concurrentSandboxes()
                        + " sandboxes at once; delete one first");
            }
            if (store.countAllActive() >= maxSandboxes) {
                throw CorralException.rateLimited("This server holds " + maxSandboxes + " sandboxes, as many as "
                        + "it may at once; retry when one has ended", HOST_FULL_RETRY);
            }
            store.insert(sandbox);
        } finally {
            admission.unlock();
        }
        keepLogins(checkedLogins, sandbox);
        logs.publish(LogEntry.status(sandbox.id(), sandbox.status().wire(), now));
        var started = new CompletableFuture<Sandbox>();
        starts.put(sandbox.id(), started);
        starter.execute(() -> started.complete(start(sandbox, plan.bandwidth())));
        return sandbox;
    }

    /**
     * Keeps the sandbox's SSH logins; when they cannot be stored, the sandbox is recorded {@code failed} (it never
     * starts, and frees its slot) and the failure answers the create.
     */
    private void keepLogins(SandboxLoginSetup.Checked checkedLogins, Sandbox sandbox) {
        try {
            checkedLogins.keep(sandbox);
        } catch (RuntimeException e) {
            store.update(sandbox.failed("its SSH logins could not be stored", clock.instant()));
            throw e;
        }
    }

    /** The workspaces the mounts name, made on first mount for free-form ids. */
    private List<WorkspaceMount> resolve(Principal caller, List<RequestedMount> mounts) {
        var resolved = new ArrayList<WorkspaceMount>(mounts.size());
        for (int i = 0; i < mounts.size(); i++) {
            RequestedMount mount = mounts.get(i);
            resolved.add(new WorkspaceMount(
                    workspaces.resolveForMount(caller, "mounts[" + i + "].workspaceId", mount.workspace()),
                    mount.path(), mount.readOnly(), mount.workspace()));
        }
        return resolved;
    }

    /**
     * The sandbox once it is no longer {@code creating}, or as it is after {@code timeout}. A sandbox read in
     * another status is returned as it is: nothing moves a sandbox back to {@code creating}.
     */
    public Sandbox awaitStarted(Sandbox sandbox, Duration timeout) {
        if (sandbox.status() != SandboxStatus.CREATING) {
            return sandbox;
        }
        CompletableFuture<Sandbox> started = starts.get(sandbox.id());
        if (started == null) {
            return reload(sandbox);
        }
        try {
            return started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return reload(sandbox);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return reload(sandbox);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a sandbox start failed unexpectedly", e.getCause());
        }
    }

    private Sandbox start(Sandbox sandbox, Bandwidth bandwidth) {
        try {
            return locks.with(sandbox.id(), () -> {
                Sandbox current = reload(sandbox);
                if (current.status() != SandboxStatus.CREATING) {
                    return current;
                }
                Sandbox result;
                try {
                    runtime.create(new SandboxSpec(sandbox.id(), sandbox.template(), sandbox.env(),
                            sandbox.mounts(), sandbox.resources(), sandbox.network(), bandwidth));
                    result = sandbox.running(clock.instant());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Sandbox {0} failed to start: {1}", sandbox.id(), e.getMessage());
                    result = sandbox.failed(shorten(e.getMessage()), clock.instant());
                }
                store.update(result);
                logs.publish(LogEntry.status(result.id(), result.status().wire(), clock.instant()));
                return result;
            });
        } finally {
            starts.remove(sandbox.id());
        }
    }

    /** The caller's sandbox named by id or by name; {@code not_found} otherwise, also for other organizations'. */
    public Sandbox get(Principal caller, String idOrName) {
        AccessPolicy.require(caller, Action.SANDBOX_READ);
        return lookup(caller, idOrName);
    }

    /**
     * What the network of the caller's {@code sandbox} has carried; empty when it has no network of its own, or
     * none on this host now. No permission of its own: it is part of the sandbox the caller was just answered by
     * an action it may take (get, create, update...). Reads counters the kernel keeps: no store read, no process.
     */
    public Optional<NetworkUsage> networkUsage(Principal caller, Sandbox sandbox) {
        if (!sandbox.organizationId().equals(caller.organizationId())) {
            throw CorralException.notFound("sandbox", sandbox.id().value());
        }
        return sandbox.network().loopbackOnly() ? Optional.empty() : runtime.networkUsage(sandbox.id());
    }

    /**
     * As {@link #get}, with no permission check: for the services that work in a sandbox (exec, files), which
     * check their own action first.
     */
    public Sandbox lookup(Principal caller, String idOrName) {
        Optional<Sandbox> found = SandboxId.isId(idOrName)
                ? store.find(caller.organizationId(), new SandboxId(idOrName))
                : store.findByName(caller.organizationId(), idOrName);
        return found.orElseThrow(() -> CorralException.notFound("sandbox", idOrName));
    }

    /**
     * Changes the name, tags, metadata, idle timeout or maximum runtime of the caller's sandbox (by id or name),
     * checked as on create; {@code conflict} when the new name is another live sandbox's. Runs under the sandbox's
     * lock, so it never interleaves with a transition; it changes no status, whatever the status is.
     */
    public Sandbox update(Principal caller, String idOrName, UpdateSandbox update) {
        AccessPolicy.require(caller, Action.SANDBOX_WRITE);
        Sandbox found = lookup(caller, idOrName);
        PlanLimits plan = plans.of(caller.organization().tier());
        return locks.with(found.id(), () -> {
            Sandbox current = reload(found);
            Sandbox updated = SandboxRules.applyUpdate(current, update, plan);
            boolean networkChanged = !updated.network().equals(current.network());
            if (networkChanged) {
                changeNetwork(current, updated.network());
            }
            try {
                store.updateSettings(updated);
            } catch (RuntimeException e) {
                if (networkChanged) {
                    runtime.changeNetwork(current.id(), current.network().egress().orElseThrow());
                }
                throw e;
            }
            return reload(updated);
        });
    }

    /**
     * Applies the sandbox's new egress policy in the runtime before it is stored, so a policy that cannot be
     * applied is refused and the stored one stays the one in force.
     */
    private void changeNetwork(Sandbox current, SandboxNetwork changed) {
        if (current.status() == SandboxStatus.STOPPED) {
            throw CorralException.conflict("Sandbox " + current.id() + " is stopped; its network cannot change");
        }
        runtime.changeNetwork(current.id(), changed.egress().orElseThrow());
    }

    public Page<Sandbox> list(Principal caller, SandboxFilter filter, PageRequest page) {
        AccessPolicy.require(caller, Action.SANDBOX_READ);
        return store.list(caller.organizationId(), filter, page);
    }

    /** Destroys the sandbox and everything the runtime made for it; deleting a stopped sandbox changes nothing. */
    public Sandbox delete(Principal caller, String idOrName) {
        AccessPolicy.require(caller, Action.SANDBOX_DELETE);
        Sandbox found = lookup(caller, idOrName);
        awaitStarted(found, START_WAIT);
        Sandbox deleted = locks.with(found.id(), () -> {
            Sandbox current = reload(found);
            if (current.status() == SandboxStatus.STOPPED) {
                return current;
            }
            // The row says stopped before the runtime is torn down: a crash in between leaves a container that the
            // reconcile at start removes (it keeps only active sandboxes), never a deleted sandbox brought back.
            Sandbox stopped = current.stopped(clock.instant());
            store.update(stopped);
            try {
                runtime.destroy(current.id());
            } catch (RuntimeException e) {
                store.update(current); // not torn down: it is what it was, and the delete may be asked again
                throw e;
            }
            logs.publish(LogEntry.status(stopped.id(), stopped.status().wire(), clock.instant()));
            return stopped;
        });
        forget(found.id());
        return deleted;
    }

    /** Runs {@code listener} with the id of every sandbox deleted or stopped for good, after its runtime is gone. */
    public void onDeleted(java.util.function.Consumer<SandboxId> listener) {
        deletionListeners.add(listener);
    }

    private void forget(SandboxId id) {
        activityWritten.remove(id);
        logs.forget(id);
        deletionListeners.forEach(listener -> listener.accept(id));
    }

    /** Stops a sandbox that reached its plan's maximum runtime: destroyed, {@code stopped}, the reason kept. */
    void expire(Sandbox sandbox) {
        locks.with(sandbox.id(), () -> {
            Sandbox current = reload(sandbox);
            if (!current.status().isActive()) {
                return current;
            }
            runtime.destroy(current.id());
            Instant now = clock.instant();
            Sandbox stopped = current.expired(now);
            store.update(stopped);
            logs.publish(LogEntry.status(stopped.id(), stopped.status().wire(), now));
            return stopped;
        });
        forget(sandbox.id());
    }


    /** Freezes every process of a running sandbox; pausing a paused one changes nothing. */
    public Sandbox pause(Principal caller, String idOrName) {
        AccessPolicy.require(caller, Action.SANDBOX_WRITE);
        return pause(lookup(caller, idOrName));
    }

    /** Pauses the sandbox if it is still idle at {@code now} once its lock is held; for the reaper. */
    void pauseIfIdle(Sandbox sandbox, Instant now) {
        locks.with(sandbox.id(), () -> reload(sandbox).isIdle(now) ? pause(sandbox) : sandbox);
    }

    private Sandbox pause(Sandbox sandbox) {
        return locks.with(sandbox.id(), () -> {
            Sandbox current = reload(sandbox);
            return switch (current.status()) {
                case PAUSED -> current;
                case RUNNING -> {
                    runtime.pause(current.id());
                    Sandbox paused = current.paused(clock.instant());
                    store.update(paused);
                    logs.publish(LogEntry.status(paused.id(), paused.status().wire(), clock.instant()));
                    yield paused;
                }
                default -> throw CorralException.invalidState("Sandbox " + current.id() + " is "
                        + current.status().wire() + "; only a running sandbox can be paused");
            };
        });
    }

    /**
     * Hibernates the sandbox if, once its lock is held, it has been paused for {@code after} at {@code now}: its
     * processes are stopped to free their memory and its disk is kept; for the reaper. Still {@code paused}, it
     * starts again on its disk when resumed.
     */
    void hibernateIfLongPaused(Sandbox sandbox, Duration after, Instant now) {
        locks.with(sandbox.id(), () -> {
            Sandbox current = reload(sandbox);
            if (!current.shouldHibernate(after, now)) {
                return current;
            }
            runtime.stop(current.id());
            Sandbox hibernated = current.asHibernated();
            store.update(hibernated);
            return hibernated;
        });
    }

    /** Thaws a paused sandbox, or starts a hibernated one on its disk; resuming a running one changes nothing. */
    public Sandbox resume(Principal caller, String idOrName) {
        AccessPolicy.require(caller, Action.SANDBOX_WRITE);
        return resume(lookup(caller, idOrName));
    }

    private Sandbox resume(Sandbox sandbox) {
        return locks.with(sandbox.id(), () -> {
            Sandbox current = reload(sandbox);
            return switch (current.status()) {
                case RUNNING -> current;
                case PAUSED -> {
                    if (current.hibernated()) {
                        runtime.start(current.id());
                    } else {
                        runtime.resume(current.id());
                    }
                    Sandbox running = current.running(clock.instant());
                    store.update(running);
                    logs.publish(LogEntry.status(running.id(), running.status().wire(), clock.instant()));
                    yield running;
                }
                default -> throw CorralException.invalidState("Sandbox " + current.id() + " is "
                        + current.status().wire() + "; only a paused sandbox can be resumed");
            };
        });
    }

    /**
     * The sandbox, running: one still creating is waited for, a paused one is resumed (any use is activity), and
     * a stopped or failed one is {@code invalid_state}. Records the activity. Checks no permission: the services
     * that work in a sandbox check their own action first.
     */
    public Sandbox ensureRunning(Principal caller, String idOrName) {
        Sandbox found = lookup(caller, idOrName);
        recordActivity(found.id());
        return running(found);
    }

    /**
     * As {@link #ensureRunning}, but without recording activity, for a use that records it when it ends (a
     * command): one store read when the sandbox runs.
     */
    public Sandbox running(Principal caller, String idOrName) {
        return running(get(caller, idOrName));
    }

    /**
     * As {@link #running(Principal, String)} for a sandbox the caller has just read ({@link #get}), so that a use
     * which looks at the sandbox first (the port proxy checks its network) reads the store once, not twice.
     */
    public Sandbox running(Sandbox found) {
        Sandbox sandbox = awaitStarted(found, START_WAIT);
        if (sandbox.status() == SandboxStatus.PAUSED) {
            sandbox = resume(sandbox);
        }
        if (sandbox.status() != SandboxStatus.RUNNING) {
            throw CorralException.invalidState("Sandbox " + sandbox.id() + " is " + sandbox.status().wire()
                    + sandbox.error().map(e -> " (" + e + ")").orElse(""));
        }
        return sandbox;
    }

    public void recordActivity(SandboxId id) {
        Instant now = clock.instant();
        Instant written = activityWritten.get(id);
        if (written != null && now.isBefore(written.plus(ACTIVITY_RESOLUTION))) {
            return;
        }
        activityWritten.put(id, now);
        store.recordActivity(id, now);
    }

    /**
     * Settles every difference between the store and the runtime, as after a crash or a restart of the server:
     * sandboxes the runtime still runs or holds paused keep (or get) that status, stopped ones are started again
     * on their disk unless they are hibernated, vanished ones become {@code failed}, and whatever the runtime holds that the store does not
     * know is destroyed. Idempotent.
     */
    public void reconcile() {
        Map<SandboxId, SandboxState> actual = runtime.list();
        for (Sandbox sandbox : store.listActive()) {
            locks.with(sandbox.id(), () -> settle(sandbox, actual.getOrDefault(sandbox.id(), SandboxState.ABSENT)));
        }
        var known = store.listActive().stream().map(Sandbox::id).collect(java.util.stream.Collectors.toSet());
        var removed = runtime.removeAllExcept(known);
        if (!removed.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Removed {0} sandboxes the store had no record of: {1}", removed.size(),
                    removed);
        }
    }

    private Sandbox settle(Sandbox sandbox, SandboxState state) {
        Instant now = clock.instant();
        Sandbox settled = switch (state) {
            case RUNNING -> sandbox.status() == SandboxStatus.RUNNING ? sandbox : sandbox.running(now);
            case PAUSED -> sandbox.status() == SandboxStatus.PAUSED ? sandbox : sandbox.paused(now);
            case STOPPED -> sandbox.hibernated() ? sandbox : restart(sandbox, now);
            case ABSENT -> sandbox.failed("the sandbox's container was gone when the server started", now);
        };
        if (settled != sandbox) {
            LOG.log(System.Logger.Level.INFO, "Reconciled sandbox {0}: {1} -> {2}", sandbox.id(),
                    sandbox.status().wire(), settled.status().wire());
            store.update(settled);
        }
        return settled;
    }

    private Sandbox restart(Sandbox sandbox, Instant now) {
        try {
            runtime.start(sandbox.id());
            return sandbox.running(now);
        } catch (RuntimeException e) {
            return sandbox.failed("could not restart after the server started: " + shorten(e.getMessage()), now);
        }
    }

    private Sandbox reload(Sandbox sandbox) {
        return store.find(sandbox.organizationId(), sandbox.id()).orElse(sandbox);
    }

    private static String shorten(String message) {
        String text = message == null ? "unknown error" : message;
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
    }

    /** Waits (boundedly) for starts in flight, so none is cut off half-made. */
    @Override
    public void close() {
        starter.shutdown();
        try {
            starter.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
