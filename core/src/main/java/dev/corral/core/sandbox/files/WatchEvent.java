package dev.corral.core.sandbox.files;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link FileWatch} yields: {@link Ready} once, when the watcher is in place, then each {@link FileChange},
 * then exactly one {@link End}.
 */
public sealed interface WatchEvent permits WatchEvent.Ready, FileChange, WatchEvent.End {

    /** The watcher is in place: every change from now on is seen. */
    record Ready(String path, Instant timestamp) implements WatchEvent {
    }

    /** The end of the watch, and why; {@code message} says it to a person. */
    record End(Reason reason, String message) implements WatchEvent {
        public End {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a watch ended. */
    enum Reason {
        /** Closed by its owner. */
        CLOSED,
        /** The watched directory was deleted or moved away. */
        DIRECTORY_GONE,
        /** The sandbox stopped or was deleted, or the watcher in it was ended from inside. */
        STOPPED,
        /** More changes came at once than the kernel queues for a watcher: some were lost. */
        EVENTS_LOST
    }
}
