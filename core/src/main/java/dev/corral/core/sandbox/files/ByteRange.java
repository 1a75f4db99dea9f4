package dev.corral.core.sandbox.files;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which bytes of a file a client asks for, as one HTTP byte range (RFC 9110 §14.1.2) says it: from {@code first}
 * to {@code last} inclusive, from {@code first} to the end (no {@code last}), or the last {@code last} bytes (no
 * {@code first}).
 */
public record ByteRange(OptionalLong first, OptionalLong last) {

    public ByteRange {
        if (first.isEmpty() && last.isEmpty()) {
            throw new IllegalArgumentException("a byte range needs a first or a last position");
        }
        if (first.orElse(0) < 0 || last.orElse(0) < 0) {
            throw new IllegalArgumentException("byte positions cannot be negative");
        }
        if (first.isPresent() && last.isPresent() && first.getAsLong() > last.getAsLong()) {
            throw new IllegalArgumentException("the first byte comes after the last");
        }
    }

    /** A contiguous run of a file's bytes. */
    public record Slice(long offset, long length) {
        /** The position of the last byte, as {@code Content-Range} writes it. */
        public long last() {
            return offset + length - 1;
        }
    }

    /** The bytes of a file of {@code size} bytes this range covers; empty when it covers none (HTTP would say 416; Corral answers bad_request). */
    public Optional<Slice> resolve(long size) {
        if (first.isPresent()) {
            long from = first.getAsLong();
            if (from >= size) {
                return Optional.empty();
            }
            long to = Math.min(last.orElse(size - 1), size - 1);
            return Optional.of(new Slice(from, to - from + 1));
        }
        long suffix = Math.min(last.getAsLong(), size);
        return suffix == 0 ? Optional.empty() : Optional.of(new Slice(size - suffix, suffix));
    }
}
