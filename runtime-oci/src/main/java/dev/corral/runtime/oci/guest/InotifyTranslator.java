package dev.corral.runtime.oci.guest;

import dev.corral.core.sandbox.files.FileChange;
import dev.corral.core.sandbox.files.WatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns inotifywait's records into the changes a watch reports.
 *
 * <p>Implementation notes. CREATE is {@code created} and DELETE {@code deleted}. A MOVED_FROM followed by a
 * MOVED_TO is one {@code renamed}: inotifywait 3.22 cannot print the cookie that ties the two halves of a rename,
 * but the kernel queues them one right after the other, so a MOVED_FROM waits up to {@link #PAIRING} for the next
 * record and is otherwise {@code deleted} (moved out of sight); a MOVED_TO alone is {@code created}. Writes are
 * coalesced: a file's first MODIFY starts a pending {@code modified} that later MODIFYs join, told when the writer
 * closes the file (CLOSE_WRITE) or at the latest {@link #COALESCING} after that first write, so a writer that
 * keeps the file open is still reported, once per interval, and the last report always follows the last write.
 * CLOSE_WRITE after no write (a {@code touch}) reports nothing. Any other record for a path first tells that
 * path's pending write, so one path's changes keep their order. The files API writes through hidden temporary
 * files renamed over their target: those are never reported, and their rename reports the target
 * {@code modified}. The watched directory itself deleted or moved, or events lost (Q_OVERFLOW), ends the watch
 * ({@link #end()}); a subdirectory's own DELETE_SELF or MOVE_SELF is left out, as its parent reports it.
 *
 * <p>Deadlines are in the monotonic nanoseconds the caller passes ({@link System#nanoTime()} in production);
 * timestamps are the times the records arrived.
 *
 * <p>Threading: one thread.
 */
final class InotifyTranslator {
    /** Far longer than inotifywait takes between printing the two halves of one rename. */
    static final Duration PAIRING = Duration.ofMillis(200);
    static final Duration COALESCING = Duration.ofMillis(100);

    private final String root;
    private final Map<String, PendingWrite> writes = new LinkedHashMap<>();
    private PendingMove move;
    private WatchEvent.End end;

    /** @param root the watched directory as inotifywait was given it */
    InotifyTranslator(String root) {
        this.root = root;
    }

    private record PendingWrite(Instant last, long deadline) {
    }

    private record PendingMove(String path, boolean temporary, Instant at, long deadline) {
    }

    /** The changes {@code record}, arrived at {@code at}, tells now; after the end, none. */
    List<FileChange> accept(InotifyRecord record, Instant at, long nanos) {
        var changes = new ArrayList<FileChange>();
        if (end != null) {
            return changes;
        }
        if (record.has("Q_OVERFLOW")) {
            changes.addAll(drain());
            end = new WatchEvent.End(WatchEvent.Reason.EVENTS_LOST, "More changes came at once than the sandbox "
                    + "could queue, and some were lost: watch again, and list the directory to catch up");
            return changes;
        }
        if (record.has("DELETE_SELF") || record.has("MOVE_SELF")) {
            if (record.name().isEmpty() && record.path().equals(root)) {
                changes.addAll(drain());
                changes.add(FileChange.of(FileChange.Type.DELETED, root, at));
                end = new WatchEvent.End(WatchEvent.Reason.DIRECTORY_GONE, "The watched directory " + root + " was "
                        + (record.has("DELETE_SELF") ? "deleted" : "moved"));
            }
            return changes;
        }
        String path = record.path();
        boolean temporary = isTemporary(record.name());
        if (move != null) {
            PendingMove from = move;
            move = null;
            if (record.has("MOVED_TO") && !temporary) {
                changes.addAll(tellWrite(path));
                changes.add(from.temporary() ? FileChange.of(FileChange.Type.MODIFIED, path, at)
                        : FileChange.renamed(from.path(), path, at));
                return changes;
            }
            changes.addAll(unpaired(from));
        }
        if (record.has("MOVED_FROM")) {
            changes.addAll(tellWrite(path));
            move = new PendingMove(path, temporary, at, nanos + PAIRING.toNanos());
        } else if (temporary) {
            return changes;
        } else if (record.has("MODIFY")) {
            PendingWrite pending = writes.get(path);
            writes.put(path, new PendingWrite(at, pending == null ? nanos + COALESCING.toNanos()
                    : pending.deadline()));
        } else if (record.has("CLOSE_WRITE")) {
            changes.addAll(tellWrite(path));
        } else {
            changes.addAll(tellWrite(path));
            if (record.has("CREATE") || record.has("MOVED_TO")) {
                changes.add(FileChange.of(FileChange.Type.CREATED, path, at));
            } else if (record.has("DELETE")) {
                changes.add(FileChange.of(FileChange.Type.DELETED, path, at));
            }
        }
        return changes;
    }

    /** The pending changes whose deadline has come by {@code nanos}. */
    List<FileChange> due(long nanos) {
        var changes = new ArrayList<FileChange>();
        if (move != null && nanos - move.deadline() >= 0) {
            changes.addAll(unpaired(move));
            move = null;
        }
        Iterator<Map.Entry<String, PendingWrite>> pending = writes.entrySet().iterator();
        while (pending.hasNext()) {
            Map.Entry<String, PendingWrite> write = pending.next();
            if (nanos - write.getValue().deadline() < 0) {
                break; // deadlines follow the order writes began in
            }
            pending.remove();
            changes.add(FileChange.of(FileChange.Type.MODIFIED, write.getKey(), write.getValue().last()));
        }
        return changes;
    }

    /** When {@link #due} next has something to tell; empty when nothing is pending. */
    OptionalLong nextDeadline() {
        long earliest = Long.MAX_VALUE;
        boolean any = false;
        if (move != null) {
            earliest = move.deadline();
            any = true;
        }
        if (!writes.isEmpty()) {
            long write = writes.values().iterator().next().deadline();
            earliest = any && earliest - write < 0 ? earliest : write;
            any = true;
        }
        return any ? OptionalLong.of(earliest) : OptionalLong.empty();
    }

    /** Everything still pending, told now: the watch is ending. */
    List<FileChange> drain() {
        var changes = new ArrayList<FileChange>();
        if (move != null) {
            changes.addAll(unpaired(move));
            move = null;
        }
        writes.forEach((path, write) -> changes.add(FileChange.of(FileChange.Type.MODIFIED, path, write.last())));
        writes.clear();
        return changes;
    }

    /** Why the records ended the watch, once they have. */
    Optional<WatchEvent.End> end() {
        return Optional.ofNullable(end);
    }

    private List<FileChange> tellWrite(String path) {
        PendingWrite write = writes.remove(path);
        return write == null ? List.of() : List.of(FileChange.of(FileChange.Type.MODIFIED, path, write.last()));
    }

    private static List<FileChange> unpaired(PendingMove from) {
        return from.temporary() ? List.of() : List.of(FileChange.of(FileChange.Type.DELETED, from.path(), from.at()));
    }

    private static boolean isTemporary(String name) {
        return name.startsWith(FileScripts.UPLOAD_PREFIX);
    }
}
