package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import dev.corral.app.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files commands of the CLI against a running server with a real runc sandbox. */
class FilesCommandIT {
    private static final String ADMIN = "rt_live_" + "F".repeat(32);
    private static CorralServer server;
    private static String[] connection;
    private static Path dataDir;
    private static String sandbox;

    @TempDir
    Path local;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("corral-cli-files-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        server = CorralServer.start(ConfigLoader.load(Map.of(), Map.of("port", "0", "data-dir", dataDir.toString(),
                "bootstrap-key", ADMIN, "templates-dir", System.getenv().getOrDefault("CORRAL_TEST_TEMPLATE_CACHE",
                        "/var/tmp/corral-test-templates"))));
        connection = new String[] {"--url", "http://127.0.0.1:" + server.port(), "--api-key", ADMIN};
    }

    /** Deletes the sandbox whatever the test did, so that no container or mount outlives the server. */
    @AfterAll
    static void stop() throws Exception {
        try {
            if (sandbox != null) {
                corral("sandbox", "rm", sandbox);
            }
        } finally {
            server.close();
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static Cli.Run corral(String... args) {
        String[] all = new String[args.length + connection.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(connection, 0, all, args.length, connection.length);
        return Cli.run(all);
    }

    /**
     * Runs {@code corral files cat} as its own process, as a user does: it writes raw bytes to the process's
     * standard output, which this JVM's server shares with its logs.
     */
    private static byte[] cat(String location) throws Exception {
        var command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "files", "cat", location));
        command.addAll(List.of(connection));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out;
    }

    @Test
    void putLsCatGetRm_workFromTheCommandLine() throws Exception {
        Cli.Run created = corral("sandbox", "create", "--name", "cli-files", "--memory", "128MB", "--disk", "128MB",
                "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String id = new ObjectMapper().readTree(created.out()).path("id").asText();
        sandbox = id;
        byte[] content = new byte[300_000];
        new Random(3).nextBytes(content);
        Path upload = Files.write(local.resolve("data.bin"), content);

        Cli.Run put = corral("files", "put", upload.toString(), "cli-files:data/data.bin", "--mode", "0600");
        Cli.Run listed = corral("files", "ls", "cli-files:data");
        byte[] printed = cat(id + ":/workspace/data/data.bin");
        Cli.Run got = corral("files", "get", "cli-files:data/data.bin", local.resolve("back.bin").toString());
        Cli.Run removed = corral("files", "rm", "cli-files:data", "-r");

        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(put.out()).isEqualTo("Wrote 300000 bytes to /workspace/data/data.bin.\n");
        assertThat(listed.out()).contains("file", "300000", "0600", "/workspace/data/data.bin");
        assertThat(printed).isEqualTo(content);
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(Files.readAllBytes(local.resolve("back.bin"))).isEqualTo(content);
        assertThat(removed.out()).isEqualTo("Deleted data.\n");
        assertThat(corral("files", "ls", "cli-files").out()).doesNotContain("data");
        Cli.Run missing = corral("files", "get", "cli-files:data/data.bin", local.resolve("none.bin").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("not_found");
        assertThat(local.resolve("none.bin")).doesNotExist();
        assertThat(corral("files", "cat", "no-colon").err()).contains("expected SANDBOX:PATH");
    }
}
