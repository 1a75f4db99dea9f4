package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.corral.app.cli.Command.Option;
import dev.corral.app.cli.Command.Positional;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The file commands of {@code corral workspace}: {@code ls}, {@code put} and {@code get} on files named
 * {@code WORKSPACE:PATH}, the path relative to the workspace's root. Contents go as raw bytes both ways, streamed:
 * a raw {@code PUT .../files/{path}} up, {@code GET .../direct} down.
 */
final class WorkspaceFileCommands {
    private static final String USAGE = "WORKSPACE:PATH, such as my-data:/src/notes.txt";

    private WorkspaceFileCommands() {
    }

    /** A path in a workspace; {@code folder} when it was written with a trailing {@code /} or is the root. */
    record Location(String workspace, List<String> names, boolean folder) {
        static Location parse(String text, boolean pathOptional) {
            RemotePath remote = RemotePath.parse(text, pathOptional ? "/" : null, USAGE);
            var names = new ArrayList<String>();
            for (String name : remote.path().split("/")) {
                if (name.equals("..")) {
                    throw new CliException("a workspace path cannot go up with '..': '" + text + "'", 2);
                }
                if (!name.isEmpty() && !name.equals(".")) {
                    names.add(name);
                }
            }
            return new Location(remote.owner(), List.copyOf(names), names.isEmpty() || remote.path().endsWith("/"));
        }

        Location child(String name) {
            var longer = new ArrayList<>(names);
            longer.add(name);
            return new Location(workspace, List.copyOf(longer), false);
        }

        Location parent() {
            return new Location(workspace, List.copyOf(names.subList(0, Math.max(0, names.size() - 1))), true);
        }

        String path() {
            return "/" + String.join("/", names);
        }

        /** {@code .../files} for the root, {@code .../files/a/b} otherwise, each name encoded. */
        String filesUrl() {
            var url = new StringBuilder("v1/workspaces/").append(RemoteApi.encode(workspace)).append("/files");
            names.forEach(name -> url.append('/').append(RemoteApi.encode(name)));
            return url.toString();
        }

        String directUrl() {
            return "v1/workspaces/" + RemoteApi.encode(workspace) + "/direct?download=true&id="
                    + RemoteApi.encode(path());
        }
    }

    static Command list() {
        return ApiOptions.leaf("ls", "List a folder of a workspace (WORKSPACE alone lists its root).", call -> {
            Location folder = Location.parse(call.positional("WORKSPACE[:PATH]"), true);
            ApiOptions api = call.api();
            JsonNode entries = api.connect().call("GET", folder.filesUrl()
                    + (call.flag("all") ? "?showHidden=true" : ""), null).path("data");
            api.print(entries, out -> Table.print(out, rows(entries), "type", "size", "modified", "path"));
            return 0;
        }).withPositionals(Positional.one("WORKSPACE[:PATH]", null))
                .withOptions(Option.flag("a", "all", "Show hidden files (names starting with '.') too."))
                .withExamples("  corral workspace ls my-data:/src --all");
    }

    private static ArrayNode rows(JsonNode entries) {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (JsonNode entry : entries) {
            boolean isFolder = entry.path("type").asText().equals("folder");
            rows.addObject().put("type", entry.path("type").asText())
                    .put("size", isFolder ? "-" : entry.path("size").asText())
                    .put("modified", entry.path("date").asText())
                    .put("path", entry.path("id").asText() + (isFolder ? "/" : ""));
        }
        return rows;
    }

    static Command put() {
        return ApiOptions.leaf("put", "Upload a local file (or standard input: -) to WORKSPACE:PATH, making missing "
                + "folders; a PATH ending in / gets the file's own name.", WorkspaceFileCommands::put)
                .withPositionals(Positional.one("LOCAL_FILE|-", null), Positional.one("WORKSPACE:PATH", null))
                .withExamples("  corral workspace put model.bin my-data:/models/",
                        "  tar c src | corral workspace put - my-data:/backups/src.tar");
    }

    private static int put(Invocation call) throws IOException {
        String local = call.positional("LOCAL_FILE|-");
        boolean standardInput = local.equals("-");
        Location target = Location.parse(call.positional("WORKSPACE:PATH"), false);
        if (target.folder()) {
            if (standardInput) {
                throw new CliException("put - needs a file name: end WORKSPACE:PATH with one, not '/'", 2);
            }
            target = target.child(Path.of(local).getFileName().toString());
        }
        HttpRequest.BodyPublisher body = standardInput ? LocalTransfer.standardInputBody()
                : LocalTransfer.fileBody(Path.of(local));
        ApiOptions api = call.api();
        RemoteApi remote = api.connect();
        makeFolders(remote, target.parent());
        JsonNode entry = remote.upload("PUT", target.filesUrl(), body);
        api.report(entry.toPrettyString(), "Wrote " + entry.path("size").asLong() + " bytes to "
                + target.workspace() + ":" + entry.path("id").asText() + ".");
        return 0;
    }

    /** Makes {@code folder} and the folders above it, one level at a time; those that exist are kept. */
    private static void makeFolders(RemoteApi remote, Location folder) {
        Location at = new Location(folder.workspace(), List.of(), true);
        for (String name : folder.names()) {
            try {
                remote.call("POST", at.filesUrl(), Map.of("name", name, "type", "folder"));
            } catch (CliException e) {
                if (e.apiCode().filter("conflict"::equals).isEmpty()) {
                    throw e;
                }
            }
            at = at.child(name);
        }
    }

    static Command get() {
        return ApiOptions.leaf("get", "Download WORKSPACE:PATH to LOCAL_FILE (default: its name, here; a directory or "
                + "a path ending in / gets it under its own name) or to standard output (-); a local file is "
                + "replaced only once the download is complete.", WorkspaceFileCommands::get)
                .withPositionals(Positional.one("WORKSPACE:PATH", null), Positional.optional("LOCAL_FILE|-", null))
                .withExamples("  corral workspace get my-data:/models/model.bin ./model.bin",
                        "  corral workspace get my-data:/notes.txt - | less");
    }

    private static int get(Invocation call) throws IOException {
        Location source = Location.parse(call.positional("WORKSPACE:PATH"), false);
        if (source.names().isEmpty()) {
            throw new CliException("expected " + USAGE + ": the root of a workspace is a folder", 2);
        }
        String local = call.positional("LOCAL_FILE|-");
        try (InputStream content = call.api().connect().stream("GET", source.directUrl(),
                HttpRequest.BodyPublishers.noBody())) {
            if ("-".equals(local)) {
                LocalTransfer.toStandardOutput(content);
            } else {
                LocalTransfer.save(content, LocalTransfer.downloadTarget(local, source.names().getLast()));
            }
        }
        return 0;
    }
}
