package dev.corral.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.id.RandomIds;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Failures Jetty answers itself, before a request reaches Javalin (a path whose {@code %} escapes do not decode,
 * a request line or headers too large to read, an {@code Expect} or HTTP version it does not know), in the
 * envelope with a code of the closed list instead of Jetty's HTML page. Such a request has no id yet, so one is
 * made here. A status Jetty gives a request it cannot serve is the client's fault (505 for {@code HTTP/7.1}, 501
 * for an unknown transfer coding), so only 500 itself stays a server error. Stateless, so safe on Jetty's threads.
 */
final class JettyErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int status, String message,
                                    Throwable cause, Callback callback) {
        ErrorCode code = codeOf(status);
        response.setStatus(ErrorMapper.status(code));
        String id = RandomIds.prefixed("req_", 20);
        response.getHeaders().put(RequestIds.HEADER, id);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, id)), callback);
    }

    /** Every method gets the envelope: Jetty's own handler writes a body for GET, POST and HEAD only. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    /** The body of an answer to a request Jetty could not even parse; its status is Jetty's. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        ErrorCode code = codeOf(status);
        String id = RandomIds.prefixed("req_", 20);
        fields.put(RequestIds.HEADER, id);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(code, id));
    }

    /** The failure a status Jetty gave a request stands for, in the envelope's terms. */
    static CorralException failure(int status) {
        ErrorCode code = codeOf(status);
        return new CorralException(code, message(code));
    }

    private static ErrorCode codeOf(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413, 414, 431 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 500 -> ErrorCode.INTERNAL_ERROR;
            case 503 -> ErrorCode.RUNTIME_UNAVAILABLE;
            default -> ErrorCode.BAD_REQUEST;
        };
    }

    private static byte[] body(ErrorCode code, String requestId) {
        try {
            return Json.mapper().writeValueAsBytes(new Envelope.Failure(
                    new Envelope.Error(code.wire(), message(code), requestId, null)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error envelope could not be written", e);
        }
    }

    private static String message(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> "No such route";
            case METHOD_NOT_ALLOWED -> "This route does not take that method";
            case PAYLOAD_TOO_LARGE -> "The request line, headers or body are too large";
            case UNSUPPORTED_MEDIA_TYPE -> "The request body has a type this route does not take";
            case INTERNAL_ERROR -> "Something went wrong on our side; quote the request id when reporting it";
            case RATE_LIMITED -> "Too many requests or connections; try again later";
            case RUNTIME_UNAVAILABLE -> "The server is busy or shutting down; try again later";
            default -> "The request could not be read: its path has a '%' that is not followed by two hex digits, "
                    + "or its request line, headers, Expect, upgrade or HTTP version are malformed or unsupported";
        };
    }
}
