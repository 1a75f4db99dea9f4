package dev.corral.runtime.oci.guest;

import java.util.Objects;
import java.util.Set;

/**
 * One line of inotifywait's output: the events (such as {@code CREATE} or {@code MOVED_FROM,ISDIR}), the watched
 * directory they happened in, with its trailing slash, and the name of the file in it, empty when the event is
 * the directory's own ({@code DELETE_SELF}).
 */
record InotifyRecord(Set<String> events, String directory, String name) {

    InotifyRecord {
        events = Set.copyOf(events);
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
    }

    boolean has(String event) {
        return events.contains(event);
    }

    /** The absolute path the record is about: the file in the directory, or the directory itself. */
    String path() {
        if (name.isEmpty()) {
            return directory.length() > 1 && directory.endsWith("/")
                    ? directory.substring(0, directory.length() - 1) : directory;
        }
        return directory.endsWith("/") ? directory + name : directory + "/" + name;
    }
}
