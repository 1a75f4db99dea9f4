package dev.corral.http.sandboxes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.exec.ExecRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Body of {@code POST /v1/sandboxes/{id}/exec}: the command and, optionally, {@code timeout} (ms), {@code cwd},
 * {@code env}, {@code background} (answer at once with a process id), {@code stream} (answer as SSE, like
 * {@code Accept: text/event-stream}), {@code stdin} (the command's standard input) and {@code encoding}
 * ({@code utf8}, the default, or {@code base64} for byte-exact output and a base64 {@code stdin}).
 */
public record ExecBody(@JsonProperty(required = true) String command, Long timeout, String cwd,
                       Map<String, String> env, Boolean background, Boolean stream, Encoding encoding,
                       String stdin) {

    /** How output bytes are written into JSON. */
    public enum Encoding {
        @JsonProperty("utf8") UTF8,
        @JsonProperty("base64") BASE64
    }

    ExecRequest toRequest() {
        return new ExecRequest(command, Optional.ofNullable(timeout), Optional.ofNullable(cwd), env,
                Optional.ofNullable(stdin).map(this::stdinBytes));
    }

    private byte[] stdinBytes(String text) {
        if (encodingOrDefault() == Encoding.UTF8) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw CorralException.invalid("stdin", "must be base64 when encoding is base64");
        }
    }

    boolean isBackground() {
        return Boolean.TRUE.equals(background);
    }

    Encoding encodingOrDefault() {
        return encoding == null ? Encoding.UTF8 : encoding;
    }
}
