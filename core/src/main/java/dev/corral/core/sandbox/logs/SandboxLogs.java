package dev.corral.core.sandbox.logs;

import dev.corral.core.sandbox.SandboxId;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The live log stream of every sandbox: entries are published as commands write output and as statuses change,
 * kept in a bounded replay buffer per sandbox, and delivered to subscribers (the logs WebSocket).
 *
 * <p>Threading: {@link #publish} is called from exec pumps and service threads concurrently; it never blocks on a
 * subscriber, because each {@link LogSubscription} has its own bounded queue and delivery thread. The per-sandbox
 * buffer is guarded by its own lock.
 */
public final class SandboxLogs {
    private final int bufferBytes;
    private final ConcurrentHashMap<SandboxId, Channel> channels = new ConcurrentHashMap<>();

    /** @param bufferBytes roughly how much text each sandbox's replay buffer keeps */
    public SandboxLogs(int bufferBytes) {
        this.bufferBytes = bufferBytes;
    }

    public void publish(LogEntry entry) {
        channel(entry.sandboxId()).publish(entry);
    }

    /**
     * Delivers to {@code listener} first what the buffer holds from {@code since} on (when given), then every new
     * entry, until the subscription is closed. {@code onClose} runs once when it ends, for whatever reason.
     */
    public LogSubscription subscribe(SandboxId id, Instant since, Consumer<LogEntry> listener, Runnable onClose) {
        return channel(id).subscribe(since, listener, onClose);
    }

    /** Whether anyone is watching the sandbox's logs now: an open logs connection keeps a sandbox awake. */
    public boolean isWatched(SandboxId id) {
        Channel channel = channels.get(id);
        return channel != null && !channel.subscribers.isEmpty();
    }

    /** Ends every subscription of the sandbox and drops its buffer, once the sandbox is gone. */
    public void forget(SandboxId id) {
        Channel channel = channels.remove(id);
        if (channel != null) {
            channel.subscribers.forEach(LogSubscription::close);
        }
    }

    private Channel channel(SandboxId id) {
        return channels.computeIfAbsent(id, k -> new Channel());
    }

    private final class Channel {
        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<LogEntry> buffer = new ArrayDeque<>();
        private final List<LogSubscription> subscribers = new CopyOnWriteArrayList<>();
        private int buffered;

        void publish(LogEntry entry) {
            lock.lock();
            try {
                buffer.addLast(entry);
                buffered += entry.weight();
                while (buffered > bufferBytes && buffer.size() > 1) {
                    buffered -= buffer.removeFirst().weight();
                }
                subscribers.forEach(subscription -> subscription.offer(entry));
            } finally {
                lock.unlock();
            }
        }

        LogSubscription subscribe(Instant since, Consumer<LogEntry> listener, Runnable onClose) {
            lock.lock();
            try {
                var subscription = new LogSubscription(listener, () -> {
                    subscribers.removeIf(s -> s.isClosed());
                    onClose.run();
                });
                if (since != null) {
                    buffer.stream().filter(entry -> !entry.timestamp().isBefore(since)).forEach(subscription::offer);
                }
                subscribers.add(subscription);
                return subscription;
            } finally {
                lock.unlock();
            }
        }
    }
}
