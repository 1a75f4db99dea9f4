package dev.corral.core.key;

import dev.corral.core.org.OrganizationId;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The principals of keys that authenticated lately, by the SHA-256 of their secret, so that a key in use costs
 * two store reads (key, organization) once per {@link #TIME_TO_LIVE} rather than on every request.
 *
 * <p>Implementation notes. At most {@link #MAX_ENTRIES} principals are held; adding one to a full cache first
 * drops one arbitrary entry (the first the map's iterator gives), which keeps the bound without an ordering to
 * maintain on every hit: a dropped key only costs its next request the two reads. An entry is good for
 * {@link #TIME_TO_LIVE} from when it was read: the short life is what bounds how long another server on the same
 * database takes to see a key revoked, changed or its organization's tier changed there. Changes made through
 * this process are seen at once: {@link ApiKeyService} and the organization service drop the entries they touch.
 * Only keys the store holds unrevoked are held (a wrong key is never cached); {@link ApiKeyService} checks expiry
 * on every request, held or read, since a key may expire while its entry lives.
 *
 * <p>Threading: any number of request threads at once; the map is concurrent and entries are immutable. A reader
 * takes the {@link #generation()} before it reads the store and hands it to {@link #put}, which holds nothing when
 * an invalidation came in between: a principal read before a revocation is never kept after it.
 */
public final class PrincipalCache {
    /** Principals held at most: far above the keys one server sees in a second, small in memory (~ a few MB). */
    public static final int MAX_ENTRIES = 10_000;
    /** How long a principal read from the store is used before it is read again. */
    public static final Duration TIME_TO_LIVE = Duration.ofSeconds(1);

    private record Entry(Principal principal, Instant readAt) {
    }

    private final ConcurrentHashMap<String, Entry> byHash = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /** A number that changes with every invalidation; taken before a store read, given back to {@link #put}. */
    public long generation() {
        return generation.get();
    }

    /** The principal held for the key hashing to {@code sha256}, when it was read less than the TTL before now. */
    public Optional<Principal> find(String sha256, Instant now) {
        Entry entry = byHash.get(sha256);
        if (entry == null) {
            return Optional.empty();
        }
        if (!now.isBefore(entry.readAt().plus(TIME_TO_LIVE)) || now.isBefore(entry.readAt())) {
            byHash.remove(sha256, entry);
            return Optional.empty();
        }
        return Optional.of(entry.principal());
    }

    /**
     * Holds {@code principal}, read from the store at {@code readAt}, dropping another entry when full; nothing
     * when an invalidation happened since {@code readGeneration} was taken.
     */
    public void put(String sha256, Principal principal, Instant readAt, long readGeneration) {
        if (byHash.size() >= MAX_ENTRIES && !byHash.containsKey(sha256)) {
            Iterator<String> any = byHash.keySet().iterator();
            if (any.hasNext()) {
                byHash.remove(any.next());
            }
        }
        byHash.put(sha256, new Entry(principal, readAt));
        if (generation.get() != readGeneration) {
            byHash.remove(sha256);
        }
    }

    /** Drops the key's entry: it was revoked, renamed or its scopes changed. */
    public void forgetKey(ApiKeyId id) {
        generation.incrementAndGet();
        byHash.values().removeIf(entry -> entry.principal().key().id().equals(id));
    }

    /** Drops the entries of every key of the organization: its tier or another of its properties changed. */
    public void forgetOrganization(OrganizationId id) {
        generation.incrementAndGet();
        byHash.values().removeIf(entry -> entry.principal().organizationId().equals(id));
    }

    /** How many principals are held. */
    public int size() {
        return byHash.size();
    }
}
