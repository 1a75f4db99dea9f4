package dev.corral.runtime.oci.agent;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One command running through a sandbox's agent ({@code exec}, docs/GUEST-PROTOCOL.md), seen as an
 * {@link ExecStream} with the same meaning as a {@code runc exec}'s: output events, then one exit whose code is
 * {@code 128 + n} for a signal {@code n}, {@code timedOut} after the agent's timeout or {@link #kill()}, and
 * {@code truncated} when the agent dropped output past the limit.
 *
 * <p>Implementation notes. A virtual thread receives the agent's frames into a small bounded queue: while the
 * consumer holds back, the queue fills, the reader stops reading, the socket fills and the agent stops reading the
 * command's pipes, so a flood waits in the command rather than anywhere in memory. Standard input, when given, is
 * copied by a second virtual thread as {@code i} frames and an {@code I} at its end. {@link #kill()} sends a
 * {@code k} frame for {@code SIGKILL} to the command's process group; closing the connection makes the agent kill
 * a foreground command the same way.
 *
 * <p>Threading: blocking socket channels park virtual threads without pinning, so no platform thread is needed.
 * One consumer calls {@code next()}/{@code poll()}; {@code kill()} may come from any thread; {@code close()} is
 * the consumer's, and a {@code next()} blocked in another thread then throws {@link IllegalStateException}.
 */
public final class AgentExecStream implements ExecStream {
    /** With frames of at most 64 KiB from the agent, at most 512 KiB of output waits per command. */
    private static final int QUEUE_FRAMES = 8;
    private static final int STDIN_CHUNK = 64 << 10;
    private static final Object CLOSED = new Object();

    private final AgentConnection connection;
    private final long startNanos;
    private final Function<String, CorralException> neverStarted;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES + 2);
    private final CompletableFuture<GuestFields> started = new CompletableFuture<>();
    private final Thread reader;
    private final Thread stdinCopier;
    private volatile boolean killed;
    private volatile boolean closed;
    private volatile boolean ended;
    private volatile RuntimeException inputFailure;
    private boolean exitReturned;

    private AgentExecStream(AgentConnection connection, long startNanos, InputStream stdin,
                            Function<String, CorralException> neverStarted) {
        this.connection = connection;
        this.startNanos = startNanos;
        this.neverStarted = neverStarted;
        this.reader = Thread.ofVirtual().name("agent-exec-reader").start(this::receive);
        this.stdinCopier = stdin == null ? null
                : Thread.ofVirtual().name("agent-exec-stdin").start(() -> copyInput(stdin));
    }

    /**
     * Sends {@code request} ({@code exec}, or {@code attach} to a background command) on {@code connection} and
     * follows the command.
     *
     * @param startNanos   {@link System#nanoTime()} before the request: the command's duration counts from there
     * @param stdin        copied into the command's input when not null; the request must say {@code stdin=1}
     * @param neverStarted the error for a command the agent refused to start, given its message
     */
    public static AgentExecStream start(AgentConnection connection, String op, GuestFields request,
                                        long startNanos, InputStream stdin,
                                        Function<String, CorralException> neverStarted) {
        try {
            connection.request(op, request);
        } catch (IOException e) {
            connection.close();
            throw CorralException.runtimeUnavailable("Cannot send a command to the guest agent: " + e.getMessage(), e);
        }
        return new AgentExecStream(connection, startNanos, stdin, neverStarted);
    }

    /**
     * The fields of the agent's {@code s} frame ({@code pid=}, and {@code id=} for a background command), waiting
     * for it; throws what {@link #next()} would for a command that never started.
     */
    public GuestFields startedFields() throws InterruptedException {
        try {
            return started.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : CorralException.runtimeUnavailable("The guest agent failed", e.getCause());
        }
    }

    @Override
    public ExecEvent next() throws InterruptedException {
        return nextWithin(null);
    }

    @Override
    public Optional<ExecEvent> poll(Duration wait) throws InterruptedException {
        return Optional.ofNullable(nextWithin(wait));
    }

    private ExecEvent nextWithin(Duration wait) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("the exec stream was closed");
        }
        if (exitReturned) {
            throw new NoSuchElementException("the command has exited");
        }
        Object item = wait == null ? queue.take() : queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (item == null) {
            return null;
        }
        if (item == CLOSED) {
            throw new IllegalStateException("the exec stream was closed");
        }
        if (item instanceof RuntimeException failure) {
            exitReturned = true;
            throw failure;
        }
        ExecEvent event = (ExecEvent) item;
        if (event instanceof ExecEvent.Exit) {
            exitReturned = true;
            if (inputFailure != null) {
                throw inputFailure;
            }
        }
        return event;
    }

    @Override
    public void kill() {
        if (ended || closed || killed) {
            return;
        }
        killed = true;
        try {
            connection.send(GuestFrame.SIGNAL, GuestFields.builder().add("signal", 9).build());
        } catch (IOException e) {
            // the connection is gone: the agent kills a foreground command whose connection closes
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.close();
        reader.interrupt();
        if (stdinCopier != null) {
            stdinCopier.interrupt();
        }
        queue.clear();
        queue.offer(CLOSED);
    }

    /** The reader thread: frames to events until the exit, a failure, or the end of the connection. */
    private void receive() {
        try {
            while (true) {
                GuestFrame frame = connection.receive();
                switch (frame.type()) {
                    case GuestFrame.STARTED -> started.complete(frame.fields());
                    case GuestFrame.STDOUT -> deliver(new ExecEvent.Stdout(frame.payload()));
                    case GuestFrame.STDERR -> deliver(new ExecEvent.Stderr(frame.payload()));
                    case GuestFrame.EXITED -> {
                        ended = true;
                        deliver(exit(frame.fields()));
                        return;
                    }
                    case GuestFrame.FAILED -> {
                        ended = true;
                        fail(neverStarted.apply(frame.fields().text("code", "") + ": "
                                + frame.fields().text("message", "")));
                        return;
                    }
                    default -> {
                        ended = true;
                        fail(GuestFailure.unexpected(frame, "exec"));
                        return;
                    }
                }
            }
        } catch (IOException e) {
            ended = true;
            if (!closed) {
                fail(CorralException.runtimeUnavailable("The guest agent went away while the command ran: "
                        + e.getMessage(), e));
            }
        } finally {
            connection.close();
        }
    }

    private ExecEvent.Exit exit(GuestFields fields) {
        started.complete(GuestFields.EMPTY);
        long signal = fields.number("signal", 0);
        int code = signal != 0 ? 128 + (int) signal : (int) fields.number("code", 0);
        return new ExecEvent.Exit(code, Duration.ofNanos(System.nanoTime() - startNanos),
                killed || fields.flag("timed_out"), fields.flag("truncated"));
    }

    private void fail(RuntimeException failure) {
        started.completeExceptionally(failure);
        deliver(failure);
    }

    private void deliver(Object item) {
        if (closed) {
            return;
        }
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            // close() interrupts a reader waiting for room: nobody takes the item any more
        }
    }

    /** The stdin thread: input as {@code i} frames, then {@code I}; a failed read kills the command. */
    private void copyInput(InputStream in) {
        byte[] buffer = new byte[STDIN_CHUNK];
        try {
            int n;
            while ((n = readInput(in, buffer)) >= 0) {
                if (n > 0) {
                    connection.send(GuestFrame.STDIN, buffer, 0, n);
                }
            }
            if (inputFailure == null) {
                connection.send(GuestFrame.STDIN_END, new byte[0], 0, 0);
            }
        } catch (IOException e) {
            // the command ended or the stream closed: what it did not read is not for it
        }
    }

    private int readInput(InputStream in, byte[] buffer) {
        try {
            return in.read(buffer);
        } catch (IOException | RuntimeException e) {
            if (!closed && !ended) {
                inputFailure = e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
                kill();
            }
            return -1;
        }
    }
}
