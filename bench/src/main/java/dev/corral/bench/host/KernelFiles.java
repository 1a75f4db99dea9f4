package dev.corral.bench.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the small text files of {@code /proc} and {@code /sys} in one large read. They report a size of 0, on
 * which {@link Files#readString} probes with a one-byte read first; files under {@code /proc/sys} answer only a
 * read from offset 0, so the rest would come back empty ({@code kernel.keys.maxkeys} of 200 would read "2").
 */
final class KernelFiles {
    private KernelFiles() {
    }

    static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
