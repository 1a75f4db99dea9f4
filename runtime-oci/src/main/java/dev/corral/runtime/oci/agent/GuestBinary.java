package dev.corral.runtime.oci.agent;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the {@code corral-guest} binary, as tini is found: the configured file, else the Maven build's output in
 * the source tree this code was loaded from (a checkout running {@code ./corral serve} or its tests, whose build
 * is newer than any installed copy), else an installed one.
 */
public final class GuestBinary {
    /** Where a package installs the agent. */
    public static final Path INSTALLED = Path.of("/usr/local/lib/corral/corral-guest");
    /** Where the build puts it, relative to the source tree's root. */
    static final Path BUILD_OUTPUT = Path.of("guest", "build", "corral-guest");

    private GuestBinary() {
    }

    /** The binary to bind into sandboxes; empty when there is none to be found. */
    public static Optional<Path> find(Optional<Path> configured) {
        if (configured.isPresent()) {
            return configured.filter(Files::isExecutable);
        }
        return fromSourceTree().or(() -> Optional.of(INSTALLED).filter(Files::isExecutable));
    }

    private static Optional<Path> fromSourceTree() {
        try {
            var source = GuestBinary.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            for (Path dir = Path.of(source.getLocation().toURI()).toAbsolutePath(); dir != null;
                 dir = dir.getParent()) {
                Path candidate = dir.resolve(BUILD_OUTPUT);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // loaded from somewhere that is no file: only the configured or installed binary counts
        }
        return Optional.empty();
    }
}
