package dev.corral.core.sandbox.logs;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One watcher of a sandbox's logs. Entries wait in a bounded queue and are handed to the listener by the
 * subscription's own virtual thread, so a slow client slows nobody else; a client so slow that the queue fills is
 * dropped (its subscription closes) rather than buffered without bound.
 */
public final class LogSubscription implements AutoCloseable {
    private static final int QUEUE_CAPACITY = 4096;

    private final BlockingQueue<LogEntry> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onClose;
    private final Thread delivery;

    LogSubscription(Consumer<LogEntry> listener, Runnable onClose) {
        this.onClose = onClose;
        this.delivery = Thread.ofVirtual().name("corral-logs-delivery").start(() -> deliver(listener));
    }

    void offer(LogEntry entry) {
        if (!closed.get() && !queue.offer(entry)) {
            close();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    private void deliver(Consumer<LogEntry> listener) {
        try {
            while (!closed.get()) {
                LogEntry entry = queue.poll(1, TimeUnit.SECONDS);
                if (entry != null) {
                    listener.accept(entry);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException listenerFailed) {
            close();
        }
    }

    /** Stops delivery; entries still queued are dropped. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            delivery.interrupt();
            onClose.run();
        }
    }
}
