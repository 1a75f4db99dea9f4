package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever goes wrong, the CLI says so in a line or two and an exit code, never with a stack trace. */
class CliErrorsTest {
    private static final String ADMIN = "rt_live_" + "E".repeat(32);
    private static CorralServer server;
    private static String[] connection;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void start() throws IOException {
        Path data = Files.createTempDirectory("corral-cli-errors-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        server = CorralServer.start(ConfigLoader.load(Map.of(),
                Map.of("port", "0", "data-dir", data.toString(), "bootstrap-key", ADMIN)));
        connection = new String[] {"--url", "http://127.0.0.1:" + server.port(), "--api-key", ADMIN};
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertNoTrace(Cli.Run run) {
        assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("dev.corral");
    }

    private static void assertUsageError(Cli.Run run, String problem, String command) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("corral: ").contains(problem).contains("Usage: " + command)
                .contains("Try '" + command + " --help' for more.");
        assertThat(run.err().lines().count()).isLessThan(8);
        assertThat(run.out()).isEmpty();
        assertNoTrace(run);
    }

    @Test
    void exec_withoutACommand_isAUsageError() {
        assertUsageError(Cli.run(Cli.withOptions(connection, "sandbox", "exec", "demo")),
                "Missing required parameter: 'COMMAND'", "corral sandbox exec");
    }

    @Test
    void badFlagsAndValues_areUsageErrors() {
        assertUsageError(Cli.run("sandbox", "list", "--bogus"), "Unknown option: '--bogus'", "corral sandbox list");
        assertUsageError(Cli.run(Cli.withOptions(connection, "sandbox", "exec", "demo", "--timeout", "soon", "--",
                "ls")), "'soon' is not a duration", "corral sandbox exec");
        assertUsageError(Cli.run("keys", "create", "--expires-in"), "Missing required parameter", "corral keys create");
    }

    @Test
    void templatesBuild_unknownTemplate_isAUsageErrorNamingTheKnownOnes() {
        assertUsageError(Cli.run("templates", "build", "python", "--data-dir", dataDir.toString()),
                "there is no template 'python': Corral builds base", "corral templates build");
        assertThat(dataDir.resolve("templates/python")).doesNotExist();
    }

    @Test
    void usageMistakeFoundByTheCommand_pointsToItsHelp() {
        Cli.Run run = Cli.run(Cli.withOptions(connection, "sandbox", "create", "--mount", "no-path"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--mount takes WORKSPACE:PATH").contains("Try 'corral sandbox create --help'");
        assertNoTrace(run);
    }

    @Test
    void serverError_isOneLineWithTheEnvelopesCodeAndExitCodeOne() {
        Cli.Run run = Cli.run(Cli.withOptions(connection, "sandbox", "get", "no-such-sandbox"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("corral: not_found: Sandbox 'no-such-sandbox' not found\n");
    }

    @Test
    void unreachableServer_isOneLineAndExitCodeThree() {
        Cli.Run run = Cli.run("sandbox", "list", "--url", "http://127.0.0.1:1", "--api-key", ADMIN);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).startsWith("corral: cannot reach Corral at http://127.0.0.1:1/").hasLineCount(1);
    }
}
