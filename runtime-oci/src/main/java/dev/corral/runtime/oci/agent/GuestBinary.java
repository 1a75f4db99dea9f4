package dev.corral.runtime.oci.agent;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the {@code corral-guest} binary, as tini is found: the configured file, else where {@code ./corral setup}
 * installs it, else the Maven build's output in the source tree this code was loaded from (a checkout running
 * {@code ./corral serve} or its tests).
 */
public final class GuestBinary {
    /** Where {@code ./corral setup} installs the agent. */
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
        if (Files.isExecutable(INSTALLED)) {
            return Optional.of(INSTALLED);
        }
        return fromSourceTree();
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
