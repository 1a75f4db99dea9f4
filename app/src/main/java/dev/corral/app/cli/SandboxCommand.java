package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code corral sandbox}: create sandboxes, run commands in them, pause, resume, remove, follow their logs. */
@Command(name = "sandbox", mixinStandardHelpOptions = true, description = "Work with sandboxes.",
        subcommands = {SandboxCommand.Create.class, SandboxCommand.ListSandboxes.class, SandboxCommand.Get.class,
                SandboxCommand.Update.class, SandboxCommand.Exec.class, SandboxCommand.Pause.class,
                SandboxCommand.Resume.class, SandboxCommand.Remove.class, SandboxCommand.Logs.class,
                ShellCommand.class, FilesCommand.class})
final class SandboxCommand {
    private static final String[] COLUMNS = {"id", "name", "status", "template", "createdAt"};

    private static void print(CommandSpec spec, ApiOptions api, JsonNode sandbox) {
        var out = spec.commandLine().getOut();
        if (api.json) {
            out.println(sandbox.toPrettyString());
            out.flush();
        } else {
            Table.print(out, JsonNodeFactory.instance.arrayNode().add(sandbox), COLUMNS);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a sandbox and wait until it runs (the first one builds the template).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Option(names = "--template", defaultValue = "base", description = "Template (default: base).")
        String template;
        @Option(names = "--name", description = "A name, unique among your live sandboxes.")
        String name;
        @Option(names = "--tag", description = "A tag (repeatable).")
        List<String> tags = List.of();
        @Option(names = "--env", description = "KEY=VALUE for every process (repeatable).")
        Map<String, String> env = Map.of();
        @Option(names = "--vcpus", description = "CPUs (default 2).")
        Integer vcpus;
        @Option(names = "--memory", description = "Memory such as 512MB (default 1GB).")
        String memory;
        @Option(names = "--disk", description = "Disk such as 5GB (default 2GB).")
        String disk;
        @Option(names = "--idle-timeout", description = "Seconds idle before it is paused; 0 never (default 600).")
        Long idleTimeout;
        @Option(names = "--max-runtime", description = "Seconds from creation before it is stopped; 0 for the "
                + "plan's maximum (default).")
        Long maxRuntime;
        @Option(names = "--mount", paramLabel = "WORKSPACE:PATH[:ro]", description = "Mount a workspace (id, slug, "
                + "or a new free-form slug) at PATH, read-only with :ro (repeatable).")
        List<String> mounts = List.of();
        @Option(names = "--no-wait", description = "Answer at once, while it is still creating.")
        boolean noWait;

        @Override
        public Integer call() {
            var body = new LinkedHashMap<String, Object>();
            body.put("mounts", mounts.stream().map(Create::mount).toList());
            body.put("template", template);
            body.put("name", name);
            body.put("tags", tags);
            body.put("env", env);
            var resources = new LinkedHashMap<String, Object>();
            resources.put("vcpus", vcpus);
            resources.put("memory", memory);
            resources.put("disk", disk);
            resources.values().removeIf(java.util.Objects::isNull);
            body.put("resources", resources);
            body.put("idleTimeout", idleTimeout);
            body.put("maxRuntime", maxRuntime);
            body.values().removeIf(java.util.Objects::isNull);
            JsonNode sandbox = api.connect().call("POST", "v1/sandboxes" + (noWait ? "" : "?wait=true"), body)
                    .path("data");
            print(spec, api, sandbox);
            return "failed".equals(sandbox.path("status").asText()) ? 1 : 0;
        }

        /** {@code data:/data} or {@code data:/data:ro} as the API's mount object. */
        private static Map<String, Object> mount(String text) {
            boolean readOnly = text.endsWith(":ro");
            String spec = readOnly ? text.substring(0, text.length() - 3) : text;
            int colon = spec.indexOf(':');
            if (colon <= 0 || colon == spec.length() - 1) {
                throw new CliException("--mount takes WORKSPACE:PATH or WORKSPACE:PATH:ro, not " + text, 2);
            }
            return Map.of("workspaceId", spec.substring(0, colon), "path", spec.substring(colon + 1),
                    "readOnly", readOnly);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List sandboxes (stopped ones only "
            + "with --status stopped).")
    static final class ListSandboxes implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Option(names = "--status", description = "creating, running, paused, stopped or failed.")
        String status;
        @Option(names = "--tag", description = "Only sandboxes with this tag (repeatable: all of them).")
        List<String> tags = List.of();

        @Override
        public Integer call() {
            var query = new StringBuilder("limit=100");
            if (status != null) {
                query.append("&status=").append(encode(status));
            }
            tags.forEach(tag -> query.append("&tag=").append(encode(tag)));
            JsonNode all = api.connect().listAll("v1/sandboxes?" + query);
            if (api.json) {
                spec.commandLine().getOut().println(all.toPrettyString());
                spec.commandLine().getOut().flush();
            } else {
                Table.print(spec.commandLine().getOut(), all, COLUMNS);
            }
            return 0;
        }
    }

    /** A command on one sandbox that answers the sandbox: shows it, or changes its state and shows it. */
    abstract static class OnSandbox implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(paramLabel = "SANDBOX", description = "The sandbox's id or name.")
        String sandbox;

        int show(String method, String action) {
            print(spec, api, api.connect().call(method, "v1/sandboxes/" + encode(sandbox) + action, null)
                    .path("data"));
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one sandbox, by id or name.")
    static final class Get extends OnSandbox {
        @Override
        public Integer call() {
            return show("GET", "");
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a sandbox's name, tags, "
            + "metadata, idle timeout or maximum runtime; what is not given stays.")
    static final class Update extends OnSandbox {
        @Option(names = "--name", description = "A new name, unique among your live sandboxes.")
        String name;
        @Option(names = "--tag", description = "A tag (repeatable); the tags given replace all the old ones.")
        List<String> tags;
        @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "A metadata pair (repeatable); the "
                + "pairs given replace all the old ones.")
        Map<String, String> metadata;
        @Option(names = "--idle-timeout", description = "Seconds idle before it is paused; 0 never.")
        Long idleTimeout;
        @Option(names = "--max-runtime", description = "Seconds from creation before it is stopped; 0 for the "
                + "plan's maximum.")
        Long maxRuntime;

        @Override
        public Integer call() {
            var body = new LinkedHashMap<String, Object>();
            body.put("name", name);
            body.put("tags", tags);
            body.put("metadata", metadata);
            body.put("idleTimeout", idleTimeout);
            body.put("maxRuntime", maxRuntime);
            body.values().removeIf(java.util.Objects::isNull);
            print(spec, api, api.connect().call("PATCH", "v1/sandboxes/" + encode(sandbox), body).path("data"));
            return 0;
        }
    }

    @Command(name = "exec", mixinStandardHelpOptions = true,
            description = {"Run a command with /bin/sh -c in a sandbox. Its output is printed as it comes and its "
                    + "exit code is corral's (124 when it timed out, as with timeout(1)).",
                    "Standard input, when it is not a terminal, is the command's (</dev/null for none)."},
            footerHeading = "%nExamples:%n", footer = {"  corral sandbox exec demo -- 'ls -l /workspace'",
                    "  corral sandbox exec demo --env NAME=world --timeout 5m -- 'echo hello $NAME'",
                    "  echo 'print(6 * 7)' | corral sandbox exec demo -- python3",
                    "  corral sandbox exec demo --background -- 'python3 -m http.server 8000'"})
    static final class Exec implements Callable<Integer> {
        /** What {@code timeout(1)} answers for a command it stopped. */
        static final int TIMED_OUT = 124;
        /** The most standard input passed on; larger inputs belong in a file ({@code corral files put}). */
        private static final int MAX_STDIN_BYTES = 64 << 20;

        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(index = "0", paramLabel = "SANDBOX", description = "The sandbox's id or name.")
        String sandbox;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND",
                description = "The command (quote it, or put it after --).")
        List<String> command;
        @Option(names = "--env", paramLabel = "KEY=VALUE", description = "A variable for the command (repeatable).")
        Map<String, String> env = new LinkedHashMap<>();
        @Option(names = "--cwd", description = "Directory to run in (default /workspace).")
        String cwd;
        @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
                description = "How long before the command is killed: 30s, 5m, 1h or milliseconds (default 30s).")
        Long timeoutMillis;
        @Option(names = "--background", description = "Start it and print its process id at once; its output "
                + "goes to the sandbox's logs.")
        boolean background;

        @Override
        public Integer call() {
            var body = new LinkedHashMap<String, Object>();
            body.put("command", String.join(" ", command));
            body.put("timeout", timeoutMillis);
            body.put("cwd", cwd);
            body.put("env", env.isEmpty() ? null : env);
            putStdin(body, CorralCommand.input(spec).readUpTo(MAX_STDIN_BYTES,
                    "upload it with 'corral files put' and read the file instead"));
            body.values().removeIf(java.util.Objects::isNull);
            String path = "v1/sandboxes/" + encode(sandbox) + "/exec";
            RemoteApi remote = api.connect();
            // The answer begins only with the first output, so the wait is bounded by the command's own timeout.
            Duration wait = Duration.ofMillis(timeoutMillis == null ? 30_000 : timeoutMillis).plusMinutes(1);
            if (background) {
                body.put("background", true);
                JsonNode process = remote.call("POST", path, body).path("data");
                api.report(spec, process.toPrettyString(), process.path("processId").asText());
                return 0;
            }
            if (api.json) {
                JsonNode result = remote.call("POST", path, body, wait).path("data");
                spec.commandLine().getOut().println(result.toPrettyString());
                spec.commandLine().getOut().flush();
                return exitCode(result);
            }
            var exit = new JsonNode[1];
            remote.events(path, body, wait, (event, data) -> {
                switch (event) {
                    case "stdout" -> print(spec.commandLine().getOut(), data);
                    case "stderr" -> print(spec.commandLine().getErr(), data);
                    case "exit" -> exit[0] = data;
                    default -> { }
                }
            });
            if (exit[0] == null) {
                throw new CliException("the connection closed before the command ended", 3);
            }
            if (exit[0].path("truncated").asBoolean()) {
                spec.commandLine().getErr().println("corral: output beyond the plan's limit was dropped");
            }
            if (exit[0].path("timedOut").asBoolean()) {
                spec.commandLine().getErr().println("corral: the command timed out and was killed");
            }
            spec.commandLine().getErr().flush();
            return exitCode(exit[0]);
        }

        /** Input goes as text when it is UTF-8, so that {@code --json} output stays text; otherwise as base64. */
        private static void putStdin(Map<String, Object> body, byte[] stdin) {
            if (stdin.length == 0) {
                return;
            }
            try {
                body.put("stdin", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(stdin)).toString());
            } catch (CharacterCodingException notText) {
                body.put("stdin", Base64.getEncoder().encodeToString(stdin));
                body.put("encoding", "base64");
            }
        }

        private static void print(PrintWriter to, JsonNode data) {
            to.print(data.path("data").asText());
            to.flush();
        }

        private static int exitCode(JsonNode result) {
            return result.path("timedOut").asBoolean() ? TIMED_OUT : result.path("exitCode").asInt();
        }
    }

    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 250ms} or a bare number of milliseconds, as milliseconds. */
    static final class Durations implements CommandLine.ITypeConverter<Long> {
        private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

        @Override
        public Long convert(String text) {
            Matcher matcher = DURATION.matcher(text.strip());
            if (!matcher.matches()) {
                throw new CommandLine.TypeConversionException(
                        "'" + text + "' is not a duration such as 30s, 5m, 1h or 1500 (milliseconds)");
            }
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
            return switch (unit) {
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount;
            };
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Freeze every process of a sandbox.")
    static final class Pause extends OnSandbox {
        @Override
        public Integer call() {
            return show("POST", "/pause");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Thaw a paused sandbox.")
    static final class Resume extends OnSandbox {
        @Override
        public Integer call() {
            return show("POST", "/resume");
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a sandbox and its disk.")
    static final class Remove extends OnSandbox {
        @Override
        public Integer call() {
            JsonNode deleted = api.connect().call("DELETE", "v1/sandboxes/" + encode(sandbox), null).path("data");
            api.report(spec, deleted.toPrettyString(), "Deleted sandbox " + deleted.path("id").asText() + ".");
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Follow a sandbox's logs (command output and status changes) until Ctrl-C.")
    static final class Logs extends OnSandbox {        @Option(names = "--since", description = "Replay from this many seconds ago (what the buffer still holds).")
        Long sinceSeconds;

        @Override
        public Integer call() {
            RemoteApi remote = api.connect();
            String url = remote.base().toString().replaceFirst("^http", "ws") + "v1/sandboxes/" + encode(sandbox)
                    + "/logs" + (sinceSeconds == null ? ""
                    : "?since=" + (System.currentTimeMillis() - sinceSeconds * 1000));
            var closed = new CompletableFuture<Integer>();
            var out = spec.commandLine().getOut();
            var mapper = new ObjectMapper();
            remote.http().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + remote.apiKey())
                    .buildAsync(java.net.URI.create(url), new WebSocket.Listener() {
                        private final StringBuilder frame = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            frame.append(data);
                            if (last) {
                                out.println(api.json ? frame : human(mapper, frame.toString()));
                                out.flush();
                                frame.setLength(0);
                            }
                            socket.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                            if (status != WebSocket.NORMAL_CLOSURE) {
                                spec.commandLine().getErr().println("corral: logs closed: " + reason);
                            }
                            closed.complete(status == WebSocket.NORMAL_CLOSURE ? 0 : 1);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket socket, Throwable error) {
                            closed.completeExceptionally(new CliException("logs failed: " + error.getMessage(), 3));
                        }
                    }).join();
            return closed.join();
        }

        private static String human(ObjectMapper mapper, String json) {
            try {
                JsonNode frame = mapper.readTree(json);
                String type = frame.path("type").asText();
                return switch (type) {
                    case "stdout", "stderr" -> frame.path("data").asText().stripTrailing();
                    case "exec_start" -> "$ " + frame.path("data").asText();
                    case "exec_end" -> "[exit " + frame.path("exitCode").asInt() + "]";
                    default -> "[" + type + ": " + frame.path("status").asText() + "]";
                };
            } catch (java.io.IOException e) {
                return json;
            }
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
