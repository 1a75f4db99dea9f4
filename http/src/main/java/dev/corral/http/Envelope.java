package dev.corral.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The shapes every /v1 answer takes: {@code {data, meta}} for success and {@code {error}} for failure. */
public final class Envelope {
    private Envelope() {
    }

    /** A single object or a whole collection. */
    public record Data(Object data, Meta meta) {
    }

    /** A thing just made whose answer carries a one-time note, such as a key's secret shown only now. */
    public record Created(Object data, Meta meta, String message) {
    }

    /**
     * A page of a list: {@code hasMore} and {@code nextCursor} both in {@code meta} and at the top level, as the
     * older and the newer RunTools docs each expect.
     */
    public record Page(List<?> data, Meta meta, boolean hasMore, String nextCursor) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Meta(String requestId, Boolean hasMore, String nextCursor) {
        public static Meta of(String requestId) {
            return new Meta(requestId, null, null);
        }
    }

    public record Failure(Error error) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Error(String code, String message, String requestId, Object details) {
    }
}
