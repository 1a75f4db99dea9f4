package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.corral.app.cli.Command.Option;
import dev.corral.app.cli.Command.Positional;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code corral sandbox}: create sandboxes, run commands in them, pause, resume, remove, follow their logs. */
final class SandboxCommand {
    private static final String[] COLUMNS = {"id", "name", "status", "template", "createdAt"};
    static final Positional SANDBOX = Positional.one("SANDBOX", "The sandbox's id or name.");

    private SandboxCommand() {
    }

    static Command command() {
        return Command.group("sandbox", "Work with sandboxes.", create(), list(), get(), update(), network(),
                Exec.command(),
                pause(), resume(), remove(), url(), ports(), Logs.command(), ShellCommand.command(),
                FilesCommand.command());
    }

    private static void print(Invocation call, JsonNode sandbox) {
        call.api().print(sandbox, out -> Table.print(out, JsonNodeFactory.instance.arrayNode().add(sandbox),
                COLUMNS));
    }

    private static Command create() {
        return ApiOptions.leaf("create", "Create a sandbox and wait until it runs (the first one builds the "
                + "template).", SandboxCommand::create).withOptions(
                Option.value("template", "TEMPLATE", "Template (default: base)."),
                Option.value("name", "NAME", "A name, unique among your live sandboxes."),
                Option.value("tag", "TAG", "A tag (repeatable).").asRepeatable(),
                Option.value("env", "KEY=VALUE", "KEY=VALUE for every process (repeatable).").asRepeatable(),
                Option.value("vcpus", "N", "CPUs (default 2)."),
                Option.value("memory", "SIZE", "Memory such as 512MB (default 1GB)."),
                Option.value("disk", "SIZE", "Disk such as 5GB (default 2GB)."),
                Option.value("idle-timeout", "SECONDS", "Seconds idle before it is paused; 0 never (default 600)."),
                Option.value("max-runtime", "SECONDS", "Seconds from creation before it is stopped; 0 for the "
                        + "plan's maximum (default)."),
                Option.value("mount", "WORKSPACE:PATH[:ro]", "Mount a workspace (id, slug, or a new free-form "
                        + "slug) at PATH, read-only with :ro (repeatable).").asRepeatable(),
                Option.flag("no-wait", "Answer at once, while it is still creating."));
    }

    private static int create(Invocation call) {
        var body = new LinkedHashMap<String, Object>();
        body.put("mounts", call.values("mount").stream().map(SandboxCommand::mount).toList());
        body.put("template", call.value("template") == null ? "base" : call.value("template"));
        body.put("name", call.value("name"));
        body.put("tags", call.values("tag"));
        body.put("env", call.pairs("env"));
        var resources = new LinkedHashMap<String, Object>();
        resources.put("vcpus", call.value("vcpus", Integer::valueOf));
        resources.put("memory", call.value("memory"));
        resources.put("disk", call.value("disk"));
        resources.values().removeIf(java.util.Objects::isNull);
        body.put("resources", resources);
        body.put("idleTimeout", call.value("idle-timeout", Long::valueOf));
        body.put("maxRuntime", call.value("max-runtime", Long::valueOf));
        body.values().removeIf(java.util.Objects::isNull);
        JsonNode sandbox = call.api().connect().call("POST", "v1/sandboxes" + (call.flag("no-wait") ? ""
                : "?wait=true"), body).path("data");
        print(call, sandbox);
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

    private static Command list() {
        return ApiOptions.leaf("list", "List sandboxes (stopped ones only with --status stopped).", call -> {
            var query = new StringBuilder("limit=100");
            if (call.value("status") != null) {
                query.append("&status=").append(encode(call.value("status")));
            }
            call.values("tag").forEach(tag -> query.append("&tag=").append(encode(tag)));
            JsonNode all = call.api().connect().listAll("v1/sandboxes?" + query);
            call.api().print(all, out -> Table.print(out, all, COLUMNS));
            return 0;
        }).withOptions(
                Option.value("status", "STATUS", "creating, running, paused, stopped or failed."),
                Option.value("tag", "TAG", "Only sandboxes with this tag (repeatable: all of them).").asRepeatable());
    }

    /** A command on one sandbox that answers the sandbox: shows it, or changes its state and shows it. */
    private static Command onSandbox(String name, String description, String method, String action) {
        return ApiOptions.leaf(name, description, call -> {
            print(call, call.api().connect().call(method, "v1/sandboxes/" + encode(call.positional("SANDBOX"))
                    + action, null).path("data"));
            return 0;
        }).withPositionals(SANDBOX);
    }

    private static Command get() {
        return onSandbox("get", "Show one sandbox, by id or name.", "GET", "");
    }

    private static Command pause() {
        return onSandbox("pause", "Freeze every process of a sandbox.", "POST", "/pause");
    }

    private static Command resume() {
        return onSandbox("resume", "Thaw a paused sandbox.", "POST", "/resume");
    }

    private static Command update() {
        return ApiOptions.leaf("update", "Change a sandbox's name, tags, metadata, idle timeout or maximum runtime; "
                + "what is not given stays.", SandboxCommand::update).withPositionals(SANDBOX).withOptions(
                Option.value("name", "NAME", "A new name, unique among your live sandboxes."),
                Option.value("tag", "TAG", "A tag (repeatable); the tags given replace all the old ones.")
                        .asRepeatable(),
                Option.value("metadata", "KEY=VALUE", "A metadata pair (repeatable); the pairs given replace all "
                        + "the old ones.").asRepeatable(),
                Option.value("idle-timeout", "SECONDS", "Seconds idle before it is paused; 0 never."),
                Option.value("max-runtime", "SECONDS", "Seconds from creation before it is stopped; 0 for the "
                        + "plan's maximum."));
    }

    private static int update(Invocation call) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", call.value("name"));
        body.put("tags", call.flag("tag") ? call.values("tag") : null);
        body.put("metadata", call.flag("metadata") ? call.pairs("metadata") : null);
        body.put("idleTimeout", call.value("idle-timeout", Long::valueOf));
        body.put("maxRuntime", call.value("max-runtime", Long::valueOf));
        body.values().removeIf(java.util.Objects::isNull);
        print(call, call.api().connect().call("PATCH", "v1/sandboxes/" + encode(call.positional("SANDBOX")), body)
                .path("data"));
        return 0;
    }

    private static Command network() {
        return ApiOptions.leaf("network", "Replace a networked sandbox's egress policy, at once (open connections "
                + "too): --deny-all lets out only what --allow names, otherwise the internet but --deny.",
                SandboxCommand::network).withPositionals(SANDBOX).withOptions(
                Option.flag("deny-all", "Let nothing out but what --allow names."),
                Option.flag("allow-all", "Let the internet out (never private ranges) but what --deny names "
                        + "(the default)."),
                Option.value("allow", "CIDR|DOMAIN|*.DOMAIN", "A network or name let out (repeatable).")
                        .asRepeatable(),
                Option.value("deny", "CIDR|DOMAIN|*.DOMAIN", "A network or name never let out (repeatable).")
                        .asRepeatable());
    }

    private static int network(Invocation call) {
        if (call.flag("deny-all") && call.flag("allow-all")) {
            throw new UsageException("Give --deny-all or --allow-all, not both");
        }
        var policy = new LinkedHashMap<String, Object>();
        policy.put("egress", call.flag("deny-all") ? "deny" : "allow");
        policy.put("allow", call.values("allow"));
        policy.put("deny", call.values("deny"));
        print(call, call.api().connect().call("PATCH", "v1/sandboxes/" + encode(call.positional("SANDBOX")),
                Map.of("network", policy)).path("data"));
        return 0;
    }

    private static Command url() {
        return ApiOptions.leaf("url", "Print a URL that opens a port of a sandbox without a key, for 30 minutes.",
                call -> {
                    String port = call.value("port");
                    if (port == null) {
                        throw new UsageException("Give the port: --port N");
                    }
                    if (call.flag("public") && call.flag("private")) {
                        throw new UsageException("Give --public or --private, not both");
                    }
                    String sandbox = "v1/sandboxes/" + encode(call.positional("SANDBOX"));
                    if (call.flag("private")) {
                        JsonNode closed = call.api().connect().call("DELETE", sandbox + "/ports/" + encode(port)
                                + "/public", null).path("data");
                        call.api().report(closed.toPrettyString(), "Port " + port + " is private: it needs a key "
                                + "or a port URL again.");
                        return 0;
                    }
                    JsonNode url = call.flag("public")
                            ? call.api().connect().call("POST", sandbox + "/ports/" + encode(port) + "/public",
                                    Map.of()).path("data")
                            : call.api().connect().call("GET", sandbox + "/url?port=" + encode(port), null)
                                    .path("data");
                    call.api().report(url.toPrettyString(), url.path("url").asText());
                    return 0;
                }).withPositionals(SANDBOX).withOptions(Option.value("port", "N", "The port, 1 to 65535."),
                        Option.flag("public", "Make the port public instead: its URL then needs nothing, for "
                                + "anyone, until --private."),
                        Option.flag("private", "Make a public port private again."));
    }

    private static Command ports() {
        return ApiOptions.leaf("ports", "List the TCP ports listening in a sandbox.", call -> {
            JsonNode listening = call.api().connect().call("GET", "v1/sandboxes/"
                    + encode(call.positional("SANDBOX")) + "/ports", null).path("data");
            call.api().print(listening, out -> Table.print(out, listening, "port", "address", "public"));
            return 0;
        }).withPositionals(SANDBOX);
    }

    private static Command remove() {
        return ApiOptions.leaf("rm", "Delete a sandbox and its disk.", call -> {
            ApiOptions api = call.api();
            JsonNode deleted = api.connect().call("DELETE", "v1/sandboxes/" + encode(call.positional("SANDBOX")),
                    null).path("data");
            api.report(deleted.toPrettyString(), "Deleted sandbox " + deleted.path("id").asText() + ".");
            return 0;
        }).withPositionals(SANDBOX);
    }

    /** {@code corral sandbox exec}: a command, its output printed as it comes, its exit code corral's. */
    static final class Exec {
        /** What {@code timeout(1)} answers for a command it stopped. */
        static final int TIMED_OUT = 124;
        /** The most standard input passed on; larger inputs belong in a file ({@code corral files put}). */
        private static final int MAX_STDIN_BYTES = 64 << 20;

        private Exec() {
        }

        static Command command() {
            return ApiOptions.leaf("exec", "Run a command with /bin/sh -c in a sandbox. Its output is printed as it "
                    + "comes and its exit code is corral's (124 when it timed out, as with timeout(1)).", Exec::run)
                    .withParagraph("Standard input, when it is not a terminal, is the command's (</dev/null for "
                            + "none).")
                    .withPositionals(SANDBOX, Positional.oneOrMore("COMMAND", "The command (quote it, or put it "
                            + "after --)."))
                    .withOptions(Option.value("env", "KEY=VALUE", "A variable for the command (repeatable).")
                                    .asRepeatable(),
                            Option.value("cwd", "DIR", "Directory to run in (default /workspace)."),
                            Option.value("timeout", "DURATION", "How long before the command is killed: 30s, 5m, "
                                    + "1h or milliseconds (default 30s)."),
                            Option.flag("background", "Start it and print its process id at once; its output "
                                    + "goes to the sandbox's logs."))
                    .withExamples("  corral sandbox exec demo -- 'ls -l /workspace'",
                            "  corral sandbox exec demo --env NAME=world --timeout 5m -- 'echo hello $NAME'",
                            "  echo 'print(6 * 7)' | corral sandbox exec demo -- python3",
                            "  corral sandbox exec demo --background -- 'python3 -m http.server 8000'");
        }

        private static int run(Invocation call) {
            Long timeoutMillis = call.value("timeout", new Durations()::convert);
            Map<String, String> env = call.pairs("env");
            var body = new LinkedHashMap<String, Object>();
            body.put("command", String.join(" ", call.positionals("COMMAND")));
            body.put("timeout", timeoutMillis);
            body.put("cwd", call.value("cwd"));
            body.put("env", env.isEmpty() ? null : env);
            putStdin(body, call.input().readUpTo(MAX_STDIN_BYTES,
                    "upload it with 'corral files put' and read the file instead"));
            body.values().removeIf(java.util.Objects::isNull);
            String path = "v1/sandboxes/" + encode(call.positional("SANDBOX")) + "/exec";
            ApiOptions api = call.api();
            RemoteApi remote = api.connect();
            // The answer begins only with the first output, so the wait is bounded by the command's own timeout.
            Duration wait = Duration.ofMillis(timeoutMillis == null ? 30_000 : timeoutMillis).plusMinutes(1);
            if (call.flag("background")) {
                body.put("background", true);
                JsonNode process = remote.call("POST", path, body).path("data");
                api.report(process.toPrettyString(), process.path("processId").asText());
                return 0;
            }
            if (api.json) {
                JsonNode result = remote.call("POST", path, body, wait).path("data");
                call.out().println(result.toPrettyString());
                call.out().flush();
                return exitCode(result);
            }
            var exit = new JsonNode[1];
            remote.events(path, body, wait, (event, data) -> {
                switch (event) {
                    case "stdout" -> print(call.out(), data);
                    case "stderr" -> print(call.err(), data);
                    case "exit" -> exit[0] = data;
                    default -> { }
                }
            });
            if (exit[0] == null) {
                throw new CliException("the connection closed before the command ended", 3);
            }
            if (exit[0].path("truncated").asBoolean()) {
                call.err().println("corral: output beyond the plan's limit was dropped");
            }
            if (exit[0].path("timedOut").asBoolean()) {
                call.err().println("corral: the command timed out and was killed");
            }
            call.err().flush();
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
    static final class Durations {
        private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

        /** The duration {@code text} names; {@link IllegalArgumentException} saying what it takes otherwise. */
        Long convert(String text) {
            Matcher matcher = DURATION.matcher(text.strip());
            if (!matcher.matches()) {
                throw new IllegalArgumentException(
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

    /** {@code corral sandbox logs}: the sandbox's log frames over its WebSocket, printed as they come. */
    static final class Logs {
        private Logs() {
        }

        static Command command() {
            return ApiOptions.leaf("logs", "Follow a sandbox's logs (command output and status changes) until Ctrl-C.",
                    Logs::follow).withPositionals(SANDBOX)
                    .withOptions(Option.value("since", "SECONDS", "Replay from this many seconds ago (what the "
                            + "buffer still holds)."));
        }

        private static int follow(Invocation call) {
            Long sinceSeconds = call.value("since", Long::valueOf);
            ApiOptions api = call.api();
            RemoteApi remote = api.connect();
            String url = remote.base().toString().replaceFirst("^http", "ws") + "v1/sandboxes/"
                    + encode(call.positional("SANDBOX")) + "/logs" + (sinceSeconds == null ? ""
                    : "?since=" + (System.currentTimeMillis() - sinceSeconds * 1000));
            var closed = new CompletableFuture<Integer>();
            var out = call.out();
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
                                call.err().println("corral: logs closed: " + reason);
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
