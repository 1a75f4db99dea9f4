package dev.corral.core.io;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An amount of bytes, read from and written as people write sizes: {@code 512MB}, {@code 2GB}, {@code 64KB} or
 * plain bytes. Units are binary (1KB = 1024 bytes), as the plan limits count them.
 */
public record DataSize(long bytes) {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})\\s*(B|KB|MB|GB|TB)?");
    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    /**
     * The size in {@code text}, case and surrounding blanks ignored.
     *
     * @throws IllegalArgumentException naming the expected shape when {@code text} is not a size
     */
    public static DataSize parse(String text) {
        var match = text == null ? null : FORMAT.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (match == null || !match.matches()) {
            throw new IllegalArgumentException("must look like 512MB or 2GB, not '" + text + "'");
        }
        long amount = Long.parseLong(match.group(1));
        int shift = switch (match.group(2) == null ? "B" : match.group(2)) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            case "TB" -> 40;
            default -> 0;
        };
        return new DataSize(amount << shift);
    }

    /** The size in the largest unit that divides it exactly, e.g. {@code 512MB}; parses back to the same size. */
    @Override
    public String toString() {
        int unit = 0;
        long amount = bytes;
        while (unit < UNITS.length - 1 && amount != 0 && amount % 1024 == 0) {
            amount /= 1024;
            unit++;
        }
        return amount + UNITS[unit];
    }
}
