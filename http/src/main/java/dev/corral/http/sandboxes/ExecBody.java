package dev.corral.http.sandboxes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.corral.core.sandbox.exec.ExecRequest;
import java.util.Map;
import java.util.Optional;

/**
 * Body of {@code POST /v1/sandboxes/{id}/exec}: the command and, optionally, {@code timeout} (ms), {@code cwd},
 * {@code env}, {@code background} (answer at once with a process id), {@code stream} (answer as SSE, like
 * {@code Accept: text/event-stream}) and {@code encoding} ({@code utf8}, the default, or {@code base64} for
 * byte-exact output).
 */
public record ExecBody(@JsonProperty(required = true) String command, Long timeout, String cwd,
                       Map<String, String> env, Boolean background, Boolean stream, Encoding encoding) {

    /** How output bytes are written into JSON. */
    public enum Encoding {
        @JsonProperty("utf8") UTF8,
        @JsonProperty("base64") BASE64
    }

    ExecRequest toRequest() {
        return new ExecRequest(command, Optional.ofNullable(timeout), Optional.ofNullable(cwd), env);
    }

    boolean isBackground() {
        return Boolean.TRUE.equals(background);
    }

    Encoding encodingOrDefault() {
        return encoding == null ? Encoding.UTF8 : encoding;
    }
}
