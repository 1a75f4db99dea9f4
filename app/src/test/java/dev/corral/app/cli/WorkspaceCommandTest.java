package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.corral.app.Config;
import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import dev.corral.app.LocalRuntime;
import dev.corral.app.Main;
import dev.corral.app.TestNetworks;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace commands of the CLI against a running server: workspaces need no sandbox, so no runc. */
class WorkspaceCommandTest {
    private static final String ADMIN = "rt_live_" + "W".repeat(32);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Config config;
    private static CorralServer server;
    private static String[] connection;

    @TempDir
    Path local;

    @BeforeAll
    static void start() throws IOException {
        Path dataDir = Files.createTempDirectory("corral-cli-workspaces-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        config = ConfigLoader.load(Map.of(), TestNetworks.withNetwork(dataDir, Map.of("port", "0", "data-dir",
                dataDir.toString(), "bootstrap-key", ADMIN)));
        server = CorralServer.start(config);
        connection = new String[] {"--url", "http://127.0.0.1:" + server.port(), "--api-key", ADMIN};
    }

    /** Stops the server, then unmounts the workspaces' volumes and deletes its data. */
    @AfterAll
    static void stop() throws IOException {
        try {
            server.close();
            LocalRuntime.open(config).workspaces().detachAll();
        } finally {
            try (var files = Files.walk(config.dataDir())) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static Cli.Run corral(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of(connection));
        return Cli.run(all.toArray(String[]::new));
    }

    /**
     * Runs {@code corral ARGS} as its own process, as a user does, feeding it {@code input}: raw bytes on standard
     * input and output are the process's own, which this JVM shares with the server's logs.
     */
    private static byte[] corralProcess(byte[] input, String... args) throws Exception {
        var command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of(connection));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(input);
        }
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out;
    }

    private static String createWorkspace(String slug) throws IOException {
        Cli.Run created = corral("workspace", "create", "Data " + slug, "--slug", slug, "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        return JSON.readTree(created.out()).path("id").asText();
    }

    @Test
    void createListPutLsGetRm_roundTripEveryByte() throws Exception {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] large = new byte[3 << 20];
        new Random(7).nextBytes(large);
        Path bytes = Files.write(local.resolve("bytes.bin"), everyByte);
        Path empty = Files.write(local.resolve("empty.bin"), new byte[0]);
        Path big = Files.write(local.resolve("big.bin"), large);

        Cli.Run created = corral("workspace", "create", "CLI data", "--slug", "cli-data", "--quota", "64MB");
        Cli.Run listed = corral("workspaces", "list");
        Cli.Run putBytes = corral("workspace", "put", bytes.toString(), "cli-data:/bin/");
        Cli.Run putEmpty = corral("workspace", "put", empty.toString(), "cli-data:empty.bin");
        Cli.Run putBig = corral("workspace", "put", big.toString(), "cli-data:/bin/big.bin");
        Cli.Run listedRoot = corral("workspace", "ls", "cli-data");
        Cli.Run listedBin = corral("workspace", "ls", "cli-data:/bin");
        Cli.Run gotBytes = corral("workspace", "get", "cli-data:/bin/bytes.bin", local.resolve("back.bin").toString());
        Cli.Run gotEmpty = corral("workspace", "get", "cli-data:/empty.bin", local.toString());
        byte[] printed = corralProcess(new byte[0], "workspace", "get", "cli-data:/bin/bytes.bin", "-");
        Cli.Run gotBig = corral("workspace", "get", "cli-data:/bin/big.bin", local.resolve("big-back.bin").toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("ID", "SLUG", "QUOTA", "cli-data", "CLI data", "64MB");
        assertThat(listed.out()).contains("cli-data", "CLI data", "0B", "64MB");
        assertThat(putBytes.exitCode()).as(putBytes.err()).isZero();
        assertThat(putBytes.out()).isEqualTo("Wrote 256 bytes to cli-data:/bin/bytes.bin.\n");
        assertThat(putEmpty.out()).isEqualTo("Wrote 0 bytes to cli-data:/empty.bin.\n");
        assertThat(putBig.exitCode()).as(putBig.err()).isZero();
        assertThat(listedRoot.out()).contains("folder", "/bin/", "file", "/empty.bin");
        assertThat(listedBin.out()).contains("256", "/bin/bytes.bin", String.valueOf(large.length), "/bin/big.bin");
        assertThat(gotBytes.exitCode()).as(gotBytes.err()).isZero();
        assertThat(Files.readAllBytes(local.resolve("back.bin"))).isEqualTo(everyByte);
        assertThat(gotEmpty.exitCode()).as(gotEmpty.err()).isZero();
        assertThat(local.resolve("empty.bin")).exists().isEmptyFile();
        assertThat(printed).isEqualTo(everyByte);
        assertThat(gotBig.exitCode()).as(gotBig.err()).isZero();
        assertThat(Files.readAllBytes(local.resolve("big-back.bin"))).isEqualTo(large);
        try (var left = Files.list(local)) {
            assertThat(left.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".part"));
        }

        Cli.Run removed = corral("workspace", "rm", "cli-data");

        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).startsWith("Deleted workspace cli-data (");
        assertThat(corral("workspace", "list").out()).doesNotContain("cli-data");
    }

    @Test
    void put_fromStandardInput_writesItsBytes() throws Exception {
        createWorkspace("cli-stdin");
        byte[] content = new byte[70_000];
        new Random(11).nextBytes(content);

        byte[] said = corralProcess(content, "workspace", "put", "-", "cli-stdin:/in/piped.bin");
        Cli.Run got = corral("workspace", "get", "cli-stdin:/in/piped.bin", local.resolve("piped.bin").toString());

        assertThat(new String(said, StandardCharsets.UTF_8)).contains("Wrote 70000 bytes to cli-stdin:/in/piped.bin.");
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(Files.readAllBytes(local.resolve("piped.bin"))).isEqualTo(content);
    }

    @Test
    void put_intoNestedMissingFolders_makesThemOneLevelAtATime() throws Exception {
        createWorkspace("cli-nested");
        Path file = Files.writeString(local.resolve("notes.txt"), "hello");

        Cli.Run first = corral("workspace", "put", file.toString(), "cli-nested:/a/b/c/notes.txt");
        Cli.Run second = corral("workspace", "put", file.toString(), "cli-nested:a/b/d/");
        Cli.Run listed = corral("workspace", "ls", "cli-nested:/a/b", "--json");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo("Wrote 5 bytes to cli-nested:/a/b/d/notes.txt.\n");
        JsonNode entries = JSON.readTree(listed.out());
        assertThat(entries.findValuesAsText("id")).containsExactlyInAnyOrder("/a/b/c", "/a/b/d");
        assertThat(entries.findValuesAsText("type")).containsOnly("folder");
    }

    @Test
    void putLsGet_namesWithBlanksAndSigns_areEncoded() throws Exception {
        createWorkspace("cli-names");
        Path file = Files.writeString(local.resolve("odd.txt"), "odd");

        Cli.Run put = corral("workspace", "put", file.toString(), "cli-names:/my dir/a+b #1%.txt");
        Cli.Run listed = corral("workspace", "ls", "cli-names:/my dir");
        Cli.Run got = corral("workspace", "get", "cli-names:/my dir/a+b #1%.txt", local.resolve("back.txt").toString());

        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(listed.out()).contains("/my dir/a+b #1%.txt");
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(local.resolve("back.txt")).hasContent("odd");
    }

    @Test
    void ls_all_showsHiddenFiles() throws Exception {
        createWorkspace("cli-hidden");
        Path file = Files.writeString(local.resolve(".env"), "A=1");
        corral("workspace", "put", file.toString(), "cli-hidden:/");

        assertThat(corral("workspace", "ls", "cli-hidden").out()).doesNotContain(".env");
        assertThat(corral("workspace", "ls", "cli-hidden", "-a").out()).contains("/.env");
        assertThat(corral("workspace", "ls", "cli-hidden", "--all").out()).contains("/.env");
    }

    @Test
    void jsonOutputs_parseAsJson() throws Exception {
        String id = createWorkspace("cli-json");
        Path file = Files.writeString(local.resolve("x.txt"), "x");

        JsonNode list = JSON.readTree(corral("workspace", "list", "--json").out());
        JsonNode put = JSON.readTree(corral("workspace", "put", file.toString(), "cli-json:/x.txt", "--json").out());
        JsonNode ls = JSON.readTree(corral("workspace", "ls", "cli-json", "--json").out());
        JsonNode removed = JSON.readTree(corral("workspace", "rm", id, "--json").out());

        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("slug")).contains("cli-json");
        assertThat(put.path("id").asText()).isEqualTo("/x.txt");
        assertThat(put.path("size").asLong()).isEqualTo(1);
        assertThat(ls.isArray()).isTrue();
        assertThat(ls.get(0).path("value").asText()).isEqualTo("x.txt");
        assertThat(removed.path("id").asText()).isEqualTo(id);
    }

    @Test
    void rm_unknownWorkspace_failsWithTheApisMessage() {
        Cli.Run run = corral("workspace", "rm", "no-such-workspace");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("corral: not_found:").contains("no-such-workspace")
                .doesNotContain("\n");
    }

    @Test
    void rm_workspaceInUse_saysSoAndPointsAtForce() throws IOException {
        try (var inUse = new StubServer(query -> 409, query -> "{\"error\":{\"code\":\"invalid_state\","
                + "\"message\":\"Workspace data is mounted by sb_1; stop them or delete with force=true\"}}")) {
            Cli.Run run = Cli.run("workspace", "rm", "data", "--url", inUse.url(), "--api-key", ADMIN);

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("corral: invalid_state: Workspace data is mounted by sb_1; "
                    + "stop them or delete with force=true (corral workspace rm data --force deletes it anyway)");
        }
    }

    @Test
    void list_manyPages_followsTheCursorToTheEnd() throws IOException {
        Map<String, String> answers = Map.of(
                "limit=100", "{\"data\":[{\"slug\":\"first\"}],\"meta\":{\"hasMore\":true,\"nextCursor\":\"c1\"}}",
                "limit=100&cursor=c1",
                "{\"data\":[{\"slug\":\"second\"}],\"meta\":{\"hasMore\":true,\"nextCursor\":\"c 2\"}}",
                "limit=100&cursor=c%202", "{\"data\":[{\"slug\":\"third\"}],\"meta\":{\"hasMore\":false}}");
        try (var pages = new StubServer(query -> answers.containsKey(query) ? 200 : 400,
                query -> answers.getOrDefault(query, "{\"error\":{\"code\":\"unexpected\",\"message\":\"" + query
                        + "\"}}"))) {
            Cli.Run run = Cli.run("workspace", "list", "--json", "--url", pages.url(), "--api-key", ADMIN);

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(JSON.readTree(run.out()).findValuesAsText("slug")).containsExactly("first", "second", "third");
        }
    }

    /** A server answering every request with the status and JSON body chosen from its raw query. */
    private static final class StubServer implements AutoCloseable {
        private final HttpServer http;

        StubServer(ToIntFunction<String> status, Function<String, String> body) throws IOException {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/", exchange -> {
                String query = String.valueOf(exchange.getRequestURI().getRawQuery());
                byte[] answer = body.apply(query).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status.applyAsInt(query), answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            http.start();
        }

        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    @Test
    void badUsage_exitsTwoWithoutCallingTheServer() throws IOException {
        Path file = Files.writeString(local.resolve("y.txt"), "y");

        Cli.Run quota = corral("workspace", "create", "q", "--quota", "ten gigs");
        Cli.Run noPath = corral("workspace", "get", "just-a-slug");
        Cli.Run upward = corral("workspace", "put", file.toString(), "ws:/a/../../etc/y.txt");
        Cli.Run stdinFolder = corral("workspace", "put", "-", "ws:/dir/");
        Cli.Run missingFile = corral("workspace", "put", local.resolve("absent").toString(), "ws:/absent");

        assertThat(List.of(quota, noPath, upward, stdinFolder, missingFile)).allMatch(run -> run.exitCode() == 2);
        assertThat(quota.err()).contains("--quota must look like 512MB or 2GB");
        assertThat(noPath.err()).contains("expected WORKSPACE:PATH");
        assertThat(upward.err()).contains("'..'");
        assertThat(stdinFolder.err()).contains("needs a file name");
        assertThat(missingFile.err()).contains("no such local file");
    }

    @Test
    void help_everySubcommandHasADescriptionAndAnExample() {
        for (String command : List.of("create", "list", "rm", "ls", "put", "get")) {
            Cli.Run help = Cli.run("workspace", command, "--help");

            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).as(command).contains("Usage: corral workspace " + command, "Example", "--json");
        }
        assertThat(Cli.run("--help").out()).contains("workspace");
    }
}
