package dev.corral.core.ssh;

import dev.corral.core.error.CorralException;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.SandboxSlots;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.exec.SandboxExecutions;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import dev.corral.core.sandbox.terminal.SandboxTerminals;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The SSH sessions open on this server: one per logged-in connection, bounded per sandbox and per server, each the
 * way its connection's commands and terminals reach the sandbox.
 *
 * <p>A session is activity: opening and closing one records it, and while one is open the sandbox counts as busy
 * ({@link SandboxWork}), so the idle reaper never pauses a sandbox under a logged-in user. What a session runs goes
 * through the services, as the login's principal ({@link SshAccess}), so every command is checked and counted as
 * an API exec is: the plan's concurrent commands per sandbox bound the channels of all its sessions together, and
 * a session's terminals count with the sandbox's other terminals.
 *
 * <p>Threading: any thread; the bounds are {@link SandboxSlots}, taken at once or refused, never waited on.
 */
public final class SshSessions {
    private static final SandboxSlots.Wording SLOT_WORDING = new SandboxSlots.Wording(
            "Sandbox %s has %d SSH sessions open already, as many as one sandbox may",
            "This server has %d SSH sessions open, as many as it may; try again shortly", Duration.ofSeconds(5));

    private final SandboxExecutions executions;
    private final SandboxService sandboxes;
    private final SandboxTerminals terminals;
    private final SandboxWork work;
    private final int maxSessionsPerSandbox;
    private final SandboxSlots slots;

    public SshSessions(SandboxExecutions executions, SandboxService sandboxes, SandboxTerminals terminals,
                       SandboxWork work, int maxSessions, int maxSessionsPerSandbox) {
        if (maxSessions < 1 || maxSessionsPerSandbox < 1) {
            throw new IllegalArgumentException("session limits must be positive");
        }
        this.executions = executions;
        this.sandboxes = sandboxes;
        this.terminals = terminals;
        this.work = work;
        this.maxSessionsPerSandbox = maxSessionsPerSandbox;
        this.slots = new SandboxSlots(maxSessions, SLOT_WORDING);
        sandboxes.onDeleted(slots::forget);
    }

    /**
     * Opens a session for a login; the caller closes it when the connection ends.
     *
     * @throws CorralException {@code quota_exceeded} when the sandbox has as many sessions as it may,
     *                         {@code rate_limited} when the server has
     */
    public Session open(SshLogin login) {
        AccessPolicy.require(login.principal(), Action.SANDBOX_EXEC);
        SandboxSlots.Slot slot = slots.take(login.sandbox(), maxSessionsPerSandbox);
        sandboxes.recordActivity(login.sandbox());
        return new Session(login, slot, work.begin(login.sandbox()));
    }

    /** How many sessions are open on this server. */
    public int open() {
        return slots.taken();
    }

    /** One logged-in connection's way into its sandbox. Its methods may be called from any thread. */
    public final class Session implements AutoCloseable {
        private final SshLogin login;
        private final SandboxSlots.Slot slot;
        private final SandboxWork.Piece piece;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Session(SshLogin login, SandboxSlots.Slot slot, SandboxWork.Piece piece) {
            this.login = login;
            this.slot = slot;
            this.piece = piece;
        }

        public SshLogin login() {
            return login;
        }

        /**
         * Runs {@code command} with {@code /bin/sh -c} in the sandbox (resumed when paused), {@code stdin} streamed
         * in; see {@link SandboxExecutions#attach}.
         */
        public ExecStream exec(String command, Map<String, String> env, InputStream stdin) {
            return executions.attach(login.principal(), login.sandbox().toString(), command, env, stdin);
        }

        /**
         * Opens a terminal in the sandbox (resumed when paused) through {@link SandboxTerminals}, so it counts
         * against the same terminals per sandbox and server as a WebSocket's; the caller closes it.
         */
        public Terminal terminal(TerminalSpec spec) {
            return terminals.open(login.principal(), login.sandbox().toString(), spec);
        }

        /** Ends the session's hold on its sandbox and its slots; idempotent. Its commands end with their channels. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                piece.close();
                slot.close();
                sandboxes.recordActivity(login.sandbox());
            }
        }
    }
}
