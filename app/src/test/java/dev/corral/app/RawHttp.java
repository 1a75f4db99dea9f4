package dev.corral.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand, byte for byte, on a fresh connection: what {@link java.net.http.HttpClient} refuses to
 * send (a malformed escape, a broken request line, a header without a colon, bytes that are not UTF-8) is exactly
 * what a hostile client sends. Reads one answer; an answer that does not come within the timeout is a hang.
 */
final class RawHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: its status, headers (names lower case, last one wins), body, and the body as JSON if it is. */
    record Answer(int status, Map<String, String> headers, String body, JsonNode json) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Whether the body is the error envelope, its request id the one of the {@code X-Request-Id} header. */
        boolean isErrorEnvelope() {
            JsonNode error = json.path("error");
            return error.path("code").isTextual() && error.path("message").isTextual()
                    && error.path("requestId").asText().startsWith("req_")
                    && error.path("requestId").asText().equals(header("X-Request-Id"));
        }

        String code() {
            return json.path("error").path("code").asText();
        }
    }

    /** Thrown when no complete answer came in time, or the server closed the connection without one. */
    static final class NoAnswer extends IOException {
        NoAnswer(String message) {
            super(message);
        }
    }

    private final int port;
    private final Duration timeout;

    RawHttp(int port, Duration timeout) {
        this.port = port;
        this.timeout = timeout;
    }

    Answer send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    Answer send(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        }
    }

    /** Reads one answer: its head, then a body by {@code Content-Length}, chunks, or up to the close. */
    static Answer read(InputStream in) throws IOException {
        try {
            String head = readHead(in);
            while (head.startsWith("HTTP/1.1 1") && !head.startsWith("HTTP/1.1 101")) {
                head = readHead(in);
            }
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new NoAnswer("not an HTTP answer: " + lines[0]);
            }
            int status = Integer.parseInt(statusLine[1]);
            var headers = new LinkedHashMap<String, String>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).strip());
                }
            }
            byte[] body = readBody(in, status, headers);
            String text = new String(body, StandardCharsets.UTF_8);
            JsonNode json;
            try {
                json = text.isEmpty() ? JSON.missingNode() : JSON.readTree(text);
            } catch (IOException e) {
                json = JSON.missingNode();
            }
            return new Answer(status, headers, text, json == null ? JSON.missingNode() : json);
        } catch (SocketTimeoutException e) {
            throw new NoAnswer("no answer in time");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new NoAnswer("closed without an answer" + (head.size() > 0 ? " after " + head : ""));
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1).strip();
    }

    private static byte[] readBody(InputStream in, int status, Map<String, String> headers) throws IOException {
        if (status == 101 || status == 204 || status == 304) {
            return new byte[0];
        }
        String length = headers.get("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length));
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            var body = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in).strip();
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt(semicolon < 0 ? size : size.substring(0, semicolon), 16);
                if (n == 0) {
                    readLine(in);
                    return body.toByteArray();
                }
                body.write(in.readNBytes(n));
                readLine(in);
            }
        }
        return in.readAllBytes();
    }

    private static String readLine(InputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
