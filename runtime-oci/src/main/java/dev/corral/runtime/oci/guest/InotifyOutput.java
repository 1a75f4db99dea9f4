package dev.corral.runtime.oci.guest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the records {@code inotifywait --format '%e%0%w%0%f%0' --no-newline} writes: events, directory and name,
 * each ended by a NUL, the one byte no file name can hold, so names with blanks, bars or newlines come through
 * whole. Output arrives in chunks that may end anywhere, also inside a field or a character. Names that are not
 * UTF-8 are decoded with replacement characters.
 *
 * <p>inotifywait cuts a record longer than about 4000 bytes short, NULs included, which would shift every later
 * field. A triple that does not look like a record (events in capitals and commas, an absolute directory, a name
 * of at most 255 bytes without a slash) is taken for such a remnant and dropped one field at a time until records
 * line up again; the record cut short and the one it ran into are lost.
 *
 * <p>Threading: one thread.
 */
final class InotifyOutput {
    /** Longer than any path Linux takes (4096 bytes); a longer field can only be a remnant. */
    private static final int MAX_FIELD_BYTES = 8192;
    private static final Pattern EVENTS = Pattern.compile("[A-Z_]+(,[A-Z_]+)*");
    private static final String OVERFLOW = "Q_OVERFLOW";
    /** The longest file name Linux allows (NAME_MAX). */
    private static final int MAX_NAME_BYTES = 255;
    /** Stands for an overlong field: it has a NUL, so no record accepts it. */
    private static final String TOO_LONG = "\0";

    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private final ArrayDeque<String> fields = new ArrayDeque<>();

    /** The records {@code chunk} completes, in order; a record it leaves unfinished waits for the next chunk. */
    List<InotifyRecord> feed(byte[] chunk) {
        var records = new ArrayList<InotifyRecord>();
        for (byte b : chunk) {
            if (b != 0) {
                if (field.size() <= MAX_FIELD_BYTES) {
                    field.write(b);
                }
                continue;
            }
            fields.addLast(field.size() > MAX_FIELD_BYTES ? TOO_LONG : field.toString(StandardCharsets.UTF_8));
            field.reset();
            if (fields.size() == 3) {
                Iterator<String> next = fields.iterator();
                String events = next.next();
                String directory = next.next();
                String name = next.next();
                if (isRecord(events, directory, name)) {
                    records.add(new InotifyRecord(Set.of(events.split(",")), directory, name));
                    fields.clear();
                } else {
                    fields.removeFirst();
                }
            }
        }
        return records;
    }

    private static boolean isRecord(String events, String directory, String name) {
        return EVENTS.matcher(events).matches()
                && (directory.startsWith("/") || events.contains(OVERFLOW))
                && directory.indexOf('\0') < 0
                && name.indexOf('/') < 0 && name.indexOf('\0') < 0
                && name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES;
    }
}
