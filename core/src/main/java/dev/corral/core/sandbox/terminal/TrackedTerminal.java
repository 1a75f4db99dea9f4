package dev.corral.core.sandbox.terminal;

import dev.corral.core.sandbox.SandboxId;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A runtime's terminal as {@link SandboxTerminals} hands it out: bytes in either direction are the sandbox's
 * activity, written down at most once per interval through {@code recordActivity}; closing it closes the runtime's
 * terminal and then runs {@code onClosed} once (its place given back, its end written down as activity).
 *
 * <p>Threading: as {@link Terminal}: a reader and a writer at once, close from anywhere. The time of the last
 * recorded activity is swapped atomically, so two threads never both write it for one interval.
 */
final class TrackedTerminal implements Terminal {
    private final SandboxId sandbox;
    private final Terminal terminal;
    private final InstantSource clock;
    private final Duration activityInterval;
    private final Consumer<SandboxId> recordActivity;
    private final Runnable onClosed;
    private final AtomicReference<Instant> lastRecorded;
    private final AtomicBoolean closed = new AtomicBoolean();

    TrackedTerminal(SandboxId sandbox, Terminal terminal, InstantSource clock, Duration activityInterval,
                    Consumer<SandboxId> recordActivity, Runnable onClosed) {
        this.sandbox = sandbox;
        this.terminal = terminal;
        this.clock = clock;
        this.activityInterval = activityInterval;
        this.recordActivity = recordActivity;
        this.onClosed = onClosed;
        this.lastRecorded = new AtomicReference<>(clock.instant());
    }

    SandboxId sandbox() {
        return sandbox;
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        int read = terminal.read(buffer);
        if (read > 0) {
            traffic();
        }
        return read;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        terminal.write(bytes, offset, length);
        traffic();
    }

    @Override
    public void resize(TerminalSize size) throws IOException {
        terminal.resize(size);
        traffic();
    }

    @Override
    public OptionalInt exitCode() {
        return terminal.exitCode();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                terminal.close();
            } finally {
                onClosed.run();
            }
        }
    }

    private void traffic() {
        Instant now = clock.instant();
        Instant last = lastRecorded.get();
        if (now.isBefore(last.plus(activityInterval))) {
            return;
        }
        if (lastRecorded.compareAndSet(last, now)) {
            recordActivity.accept(sandbox);
        }
    }
}
