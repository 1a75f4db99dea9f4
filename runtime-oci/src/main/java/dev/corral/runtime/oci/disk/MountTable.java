package dev.corral.runtime.oci.disk;

import dev.corral.core.error.CorralException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The mounts of the host's mount namespace as the kernel lists them in {@code /proc/self/mountinfo}: how the
 * runtime finds what it mounted, including after a crash, without remembering anything itself.
 */
public final class MountTable {
    private static final String LOWERDIR = "lowerdir=";

    private final Path mountInfo;

    MountTable(Path mountInfo) {
        this.mountInfo = mountInfo;
    }

    public static MountTable ofThisProcess() {
        return new MountTable(Path.of("/proc/self/mountinfo"));
    }

    /** Every mount point at or below {@code dir}, deepest first, which is the order to unmount them in. */
    public List<Path> mountPointsUnder(Path dir) {
        Path normalized = dir.toAbsolutePath().normalize();
        return mountPoints().stream()
                .filter(point -> point.startsWith(normalized))
                .distinct()
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                .toList();
    }

    public boolean isMountPoint(Path path) {
        return mountPoints().contains(path.toAbsolutePath().normalize());
    }

    /**
     * Whether some overlay mount has {@code dir} as one of its lower layers, as it was named when mounted: the
     * kernel keeps that name even if the directory has been renamed since.
     */
    public boolean isOverlayLowerLayer(Path dir) {
        String wanted = dir.toAbsolutePath().normalize().toString();
        return lines().stream()
                .map(line -> line.split(" - ", 2))
                .filter(halves -> halves.length == 2)
                .map(halves -> halves[1].split(" "))
                .filter(fields -> fields.length > 2 && fields[0].equals("overlay"))
                .flatMap(fields -> Arrays.stream(fields[2].split(",")))
                .filter(option -> option.startsWith(LOWERDIR))
                .flatMap(option -> Arrays.stream(option.substring(LOWERDIR.length()).split(":")))
                .anyMatch(layer -> unescape(layer).equals(wanted));
    }

    private List<Path> mountPoints() {
        return lines().stream()
                .map(line -> line.split(" "))
                .filter(fields -> fields.length > 4)
                .map(fields -> Path.of(unescape(fields[4])))
                .toList();
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(mountInfo);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot read " + mountInfo + ": " + e.getMessage(), e);
        }
    }

    /** mountinfo writes space, tab, newline and backslash in paths as three octal digits after a backslash. */
    static String unescape(String field) {
        var out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String text, int from) {
        for (int i = from; i < from + 3; i++) {
            if (i >= text.length() || text.charAt(i) < '0' || text.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
