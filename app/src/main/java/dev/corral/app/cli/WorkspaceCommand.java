package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.corral.app.cli.Command.Option;
import dev.corral.app.cli.Command.Positional;
import dev.corral.core.io.DataSize;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * {@code corral workspace} (or {@code workspaces}): create, list and delete workspaces, the persistent volumes
 * sandboxes mount; their files are handled by {@link WorkspaceFileCommands}. A workspace is named by id or slug.
 */
final class WorkspaceCommand {
    private static final String[] COLUMNS = {"id", "slug", "name", "size", "quota"};

    private WorkspaceCommand() {
    }

    static Command command() {
        return Command.group("workspace", "Work with workspaces (volumes sandboxes mount) and their files, named "
                + "WORKSPACE:PATH.", create(), list(), remove(), WorkspaceFileCommands.list(),
                WorkspaceFileCommands.put(), WorkspaceFileCommands.get())
                .withAliases("workspaces")
                .withExamples("  corral workspace create my-data --quota 10GB");
    }

    /** The workspaces as JSON, or as a table with their sizes written for people. */
    private static void print(ApiOptions api, JsonNode json, ArrayNode workspaces) {
        api.print(json, out -> Table.print(out, rows(workspaces), COLUMNS));
    }

    private static ArrayNode rows(ArrayNode workspaces) {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (JsonNode workspace : workspaces) {
            rows.addObject().put("id", workspace.path("id").asText()).put("slug", workspace.path("slug").asText())
                    .put("name", workspace.path("name").asText())
                    .put("size", readable(workspace.path("sizeBytes").asLong()))
                    .put("quota", readable(workspace.path("quotaBytes").asLong()));
        }
        return rows;
    }

    /** {@code bytes} in the largest binary unit that keeps it at least 1, one decimal at most: {@code 1.5GB}. */
    static String readable(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double amount = bytes;
        int unit = 0;
        while (amount >= 1024 && unit < units.length - 1) {
            amount /= 1024;
            unit++;
        }
        String number = unit == 0 ? Long.toString(bytes) : String.format(Locale.ROOT, "%.1f", amount);
        return number.replaceFirst("\\.0$", "") + units[unit];
    }

    private static Command create() {
        return ApiOptions.leaf("create", "Create a workspace: an empty volume of --quota bytes (1GB by default).",
                WorkspaceCommand::create)
                .withPositionals(Positional.one("NAME", "A name for people."))
                .withOptions(Option.value("slug", "SLUG", "The short name to use in place of its id (default: made "
                                + "from NAME)."),
                        Option.value("quota", "SIZE", "Room for files, such as 500MB or 10GB (binary units) or "
                                + "bytes."))
                .withExamples("  corral workspace create \"Shared data\" --slug data --quota 10GB");
    }

    private static int create(Invocation call) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", call.positional("NAME"));
        if (call.value("slug") != null) {
            body.put("slug", call.value("slug"));
        }
        String quota = call.value("quota");
        if (quota != null) {
            try {
                body.put("quotaBytes", DataSize.parse(quota).bytes());
            } catch (IllegalArgumentException e) {
                throw new CliException("--quota " + e.getMessage(), 2);
            }
        }
        ApiOptions api = call.api();
        JsonNode workspace = api.connect().call("POST", "v1/workspaces", body).path("data");
        print(api, workspace, JsonNodeFactory.instance.arrayNode().add(workspace));
        return 0;
    }

    private static Command list() {
        return ApiOptions.leaf("list", "List every workspace.", call -> {
            ArrayNode all = call.api().connect().listAll("v1/workspaces?limit=100");
            print(call.api(), all, all);
            return 0;
        }).withExamples("  corral workspace list --json");
    }

    private static Command remove() {
        return ApiOptions.leaf("rm", "Delete a workspace and every file in it; refused while a sandbox mounts it, "
                + "unless --force.", WorkspaceCommand::remove)
                .withPositionals(Positional.one("WORKSPACE", "The workspace's id or slug."))
                .withOptions(Option.flag("force", "Delete it even while sandboxes mount it (they keep what they "
                        + "have until they stop)."))
                .withExamples("  corral workspace rm my-data");
    }

    private static int remove(Invocation call) {
        String workspace = call.positional("WORKSPACE");
        ApiOptions api = call.api();
        JsonNode deleted;
        try {
            deleted = api.connect().call("DELETE", "v1/workspaces/" + RemoteApi.encode(workspace)
                    + (call.flag("force") ? "?force=true" : ""), null).path("data");
        } catch (CliException e) {
            if (e.apiCode().filter("invalid_state"::equals).isEmpty()) {
                throw e;
            }
            throw new CliException(e.getMessage() + " (corral workspace rm " + workspace
                    + " --force deletes it anyway)", e.exitCode(), "invalid_state");
        }
        api.report(deleted.toPrettyString(), "Deleted workspace " + deleted.path("slug").asText()
                + " (" + deleted.path("id").asText() + ").");
        return 0;
    }
}
