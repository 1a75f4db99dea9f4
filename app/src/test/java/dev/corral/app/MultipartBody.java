package dev.corral.app;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A {@code multipart/form-data} request body for tests, built part by part; file contents are streamed when it is
 * sent, so a large part is never held in memory.
 */
final class MultipartBody {
    private final String boundary = "corral-" + UUID.randomUUID();
    private final List<Supplier<InputStream>> segments = new ArrayList<>();

    /** A file part: field {@code field}, file name {@code filename}. */
    MultipartBody file(String field, String filename, byte[] content) {
        return file(field, filename, () -> new ByteArrayInputStream(content));
    }

    /** A file part whose content is read from a fresh stream each time the body is sent. */
    MultipartBody file(String field, String filename, Supplier<InputStream> content) {
        text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        segments.add(content);
        text("\r\n");
        return this;
    }

    /** A plain form field. */
    MultipartBody field(String name, String value) {
        text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The whole body, closing boundary included, as a fresh stream. */
    InputStream open() {
        var streams = new ArrayList<InputStream>(segments.size() + 1);
        segments.forEach(segment -> streams.add(segment.get()));
        streams.add(new ByteArrayInputStream(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
        return new SequenceInputStream(Collections.enumeration(streams));
    }

    /** The body sent chunked, its length unsaid. */
    HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.ofInputStream(this::open);
    }

    private void text(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        segments.add(() -> new ByteArrayInputStream(bytes));
    }
}
