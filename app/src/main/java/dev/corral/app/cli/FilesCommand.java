package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.corral.app.cli.Command.Option;
import dev.corral.app.cli.Command.Positional;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code corral files}: list, print, upload, download and delete a sandbox's files, each named
 * {@code SANDBOX:PATH} (a relative path is under {@code /workspace}). Contents go as raw bytes both ways, streamed.
 */
final class FilesCommand {
    private static final String[] COLUMNS = {"type", "size", "mode", "modifiedAt", "path"};
    private static final Positional REMOTE = Positional.one("SANDBOX:PATH", null);

    private FilesCommand() {
    }

    static Command command() {
        return Command.group("files", "Work with a sandbox's files, named SANDBOX:PATH (relative paths are under "
                + "/workspace).", list(), cat(), put(), get(), remove());
    }

    private static Option recursive(String description) {
        return Option.flag("r", "recursive", description);
    }

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

    private static Command list() {
        return ApiOptions.leaf("ls", "List a directory (SANDBOX alone lists /workspace).", call -> {
            ApiOptions api = call.api();
            JsonNode listing = api.connect().call("GET", Location.parse(call.positional("SANDBOX[:PATH]"), true)
                    .url("/list", call.flag("recursive") ? "&recursive=true" : ""), null).path("data");
            api.print(listing, out -> Table.print(out, listing.path("entries"), COLUMNS));
            if (listing.path("truncated").asBoolean()) {
                call.err().println("corral: only the first " + listing.path("entries").size()
                        + " entries are shown");
                call.err().flush();
            }
            return 0;
        }).withPositionals(Positional.one("SANDBOX[:PATH]", null))
                .withOptions(recursive("Go down into subdirectories (10 levels at most)."));
    }

    private static Command cat() {
        return ApiOptions.leaf("cat", "Write a file's bytes to standard output.", call -> {
            try (InputStream content = call.api().connect().stream("GET", Location.parse(
                    call.positional("SANDBOX:PATH"), false).url("", ""), HttpRequest.BodyPublishers.noBody())) {
                LocalTransfer.toStandardOutput(content);
            }
            return 0;
        }).withPositionals(REMOTE);
    }

    private static Command put() {
        return ApiOptions.leaf("put", "Upload a local file to SANDBOX:PATH, making its directories; replaces a file "
                + "there. A PATH ending in / gets the file's own name.", FilesCommand::put)
                .withParagraph("With -r, a directory: its contents go into PATH (PATH/ puts the directory itself in "
                        + "it), as a tar archive (needs tar here and in the sandbox).")
                .withPositionals(Positional.one("LOCAL", null), REMOTE)
                .withOptions(Option.value("mode", "MODE", "Octal permissions such as 0755 (default: those of the "
                        + "file it replaces, or 0644)."), recursive("Upload a directory and everything in it."))
                .withExamples("  corral files put notes.txt demo:/workspace/docs/",
                        "  corral files put -r ./src demo:/workspace/     # /workspace/src");
    }

    private static int put(Invocation call) throws IOException {
        Path local = Path.of(call.positional("LOCAL"));
        Location target = Location.parse(call.positional("SANDBOX:PATH"), false);
        ApiOptions api = call.api();
        String name = String.valueOf(local.toAbsolutePath().normalize().getFileName());
        if (call.flag("recursive") && Files.isDirectory(local)) {
            Location into = target.into(name);
            new DirectoryTransfer(api.connect(), into.sandbox()).put(local, into.path());
            api.report(JsonNodeFactory.instance.objectNode().put("path", into.path()).toPrettyString(),
                    "Copied " + local + " to " + into.path() + ".");
            return 0;
        }
        if (Files.isDirectory(local)) {
            throw new CliException(local + " is a directory: add -r to upload it with its contents", 2);
        }
        String mode = call.value("mode");
        String query = mode == null ? "" : "&mode=" + encode(mode);
        JsonNode entry = api.connect().upload("PUT", target.into(name).url("", query),
                LocalTransfer.fileBody(local));
        api.report(entry.toPrettyString(),
                "Wrote " + entry.path("size").asLong() + " bytes to " + entry.path("path").asText() + ".");
        return 0;
    }

    private static Command get() {
        return ApiOptions.leaf("get", "Download SANDBOX:PATH to LOCAL (default: its name, here; a directory or a "
                + "LOCAL ending in / gets it under its own name). A local file is replaced only once the download "
                + "is complete.", FilesCommand::get)
                .withParagraph("With -r, a directory and everything in it, as a tar archive.")
                .withPositionals(REMOTE, Positional.optional("LOCAL", null))
                .withOptions(recursive("Download a directory and everything in it."))
                .withExamples("  corral files get demo:/workspace/out.csv results/",
                        "  corral files get -r demo:/workspace/build ./build");
    }

    private static int get(Invocation call) throws IOException {
        String location = call.positional("SANDBOX:PATH");
        Location source = Location.parse(location, false);
        if (source.name().isEmpty()) {
            throw new CliException("expected a file or directory in SANDBOX:PATH, not '" + location + "'", 2);
        }
        Path target = LocalTransfer.downloadTarget(call.positional("LOCAL"), source.name());
        if (call.flag("recursive")) {
            new DirectoryTransfer(call.api().connect(), source.sandbox()).get(source.path(), target);
            return 0;
        }
        try (InputStream content = call.api().connect().stream("GET", source.url("", ""),
                HttpRequest.BodyPublishers.noBody())) {
            LocalTransfer.save(content, target);
        }
        return 0;
    }

    private static Command remove() {
        return ApiOptions.leaf("rm", "Delete a file or an empty directory.", call -> {
            Location target = Location.parse(call.positional("SANDBOX:PATH"), false);
            call.api().connect().call("DELETE", target.url("", call.flag("recursive") ? "&recursive=true" : ""),
                    null);
            call.api().report("{\"deleted\": true}", "Deleted " + target.path() + ".");
            return 0;
        }).withPositionals(REMOTE)
                .withOptions(recursive("Delete a directory and everything in it."));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
