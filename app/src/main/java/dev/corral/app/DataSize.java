package dev.corral.app;

import java.util.Locale;
import java.util.regex.Pattern;

/** Reads sizes as people write them in configuration: {@code 512KB}, {@code 10MB}, {@code 2GB} or plain bytes. */
final class DataSize {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})\\s*(B|KB|MB|GB|TB)?");

    private DataSize() {
    }

    /** The number of bytes, or empty when {@code text} is not a size. Units are binary (1KB = 1024 bytes). */
    static java.util.OptionalLong parse(String text) {
        var match = FORMAT.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (!match.matches()) {
            return java.util.OptionalLong.empty();
        }
        long n = Long.parseLong(match.group(1));
        int shift = switch (match.group(2) == null ? "B" : match.group(2)) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            case "TB" -> 40;
            default -> 0;
        };
        return java.util.OptionalLong.of(n << shift);
    }
}
