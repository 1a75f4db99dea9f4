package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

        /** This path, or {@code name} in it when it ends in {@code /}: "into this directory, keep the name". */
        Location into(String name) {
            return path.endsWith("/") ? new Location(sandbox, path + name) : this;
        }

        /** The last name of the path, such as {@code b} for {@code /a/b} or {@code /a/b/}. */
        String name() {
            String trimmed = path.replaceAll("/+$", "");
            return trimmed.substring(trimmed.lastIndexOf('/') + 1);
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
            description = {"Upload a local file to SANDBOX:PATH, making its directories; replaces a file there. "
                    + "A PATH ending in / gets the file's own name.",
                    "With -r, a directory: its contents go into PATH (PATH/ puts the directory itself in it), "
                    + "as a tar archive (needs tar here and in the sandbox)."},
            footerHeading = "%nExamples:%n", footer = {"  corral files put notes.txt demo:/workspace/docs/",
                    "  corral files put -r ./src demo:/workspace/     # /workspace/src"})
    static final class Put implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(index = "0", paramLabel = "LOCAL")
        Path local;
        @Parameters(index = "1", paramLabel = "SANDBOX:PATH")
        String location;
        @Option(names = "--mode", description = "Octal permissions such as 0755 (default: those of the file it "
                + "replaces, or 0644).")
        String mode;
        @Option(names = {"-r", "--recursive"}, description = "Upload a directory and everything in it.")
        boolean recursive;

        @Override
        public Integer call() throws IOException {
            Location target = Location.parse(location, false);
            String name = String.valueOf(local.toAbsolutePath().normalize().getFileName());
            if (recursive && Files.isDirectory(local)) {
                Location into = target.into(name);
                new DirectoryTransfer(api.connect(), into.sandbox()).put(local, into.path());
                api.report(spec, JsonNodeFactory.instance.objectNode().put("path", into.path()).toPrettyString(),
                        "Copied " + local + " to " + into.path() + ".");
                return 0;
            }
            if (Files.isDirectory(local)) {
                throw new CliException(local + " is a directory: add -r to upload it with its contents", 2);
            }
            String query = mode == null ? "" : "&mode=" + encode(mode);
            JsonNode entry = api.connect().upload("PUT", target.into(name).url("", query),
                    LocalTransfer.fileBody(local));
            api.report(spec, entry.toPrettyString(),
                    "Wrote " + entry.path("size").asLong() + " bytes to " + entry.path("path").asText() + ".");
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Download SANDBOX:PATH to LOCAL (default: its name, here; a directory or a LOCAL "
                    + "ending in / gets it under its own name). A local file is replaced only once the download "
                    + "is complete.", "With -r, a directory and everything in it, as a tar archive."},
            footerHeading = "%nExamples:%n", footer = {"  corral files get demo:/workspace/out.csv results/",
                    "  corral files get -r demo:/workspace/build ./build"})
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(index = "0", paramLabel = "SANDBOX:PATH")
        String location;
        @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL")
        String local;
        @Option(names = {"-r", "--recursive"}, description = "Download a directory and everything in it.")
        boolean recursive;

        @Override
        public Integer call() throws IOException {
            Location source = Location.parse(location, false);
            if (source.name().isEmpty()) {
                throw new CliException("expected a file or directory in SANDBOX:PATH, not '" + location + "'", 2);
            }
            Path target = LocalTransfer.downloadTarget(local, source.name());
            if (recursive) {
                new DirectoryTransfer(api.connect(), source.sandbox()).get(source.path(), target);
                return 0;
            }
            try (InputStream content = api.connect().stream("GET", source.url("", ""),
                    HttpRequest.BodyPublishers.noBody())) {
                LocalTransfer.save(content, target);
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
