package dev.corral.core.sandbox;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.processes.RuntimeProcess;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs sandboxes on some machinery (OCI containers on this host, pods in a cluster). Sandboxes are separate from
 * the server: they keep running when it stops, and at start the server compares {@link #list()} with its store.
 *
 * <p>Every method blocks until done and may be called from any thread. Transitions of one sandbox are serialized
 * by the runtime; execs run concurrently with each other. Failures of the machinery itself are
 * {@code runtime_unavailable} with what the machinery said; a sandbox in the wrong state for a call is
 * {@code invalid_state}; an id the runtime holds nothing for is {@code not_found}.
 */
public interface SandboxRuntime {

    /**
     * Checks, cheaply, that this runtime can make sandboxes at all, so that a create is refused at once rather
     * than recorded and failed a moment later. This default can always.
     *
     * @throws dev.corral.core.error.CorralException {@code runtime_unavailable} when it cannot, such as when its
     *                                               binary is not installed
     */
    default void requireAvailable() {
    }

    /**
     * Creates the sandbox and starts it; it is {@link SandboxState#RUNNING} when this returns. Builds the
     * template first when it is not built yet, which can take a minute. A failed create leaves nothing behind.
     *
     * @throws dev.corral.core.error.CorralException {@code conflict} when the runtime already holds this id,
     *                                               {@code not_found} for an unknown template
     */
    void create(SandboxSpec spec);

    /**
     * Starts a command in a running sandbox and streams its output; see {@link ExecStream}. Its standard input is
     * empty ({@code /dev/null}).
     */
    ExecStream exec(SandboxId id, ExecSpec spec);

    /**
     * As {@link #exec(SandboxId, ExecSpec)}, with {@code stdin} copied into the command's standard input by a
     * thread of the runtime's own, which closes the command's input at the end of {@code stdin}. The copy goes at
     * the pace the command reads, through a small buffer, so a large input is never held in memory. A command that
     * ends without reading all of it leaves the rest unread. If reading {@code stdin} fails, the command is killed
     * and the stream's {@link ExecStream#next()} throws, in place of the exit, what {@code stdin} threw (an
     * {@link java.io.IOException} wrapped in {@link java.io.UncheckedIOException}). {@code stdin} stays the
     * caller's to close; closing the stream stops the copy (interrupting a read that blocks).
     */
    ExecStream exec(SandboxId id, ExecSpec spec, InputStream stdin);

    /**
     * Opens a terminal in a running sandbox: its command on a pty, output and input as bytes. A runtime that
     * cannot make ptys refuses with {@code invalid_state}, saying what would.
     */
    default Terminal openTerminal(SandboxId id, TerminalSpec spec) {
        throw CorralException.invalidState("This server runs commands without the guest agent, which terminals "
                + "need: set guest to agent");
    }

    /**
     * Starts a background command under {@code processId} and streams its output as {@link #exec} does. A runtime
     * that {@link #keepsProcesses() keeps processes} keeps it apart from this server's memory, so that a server
     * started later lists it ({@link #processes}), follows it ({@link #attach}) and kills it ({@link #signal}).
     * This default keeps nothing: the stream is all there is of it.
     */
    default ExecStream startBackground(SandboxId id, String processId, ExecSpec spec, Optional<InputStream> stdin) {
        return stdin.isEmpty() ? exec(id, spec) : exec(id, spec, stdin.get());
    }

    /** Whether background commands outlive this server's memory (see {@link #startBackground}). */
    default boolean keepsProcesses() {
        return false;
    }

    /** The background commands the runtime keeps for the sandbox, running or recently ended. */
    default List<RuntimeProcess> processes(SandboxId id) {
        return List.of();
    }

    /**
     * The output of a kept background command: what it wrote lately, then what it writes, then its exit. Closing
     * the stream leaves the command running.
     *
     * @throws CorralException {@code not_found} for a process the runtime does not keep
     */
    default ExecStream attach(SandboxId id, String processId) {
        throw CorralException.notFound("process", processId);
    }

    /**
     * Sends {@code signal} (a number, 9 for SIGKILL) to a kept background command's process group.
     *
     * @throws CorralException {@code not_found} for a process the runtime does not keep
     */
    default void signal(SandboxId id, String processId, int signal) {
        throw CorralException.notFound("process", processId);
    }

    /** Runs a command to its end and returns everything it wrote; see {@link #exec}. */
    default ExecResult run(SandboxId id, ExecSpec spec) throws InterruptedException {
        try (ExecStream stream = exec(id, spec)) {
            return ExecResult.drain(stream);
        }
    }

    /**
     * The sandbox's address, at which the host reaches it while it runs; empty for a sandbox without a network
     * of its own. This default has no networks.
     */
    default Optional<java.net.InetAddress> address(SandboxId id) {
        return Optional.empty();
    }

    /**
     * What the sandbox's network has carried since its interface was made; empty for a sandbox without a network
     * of its own, or whose network is not on the host now. Cheap: for a sandbox object on every read. This default
     * has no networks.
     */
    default Optional<NetworkUsage> networkUsage(SandboxId id) {
        return Optional.empty();
    }

    /**
     * What the networks of every sandbox have carried since this runtime object was made: those there now and
     * those taken back since (deleted, or made again after a host lost them), so the sum only grows while the
     * server runs. This default has no networks.
     */
    default NetworkUsage networkTotals() {
        return NetworkUsage.NONE;
    }

    /**
     * The TCP sockets listening in a sandbox that is running or paused, by port. This default cannot look.
     *
     * @throws CorralException {@code invalid_state} when the sandbox has no processes to look into
     */
    default List<dev.corral.core.sandbox.ports.ListeningPort> listeningPorts(SandboxId id) {
        throw CorralException.invalidState("This runtime cannot list a sandbox's listening ports");
    }

    /**
     * Applies another egress policy to a sandbox that has a network, at once and to connections already open.
     * This default cannot: a runtime without networks has nothing to change.
     *
     * @throws CorralException {@code runtime_unavailable} when the policy cannot be applied; the old one holds
     */
    default void changeNetwork(SandboxId id, EgressPolicy policy) {
        throw CorralException.runtimeUnavailable("This runtime cannot change a sandbox's network", null);
    }

    /** Freezes every process of a running sandbox, memory kept. Pausing a paused sandbox does nothing. */
    void pause(SandboxId id);

    /** Thaws a paused sandbox; its processes go on where they were. Resuming a running sandbox does nothing. */
    void resume(SandboxId id);

    /**
     * Ends every process of the sandbox but keeps its disk, so that {@link #start} brings it back with its files.
     * Stopping a stopped sandbox does nothing.
     */
    void stop(SandboxId id);

    /** Starts a stopped sandbox again on its kept disk. Starting a running or paused sandbox does nothing. */
    void start(SandboxId id);

    /** Removes the sandbox and everything the runtime made for it, disk included. Idempotent. */
    void destroy(SandboxId id);

    /** What the runtime has for {@code id}; {@link SandboxState#ABSENT} when nothing. */
    SandboxState state(SandboxId id);

    /** Every sandbox the runtime holds, with its state; never {@link SandboxState#ABSENT}. */
    Map<SandboxId, SandboxState> list();

    /**
     * Destroys every sandbox the runtime holds that is not in {@code known}, and any remains of half-made ones,
     * so that nothing is orphaned after a crash. Returns the ids it destroyed.
     */
    Set<SandboxId> removeAllExcept(Set<SandboxId> known);
}
