package dev.corral.app.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The local end of a file transfer: a file, standard input or standard output, streamed so that no file is ever
 * held in memory whole. Contents are raw bytes, never text: the CLI's writers would re-encode them.
 */
final class LocalTransfer {
    private LocalTransfer() {
    }

    /** The bytes of local file {@code file} as a request body; {@link CliException} (exit 2) when it is none. */
    static HttpRequest.BodyPublisher fileBody(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliException("no such local file: " + file, 2);
        }
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw new CliException("no such local file: " + file, 2);
        }
    }

    /**
     * Where a download named {@code name} goes on this machine: into {@code local} under its own name when
     * {@code local} ends in {@code /} (made when missing) or is a directory; otherwise {@code local} itself, or
     * {@code name} here when {@code local} is null. The same rule as for uploads: a trailing {@code /} means
     * "into this directory, keep the name".
     */
    static Path downloadTarget(String local, String name) {
        if (local == null) {
            return Path.of(name);
        }
        Path path = Path.of(local);
        if (local.endsWith("/")) {
            try {
                Files.createDirectories(path);
            } catch (IOException e) {
                throw new CliException("cannot make directory " + local + ": " + e.getMessage(), 2);
            }
        }
        return Files.isDirectory(path) ? path.resolve(name) : path;
    }

    /** Standard input, read to its end, as a request body of unknown length. */
    static HttpRequest.BodyPublisher standardInputBody() {
        return HttpRequest.BodyPublishers.ofInputStream(() -> System.in);
    }

    /** Copies {@code content} to this process's standard output, byte for byte. */
    static void toStandardOutput(InputStream content) throws IOException {
        OutputStream out = System.out;
        content.transferTo(out);
        out.flush();
    }

    /**
     * Saves {@code content} as {@code target}, which is replaced only once all of it has arrived: it is written
     * beside it first and then moved into place. {@link CliException} (exit 3) when the transfer is cut off.
     */
    static void save(InputStream content, Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path partial;
        try {
            partial = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".part");
        } catch (IOException e) {
            throw new CliException("cannot write " + target + ": " + e.getMessage(), 2);
        }
        try {
            Files.copy(content, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException e) {
            throw new CliException("the download was cut off: " + e.getMessage(), 3);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
