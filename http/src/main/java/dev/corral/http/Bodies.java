package dev.corral.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads JSON request bodies into request records. A body must say it is JSON, fit the configured size, and parse
 * into the record, with its required fields present and not {@code null}; each failure has its own error code. An
 * empty body reads as {@code {}} so that endpoints whose fields are all optional accept a bodiless POST.
 */
public final class Bodies {
    private final long maxBytes;

    public Bodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public <T> T json(Context ctx, Class<T> type) {
        byte[] body = bytes(ctx);
        if (body.length == 0) {
            body = "{}".getBytes(StandardCharsets.US_ASCII);
        } else {
            requireJsonContentType(ctx);
        }
        try {
            T value = Json.mapper().readValue(body, type);
            if (value == null) {
                throw CorralException.invalid("body", "must be a JSON object");
            }
            requirePresent(value);
            return value;
        } catch (JsonProcessingException e) {
            throw JsonProblems.toCorral(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A required field of a request record: its name on the wire, and the accessor that reads it. */
    private record RequiredField(String name, Method accessor) {
    }

    /** The required fields of each request record, found by reflection once per record type. */
    private static final ClassValue<List<RequiredField>> REQUIRED = new ClassValue<>() {
        @Override
        protected List<RequiredField> computeValue(Class<?> type) {
            if (!type.isRecord()) {
                return List.of();
            }
            var required = new ArrayList<RequiredField>();
            for (RecordComponent component : type.getRecordComponents()) {
                JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
                if (property != null && property.required()) {
                    component.getAccessor().trySetAccessible();
                    required.add(new RequiredField(property.value().isEmpty() ? component.getName()
                            : property.value(), component.getAccessor()));
                }
            }
            return List.copyOf(required);
        }
    };

    /**
     * Jackson checks that a {@code required} field is there, not that it is more than {@code null}; {@code
     * {"name": null}} reached the services as a missing name, a 500.
     */
    private static void requirePresent(Object value) {
        for (RequiredField field : REQUIRED.get(value.getClass())) {
            try {
                if (field.accessor().invoke(value) == null) {
                    throw JsonProblems.required(field.name());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("a request record's field could not be read", e);
            }
        }
    }

    private byte[] bytes(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        try (var in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw CorralException.badRequest("The request body could not be read");
        }
    }

    private CorralException tooLarge() {
        return new CorralException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than " + maxBytes
                + " bytes");
    }

    private static void requireJsonContentType(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new CorralException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The request body must be JSON, sent with Content-Type: application/json");
        }
    }
}
