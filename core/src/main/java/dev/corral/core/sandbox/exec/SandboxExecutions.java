package dev.corral.core.sandbox.exec;

import dev.corral.core.error.CorralException;
import dev.corral.core.id.RandomIds;
import dev.corral.core.key.Principal;
import dev.corral.core.plan.Plans;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import dev.corral.core.sandbox.logs.SandboxLogs;
import dev.corral.core.sandbox.processes.BackgroundProcess;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs commands in sandboxes: in the foreground (the caller reads the stream, or waits for the whole result) and
 * in the background (a virtual thread of this class reads it, and its output goes to the logs only).
 *
 * <p>Threading: any request thread may call any method. Each command counts as work in its sandbox
 * ({@link SandboxWork}) while it runs, so that the idle reaper never pauses a sandbox in the middle of one.
 * Background processes are kept in a concurrent map until their sandbox is deleted.
 */
public final class SandboxExecutions {
    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final Plans plans;
    private final SandboxLogs logs;
    private final InstantSource clock;
    private final SandboxWork work;
    private final ConcurrentHashMap<String, Background> background = new ConcurrentHashMap<>();

    public SandboxExecutions(SandboxService sandboxes, SandboxRuntime runtime, Plans plans, SandboxLogs logs,
                             SandboxWork work, InstantSource clock) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.plans = plans;
        this.logs = logs;
        this.work = work;
        this.clock = clock;
        sandboxes.onDeleted(this::forget);
    }

    /**
     * Starts a command in the sandbox (resuming it when paused) and returns its output stream, which the caller
     * must close. The command's output also goes to the sandbox's logs.
     */
    public ExecStream exec(Principal caller, String idOrName, ExecRequest request) {
        AccessPolicy.require(caller, Action.SANDBOX_EXEC);
        ExecSpec spec = ExecRules.execSpec(request, plans.of(caller.organization().tier()));
        Sandbox sandbox = sandboxes.ensureRunning(caller, idOrName);
        return start(sandbox.id(), RandomIds.prefixed("proc_", 12), spec, exit -> { });
    }

    /** Starts a command that runs on after this call answers; its output goes to the logs. */
    public BackgroundProcess startBackground(Principal caller, String idOrName, ExecRequest request) {
        AccessPolicy.require(caller, Action.SANDBOX_EXEC);
        ExecSpec spec = ExecRules.execSpec(request, plans.of(caller.organization().tier()));
        Sandbox sandbox = sandboxes.ensureRunning(caller, idOrName);
        String processId = RandomIds.prefixed("proc_", 12);
        var process = new Background(processId, sandbox.id(), spec.command(), clock.instant());
        background.put(processId, process);
        ExecStream stream = start(sandbox.id(), processId, spec, exit -> process.exited(exit, clock.instant()));
        process.stream = stream;
        Thread.ofVirtual().name("corral-background-" + processId).start(() -> drain(stream));
        return process.snapshot();
    }

    /** The sandbox's background processes, newest first, ended ones included. */
    public List<BackgroundProcess> processes(Principal caller, String idOrName) {
        AccessPolicy.require(caller, Action.PROCESS_LIST);
        SandboxId id = sandboxes.lookup(caller, idOrName).id();
        return background.values().stream().filter(p -> p.sandbox.equals(id))
                .sorted(Comparator.comparing((Background p) -> p.startedAt).reversed())
                .map(Background::snapshot).toList();
    }

    /** Kills a background process's whole process group; killing an ended one changes nothing. */
    public BackgroundProcess kill(Principal caller, String idOrName, String processId) {
        AccessPolicy.require(caller, Action.PROCESS_KILL);
        SandboxId id = sandboxes.lookup(caller, idOrName).id();
        Background process = background.get(processId);
        if (process == null || !process.sandbox.equals(id)) {
            throw CorralException.notFound("process", processId);
        }
        process.kill();
        return process.snapshot();
    }

    /** Drops the records of a deleted sandbox's background processes (the runtime has ended the processes). */
    private void forget(SandboxId id) {
        background.values().removeIf(p -> p.sandbox.equals(id));
        work.forget(id);
    }

    private ExecStream start(SandboxId id, String processId, ExecSpec spec,
                             java.util.function.Consumer<ExecEvent.Exit> onExit) {
        SandboxWork.Piece piece = work.begin(id);
        ExecStream raw;
        try {
            raw = runtime.exec(id, spec);
        } catch (RuntimeException e) {
            piece.close();
            throw e;
        }
        return new LoggedExecStream(raw, id, processId, spec.command(), logs, clock, exit -> {
            piece.close();
            sandboxes.recordActivity(id);
            onExit.accept(exit);
        });
    }

    private static void drain(ExecStream stream) {
        try (stream) {
            ExecEvent event;
            do {
                event = stream.next();
            } while (!(event instanceof ExecEvent.Exit));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The sandbox went away under the command; its records go with the sandbox.
        }
    }

    /** A background process's mutable record; its fields are written by its drain thread and read by requests. */
    private static final class Background {
        final String id;
        final SandboxId sandbox;
        final String command;
        final Instant startedAt;
        volatile ExecStream stream;
        volatile boolean killed;
        volatile Integer exitCode;
        volatile Instant endedAt;

        Background(String id, SandboxId sandbox, String command, Instant startedAt) {
            this.id = id;
            this.sandbox = sandbox;
            this.command = command;
            this.startedAt = startedAt;
        }

        void exited(ExecEvent.Exit exit, Instant at) {
            exitCode = exit.exitCode();
            endedAt = at;
        }

        void kill() {
            if (exitCode == null && stream != null) {
                killed = true;
                stream.kill();
            }
        }

        BackgroundProcess snapshot() {
            String status = exitCode == null ? "running" : killed ? "killed" : "exited";
            return new BackgroundProcess(id, sandbox, command, status, Optional.ofNullable(exitCode), startedAt,
                    Optional.ofNullable(endedAt));
        }
    }
}
