package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    /** A file in a sandbox: {@code SANDBOX:PATH}, a bare SANDBOX meaning {@code /workspace} where allowed. */
    record Location(String sandbox, String path) {
        static Location parse(String text, boolean pathOptional) {
            RemotePath remote = RemotePath.parse(text, pathOptional ? "/workspace" : null,
                    "SANDBOX:PATH, such as my-sandbox:/workspace/notes.txt");
            return new Location(remote.owner(), remote.path());
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
                LocalTransfer.toStandardOutput(content);
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
            String query = mode == null ? "" : "&mode=" + encode(mode);
            JsonNode entry = api.connect().upload("PUT", Location.parse(location, false).url("", query),
                    LocalTransfer.fileBody(local));
            api.report(spec, entry.toPrettyString(),
                    "Wrote " + entry.path("size").asLong() + " bytes to " + entry.path("path").asText() + ".");
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
            try (InputStream content = api.connect().stream("GET", Location.parse(location, false).url("", ""),
                    HttpRequest.BodyPublishers.noBody())) {
                LocalTransfer.save(content, local);
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
            api.report(spec, "{\"deleted\": true}", "Deleted " + target.path() + ".");
            return 0;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
