package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.io.FileUpload;
import dev.corral.core.io.LimitedInput;
import io.javalin.http.Context;
import io.javalin.http.util.MultipartUtil;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@code multipart/form-data} upload of files, read with a size limit: the servlet container parses the whole
 * body first, keeping small parts in memory and spooling larger ones to its temporary directory; {@code limit}
 * bounds the whole request, checked on its declared length first and on the parts as they are parsed. The
 * parser also stops at once past the most parts any plan allows ({@link #maxParts}); the caller's plan's own
 * number of files is checked by the service that writes them.
 */
public record MultipartUploads(Collection<Part> parts) {
    /** Parts up to this size stay in memory while the body is parsed. */
    private static final int MEMORY_BYTES = 1 << 20;
    /** Parts besides the files that an upload may have: its form fields, such as {@code name}. */
    private static final int FORM_FIELDS = 8;
    /** How Jetty's parser begins the message it stops with past its number of parts. */
    private static final String TOO_MANY_PARTS = "Form with too many keys";

    /** The most parts the parser reads of any upload, whose files are at most {@code maxFiles}. */
    public static int maxParts(int maxFiles) {
        return maxFiles + FORM_FIELDS;
    }

    /**
     * The request's parts; {@code unsupported_media_type} for a body that is not multipart, {@code
     * payload_too_large} past {@code limit} bytes, {@code bad_request} for one that does not parse.
     */
    public static MultipartUploads read(Context ctx, long limit) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new CorralException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the files as multipart/form-data, one part with a filename per file");
        }
        ctx.req().setAttribute(MultipartUtil.MULTIPART_CONFIG_ATTRIBUTE,
                new MultipartConfigElement("", limit, limit, MEMORY_BYTES));
        try {
            return new MultipartUploads(ctx.req().getParts());
        } catch (IOException | ServletException | IllegalStateException e) {
            Throwable cause = rootCause(e);
            if (cause instanceof IllegalStateException && String.valueOf(cause.getMessage())
                    .startsWith(TOO_MANY_PARTS)) {
                throw CorralException.payloadTooLarge("This upload has more parts than the server reads at once; "
                        + "send at most your plan's number of files per upload, in several uploads");
            }
            if (cause instanceof IllegalStateException) {
                // How Jetty says the body passed the sizes of the multipart config (wrapped in a 400 "bad multipart").
                throw LimitedInput.tooLarge(limit);
            }
            // Jetty's message names its own exception classes: the client is told what to check instead.
            throw CorralException.badRequest("The multipart body could not be read: it ends early or its parts "
                    + "do not follow the boundary of its Content-Type");
        }
    }

    /** The parts that carry a file name; {@code validation_failed} when there are none. */
    public List<FileUpload> files() {
        List<FileUpload> files = parts.stream().filter(part -> part.getSubmittedFileName() != null)
                .map(part -> new FileUpload(part.getSubmittedFileName(), part.getSize(), part::getInputStream))
                .toList();
        if (files.isEmpty()) {
            throw CorralException.invalid("body", "has no file parts: give each file a filename");
        }
        return files;
    }

    /** The text of the form field {@code name} (a part without a file name), if sent. */
    public Optional<String> field(String name) {
        for (Part part : parts) {
            if (part.getSubmittedFileName() == null && name.equals(part.getName())) {
                try (InputStream in = part.getInputStream()) {
                    return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw CorralException.badRequest("The multipart field " + name + " could not be read");
                }
            }
        }
        return Optional.empty();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
