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
     * older and the newer RunTools docs each expect. {@code nextCursor} is always written, {@code null} on the last
     * page, so a client can loop on it without asking whether the field exists.
     */
    public record Page(List<?> data, PageMeta meta, boolean hasMore, String nextCursor) {
    }

    public record Meta(String requestId) {
        public static Meta of(String requestId) {
            return new Meta(requestId);
        }
    }

    /** The {@code meta} of a page: the request id and where the next page starts. */
    public record PageMeta(String requestId, boolean hasMore, String nextCursor) {
    }

    public record Failure(Error error) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Error(String code, String message, String requestId, Object details) {
    }
}
