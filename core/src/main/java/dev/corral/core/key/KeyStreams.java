package dev.corral.core.key;

import dev.corral.core.error.CorralException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The streams and sockets open under each API key (event streams, terminals, log and file-watch sockets), so that
 * a key that stops being valid stops them too: a request was authenticated once, when it began, and a stream may
 * outlive its key by hours.
 *
 * <p>Implementation notes. A stream is ended with the error its key would now get ({@code invalid_token} when
 * revoked or gone, {@code token_expired} when its time is up), handed to the ending its opener gave, once. A
 * revocation through this server ends the key's streams at once ({@link #keyRevoked}); {@link #sweep}, which the
 * application runs every {@link #SWEEP_INTERVAL}, ends those whose key has expired and those whose key another
 * server revoked (one store read per key with streams open). The streams are bounded by the per-key limits on
 * open sockets and streams; an entry leaves the table when its stream closes.
 *
 * <p>Threading: {@link #open} and closing an {@link Opened} are called by request and socket threads, the
 * sweep by one background thread; endings run on the thread that ends them and must not block for long.
 */
public final class KeyStreams {
    /** How often the application should {@link #sweep}: half the second a stream may outlive its key. */
    public static final Duration SWEEP_INTERVAL = Duration.ofMillis(500);

    private final ApiKeyStore keys;
    private final InstantSource clock;
    private final ConcurrentHashMap<ApiKeyId, Set<Opened>> byKey = new ConcurrentHashMap<>();

    public KeyStreams(ApiKeyStore keys, InstantSource clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** A stream open under a key; closing it (when the stream ends on its own) takes it off the table. */
    public final class Opened implements AutoCloseable {
        private final Principal caller;
        private final Consumer<CorralException> ending;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile CorralException reason;

        private Opened(Principal caller, Consumer<CorralException> ending) {
            this.caller = caller;
            this.ending = ending;
        }

        /** Why the stream was ended because of its key; empty while its key is valid. */
        public Optional<CorralException> endedBy() {
            return Optional.ofNullable(reason);
        }

        private void end(CorralException why) {
            if (ended.compareAndSet(false, true)) {
                reason = why;
                close();
                ending.accept(why);
            }
        }

        @Override
        public void close() {
            byKey.computeIfPresent(caller.key().id(), (id, open) -> {
                open.remove(this);
                return open.isEmpty() ? null : open;
            });
        }
    }

    /**
     * Counts a stream of {@code caller} as open until the returned handle closes; {@code ending} is called (once,
     * on whatever thread notices) with the error of the key if it is revoked or expires first.
     */
    public Opened open(Principal caller, Consumer<CorralException> ending) {
        var opened = new Opened(caller, ending);
        byKey.compute(caller.key().id(), (id, open) -> {
            Set<Opened> set = open == null ? ConcurrentHashMap.newKeySet() : open;
            set.add(opened);
            return set;
        });
        return opened;
    }

    /** Ends every stream of the key, which was just revoked. */
    public void keyRevoked(ApiKeyId id) {
        endAll(id, KeyErrors.revoked());
    }

    /**
     * Ends the streams of keys that have expired by now or that the store holds revoked (or no longer holds);
     * run every {@link #SWEEP_INTERVAL}. Blocks on one store read per key with streams open.
     */
    public void sweep() {
        Instant now = clock.instant();
        for (Map.Entry<ApiKeyId, Set<Opened>> entry : byKey.entrySet()) {
            Set<Opened> open = entry.getValue();
            Opened any = open.stream().findFirst().orElse(null);
            if (any == null) {
                continue;
            }
            ApiKey key = any.caller.key();
            if (key.isExpired(now)) {
                endAll(entry.getKey(), KeyErrors.expired());
                continue;
            }
            Optional<ApiKey> stored = keys.find(key.organizationId(), key.id());
            if (stored.isEmpty() || stored.get().isRevoked()) {
                endAll(entry.getKey(), KeyErrors.revoked());
            } else if (stored.get().isExpired(now)) {
                endAll(entry.getKey(), KeyErrors.expired());
            }
        }
    }

    /** How many streams are open under {@code id}. */
    public int openUnder(ApiKeyId id) {
        Set<Opened> open = byKey.get(id);
        return open == null ? 0 : open.size();
    }

    private void endAll(ApiKeyId id, CorralException why) {
        Set<Opened> open = byKey.get(id);
        if (open != null) {
            Set.copyOf(open).forEach(opened -> opened.end(why));
        }
    }
}
