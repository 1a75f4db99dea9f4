package dev.corral.core.key;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when keys were used and writes that to the store in batches, so that authenticating a request never
 * waits for a write.
 *
 * <p>Threading: {@link #record} is called by request threads and only touches a concurrent map; {@link #flush}
 * is called by one background thread owned by the application (and once more at shutdown).
 */
public final class KeyUsageRecorder {
    private final ApiKeyStore store;
    private final ConcurrentHashMap<ApiKeyId, Instant> pending = new ConcurrentHashMap<>();

    public KeyUsageRecorder(ApiKeyStore store) {
        this.store = store;
    }

    public void record(ApiKeyId id, Instant at) {
        pending.merge(id, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Writes what was recorded since the last flush. */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<ApiKeyId, Instant> batch = new HashMap<>();
        for (ApiKeyId id : pending.keySet()) {
            Instant at = pending.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        store.recordLastUsed(batch);
    }
}
