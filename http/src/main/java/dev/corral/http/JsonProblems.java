package dev.corral.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.corral.core.error.CorralException;
import java.util.List;

/**
 * Turns what Jackson reports about a bad body into {@code validation_failed} with the field at fault, written as
 * a path ({@code resources.memory}, {@code scopes[2]}) and a problem a person can act on.
 */
final class JsonProblems {
    private JsonProblems() {
    }

    /** The client error a body that failed to read as JSON stands for. */
    static CorralException toCorral(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = fieldPath(mapping.getPath());
            return CorralException.invalid(field, problemOf(mapping));
        }
        if (e instanceof StreamConstraintsException) {
            return CorralException.invalid("body", "is nested too deeply, or holds a string or number too long");
        }
        if (e instanceof JsonParseException) {
            return CorralException.invalid("body", "is not valid JSON: " + e.getOriginalMessage());
        }
        // A body of the wrong shape as a whole (an array, a string); Jackson's own words name our classes.
        return CorralException.invalid("body", "must be a JSON object");
    }

    /** {@code validation_failed} for a required field that is missing or {@code null}. */
    static CorralException required(String field) {
        return CorralException.invalid(field, "is required");
    }

    private static String problemOf(JsonMappingException e) {
        if (e instanceof InvalidNullException) {
            return "must not hold null";
        }
        if (e instanceof InvalidFormatException format && format.getTargetType() == String.class) {
            return "must be valid Unicode text: " + e.getOriginalMessage();
        }
        if (e instanceof InvalidFormatException format && format.getTargetType() != null
                && format.getTargetType().isEnum()) {
            return "must be one of " + List.of(format.getTargetType().getEnumConstants());
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Missing required")) {
                return "is required";
            }
            return "must be " + describe(mismatch.getTargetType());
        }
        return "is not valid";
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String fieldPath(List<JsonMappingException.Reference> path) {
        var out = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "body" : out.toString();
    }

}
