package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.NetworkUsage;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.TemplateBuilder;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.lifecycle.SandboxLocks;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link SandboxRuntime} that holds sandboxes as states in a map, for unit tests of what drives a runtime. It
 * keeps the state rules and errors of {@code RuncSandboxRuntime} (both pass {@code SandboxRuntimeContract}):
 * {@code conflict} for an id it holds, {@code not_found} for an unknown template or sandbox, {@code invalid_state}
 * to pause or resume a stopped sandbox or to run a command in one that is not running; pausing a paused sandbox
 * and the like change nothing; destroying is idempotent.
 *
 * <p>It runs no process. A command is answered by what a test scripted for exactly that command text
 * ({@link #answer}), else by a small deterministic shell ({@code echo}, {@code printf}, {@code exit}, {@code cat},
 * {@code sleep}; see {@link FakeShell}) that refuses anything it does not know instead of answering differently
 * from a real one. The spec's byte limit and timeout hold; its working directory, environment and arguments are
 * only recorded ({@link #executed()}).
 *
 * <p>Terminals are {@link FakeTerminal}s: an echoing line discipline in front of the same small shell, ended
 * (as killed) when their sandbox stops.
 *
 * <p>Hooks for tests: {@link #holdCreates()} keeps creates waiting (to see a sandbox {@code creating}),
 * {@link #failNextCreate}, {@link #failNextStart} and {@link #failNextDestroy} make the runtime fail, and
 * {@code simulate...} change what the runtime holds behind the server's back, as a crash or a reboot would.
 *
 * <p>Threading: safe for any number of threads. Transitions of one sandbox hold its lock from
 * {@link SandboxLocks}; commands take none.
 */
public final class FakeSandboxRuntime implements SandboxRuntime {
    private final TemplateBuilder templates;
    private final SandboxLocks locks = new SandboxLocks();
    private final ConcurrentHashMap<SandboxId, SandboxState> states = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SandboxId, SandboxSpec> specs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SandboxId, NetworkUsage> traffic = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SandboxId, List<dev.corral.core.sandbox.ports.ListeningPort>> listening =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SandboxId, Set<FakeExecStream>> running = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SandboxId, Set<FakeTerminal>> terminals = new ConcurrentHashMap<>();
    private final List<TerminalSpec> terminalsOpened = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Executed> executed = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> createFailure = new AtomicReference<>();
    private final AtomicReference<String> startFailure = new AtomicReference<>();
    private final AtomicReference<String> destroyFailure = new AtomicReference<>();
    private final AtomicReference<String> networkFailure = new AtomicReference<>();
    /** The policies changed since create, by sandbox. */
    private final ConcurrentHashMap<SandboxId, EgressPolicy> changedNetworks = new ConcurrentHashMap<>();
    private volatile CountDownLatch createGate = new CountDownLatch(0);

    /** What a scripted command writes and how it exits. */
    public record Answer(String stdout, String stderr, int exitCode) {
        public Answer {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }

        private FakeShell.Outcome outcome() {
            var chunks = new ArrayList<FakeShell.Chunk>();
            if (!stdout.isEmpty()) {
                chunks.add(new FakeShell.Chunk(false, stdout.getBytes(StandardCharsets.UTF_8)));
            }
            if (!stderr.isEmpty()) {
                chunks.add(new FakeShell.Chunk(true, stderr.getBytes(StandardCharsets.UTF_8)));
            }
            return new FakeShell.Outcome(chunks, exitCode, false);
        }
    }

    /** One command the runtime was asked to run. */
    public record Executed(SandboxId sandbox, ExecSpec spec) {
    }

    public FakeSandboxRuntime(TemplateBuilder templates) {
        this.templates = templates;
    }

    @Override
    public void create(SandboxSpec spec) {
        awaitGate();
        templates.ensureBuilt(spec.template(), line -> { });
        transition(spec.id(), () -> {
            if (states.containsKey(spec.id())) {
                throw CorralException.conflict("Sandbox " + spec.id() + " already exists");
            }
            String failure = createFailure.getAndSet(null);
            if (failure != null) {
                throw CorralException.runtimeUnavailable("Cannot create sandbox " + spec.id() + ": " + failure,
                        null);
            }
            specs.put(spec.id(), spec);
            states.put(spec.id(), SandboxState.RUNNING);
        });
    }

    @Override
    public ExecStream exec(SandboxId id, ExecSpec spec) {
        return exec(id, spec, InputStream.nullInputStream());
    }

    @Override
    public ExecStream exec(SandboxId id, ExecSpec spec, InputStream stdin) {
        Objects.requireNonNull(stdin, "stdin");
        // Under the sandbox's lock, so that a stop cannot slip between the state check and the registration.
        return locks.with(id, () -> switch (state(id)) {
            case ABSENT -> throw CorralException.notFound("sandbox", id.value());
            case PAUSED -> FakeExecStream.refused(CorralException.invalidState("Sandbox " + id
                    + " is paused; resume it to run commands"));
            case STOPPED -> FakeExecStream.refused(CorralException.invalidState("Sandbox " + id + " is stopped"));
            case RUNNING -> run(id, spec, stdin);
        });
    }

    private ExecStream run(SandboxId id, ExecSpec spec, InputStream stdin) {
        executed.add(new Executed(id, spec));
        FakeShell.Outcome outcome;
        try {
            Answer answer = answers.get(spec.command());
            outcome = answer != null ? answer.outcome() : FakeShell.run(spec.command(), stdin);
        } catch (UncheckedIOException e) {
            // As the runtime does when reading stdin fails: the command is killed and the failure comes instead of
            // the exit.
            return FakeExecStream.refused(e);
        }
        Set<FakeExecStream> live = running.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
        var holder = new AtomicReference<FakeExecStream>();
        FakeExecStream stream = FakeExecStream.of(outcome, spec.maxOutputBytes(), spec.timeout(),
                () -> live.remove(holder.get()));
        holder.set(stream);
        live.add(stream);
        return stream;
    }

    @Override
    public Terminal openTerminal(SandboxId id, TerminalSpec spec) {
        return locks.with(id, () -> switch (state(id)) {
            case ABSENT -> throw CorralException.notFound("sandbox", id.value());
            case PAUSED -> throw CorralException.invalidState("Sandbox " + id + " is paused; resume it first");
            case STOPPED -> throw CorralException.invalidState("Sandbox " + id + " is stopped");
            case RUNNING -> {
                terminalsOpened.add(spec);
                Set<FakeTerminal> live = terminals.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
                var holder = new AtomicReference<FakeTerminal>();
                FakeTerminal terminal = FakeTerminal.open(spec, () -> live.remove(holder.get()));
                holder.set(terminal);
                live.add(terminal);
                yield terminal;
            }
        });
    }

    @Override
    public void changeNetwork(SandboxId id, EgressPolicy policy) {
        transition(id, () -> {
            existing(id);
            String failure = networkFailure.getAndSet(null);
            if (failure != null) {
                throw CorralException.runtimeUnavailable("Cannot change the network of sandbox " + id + ": "
                        + failure, null);
            }
            if (specs.get(id).network().loopbackOnly()) {
                throw CorralException.runtimeUnavailable("Sandbox " + id + " has no network", null);
            }
            changedNetworks.put(id, policy);
        });
    }

    /**
     * Loopback for a sandbox with a network that is not stopped, so that a test's server on a loopback port stands
     * in for what runs in the sandbox; empty for one with loopback only, a stopped or an unknown one.
     */
    @Override
    public Optional<java.net.InetAddress> address(SandboxId id) {
        SandboxSpec spec = specs.get(id);
        SandboxState state = states.get(id);
        if (spec == null || spec.network().loopbackOnly() || state == null || state == SandboxState.STOPPED) {
            return Optional.empty();
        }
        return Optional.of(java.net.InetAddress.getLoopbackAddress());
    }

    /**
     * What {@link #carry} said the sandbox's network carried, nothing at first, for a sandbox with a network;
     * empty for one with loopback only or an unknown one.
     */
    @Override
    public Optional<NetworkUsage> networkUsage(SandboxId id) {
        SandboxSpec spec = specs.get(id);
        if (spec == null || spec.network().loopbackOnly()) {
            return Optional.empty();
        }
        return Optional.of(traffic.getOrDefault(id, NetworkUsage.NONE));
    }

    /** Has the sandbox's network carried {@code usage} in all, as {@link #networkUsage} answers. */
    public void carry(SandboxId id, NetworkUsage usage) {
        traffic.put(id, usage);
    }

    /** What {@link #listen} said listens in the sandbox, by port. */
    @Override
    public List<dev.corral.core.sandbox.ports.ListeningPort> listeningPorts(SandboxId id) {
        existing(id);
        return listening.getOrDefault(id, List.of()).stream()
                .sorted(java.util.Comparator.comparingInt(dev.corral.core.sandbox.ports.ListeningPort::port)).toList();
    }

    /** Has {@code port} listen on {@code address} in the sandbox, as {@link #listeningPorts} answers. */
    public void listen(SandboxId id, int port, String address) {
        listening.merge(id, List.of(new dev.corral.core.sandbox.ports.ListeningPort(port, address)),
                (old, added) -> java.util.stream.Stream.concat(old.stream(), added.stream()).toList());
    }

    @Override
    public void pause(SandboxId id) {
        freeze(id, SandboxState.PAUSED, "Sandbox " + id + " is stopped and cannot be paused");
    }

    @Override
    public void resume(SandboxId id) {
        freeze(id, SandboxState.RUNNING, "Sandbox " + id + " is stopped; start it instead");
    }

    /** Freezes ({@code PAUSED}) or thaws ({@code RUNNING}) a sandbox that is not stopped. */
    private void freeze(SandboxId id, SandboxState to, String whenStopped) {
        transition(id, () -> {
            if (existing(id) == SandboxState.STOPPED) {
                throw CorralException.invalidState(whenStopped);
            }
            states.put(id, to);
        });
    }

    @Override
    public void stop(SandboxId id) {
        transition(id, () -> {
            existing(id);
            endCommands(id);
            states.put(id, SandboxState.STOPPED);
        });
    }

    @Override
    public void start(SandboxId id) {
        transition(id, () -> {
            if (existing(id) != SandboxState.STOPPED) {
                return;
            }
            String failure = startFailure.getAndSet(null);
            if (failure != null) {
                throw CorralException.runtimeUnavailable("Cannot start sandbox " + id + ": " + failure, null);
            }
            states.put(id, SandboxState.RUNNING);
        });
    }

    @Override
    public void destroy(SandboxId id) {
        transition(id, () -> {
            String failure = destroyFailure.getAndSet(null);
            if (failure != null) {
                throw CorralException.runtimeUnavailable("Cannot destroy sandbox " + id + ": " + failure, null);
            }
            endCommands(id);
            states.remove(id);
            specs.remove(id);
            traffic.remove(id);
        });
    }

    @Override
    public SandboxState state(SandboxId id) {
        return states.getOrDefault(id, SandboxState.ABSENT);
    }

    @Override
    public Map<SandboxId, SandboxState> list() {
        var all = new TreeMap<SandboxId, SandboxState>(Comparator.comparing(SandboxId::value));
        all.putAll(states);
        return all;
    }

    @Override
    public Set<SandboxId> removeAllExcept(Set<SandboxId> known) {
        var removed = new LinkedHashSet<SandboxId>();
        for (SandboxId id : list().keySet()) {
            if (!known.contains(id)) {
                destroy(id);
                removed.add(id);
            }
        }
        return removed;
    }

    /** Answers {@code command} (the exact text) with {@code answer} from now on, instead of the fake shell. */
    public void answer(String command, Answer answer) {
        answers.put(command, answer);
    }

    /** Every command run so far, in order; refused ones (paused, stopped sandbox) are not. */
    public List<Executed> executed() {
        return List.copyOf(executed);
    }

    /** Every terminal opened so far, in order. */
    public List<TerminalSpec> terminalsOpened() {
        return List.copyOf(terminalsOpened);
    }

    /** How many terminals are open in the sandbox now. */
    public int openTerminals(SandboxId id) {
        return terminals.getOrDefault(id, Set.of()).size();
    }

    /** The spec the sandbox was created with; empty when the runtime holds nothing for it. */
    public Optional<SandboxSpec> specOf(SandboxId id) {
        return Optional.ofNullable(specs.get(id));
    }

    /** The egress policy in force in the sandbox: the last one changed to, else its create's; empty for none. */
    public Optional<EgressPolicy> networkOf(SandboxId id) {
        return Optional.ofNullable(changedNetworks.get(id)).or(() -> specOf(id).flatMap(spec ->
                spec.network().egress()));
    }

    /** Makes the next network change fail with {@code runtime_unavailable} saying {@code reason}. */
    public void failNextNetworkChange(String reason) {
        networkFailure.set(reason);
    }

    /** Makes creates wait (before they change anything) until {@link #releaseCreates()}. */
    public void holdCreates() {
        createGate = new CountDownLatch(1);
    }

    /** Lets held creates, and later ones, go on. */
    public void releaseCreates() {
        createGate.countDown();
    }

    /** Makes the next create fail with {@code runtime_unavailable} saying {@code reason}, leaving nothing. */
    public void failNextCreate(String reason) {
        createFailure.set(reason);
    }

    /** Makes the next start of a stopped sandbox fail with {@code runtime_unavailable} saying {@code reason}. */
    public void failNextStart(String reason) {
        startFailure.set(reason);
    }

    /** Makes the next destroy fail with {@code runtime_unavailable} saying {@code reason}, changing nothing. */
    public void failNextDestroy(String reason) {
        destroyFailure.set(reason);
    }

    /** The sandbox's init died (or the host rebooted): stopped as by {@link #stop}, behind the server's back. */
    public void simulateInitDied(SandboxId id) {
        stop(id);
    }

    /** The runtime lost everything of the sandbox, as if someone removed it by hand. */
    public void simulateVanished(SandboxId id) {
        destroy(id);
    }

    /** The runtime holds a sandbox nobody asked this server for, e.g. one left by a crash before it was stored. */
    public void simulateStray(SandboxId id, SandboxState state) {
        if (state == SandboxState.ABSENT) {
            throw new IllegalArgumentException("a stray sandbox is held: running, paused or stopped");
        }
        transition(id, () -> states.put(id, state));
    }

    private SandboxState existing(SandboxId id) {
        SandboxState state = state(id);
        if (state == SandboxState.ABSENT) {
            throw CorralException.notFound("sandbox", id.value());
        }
        return state;
    }

    private void endCommands(SandboxId id) {
        Set<FakeExecStream> live = running.remove(id);
        if (live != null) {
            live.forEach(FakeExecStream::terminate);
        }
        Set<FakeTerminal> open = terminals.remove(id);
        if (open != null) {
            open.forEach(FakeTerminal::close);
        }
    }

    private void awaitGate() {
        try {
            createGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CorralException.runtimeUnavailable("Interrupted while creating a sandbox", e);
        }
    }

    private void transition(SandboxId id, Runnable change) {
        locks.with(id, () -> {
            change.run();
            return null;
        });
    }
}
