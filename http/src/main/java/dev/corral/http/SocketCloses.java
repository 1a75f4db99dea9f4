package dev.corral.http;

import dev.corral.core.error.CorralException;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;

/**
 * How the server's WebSockets end: a close frame whose reason holds at most 123 bytes of UTF-8, sent once, and
 * refusals coded {@code 4000} plus the HTTP status the same error would have (4404 for {@code not_found}).
 */
public final class SocketCloses {
    private static final int MAX_REASON_BYTES = 123;
    private static final int REFUSAL_BASE = 4000;

    private SocketCloses() {
    }

    /** Closes {@code ctx}'s socket with {@code code} and {@code reason}, shortened; nothing if it is closing. */
    public static void close(WsContext ctx, int code, String reason) {
        try {
            if (ctx.session.isOpen()) {
                ctx.closeSession(code, shortened(reason));
            }
        } catch (RuntimeException ignored) {
            // already closing
        }
    }

    /** Closes {@code ctx}'s socket as refused for {@code e}: its refusal code, its message as the reason. */
    public static void refuse(WsContext ctx, CorralException e) {
        close(ctx, refusal(e), e.getMessage());
    }

    /** The close code that refuses a socket for {@code e}. */
    public static int refusal(CorralException e) {
        return REFUSAL_BASE + ErrorMapper.status(e.code());
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
