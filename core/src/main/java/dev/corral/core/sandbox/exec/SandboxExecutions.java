package dev.corral.core.sandbox.exec;

import dev.corral.core.error.CorralException;
import dev.corral.core.id.RandomIds;
import dev.corral.core.key.Principal;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.plan.Plans;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.SandboxSlots;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import dev.corral.core.sandbox.logs.SandboxLogs;
import dev.corral.core.sandbox.processes.BackgroundProcess;
import dev.corral.core.sandbox.processes.RuntimeProcess;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs commands in sandboxes: in the foreground (the caller reads the stream, or waits for the whole result) and
 * in the background (a virtual thread of this class reads it, and its output goes to the logs only).
 *
 * <p>The exec walk, top to bottom: {@link #exec} checks the request against the plan ({@link ExecRules}), finds
 * the sandbox running (one store read; a paused one is resumed), takes a slot of the per-sandbox and per-server
 * limits ({@link SandboxSlots}, answered at once past either), and starts the command on the runtime port. What
 * comes back is the runtime's stream wrapped once ({@link LoggedExecStream}: the log copy), whose end calls
 * {@link Command#ended} here: slot back, work done, activity recorded (the one store write). Background commands
 * have no default timeout: they run until killed, their sandbox ends, or their own {@code timeout}.
 *
 * <p>Threading: any request thread may call any method. No method blocks on a command's output: foreground streams
 * are read by their caller, background ones by a virtual thread that only waits on the stream's queue (the pipes
 * themselves are read by the runtime's platform threads). Each command counts as work in its sandbox
 * ({@link SandboxWork}) while it runs, so that the idle reaper never pauses a sandbox in the middle of one.
 * Background processes are kept in a concurrent map until their sandbox is deleted. A runtime that
 * {@link SandboxRuntime#keepsProcesses() keeps processes} keeps them too: after a restart, the ones an earlier server
 * started are adopted (listed, killable, their output followed into the logs again) at start and whenever their
 * sandbox's processes are listed or one is killed.
 */
public final class SandboxExecutions {
    private static final SandboxSlots.Wording SLOT_WORDING = new SandboxSlots.Wording(
            "Sandbox %s runs %d commands already, as many as your plan allows at once"
                    + " (background processes count too)",
            "This server runs %d commands already, as many as it is configured for; try again shortly",
            Duration.ofSeconds(1));
    private static final int KILL = 9;
    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final Plans plans;
    private final SandboxLogs logs;
    private final InstantSource clock;
    private final SandboxWork work;
    private final ExecSettings settings;
    private final SandboxSlots slots;
    private final ConcurrentHashMap<String, Background> background = new ConcurrentHashMap<>();

    public SandboxExecutions(SandboxService sandboxes, SandboxRuntime runtime, Plans plans, SandboxLogs logs,
                             SandboxWork work, InstantSource clock) {
        this(sandboxes, runtime, plans, logs, work, ExecSettings.DEFAULTS, clock);
    }

    public SandboxExecutions(SandboxService sandboxes, SandboxRuntime runtime, Plans plans, SandboxLogs logs,
                             SandboxWork work, ExecSettings settings, InstantSource clock) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.plans = plans;
        this.logs = logs;
        this.work = work;
        this.settings = settings;
        this.slots = new SandboxSlots(settings.maxConcurrentExecs(), SLOT_WORDING);
        this.clock = clock;
        sandboxes.onDeleted(this::forget);
    }

    /**
     * Starts a command in the sandbox (resuming it when paused) and returns its output stream, which the caller
     * must close. The command's output also goes to the sandbox's logs.
     *
     * @throws CorralException {@code quota_exceeded} when the sandbox runs as many commands as the plan allows,
     *                         {@code rate_limited} when the server does
     */
    public ExecStream exec(Principal caller, String idOrName, ExecRequest request) {
        AccessPolicy.require(caller, Action.SANDBOX_EXEC);
        PlanLimits plan = plans.of(caller.organization().tier());
        ExecSpec spec = ExecRules.execSpec(request, plan, settings.defaultTimeout());
        Sandbox sandbox = sandboxes.running(caller, idOrName);
        return start(sandbox.id(), plan, RandomIds.prefixed("proc_", 12), spec, request.stdin(), null);
    }

    /**
     * Starts a command that runs on after this call answers, until it exits, is killed, its sandbox ends or its
     * own {@code timeout} (when the request gives one) passes; its output goes to the logs.
     */
    public BackgroundProcess startBackground(Principal caller, String idOrName, ExecRequest request) {
        AccessPolicy.require(caller, Action.SANDBOX_EXEC);
        PlanLimits plan = plans.of(caller.organization().tier());
        ExecSpec spec = ExecRules.execSpec(request, plan, ExecSpec.UNTIL_KILLED);
        Sandbox sandbox = sandboxes.running(caller, idOrName);
        String processId = RandomIds.prefixed("proc_", 12);
        var process = new Background(processId, sandbox.id(), spec.command(), clock.instant());
        ExecStream stream = start(sandbox.id(), plan, processId, spec, request.stdin(), process);
        process.kill = killer(sandbox.id(), processId, stream);
        background.put(processId, process);
        Thread.ofVirtual().name("corral-background-" + processId).start(() -> drain(stream));
        return process.snapshot();
    }

    /**
     * Starts a command of an interactive session (an SSH {@code exec} request or subsystem) and returns its output
     * stream, which the caller must close. {@code stdin} is streamed in as the client sends it; the command has no
     * timeout and no output limit, since it runs as long as its session wants and the caller passes its output on
     * as it comes, keeping none. It takes the same slots as any command; only its start and end go to the logs.
     */
    public ExecStream attach(Principal caller, String idOrName, String command, Map<String, String> env,
                             InputStream stdin) {
        AccessPolicy.require(caller, Action.SANDBOX_EXEC);
        PlanLimits plan = plans.of(caller.organization().tier());
        ExecSpec spec = ExecRules.execSpec(new ExecRequest(command, Optional.empty(), Optional.empty(), env), plan,
                ExecSpec.UNTIL_KILLED).withMaxOutputBytes(Long.MAX_VALUE);
        Sandbox sandbox = sandboxes.running(caller, idOrName);
        return start(sandbox.id(), plan, RandomIds.prefixed("proc_", 12), spec, stdin, null, false);
    }

    /** The sandbox's background processes, newest first, ended ones included. */
    public List<BackgroundProcess> processes(Principal caller, String idOrName) {
        AccessPolicy.require(caller, Action.PROCESS_LIST);
        SandboxId id = sandboxes.lookup(caller, idOrName).id();
        adopt(id);
        return background.values().stream().filter(p -> p.sandbox.equals(id))
                .sorted(Comparator.comparing((Background p) -> p.startedAt).reversed())
                .map(Background::snapshot).toList();
    }

    /** Kills a background process's whole process group; killing an ended one changes nothing. */
    public BackgroundProcess kill(Principal caller, String idOrName, String processId) {
        AccessPolicy.require(caller, Action.PROCESS_KILL);
        SandboxId id = sandboxes.lookup(caller, idOrName).id();
        if (!background.containsKey(processId)) {
            adopt(id);
        }
        Background process = background.get(processId);
        if (process == null || !process.sandbox.equals(id)) {
            throw CorralException.notFound("process", processId);
        }
        process.kill();
        return process.snapshot();
    }

    /**
     * Adopts the background processes the runtime kept in every running sandbox (see the class notes); meant for
     * the start of a server, on a thread of its own, as it asks each sandbox.
     */
    public void adoptAll() {
        if (!runtime.keepsProcesses()) {
            return;
        }
        runtime.list().forEach((id, state) -> {
            if (state == dev.corral.core.sandbox.SandboxState.RUNNING) {
                adopt(id);
            }
        });
    }

    /**
     * Takes the runtime's kept processes of a sandbox that this server does not know into its records, following
     * the output of running ones into the logs. A sandbox that cannot be asked (paused, stopped) is left for later.
     */
    private void adopt(SandboxId id) {
        if (!runtime.keepsProcesses()) {
            return;
        }
        List<RuntimeProcess> kept;
        try {
            kept = runtime.processes(id);
        } catch (RuntimeException e) {
            return;
        }
        for (RuntimeProcess found : kept) {
            var process = new Background(found.processId(), id, found.command(), found.startedAt());
            if (background.putIfAbsent(found.processId(), process) != null) {
                continue;
            }
            process.kill = () -> runtime.signal(id, found.processId(), KILL);
            if (!found.running()) {
                process.exitCode = found.exitCode().orElse(-1);
                process.endedAt = clock.instant();
                continue;
            }
            follow(id, process);
        }
    }

    /** Follows an adopted running process's output into the logs until it ends; it counts as the sandbox's work. */
    private void follow(SandboxId id, Background process) {
        SandboxWork.Piece piece = work.begin(id);
        ExecStream attached;
        try {
            attached = runtime.attach(id, process.id);
        } catch (RuntimeException e) {
            piece.close();
            return;
        }
        var logged = new LoggedExecStream(attached, id, process.id, process.command, logs, clock, exit -> {
            piece.close();
            process.exited(exit, clock.instant());
        });
        Thread.ofVirtual().name("corral-background-" + process.id).start(() -> drain(logged));
    }

    /** How a background process is killed: through the runtime when it keeps it, else through its stream. */
    private Runnable killer(SandboxId id, String processId, ExecStream stream) {
        if (!runtime.keepsProcesses()) {
            return stream::kill;
        }
        return () -> {
            try {
                runtime.signal(id, processId, KILL);
            } catch (RuntimeException e) {
                stream.kill();
            }
        };
    }

    /** How many commands run on this server now, foreground and background. */
    public int running() {
        return slots.taken();
    }

    /** Drops the records of a deleted sandbox's background processes (the runtime has ended the processes). */
    private void forget(SandboxId id) {
        background.values().removeIf(p -> p.sandbox.equals(id));
        slots.forget(id);
        work.forget(id);
    }

    /** Takes a slot, starts the command on the runtime and wraps its stream for the logs and {@link Command}. */
    private ExecStream start(SandboxId id, PlanLimits plan, String processId, ExecSpec spec,
                             Optional<byte[]> stdin, Background process) {
        return start(id, plan, processId, spec, stdin.map(ByteArrayInputStream::new).orElse(null), process, true);
    }

    /** As above, with {@code stdin} streamed (null for none), and the output logged or not. */
    private ExecStream start(SandboxId id, PlanLimits plan, String processId, ExecSpec spec, InputStream stdin,
                             Background process, boolean logOutput) {
        SandboxSlots.Slot slot = slots.take(id, plan.concurrentExecsPerSandbox());
        var command = new Command(id, slot, work.begin(id), process);
        ExecStream raw;
        try {
            if (process != null) {
                raw = runtime.startBackground(id, processId, spec, Optional.ofNullable(stdin));
            } else {
                raw = stdin == null ? runtime.exec(id, spec) : runtime.exec(id, spec, stdin);
            }
        } catch (RuntimeException e) {
            command.release();
            throw e;
        }
        return new LoggedExecStream(raw, id, processId, spec.command(), logs, clock, command::ended, logOutput);
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

    /** What one running command holds until it ends; {@code process} is its record when it runs in the background. */
    private final class Command {
        private final SandboxId sandbox;
        private final SandboxSlots.Slot slot;
        private final SandboxWork.Piece piece;
        private final Background process;

        Command(SandboxId sandbox, SandboxSlots.Slot slot, SandboxWork.Piece piece, Background process) {
            this.sandbox = sandbox;
            this.slot = slot;
            this.piece = piece;
            this.process = process;
        }

        void ended(ExecEvent.Exit exit) {
            release();
            sandboxes.recordActivity(sandbox);
            if (process != null) {
                process.exited(exit, clock.instant());
            }
        }

        void release() {
            piece.close();
            slot.close();
        }
    }

    /** A background process's mutable record; its fields are written by its drain thread and read by requests. */
    private static final class Background {
        final String id;
        final SandboxId sandbox;
        final String command;
        final Instant startedAt;
        volatile Runnable kill;
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
            if (exitCode == null && kill != null) {
                killed = true;
                kill.run();
            }
        }

        BackgroundProcess snapshot() {
            String status = exitCode == null ? "running" : killed ? "killed" : "exited";
            return new BackgroundProcess(id, sandbox, command, status, Optional.ofNullable(exitCode), startedAt,
                    Optional.ofNullable(endedAt));
        }
    }
}
