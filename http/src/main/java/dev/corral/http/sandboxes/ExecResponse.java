package dev.corral.http.sandboxes;

import dev.corral.core.sandbox.exec.ExecResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The answer to a finished command, with both of RunTools' names for its duration ({@code executionTime} of the
 * DEV docs, {@code durationMs} of the NEW OpenAPI), in milliseconds.
 */
public record ExecResponse(String stdout, String stderr, int exitCode, long executionTime, long durationMs,
                           boolean timedOut, boolean truncated, String encoding) {

    static ExecResponse of(ExecResult result, ExecBody.Encoding encoding) {
        long millis = result.duration().toMillis();
        return new ExecResponse(text(result.stdout(), encoding), text(result.stderr(), encoding), result.exitCode(),
                millis, millis, result.timedOut(), result.truncated(),
                encoding == ExecBody.Encoding.BASE64 ? "base64" : "utf8");
    }

    private static String text(byte[] bytes, ExecBody.Encoding encoding) {
        return encoding == ExecBody.Encoding.BASE64 ? Base64.getEncoder().encodeToString(bytes)
                : new String(bytes, StandardCharsets.UTF_8);
    }
}
