package dev.corral.runtime.oci.guest;

import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.files.FileWatch;
import dev.corral.core.sandbox.files.SandboxPath;
import dev.corral.core.sandbox.files.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link FileWatch} by inotifywait: the changes its watcher process ({@link FileScripts#WATCH}), run in the
 * sandbox through the runtime's exec, sees there. Closing it stops the process.
 *
 * <p>Implementation notes. A virtual thread of the watch, the pump, reads the process's output, parses it into
 * records ({@link InotifyOutput}), stamps each with the time it arrived and queues it; {@link #next()} takes them
 * and translates them ({@link InotifyTranslator}), waiting no longer than the translator's next deadline, so that a
 * pending change is told on time even when nothing else arrives. The queue is bounded: a consumer that falls
 * behind stops the pump, the process then blocks on its full pipe, and the kernel drops what overflows its own
 * queue and says so, which ends the watch as {@code EVENTS_LOST} rather than buffering without bound. The
 * watcher says on standard error when its watches are in place; that, or its first record, is the
 * {@link WatchEvent.Ready}. A process that ends before that failed to watch: {@code next()} throws why.
 *
 * <p>Threading: one consumer calls {@link #next()}. {@link #end} and {@link #close()} may be called from any
 * thread, also while the consumer blocks in {@code next()}, which then returns the end. Only the pump reads and
 * closes the process's stream; it runs the {@link #whenStopped} actions once it has closed it.
 */
final class InotifyWatch implements FileWatch {
    private static final int QUEUE_CAPACITY = 1024;
    private static final String ESTABLISHED = "Watches established.";
    private static final int STDERR_TAIL_BYTES = 2048;
    private static final Object WAKE = new Object();
    private static final Object READY = new Object();

    private final SandboxPath path;
    private final ExecStream stream;
    private final Duration timeout;
    private final InstantSource clock;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final InotifyTranslator translator;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicReference<WatchEvent.End> ending = new AtomicReference<>();
    private final Thread pump;
    private final ArrayDeque<WatchEvent> told = new ArrayDeque<>();
    private boolean ready;
    private boolean finished;

    private record Arrived(InotifyRecord record, Instant at) {
    }

    private record Exited(ExecEvent.Exit exit, String stderr) {
    }

    private record Failed(RuntimeException failure) {
    }

    /**
     * Watches with the started watcher {@code stream}, from {@link #start()} on.
     *
     * @param path    the watched directory, as the watcher was given it
     * @param timeout the watcher's exec timeout, to explain a watcher killed by it
     */
    InotifyWatch(SandboxPath path, ExecStream stream, Duration timeout, InstantSource clock) {
        this.path = path;
        this.stream = stream;
        this.timeout = timeout;
        this.clock = clock;
        this.translator = new InotifyTranslator(path.value());
        this.pump = Thread.ofVirtual().name("corral-file-watch").unstarted(this::pump);
    }

    void start() {
        pump.start();
    }

    @Override
    public WatchEvent next() throws InterruptedException {
        while (told.isEmpty()) {
            if (finished) {
                throw new NoSuchElementException("the watch has ended");
            }
            WatchEvent.End requested = ending.get();
            if (requested != null) {
                finish(requested);
            } else {
                take(poll());
            }
        }
        return told.removeFirst();
    }

    @Override
    public void end(WatchEvent.End end) {
        if (ending.compareAndSet(null, end)) {
            pump.interrupt();
            queue.offer(WAKE);
        }
    }

    @Override
    public boolean awaitStopped(Duration wait) throws InterruptedException {
        return !pump.isAlive() || pump.join(wait);
    }

    @Override
    public void whenStopped(Runnable action) {
        stopped.thenRun(action);
    }

    @Override
    public void close() {
        end(new WatchEvent.End(WatchEvent.Reason.CLOSED, "The watch was closed"));
    }

    private Object poll() throws InterruptedException {
        OptionalLong deadline = translator.nextDeadline();
        if (deadline.isEmpty()) {
            return queue.take();
        }
        return queue.poll(deadline.getAsLong() - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void take(Object item) {
        if (ending.get() != null) {
            return;
        }
        switch (item) {
            case Arrived arrived -> {
                becomeReady(arrived.at());
                told.addAll(translator.accept(arrived.record(), arrived.at(), System.nanoTime()));
                translator.end().ifPresent(this::end);
            }
            case Exited exited -> {
                if (!ready) {
                    finished = true;
                    throw FileScripts.failure("watch", path, exited.exit().exitCode(), exited.exit().timedOut(),
                            timeout, exited.stderr());
                }
                end(new WatchEvent.End(WatchEvent.Reason.STOPPED, "The watcher in the sandbox ended (exit status "
                        + exited.exit().exitCode() + "): the sandbox stopped, or something in it ended the watcher"));
            }
            case Failed failed -> {
                if (!ready) {
                    finished = true;
                    throw failed.failure();
                }
                end(new WatchEvent.End(WatchEvent.Reason.STOPPED, "The watch failed: "
                        + failed.failure().getMessage()));
            }
            case null, default -> {
                // READY, or WAKE and timeouts, which only make the loop look again
                if (item == READY) {
                    becomeReady(clock.instant());
                }
            }
        }
        told.addAll(translator.due(System.nanoTime()));
    }

    private void becomeReady(Instant at) {
        if (!ready) {
            ready = true;
            told.add(new WatchEvent.Ready(path.value(), at));
        }
    }

    private void finish(WatchEvent.End end) {
        told.addAll(translator.drain());
        told.add(end);
        finished = true;
    }

    /** Reads the watcher's output into the queue until it exits or the watch ends. */
    private void pump() {
        var output = new InotifyOutput();
        byte[] stderr = new byte[0];
        boolean established = false;
        try {
            while (ending.get() == null) {
                switch (stream.next()) {
                    case ExecEvent.Stdout out -> {
                        Instant at = clock.instant();
                        for (InotifyRecord record : output.feed(out.data())) {
                            queue.put(new Arrived(record, at));
                        }
                    }
                    case ExecEvent.Stderr err -> {
                        stderr = tail(stderr, err.data());
                        if (!established && new String(stderr, StandardCharsets.UTF_8).contains(ESTABLISHED)) {
                            established = true;
                            queue.put(READY);
                        }
                    }
                    case ExecEvent.Exit exit -> {
                        queue.put(new Exited(exit, new String(stderr, StandardCharsets.UTF_8)));
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // the watch ended: nobody waits for the rest
        } catch (RuntimeException e) {
            try {
                queue.put(new Failed(e));
            } catch (InterruptedException ended) {
                // as above
            }
        } finally {
            stream.close();
            stopped.complete(null);
        }
    }

    private static byte[] tail(byte[] kept, byte[] more) {
        byte[] joined = Arrays.copyOf(kept, kept.length + more.length);
        System.arraycopy(more, 0, joined, kept.length, more.length);
        return Arrays.copyOfRange(joined, Math.max(0, joined.length - STDERR_TAIL_BYTES), joined.length);
    }
}
