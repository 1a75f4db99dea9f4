package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.servlet.JavalinWsServletContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: each {@link ErrorCode} has its status here, JSON problems
 * (see {@link JsonProblems}) name the field, Javalin's own 404/405/413 speak the envelope too, and anything
 * unexpected is logged with its request id and answered {@code internal_error} without a stack trace; a client
 * error Jetty throws from inside Javalin (a WebSocket upgrade without its key) keeps its 4xx. A failure
 * after a streamed answer has begun (a file download whose sandbox stopped) can no longer be told in the envelope:
 * the connection is cut instead, so the client sees a broken transfer, never a complete-looking one.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    /** Request bodies up to this size are read to their end before a refusal is written. */
    private static final int SMALL_BODY_BYTES = 64 * 1024;
    /**
     * The codes a failed or refused read of the body ends in: the body was read as far as it could be, and reading
     * it again would wait a second idle timeout.
     */
    private static final Set<ErrorCode> FROM_READING_THE_BODY = EnumSet.of(
            ErrorCode.BAD_REQUEST, ErrorCode.VALIDATION_FAILED, ErrorCode.PAYLOAD_TOO_LARGE,
            ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.INTERNAL_ERROR);

    private ErrorMapper() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(CorralException.class, (e, ctx) -> respond(ctx, e));
        routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, fromJavalin(e)));
        routes.exception(Exception.class, (e, ctx) -> {
            if (e instanceof HttpException jetty && jetty.getCode() < 500) {
                respond(ctx, JettyErrors.failure(jetty.getCode()));
                return;
            }
            LOG.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            if (ctx.res().isCommitted()) {
                cut(ctx, e);
                return;
            }
            respond(ctx, new CorralException(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; "
                    + "quote the request id when reporting it"));
        });
        routes.error(HttpStatus.NOT_FOUND.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                respond(ctx, CorralException.notFound("route", ctx.method() + " " + ctx.path()));
            }
        });
    }

    public static int status(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST, VALIDATION_FAILED -> 400;
            case UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED -> 401;
            case FORBIDDEN, QUOTA_EXCEEDED -> 403;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case CONFLICT, INVALID_STATE -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case RATE_LIMITED -> 429;
            case INTERNAL_ERROR -> 500;
            case RUNTIME_UNAVAILABLE -> 503;
        };
    }

    /** Writes {@code e} as the error envelope with its status. */
    public static void respond(Context ctx, CorralException e) {
        if (ctx.res().isCommitted()) {
            LOG.warn("Cutting off {} {} after its answer began: {}", ctx.method(), ctx.path(), e.getMessage());
            cut(ctx, e);
            return;
        }
        e.retryAfter().ifPresent(wait -> ctx.header("Retry-After",
                Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000))));
        if (e.code() == ErrorCode.INTERNAL_ERROR || e.code() == ErrorCode.RUNTIME_UNAVAILABLE) {
            LOG.warn("Answering {}: {}", e.code().wire(), e.getMessage());
        }
        Envelope.Failure failure = envelope(ctx, e);
        ctx.status(status(e.code()));
        if (ctx instanceof JavalinWsServletContext) {
            writeRefusedUpgrade(ctx, failure);
        } else {
            if (!FROM_READING_THE_BODY.contains(e.code())) {
                dropUnreadSmallBody(ctx);
            }
            ctx.json(failure);
        }
    }

    /**
     * Reads to its end, and drops, a small request body that a refusal did not need (a request refused before its
     * body was read). Otherwise the connection is closed while the client is still sending: the JDK's client, for
     * one, then fails on the broken pipe and never reads the refusal already sent. It waits as a route reading the
     * body would (no longer than the connection's idle timeout); a large body is left unread, since closing costs
     * less than reading it.
     */
    private static void dropUnreadSmallBody(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length <= 0 || length > SMALL_BODY_BYTES) {
            return;
        }
        try {
            ctx.req().getInputStream().readNBytes((int) length);
        } catch (IOException | IllegalStateException | UncheckedIOException e) {
            // Read already another way, or the client is gone: nothing is left to drop.
        }
    }

    /**
     * {@code e} as the error envelope of {@code ctx}'s request, as an answer or as a stream's last event carries
     * it: its code, message, request id, and its details (the wait, in milliseconds, of one to retry later).
     */
    public static Envelope.Failure envelope(Context ctx, CorralException e) {
        Object details = e.retryAfter().<Object>map(wait -> Map.of("retryAfterMs", wait.toMillis()))
                .orElse(!e.details().isEmpty() ? e.details() : !e.facts().isEmpty() ? e.facts() : null);
        return new Envelope.Failure(new Envelope.Error(e.code().wire(), e.getMessage(), RequestIds.of(ctx), details));
    }

    /**
     * Javalin never writes the result of a WebSocket upgrade it refused: the status and headers went out with an
     * empty body. The envelope is written here instead.
     */
    private static void writeRefusedUpgrade(Context ctx, Envelope.Failure failure) {
        try {
            byte[] body = Json.mapper().writeValueAsBytes(failure);
            ctx.res().setContentType("application/json");
            ctx.res().setContentLength(body.length);
            ctx.res().getOutputStream().write(body);
        } catch (IOException e) {
            LOG.debug("The refusal of a WebSocket upgrade could not be written: {}", e.toString());
        }
    }

    /** Aborts the exchange: the connection closes without ending the answer properly. */
    private static void cut(Context ctx, Throwable failure) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request != null) {
            request.getServletChannel().abort(failure);
        }
    }

    private static CorralException fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> new CorralException(ErrorCode.NOT_FOUND, "No such route");
            case 405 -> new CorralException(ErrorCode.METHOD_NOT_ALLOWED, "This route does not take that method");
            case 413 -> new CorralException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large");
            case 415 -> new CorralException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
            case 400 -> CorralException.badRequest(e.getMessage());
            default -> new CorralException(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side");
        };
    }
}
