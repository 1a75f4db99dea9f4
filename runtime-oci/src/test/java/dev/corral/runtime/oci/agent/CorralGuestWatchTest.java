package dev.corral.runtime.oci.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `watch` against the real corral-guest: readiness, create/modify/delete/move, and recursion into new dirs. */
@Timeout(60)
class CorralGuestWatchTest {
    @TempDir
    Path dir;
    private RunningGuest guest;

    @BeforeEach
    void start() throws IOException {
        guest = RunningGuest.start(dir);
    }

    @AfterEach
    void stop() {
        guest.close();
    }

    private GuestConnection watch(Path path, boolean recursive) throws IOException {
        GuestConnection connection = guest.connect();
        connection.request("watch", "path=" + path, "recursive=" + (recursive ? 1 : 0));
        assertThat(connection.next().type()).as("ready once its watches are in place").isEqualTo('s');
        return connection;
    }

    /** Reads events until one says type on path; returns all of them as "type path dir". */
    private static List<String> eventsUntil(GuestConnection connection, String type, Path path) throws IOException {
        List<String> events = new ArrayList<>();
        while (true) {
            Frame event = connection.next();
            assertThat(event.type()).isEqualTo('w');
            events.add(event.field("type") + " " + event.field("path") + " " + event.field("dir"));
            if (event.field("type").equals(type) && event.field("path").equals(path.toString())) {
                return events;
            }
        }
    }

    @Test
    void watch_fileCreatedWrittenAndDeleted_reportsEachChange() throws IOException {
        Path root = Files.createDirectories(dir.resolve("w"));
        Path file = root.resolve("f.txt");
        try (GuestConnection connection = watch(root, false)) {
            Files.writeString(file, "one");
            assertThat(eventsUntil(connection, "create", file)).containsExactly("create " + file + " 0");
            Files.writeString(file, "two", StandardOpenOption.APPEND);
            assertThat(eventsUntil(connection, "modify", file)).contains("modify " + file + " 0");
            Files.delete(file);
            assertThat(eventsUntil(connection, "delete", file)).endsWith("delete " + file + " 0");
        }
    }

    @Test
    void watch_renamed_reportsMoveOfTheOldNameAndCreateOfTheNew() throws IOException {
        Path root = Files.createDirectories(dir.resolve("w"));
        Path from = Files.writeString(root.resolve("from"), "x");
        Path to = root.resolve("to");
        try (GuestConnection connection = watch(root, false)) {
            Files.move(from, to);

            assertThat(eventsUntil(connection, "create", to)).containsExactly("move " + from + " 0",
                    "create " + to + " 0");
        }
    }

    @Test
    void watch_recursive_followsIntoExistingAndNewDirectories() throws IOException {
        Path root = Files.createDirectories(dir.resolve("w"));
        Path existing = Files.createDirectories(root.resolve("old/deeper"));
        try (GuestConnection connection = watch(root, true)) {
            Path inExisting = Files.writeString(existing.resolve("a"), "a");
            assertThat(eventsUntil(connection, "create", inExisting)).contains("create " + inExisting + " 0");

            Path fresh = Files.createDirectories(root.resolve("new/sub"));
            Path inFresh = Files.writeString(fresh.resolve("b"), "b");

            assertThat(eventsUntil(connection, "create", inFresh)).contains("create " + root.resolve("new") + " 1");
        }
    }

    @Test
    void watch_aFile_failsWithEnotdir() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "");

        assertThat(guest.call("watch", "path=" + file)).extracting(f -> f.field("code")).containsExactly("ENOTDIR");
    }
}
