package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Copies a whole directory between this machine and a sandbox as one tar archive. Here it is the {@code tar}
 * command of this machine (the CLI's side, not the server's); in the sandbox an exec of {@code tar}; between
 * them the archive is a private file ({@code 0600}) in the sandbox's {@code /tmp}, sent and fetched raw with the
 * files API and removed afterwards whatever happened. The directory's contents land in the destination, which
 * is made when missing; where a trailing {@code /} asks for the directory's own name, the caller adds it.
 *
 * <p>Threading: the calling thread (the CLI's main thread, a platform thread) drives it; while uploading, the
 * HTTP client's own threads read the local tar's output.
 */
final class DirectoryTransfer {
    private final RemoteApi remote;
    private final String sandbox;

    DirectoryTransfer(RemoteApi remote, String sandbox) {
        this.remote = remote;
        this.sandbox = sandbox;
    }

    /** Copies what is in local directory {@code from} into sandbox directory {@code to}. */
    void put(Path from, String to) {
        if (!Files.isDirectory(from)) {
            throw new CliException("no such local directory: " + from, 2);
        }
        String archive = temporaryArchive();
        Process tar = startTar(List.of("-c", "-f", "-", "-C", from.toString(), "."));
        try {
            remote.upload("PUT", fileUrl(archive, "&mode=0600"),
                    HttpRequest.BodyPublishers.ofInputStream(tar::getInputStream));
            requireSuccess(tar, "tar -c of " + from);
            exec("trap 'rm -f " + quote(archive) + "' EXIT; mkdir -p " + quote(to) + " && tar -x --no-same-owner -f "
                    + quote(archive) + " -C " + quote(to));
        } catch (RuntimeException e) {
            tar.destroyForcibly();
            removeQuietly(archive);
            throw e;
        }
    }

    /** Copies what is in sandbox directory {@code from} into local directory {@code to}. */
    void get(String from, Path to) {
        String archive = temporaryArchive();
        try {
            exec("tar -c -f " + quote(archive) + " -C " + quote(from) + " .");
            try {
                Files.createDirectories(to);
            } catch (IOException e) {
                throw new CliException("cannot make directory " + to + ": " + e.getMessage(), 2);
            }
            Process tar = startTar(List.of("-x", "--no-same-owner", "-f", "-", "-C", to.toString()));
            try (InputStream content = remote.stream("GET", fileUrl(archive, ""), HttpRequest.BodyPublishers.noBody());
                 OutputStream in = tar.getOutputStream()) {
                content.transferTo(in);
            } catch (IOException e) {
                tar.destroyForcibly();
                throw new CliException("the download was cut off: " + e.getMessage(), 3);
            }
            requireSuccess(tar, "tar -x into " + to);
        } finally {
            removeQuietly(archive);
        }
    }

    private static String temporaryArchive() {
        return "/tmp/.corral-transfer-" + UUID.randomUUID() + ".tar";
    }

    private String fileUrl(String path, String query) {
        return new FilesCommand.Location(sandbox, path).url("", query);
    }

    /** Runs {@code command} in the sandbox; {@link CliException} with its error output when it fails. */
    private void exec(String command) {
        JsonNode result = remote.call("POST", "v1/sandboxes/" + RemoteApi.encode(sandbox) + "/exec",
                Map.of("command", command)).path("data");
        if (result.path("exitCode").asInt() != 0 || result.path("timedOut").asBoolean()) {
            String error = result.path("stderr").asText().strip();
            throw new CliException("in the sandbox: " + (error.isEmpty() ? "tar failed" : error), 1);
        }
    }

    private void removeQuietly(String archive) {
        try {
            remote.call("DELETE", fileUrl(archive, ""), null);
        } catch (CliException alreadyGoneOrUnreachable) {
            // Removed by the extraction's trap already, or the sandbox is gone: nothing is left to tidy.
        }
    }

    private static Process startTar(List<String> arguments) {
        var command = new ArrayList<String>();
        command.add("tar");
        command.addAll(arguments);
        try {
            return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new CliException("copying a directory needs tar on this machine: " + e.getMessage(), 2);
        }
    }

    private static void requireSuccess(Process tar, String what) {
        try {
            if (tar.waitFor() != 0) {
                throw new CliException(what + " failed here (exit " + tar.exitValue() + ")", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tar.destroyForcibly();
            throw new CliException("interrupted", 130);
        }
    }

    /** {@code text} as one word for /bin/sh, whatever it holds. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
