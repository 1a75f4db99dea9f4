package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code corral files}: list, print, upload, download and delete a sandbox's files, each named
 * {@code SANDBOX:PATH} (a relative path is under {@code /workspace}). Contents go as raw bytes both ways, streamed.
 */
@Command(name = "files", mixinStandardHelpOptions = true,
        description = "Work with a sandbox's files, named SANDBOX:PATH (relative paths are under /workspace).",
        subcommands = {FilesCommand.ListFiles.class, FilesCommand.Cat.class, FilesCommand.Put.class,
                FilesCommand.Get.class, FilesCommand.Remove.class})
final class FilesCommand {
    private static final String[] COLUMNS = {"type", "size", "mode", "modifiedAt", "path"};

    /** A file in a sandbox: {@code SANDBOX:PATH}, split at the first colon (ids and names have none). */
    record Location(String sandbox, String path) {
        static Location parse(String text, boolean pathOptional) {
            int colon = text.indexOf(':');
            if (colon < 0 && pathOptional) {
                return new Location(text, "/workspace");
            }
            if (colon <= 0 || colon == text.length() - 1) {
                throw new CliException("expected SANDBOX:PATH, such as my-sandbox:/workspace/notes.txt, not '"
                        + text + "'", 2);
            }
            return new Location(text.substring(0, colon), text.substring(colon + 1));
        }

        String url(String action, String query) {
            return "v1/sandboxes/" + encode(sandbox) + "/files" + action + "?path=" + encode(path) + query;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = "List a directory (SANDBOX alone lists /workspace).")
    static final class ListFiles implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(paramLabel = "SANDBOX[:PATH]")
        String location;
        @Option(names = {"-r", "--recursive"}, description = "Go down into subdirectories (10 levels at most).")
        boolean recursive;

        @Override
        public Integer call() {
            JsonNode listing = api.connect().call("GET", Location.parse(location, true).url("/list",
                    recursive ? "&recursive=true" : ""), null).path("data");
            var out = spec.commandLine().getOut();
            if (api.json) {
                out.println(listing.toPrettyString());
                out.flush();
            } else {
                Table.print(out, listing.path("entries"), COLUMNS);
            }
            if (listing.path("truncated").asBoolean()) {
                spec.commandLine().getErr().println("corral: only the first " + listing.path("entries").size()
                        + " entries are shown");
                spec.commandLine().getErr().flush();
            }
            return 0;
        }
    }

    @Command(name = "cat", mixinStandardHelpOptions = true, description = "Write a file's bytes to standard output.")
    static final class Cat implements Callable<Integer> {
        @Mixin
        ApiOptions api;
        @Parameters(paramLabel = "SANDBOX:PATH")
        String location;

        @Override
        public Integer call() throws IOException {
            try (InputStream content = api.connect().stream("GET", Location.parse(location, false).url("", ""),
                    HttpRequest.BodyPublishers.noBody())) {
                // Raw bytes, not text: picocli's writer would re-encode them.
                OutputStream out = System.out;
                content.transferTo(out);
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Upload a local file to SANDBOX:PATH, making its directories; replaces a file there.")
    static final class Put implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(index = "0", paramLabel = "LOCAL_FILE")
        Path local;
        @Parameters(index = "1", paramLabel = "SANDBOX:PATH")
        String location;
        @Option(names = "--mode", description = "Octal permissions such as 0755 (default: those of the file it "
                + "replaces, or 0644).")
        String mode;

        @Override
        public Integer call() throws IOException {
            HttpRequest.BodyPublisher body;
            try {
                body = HttpRequest.BodyPublishers.ofFile(local);
            } catch (java.io.FileNotFoundException e) {
                throw new CliException("no such local file: " + local, 2);
            }
            String query = mode == null ? "" : "&mode=" + encode(mode);
            try (InputStream answer = api.connect().stream("PUT", Location.parse(location, false).url("", query),
                    body)) {
                JsonNode entry = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer).path("data");
                spec.commandLine().getOut().println(api.json ? entry.toPrettyString()
                        : "Wrote " + entry.path("size").asLong() + " bytes to " + entry.path("path").asText() + ".");
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Download SANDBOX:PATH to a local file (replaced only once the download is complete).")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(index = "0", paramLabel = "SANDBOX:PATH")
        String location;
        @Parameters(index = "1", paramLabel = "LOCAL_FILE")
        Path local;

        @Override
        public Integer call() throws IOException {
            Path target = local.toAbsolutePath();
            Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
            try (InputStream content = api.connect().stream("GET", Location.parse(location, false).url("", ""),
                    HttpRequest.BodyPublishers.noBody())) {
                Files.copy(content, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UncheckedIOException e) {
                throw new CliException("the download was cut off: " + e.getMessage(), 3);
            } finally {
                Files.deleteIfExists(partial);
            }
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a file or an empty directory.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(paramLabel = "SANDBOX:PATH")
        String location;
        @Option(names = {"-r", "--recursive"}, description = "Delete a directory and everything in it.")
        boolean recursive;

        @Override
        public Integer call() {
            Location target = Location.parse(location, false);
            api.connect().call("DELETE", target.url("", recursive ? "&recursive=true" : ""), null);
            spec.commandLine().getOut().println(api.json ? "{\"deleted\": true}" : "Deleted " + target.path() + ".");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
