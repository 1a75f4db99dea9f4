package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import dev.corral.app.Main;
import dev.corral.app.TestNetworks;
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
        server = CorralServer.start(ConfigLoader.load(Map.of(), TestNetworks.withNetwork(dataDir, Map.of("port",
                "0", "data-dir", dataDir.toString(), "bootstrap-key", ADMIN, "templates-dir", System.getenv()
                        .getOrDefault("CORRAL_TEST_TEMPLATE_CACHE", "/var/tmp/corral-test-templates")))));
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
        return Cli.run(Cli.withOptions(connection, args));
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

    @Test
    void putAndGetRecursive_copyWholeDirectories_andATrailingSlashKeepsTheName() throws Exception {
        Cli.Run created = corral("sandbox", "create", "--name", "cli-tree", "--memory", "128MB", "--disk", "128MB");
        assertThat(created.exitCode()).as(created.err()).isZero();
        Path tree = Files.createDirectories(local.resolve("project/src/deep"));
        Files.writeString(tree.resolve("a.txt"), "deep file\n");
        Files.writeString(local.resolve("project/top's file.txt"), "top\n");
        Files.writeString(local.resolve("note.txt"), "note\n");

        Cli.Run into = corral("files", "put", "-r", local.resolve("project").toString(), "cli-tree:/srv/");
        Cli.Run renamed = corral("sandbox", "files", "put", "-r", local.resolve("project").toString(),
                "cli-tree:copy");
        Cli.Run file = corral("files", "put", local.resolve("note.txt").toString(), "cli-tree:docs/");
        Cli.Run listed = corral("sandbox", "exec", "cli-tree", "--",
                "cd / && find srv workspace/copy workspace/docs -type f | sort");

        assertThat(into.exitCode()).as(into.err()).isZero();
        assertThat(renamed.exitCode()).as(renamed.err()).isZero();
        assertThat(file.out()).isEqualTo("Wrote 5 bytes to /workspace/docs/note.txt.\n");
        assertThat(listed.out()).isEqualTo("""
                srv/project/src/deep/a.txt
                srv/project/top's file.txt
                workspace/copy/src/deep/a.txt
                workspace/copy/top's file.txt
                workspace/docs/note.txt
                """);

        Path back = local.resolve("back");
        Cli.Run gotInto = corral("files", "get", "-r", "cli-tree:/srv/project", back + "/");
        Cli.Run gotRenamed = corral("sandbox", "files", "get", "-r", "cli-tree:copy/src", back.resolve("code").toString());
        Cli.Run gotFile = corral("files", "get", "cli-tree:docs/note.txt", back + "/notes/");
        Cli.Run missing = corral("files", "get", "-r", "cli-tree:/no/such/dir", back.resolve("none").toString());

        assertThat(gotInto.exitCode()).as(gotInto.err()).isZero();
        assertThat(Files.readString(back.resolve("project/src/deep/a.txt"))).isEqualTo("deep file\n");
        assertThat(Files.readString(back.resolve("project/top's file.txt"))).isEqualTo("top\n");
        assertThat(gotRenamed.exitCode()).as(gotRenamed.err()).isZero();
        assertThat(Files.readString(back.resolve("code/deep/a.txt"))).isEqualTo("deep file\n");
        assertThat(gotFile.exitCode()).as(gotFile.err()).isZero();
        assertThat(Files.readString(back.resolve("notes/note.txt"))).isEqualTo("note\n");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("/no/such/dir");
        assertThat(corral("sandbox", "exec", "cli-tree", "--", "ls -A /tmp").out()).doesNotContain("corral-transfer");
        assertThat(corral("files", "put", local.resolve("project").toString(), "cli-tree:x").err())
                .contains("add -r");
        corral("sandbox", "rm", "cli-tree");
    }
}
