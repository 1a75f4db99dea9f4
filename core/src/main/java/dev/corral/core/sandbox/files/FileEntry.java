package dev.corral.core.sandbox.files;

import dev.corral.core.error.CorralException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One file, directory or symlink in a sandbox, as {@code lstat} sees it: a symlink is itself, not what it points
 * to.
 *
 * @param size bytes of a file; of a directory or symlink, what the filesystem says (a block, the target's length)
 * @param mode the permission bits, {@code 07777} at most
 */
public record FileEntry(String name, String path, FileType type, long size, int mode, Instant modifiedAt) {
    /** The fields one entry takes in the scripts' output, each ended by a NUL byte. */
    static final int FIELDS = 5;

    /** The same entry under the path a client named it by. */
    FileEntry at(SandboxPath named) {
        return new FileEntry(named.name(), named.value(), type, size, mode, modifiedAt);
    }

    /**
     * The entries in the output of {@code find -printf FileScripts.ENTRY}: type, size, mode, modification time and
     * path, each NUL-terminated (a name may hold any other byte, newlines too). An incomplete last entry, as
     * output cut short leaves, is dropped.
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

    private static FileEntry parse(List<String> fields) {
        try {
            String path = fields.get(4);
            String name = path.equals("/") ? "/" : path.substring(path.lastIndexOf('/') + 1);
            BigDecimal seconds = new BigDecimal(fields.get(3));
            BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
            Instant modifiedAt = Instant.ofEpochSecond(whole.longValueExact(),
                    seconds.subtract(whole).movePointRight(9).intValue());
            return new FileEntry(name, path, FileType.ofFindLetter(fields.get(0)), Long.parseLong(fields.get(1)),
                    Integer.parseInt(fields.get(2), 8), modifiedAt);
        } catch (NumberFormatException | ArithmeticException e) {
            throw CorralException.runtimeUnavailable("The sandbox answered a file listing Corral cannot read: "
                    + fields, e);
        }
    }
}
