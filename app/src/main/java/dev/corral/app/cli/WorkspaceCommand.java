package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.corral.core.io.DataSize;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code corral workspace} (or {@code workspaces}): create, list and delete workspaces, the persistent volumes
 * sandboxes mount; their files are handled by {@link WorkspaceFileCommands}. A workspace is named by id or slug.
 */
@Command(name = "workspace", aliases = "workspaces", mixinStandardHelpOptions = true,
        description = "Work with workspaces (volumes sandboxes mount) and their files, named WORKSPACE:PATH.",
        subcommands = {WorkspaceCommand.Create.class, WorkspaceCommand.ListWorkspaces.class,
                WorkspaceCommand.Remove.class, WorkspaceFileCommands.ListFiles.class, WorkspaceFileCommands.Put.class,
                WorkspaceFileCommands.Get.class},
        footerHeading = "%nExample:%n", footer = "  corral workspace create my-data --quota 10GB")
final class WorkspaceCommand {
    private static final String[] COLUMNS = {"id", "slug", "name", "size", "quota"};

    /** The workspaces as JSON, or as a table with their sizes written for people. */
    private static void print(CommandSpec spec, ApiOptions api, JsonNode json, ArrayNode workspaces) {
        var out = spec.commandLine().getOut();
        if (api.json) {
            out.println(json.toPrettyString());
            out.flush();
            return;
        }
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (JsonNode workspace : workspaces) {
            rows.addObject().put("id", workspace.path("id").asText()).put("slug", workspace.path("slug").asText())
                    .put("name", workspace.path("name").asText())
                    .put("size", readable(workspace.path("sizeBytes").asLong()))
                    .put("quota", readable(workspace.path("quotaBytes").asLong()));
        }
        Table.print(out, rows, COLUMNS);
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

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a workspace: an empty volume of --quota bytes (1GB by default).",
            footerHeading = "%nExample:%n",
            footer = "  corral workspace create \"Shared data\" --slug data --quota 10GB")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(paramLabel = "NAME", description = "A name for people.")
        String name;
        @Option(names = "--slug", description = "The short name to use in place of its id (default: made from NAME).")
        String slug;
        @Option(names = "--quota", description = "Room for files, such as 500MB or 10GB (binary units) or bytes.")
        String quota;

        @Override
        public Integer call() {
            var body = new LinkedHashMap<String, Object>();
            body.put("name", name);
            if (slug != null) {
                body.put("slug", slug);
            }
            if (quota != null) {
                try {
                    body.put("quotaBytes", DataSize.parse(quota).bytes());
                } catch (IllegalArgumentException e) {
                    throw new CliException("--quota " + e.getMessage(), 2);
                }
            }
            JsonNode workspace = api.connect().call("POST", "v1/workspaces", body).path("data");
            print(spec, api, workspace, JsonNodeFactory.instance.arrayNode().add(workspace));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every workspace.",
            footerHeading = "%nExample:%n", footer = "  corral workspace list --json")
    static final class ListWorkspaces implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;

        @Override
        public Integer call() {
            ArrayNode all = api.connect().listAll("v1/workspaces?limit=100");
            print(spec, api, all, all);
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Delete a workspace and every file in it; refused while a sandbox mounts it, unless --force.",
            footerHeading = "%nExample:%n", footer = "  corral workspace rm my-data")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(paramLabel = "WORKSPACE", description = "The workspace's id or slug.")
        String workspace;
        @Option(names = "--force", description = "Delete it even while sandboxes mount it (they keep what they "
                + "have until they stop).")
        boolean force;

        @Override
        public Integer call() {
            JsonNode deleted;
            try {
                deleted = api.connect().call("DELETE", "v1/workspaces/" + RemoteApi.encode(workspace)
                        + (force ? "?force=true" : ""), null).path("data");
            } catch (CliException e) {
                if (e.apiCode().filter("invalid_state"::equals).isEmpty()) {
                    throw e;
                }
                throw new CliException(e.getMessage() + " (corral workspace rm " + workspace
                        + " --force deletes it anyway)", e.exitCode(), "invalid_state");
            }
            api.report(spec, deleted.toPrettyString(), "Deleted workspace " + deleted.path("slug").asText()
                    + " (" + deleted.path("id").asText() + ").");
            return 0;
        }
    }
}
