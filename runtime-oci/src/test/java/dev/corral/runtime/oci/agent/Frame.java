package dev.corral.runtime.oci.agent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One frame of the guest protocol as the tests see it: a type and its payload, read as fields on demand. */
record Frame(char type, byte[] payload) {

    /** The values of every field named {@code key}, in order. */
    List<String> fields(String key) {
        List<String> values = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] != 0) {
                continue;
            }
            String field = new String(payload, start, i - start, StandardCharsets.UTF_8);
            if (field.startsWith(key + "=")) {
                values.add(field.substring(key.length() + 1));
            }
            start = i + 1;
        }
        return values;
    }

    /** The first field named {@code key}, or null. */
    String field(String key) {
        List<String> values = fields(key);
        return values.isEmpty() ? null : values.getFirst();
    }

    String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return type + ":" + text().replace('\0', '|');
    }
}
