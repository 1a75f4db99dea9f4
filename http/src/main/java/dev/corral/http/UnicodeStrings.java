package dev.corral.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;

/**
 * Reads JSON strings as Jackson does, but refuses one holding a lone surrogate ({@code "\ud800"}): JSON's escapes
 * can spell it although it is no character, and such a name reached the file system as a 500 (a path the JVM
 * cannot encode). Refused here, every field of every body is text that can be stored, encoded and shown.
 */
final class UnicodeStrings extends StdScalarDeserializer<String> {
    UnicodeStrings() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        String value = StringDeserializer.instance.deserialize(parser, context);
        if (value != null && !isWellFormed(value)) {
            throw InvalidFormatException.from(parser, "a lone surrogate is not a character", value, String.class);
        }
        return value;
    }

    static boolean isWellFormed(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
