package dev.corral.runtime.oci.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a control frame (docs/GUEST-PROTOCOL.md, "Fields"): NUL-terminated {@code key=value} strings, in
 * order, a key possibly repeated. Immutable once built; {@link Builder} is for one thread.
 */
public record GuestFields(List<Map.Entry<String, String>> entries) {
    public static final GuestFields EMPTY = new GuestFields(List.of());

    public GuestFields {
        entries = List.copyOf(entries);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The first value of {@code key}. */
    public Optional<String> get(String key) {
        for (Map.Entry<String, String> entry : entries) {
            if (entry.getKey().equals(key)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    /** The first value of {@code key}, or {@code otherwise}. */
    public String text(String key, String otherwise) {
        return get(key).orElse(otherwise);
    }

    /** The first value of {@code key} as a decimal number, or {@code otherwise} when missing or malformed. */
    public long number(String key, long otherwise) {
        try {
            return get(key).map(Long::parseLong).orElse(otherwise);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** Whether {@code key} is {@code 1}. */
    public boolean flag(String key) {
        return get(key).filter("1"::equals).isPresent();
    }

    public byte[] encode() {
        var out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> entry : entries) {
            out.writeBytes((entry.getKey() + "=" + entry.getValue()).getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /**
     * Reads a payload; a string without {@code =} is kept with an empty value, and an unterminated last string
     * is taken as it is.
     */
    public static GuestFields decode(byte[] payload) {
        var entries = new ArrayList<Map.Entry<String, String>>();
        int start = 0;
        for (int i = 0; i <= payload.length; i++) {
            if (i == payload.length || payload[i] == 0) {
                if (i > start) {
                    String text = new String(payload, start, i - start, StandardCharsets.UTF_8);
                    int equals = text.indexOf('=');
                    entries.add(equals < 0 ? Map.entry(text, "")
                            : Map.entry(text.substring(0, equals), text.substring(equals + 1)));
                }
                start = i + 1;
            }
        }
        return new GuestFields(entries);
    }

    @Override
    public String toString() {
        var text = new StringBuilder();
        entries.forEach(e -> text.append(text.isEmpty() ? "" : " ").append(e.getKey()).append('=')
                .append(e.getValue()));
        return text.toString();
    }

    /** Collects fields in order. */
    public static final class Builder {
        private final List<Map.Entry<String, String>> entries = new ArrayList<>();

        public Builder add(String key, String value) {
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a field cannot hold a NUL byte: " + key);
            }
            entries.add(Map.entry(key, value));
            return this;
        }

        public Builder add(String key, long value) {
            return add(key, Long.toString(value));
        }

        public Builder add(String key, boolean value) {
            return add(key, value ? "1" : "0");
        }

        public GuestFields build() {
            return new GuestFields(entries);
        }
    }
}
