package dev.corral.http.sandboxes;

import dev.corral.core.sandbox.files.ByteRange;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code Range} request header. Only one byte range is served; as RFC 9110 allows, anything else (several
 * ranges, another unit, a malformed value) is ignored and the whole file is sent.
 */
final class RangeHeader {
    private static final Pattern ONE_RANGE = Pattern.compile("bytes=\\s*(\\d{0,18})\\s*-\\s*(\\d{0,18})\\s*");

    private RangeHeader() {
    }

    static Optional<ByteRange> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher range = ONE_RANGE.matcher(header.toLowerCase(Locale.ROOT));
        if (!range.matches() || (range.group(1).isEmpty() && range.group(2).isEmpty())) {
            return Optional.empty();
        }
        OptionalLong first = number(range.group(1));
        OptionalLong last = number(range.group(2));
        if (first.isPresent() && last.isPresent() && first.getAsLong() > last.getAsLong()) {
            return Optional.empty();
        }
        return Optional.of(new ByteRange(first, last));
    }

    private static OptionalLong number(String digits) {
        return digits.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(digits));
    }
}
