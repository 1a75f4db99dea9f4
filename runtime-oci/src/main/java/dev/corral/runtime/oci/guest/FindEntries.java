package dev.corral.runtime.oci.guest;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.files.FileEntry;
import dev.corral.core.sandbox.files.FileType;
import dev.corral.core.sandbox.files.SandboxPath;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the entries the file scripts print with {@code find -printf} ({@link FileScripts}): type, size, mode,
 * modification time and path, each NUL-terminated, as a name may hold any other byte, newlines too.
 */
final class FindEntries {
    /** The fields one entry takes in the scripts' output, each ended by a NUL byte. */
    static final int FIELDS = 5;

    private FindEntries() {
    }

    /**
     * The entries in {@code output}. An incomplete last entry, as output cut short leaves, is dropped.
     *
     * @throws CorralException {@code runtime_unavailable} for output that is not such a list
     */
    static List<FileEntry> parseAll(byte[] output) {
        var fields = new ArrayList<String>();
        int start = 0;
        for (int i = 0; i < output.length; i++) {
            if (output[i] == 0) {
                fields.add(new String(output, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        var entries = new ArrayList<FileEntry>(fields.size() / FIELDS);
        for (int i = 0; i + FIELDS <= fields.size(); i += FIELDS) {
            entries.add(parse(fields.subList(i, i + FIELDS)));
        }
        return entries;
    }

    /** The same entry under the path a client named it by. */
    static FileEntry at(FileEntry entry, SandboxPath named) {
        return new FileEntry(named.name(), named.value(), entry.type(), entry.size(), entry.mode(),
                entry.modifiedAt());
    }

    private static FileEntry parse(List<String> fields) {
        try {
            String path = fields.get(4);
            String name = path.equals("/") ? "/" : path.substring(path.lastIndexOf('/') + 1);
            BigDecimal seconds = new BigDecimal(fields.get(3));
            BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
            Instant modifiedAt = Instant.ofEpochSecond(whole.longValueExact(),
                    seconds.subtract(whole).movePointRight(9).intValue());
            return new FileEntry(name, path, typeOf(fields.get(0)), Long.parseLong(fields.get(1)),
                    Integer.parseInt(fields.get(2), 8), modifiedAt);
        } catch (NumberFormatException | ArithmeticException e) {
            throw CorralException.runtimeUnavailable("The sandbox answered a file listing Corral cannot read: "
                    + fields, e);
        }
    }

    /** The type of {@code find -printf %y}'s letter: devices, pipes and sockets count as files. */
    private static FileType typeOf(String letter) {
        return switch (letter) {
            case "d" -> FileType.DIRECTORY;
            case "l" -> FileType.SYMLINK;
            default -> FileType.FILE;
        };
    }
}
