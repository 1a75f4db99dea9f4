package dev.corral.http;

import java.nio.charset.StandardCharsets;

/** The reason text of a WebSocket close frame, which holds at most 123 bytes of UTF-8. */
public final class CloseReasons {
    private static final int MAX_REASON_BYTES = 123;

    private CloseReasons() {
    }

    /** {@code message} cut, at a character, to what a close frame holds. */
    public static String shortened(String message) {
        if (message.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return message;
        }
        String ellipsis = "…";
        int budget = MAX_REASON_BYTES - ellipsis.getBytes(StandardCharsets.UTF_8).length;
        int end = 0;
        while (end < message.length()) {
            int next = message.offsetByCodePoints(end, 1);
            budget -= message.substring(end, next).getBytes(StandardCharsets.UTF_8).length;
            if (budget < 0) {
                break;
            }
            end = next;
        }
        return message.substring(0, end) + ellipsis;
    }
}
