package dev.corral.core.sandbox.terminal;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Terminals in sandboxes: a command (the login shell by default) on a real pty of the runtime's, read and written
 * as bytes. Opening one needs the same permission as running a command ({@link Action#TERMINAL_OPEN}), resumes a
 * paused sandbox, and takes one of the sandbox's and the server's places ({@link TerminalLimits}); an open
 * terminal counts as work in its sandbox ({@link SandboxWork}), so the idle reaper never freezes a shell someone
 * is typing in, and its traffic and its end are the sandbox's activity, from which the idle time counts once it
 * closes. Terminals end with their sandbox (deleted or stopped for good) and with the server.
 *
 * <p>A browser cannot send an API key on a WebSocket, so a caller may first mint a one-time
 * {@link TerminalSession} ({@link #createSession}): its id is redeemed once, within {@link TerminalLimits#sessionTtl},
 * for the caller who minted it ({@link #redeemSession}), whose permission is checked again when the terminal opens.
 *
 * <p>Threading: any request thread may call any method. Open terminals are kept in a concurrent map; counting and
 * inserting one is under one lock (never held while the runtime opens the terminal); each removes itself when it
 * is closed, from whatever thread closes it.
 */
public final class SandboxTerminals implements AutoCloseable {
    private static final Duration SERVER_BUSY_RETRY = Duration.ofSeconds(1);

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final SandboxWork work;
    private final TerminalLimits limits;
    private final InstantSource clock;
    private final TerminalSessions sessions;
    private final ConcurrentHashMap<Place, SandboxId> open = new ConcurrentHashMap<>();
    private final ReentrantLock counting = new ReentrantLock();

    public SandboxTerminals(SandboxService sandboxes, SandboxRuntime runtime, SandboxWork work, TerminalLimits limits,
                            InstantSource clock) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.work = work;
        this.limits = limits;
        this.clock = clock;
        this.sessions = new TerminalSessions(limits);
        sandboxes.onDeleted(this::forget);
    }

    /** What a redeemed session stands for: the caller who minted it and its sandbox. */
    public record Claim(Principal caller, SandboxId sandbox) {
    }

    /**
     * Mints a one-time session for a terminal in the caller's sandbox (by id or name).
     *
     * @throws CorralException {@code not_found} for a sandbox the caller cannot see, {@code rate_limited} past the
     *                         unused sessions its organization or the server may hold
     */
    public TerminalSession createSession(Principal caller, String sandbox) {
        AccessPolicy.require(caller, Action.TERMINAL_OPEN);
        SandboxId id = sandboxes.lookup(caller, sandbox).id();
        return sessions.mint(caller, id, clock.instant());
    }

    /** Uses a session up; {@code not_found} when it never existed, was used already, or expired. */
    public Claim redeemSession(String sessionId) {
        return sessions.redeem(sessionId, clock.instant());
    }

    /**
     * Opens a terminal in the caller's sandbox (by id or name), resuming it when paused. The caller reads and
     * writes it and must close it, which ends its command.
     *
     * @throws CorralException {@code quota_exceeded} when the sandbox has as many terminals as it may,
     *                         {@code rate_limited} when the server has, {@code invalid_state} for a stopped sandbox
     *                         or a runtime without terminals
     */
    public Terminal open(Principal caller, String sandbox, TerminalSpec spec) {
        AccessPolicy.require(caller, Action.TERMINAL_OPEN);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        Place place = take(id);
        try {
            Terminal terminal = runtime.openTerminal(id, spec);
            return place.hold(new TrackedTerminal(id, terminal, clock, limits.activityInterval(),
                    sandboxes::recordActivity, place::giveBack));
        } catch (RuntimeException e) {
            place.giveBack();
            throw e;
        }
    }

    /** How many terminals are open on this server now. */
    public int openTerminals() {
        return open.size();
    }

    private Place take(SandboxId id) {
        counting.lock();
        try {
            long inSandbox = open.values().stream().filter(id::equals).count();
            if (inSandbox >= limits.terminalsPerSandbox()) {
                throw CorralException.quotaExceeded("Sandbox " + id + " has " + inSandbox + " terminals open, as "
                        + "many as it may at once; close one first");
            }
            if (open.size() >= limits.terminalsOnServer()) {
                throw CorralException.rateLimited("This server has as many terminals open as it may; try again "
                        + "shortly", SERVER_BUSY_RETRY);
            }
            var place = new Place(id, work.begin(id));
            open.put(place, id);
            return place;
        } finally {
            counting.unlock();
        }
    }

    /** Closes the terminals of a sandbox deleted or stopped for good (the runtime has ended their commands). */
    private void forget(SandboxId id) {
        open.forEach((place, sandbox) -> {
            if (sandbox.equals(id)) {
                place.closeTerminal();
            }
        });
    }

    /** Closes every terminal, ending their commands, as the server stops. */
    @Override
    public void close() {
        Set.copyOf(open.keySet()).forEach(Place::closeTerminal);
    }

    /**
     * One terminal's place in the counts and in its sandbox's work, taken before the runtime opens it; given back
     * once, when the terminal closes or could not open.
     */
    private final class Place {
        private final SandboxId sandbox;
        private final SandboxWork.Piece piece;
        private volatile Terminal terminal;

        Place(SandboxId sandbox, SandboxWork.Piece piece) {
            this.sandbox = sandbox;
            this.piece = piece;
        }

        Terminal hold(Terminal opened) {
            terminal = opened;
            if (!open.containsKey(this)) {
                // Its sandbox went while the runtime opened it.
                opened.close();
            }
            return opened;
        }

        void closeTerminal() {
            Terminal held = terminal;
            if (held != null) {
                held.close();
            } else {
                giveBack();
            }
        }

        void giveBack() {
            if (open.remove(this) != null) {
                piece.close();
                sandboxes.recordActivity(sandbox);
            }
        }
    }
}
