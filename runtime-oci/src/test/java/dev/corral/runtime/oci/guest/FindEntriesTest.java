package dev.corral.runtime.oci.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.files.FileEntry;
import dev.corral.core.sandbox.files.FileType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FindEntriesTest {
    private static byte[] output(String... fields) {
        return (String.join("\0", fields) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parseAll_findOutput_readsEachEntry() {
        var entries = FindEntries.parseAll(output("f", "5", "644", "1767225600.2500000000", "/tmp/a b",
                "d", "4096", "1777", "1767225601.0000000000", "/tmp/new\nline", "l", "4", "777", "0.0", "/"));

        assertThat(entries).containsExactly(
                new FileEntry("a b", "/tmp/a b", FileType.FILE, 5, 0644, Instant.parse("2026-01-01T00:00:00.25Z")),
                new FileEntry("new\nline", "/tmp/new\nline", FileType.DIRECTORY, 4096, 01777,
                        Instant.parse("2026-01-01T00:00:01Z")),
                new FileEntry("/", "/", FileType.SYMLINK, 4, 0777, Instant.EPOCH));
    }

    @Test
    void parseAll_specialFiles_areFiles_andAModificationBefore1970Works() {
        var entry = FindEntries.parseAll(output("p", "0", "600", "-1.5000000000", "/tmp/fifo")).getFirst();

        assertThat(entry.type()).isEqualTo(FileType.FILE);
        assertThat(entry.modifiedAt()).isEqualTo(Instant.parse("1969-12-31T23:59:58.5Z"));
    }

    @Test
    void parseAll_outputCutInsideAnEntry_dropsThatEntry() {
        byte[] cut = "f\0001\000644\0001.0\0/a\0f\0002\000644".getBytes(StandardCharsets.UTF_8);

        assertThat(FindEntries.parseAll(cut)).extracting(FileEntry::path).containsExactly("/a");
        assertThat(FindEntries.parseAll(new byte[0])).isEmpty();
    }

    @Test
    void parseAll_garbage_isRuntimeUnavailable() {
        assertThatThrownBy(() -> FindEntries.parseAll(output("f", "many", "644", "1.0", "/a")))
                .isInstanceOf(CorralException.class);
    }
}
