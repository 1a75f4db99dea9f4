package dev.corral.core.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileListingTest {
    @Test
    void new_entriesInAnyOrder_areSortedByPath() {
        var b = new FileEntry("b", "/w/b", FileType.FILE, 1, 0644, Instant.EPOCH);
        var a = new FileEntry("a", "/w/a", FileType.DIRECTORY, 1, 0755, Instant.EPOCH);

        var listing = new FileListing(SandboxPath.of("path", "/w"), List.of(b, a), false);

        assertThat(listing.entries()).containsExactly(a, b);
    }
}
