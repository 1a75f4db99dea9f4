package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.app.Config;
import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import dev.corral.app.LocalRuntime;
import dev.corral.app.TestNetworks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox commands of the CLI against a running server with real runc sandboxes. */
class SandboxCommandIT {
    private static final String ADMIN = "rt_live_" + "S".repeat(32);
    private static CorralServer server;
    private static Config config;
    private static String[] connection;

    @BeforeAll
    static void start() throws Exception {
        var dataDir = Files.createTempDirectory("corral-cli-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        config = ConfigLoader.load(Map.of(), TestNetworks.withNetwork(dataDir, Map.of("port", "0", "data-dir",
                dataDir.toString(), "bootstrap-key", ADMIN, "templates-dir", System.getenv().getOrDefault(
                        "CORRAL_TEST_TEMPLATE_CACHE", "/var/tmp/corral-test-templates"))));
        server = CorralServer.start(config);
        connection = new String[] {"--url", "http://127.0.0.1:" + server.port(), "--api-key", ADMIN};
    }

    @AfterAll
    static void stop() {
        server.close();
        LocalRuntime local = LocalRuntime.open(config);
        local.runtime().removeAllExcept(java.util.Set.of());
        local.workspaces().detachAll();
    }

    private static Cli.Run corral(String... args) {
        return Cli.run(Cli.withOptions(connection, args));
    }

    @Test
    void createExecPauseResumeLogsRemove_workFromTheCommandLine() throws Exception {
        Cli.Run created = corral("sandbox", "create", "--name", "cli-demo", "--memory", "128MB", "--disk", "128MB",
                "--tag", "cli", "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String id = new ObjectMapper().readTree(created.out()).path("id").asText();

        Cli.Run exec = corral("sandbox", "exec", "cli-demo", "echo hi; echo oops >&2; exit 7");
        assertThat(exec.exitCode()).isEqualTo(7);
        assertThat(exec.out()).isEqualTo("hi\n");
        assertThat(exec.err()).isEqualTo("oops\n");

        assertThat(corral("sandbox", "pause", "cli-demo").out()).contains("paused");
        assertThat(corral("sandbox", "resume", id).out()).contains("running");
        assertThat(corral("sandbox", "list", "--tag", "cli").out()).contains(id).contains("cli-demo");
        assertThat(corral("sandbox", "get", "cli-demo").out()).contains("running");
        Cli.Run updated = corral("sandbox", "update", "cli-demo", "--name", "cli-renamed", "--tag", "a", "--tag", "b",
                "--max-runtime", "3600", "--json");
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        JsonNode renamed = new ObjectMapper().readTree(updated.out());
        assertThat(renamed.path("name").asText()).isEqualTo("cli-renamed");
        assertThat(renamed.path("tags")).extracting(JsonNode::asText).containsExactly("a", "b");
        assertThat(renamed.path("maxRuntime").asLong()).isEqualTo(3600);
        assertThat(corral("sandbox", "update", "cli-renamed", "--name", "cli-demo").exitCode()).isZero();
        Cli.Run network = corral("sandbox", "network", "cli-demo", "--deny-all", "--allow", "198.51.100.0/24",
                "--allow", "*.example.org", "--json");
        assertThat(network.exitCode()).as(network.err()).isZero();
        assertThat(new ObjectMapper().readTree(network.out()).path("network").toString()).isEqualTo("{\"egress\":"
                + "\"deny\",\"allow\":[\"198.51.100.0/24\",\"*.example.org\"],\"deny\":[]}");
        assertThat(corral("sandbox", "network", "cli-demo", "--deny-all", "--allow-all").err()).contains("not both");
        assertThat(corral("sandbox", "url", "cli-demo", "--port", "3000").out())
                .contains("/v1/sandboxes/" + id + "/ports/3000/?token=");
        assertThat(corral("sandbox", "url", "cli-demo").err()).contains("--port");
        assertThat(corral("sandbox", "ports", "cli-demo").out()).contains("PORT").contains("ADDRESS")
                .contains("PUBLIC");
        assertThat(corral("sandbox", "url", "cli-demo", "--port", "3000", "--public").out().strip())
                .endsWith("/v1/sandboxes/" + id + "/ports/3000/");
        assertThat(corral("sandbox", "url", "cli-demo", "--port", "3000", "--private").out())
                .contains("Port 3000 is private");
        assertThat(corral("sandbox", "url", "cli-demo", "--port", "3000", "--public", "--private").err())
                .contains("not both");

        CompletableFuture<Cli.Run> logs = CompletableFuture.supplyAsync(() -> corral("sandbox", "logs", id,
                "--since", "600"));
        Cli.Run removed = corral("sandbox", "rm", "cli-demo");
        assertThat(removed.out()).contains("Deleted sandbox " + id);
        Cli.Run followed = logs.get(30, TimeUnit.SECONDS);
        assertThat(followed.out()).contains("$ echo hi; echo oops >&2; exit 7").contains("[exit 7]")
                .contains("[status: paused]");
        assertThat(corral("sandbox", "exec", id, "true").err()).contains("invalid_state");
    }

    @Test
    void createWithMounts_sharesFilesWithTheWorkspaceCommands() throws Exception {
        Cli.Run created = corral("sandbox", "create", "--name", "cli-mount", "--memory", "128MB", "--disk", "128MB",
                "--mount", "cli-data:/data", "--mount", "cli-data:/seen:ro");
        assertThat(created.exitCode()).as(created.err()).isZero();

        Cli.Run wrote = corral("sandbox", "exec", "cli-mount", "echo shared > /data/f; touch /seen/x || echo refused");
        assertThat(wrote.out()).as(wrote.err()).isEqualTo("refused\n");
        var copy = Files.createTempFile("cli-mount", ".txt");
        assertThat(corral("workspace", "get", "cli-data:/f", copy.toString()).exitCode()).isZero();
        assertThat(Files.readString(copy)).isEqualTo("shared\n");
        Cli.Run inUse = corral("workspace", "rm", "cli-data");
        assertThat(inUse.exitCode()).isEqualTo(1);
        assertThat(inUse.err()).contains("invalid_state").contains("--force");
        corral("sandbox", "rm", "cli-mount");
        assertThat(corral("workspace", "rm", "cli-data").exitCode()).isZero();
        assertThat(corral("sandbox", "create", "--mount", "no-path").exitCode()).isEqualTo(2);
    }

    @Test
    void exec_streamsOutputTakesEnvCwdStdinAndTimeout_andAnswersTheExitCode() throws Exception {
        assertThat(corral("sandbox", "create", "--name", "cli-exec", "--memory", "128MB", "--disk", "128MB")
                .exitCode()).isZero();

        Cli.Run env = corral("sandbox", "exec", "cli-exec", "--env", "A=1", "--env", "B=two words", "--cwd", "/tmp",
                "--", "echo \"$A $B\"; pwd; echo warn >&2");
        assertThat(env.exitCode()).as(env.err()).isZero();
        assertThat(env.out()).isEqualTo("1 two words\n/tmp\n");
        assertThat(env.err()).isEqualTo("warn\n");

        Cli.Run piped = Cli.runWithInput("first\nsecond ü\n".getBytes(StandardCharsets.UTF_8),
                Cli.withOptions(connection, "sandbox", "exec", "cli-exec", "--", "wc -l; exit 3"));
        assertThat(piped.exitCode()).isEqualTo(3);
        assertThat(piped.out().strip()).isEqualTo("2");
        byte[] binary = {0, (byte) 0xff, 1, '\n'};
        Cli.Run bytes = Cli.runWithInput(binary, Cli.withOptions(connection, "sandbox", "exec", "cli-exec", "--", "od -An -tx1"));
        assertThat(bytes.out().strip()).isEqualTo("00 ff 01 0a");

        Cli.Run timedOut = corral("sandbox", "exec", "cli-exec", "--timeout", "1s", "--", "echo started; sleep 30");
        assertThat(timedOut.exitCode()).isEqualTo(124);
        assertThat(timedOut.out()).isEqualTo("started\n");
        assertThat(timedOut.err()).contains("timed out");

        Cli.Run background = corral("sandbox", "exec", "cli-exec", "--background", "--", "sleep 30");
        assertThat(background.exitCode()).as(background.err()).isZero();
        assertThat(background.out().strip()).matches("proc_[a-z0-9]{12}");
        Cli.Run backgroundJson = corral("sandbox", "exec", "cli-exec", "--background", "--json", "--", "sleep 30");
        assertThat(new ObjectMapper().readTree(backgroundJson.out()).path("status").asText()).isEqualTo("running");
        corral("sandbox", "rm", "cli-exec");
    }

    @Test
    void shell_pipedInput_isTypedAndTheRemoteExitCodeIsCorrals() {
        Cli.Run created = corral("sandbox", "create", "--name", "cli-shell", "--memory", "128MB", "--disk", "128MB");
        assertThat(created.exitCode()).as(created.err()).isZero();

        Cli.Run shell = Cli.runWithInput("echo from-cli $((1+1))\nexit 4\n".getBytes(StandardCharsets.UTF_8),
                Cli.withOptions(connection, "sandbox", "shell", "cli-shell"));
        Cli.Run command = corral("sandbox", "shell", "cli-shell", "--command", "exit 6");
        Cli.Run missing = corral("sandbox", "shell", "no-such-sandbox");

        assertThat(shell.exitCode()).as(shell.err()).isEqualTo(4);
        assertThat(shell.out()).contains("from-cli 2");
        assertThat(command.exitCode()).as(command.err()).isEqualTo(6);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("not_found");
        corral("sandbox", "rm", "cli-shell");
    }
}
