package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever goes wrong, the CLI says so in a line or two and an exit code, never with a stack trace. These fail
 * before any server is asked; errors a server answers are in {@link KeysCommandTest}.
 */
class CliErrorsTest {
    @TempDir
    Path dataDir;

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
        assertUsageError(Cli.run("sandbox", "exec", "demo"),
                "Missing required parameter: 'COMMAND'", "corral sandbox exec");
    }

    @Test
    void badFlagsAndValues_areUsageErrors() {
        assertUsageError(Cli.run("sandbox", "list", "--bogus"), "Unknown option: '--bogus'", "corral sandbox list");
        assertUsageError(Cli.run("sandbox", "exec", "demo", "--timeout", "soon", "--", "ls"), "'soon' is not a duration", "corral sandbox exec");
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
        Cli.Run run = Cli.run("sandbox", "create", "--mount", "no-path");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--mount takes WORKSPACE:PATH").contains("Try 'corral sandbox create --help'");
        assertNoTrace(run);
    }
}
