package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.app.cli.Command.Option;
import dev.corral.app.cli.Command.Positional;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a command line is read against a tree of commands: a small tree of its own, not corral's. */
class CommandRunnerTest {
    private Invocation ran;

    private record Run(int exitCode, String out, String err) {
    }

    private Command tree() {
        Command copy = Command.leaf("copy", "Copy FROM to each TO.", call -> {
            ran = call;
            return 0;
        }).withOptions(Option.value("name", "NAME", "A name."), Option.value("tag", "TAG", "A tag (repeatable).")
                        .asRepeatable(), Option.value("env", "KEY=VALUE", "A variable (repeatable).").asRepeatable(),
                Option.value("count", "N", "How many."), Option.flag("r", "recursive", "Go down."),
                Option.value("owner", "OWNER", "Who owns it.").asRequired())
                .withPositionals(Positional.one("FROM", "Where from."), Positional.oneOrMore("TO", "Where to."));
        Command count = Command.leaf("count", "Read --count as a number and --env as pairs.", call -> {
            call.value("count", Integer::valueOf);
            call.pairs("env");
            return 0;
        }).withOptions(Option.value("count", "N", "How many."), Option.value("env", "KEY=VALUE", "A variable.")
                .asRepeatable());
        Command fail = Command.leaf("fail", "Fail with exit code 3.", call -> {
            throw new CliException("the server is gone", 3);
        });
        Command crash = Command.leaf("crash", "Fail unexpectedly.", call -> {
            throw new IllegalStateException("boom");
        });
        Command get = Command.leaf("get", "Get ID, and maybe save it to LOCAL.", call -> {
            ran = call;
            return 7;
        }).withPositionals(Positional.one("ID", null), Positional.optional("LOCAL", null))
                .withExamples("  tool files get 42 here");
        return Command.group("tool", "A tool to try the runner on.", copy, count, fail, crash,
                Command.group("files", "Work with files.", get).withAliases("file"));
    }

    private Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = new CommandRunner(tree(), "tool 1.0", new PrintWriter(out), new PrintWriter(err),
                StandardInput.none()).run(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void assertUsageError(Run run, String problem, String command) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("tool: " + problem + "\n").contains("Usage: " + command)
                .endsWith("Try '" + command + " --help' for more.\n");
    }

    @Test
    void run_optionsBeforeBetweenAndAfterPositionals_areAllRead() {
        Run run = run("copy", "--name", "n1", "a", "--owner=me", "b", "-r", "--tag", "x", "c", "--tag=y");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(ran.value("name")).isEqualTo("n1");
        assertThat(ran.value("owner")).isEqualTo("me");
        assertThat(ran.flag("recursive")).isTrue();
        assertThat(ran.values("tag")).containsExactly("x", "y");
        assertThat(ran.positional("FROM")).isEqualTo("a");
        assertThat(ran.positionals("TO")).containsExactly("b", "c");
        assertThat(ran.path()).isEqualTo("tool copy");
    }

    @Test
    void run_optionsNotGiven_areAbsent() {
        run("copy", "--owner", "me", "a", "b");

        assertThat(ran.value("name")).isNull();
        Integer count = ran.value("count", Integer::valueOf);
        assertThat(count).isNull();
        assertThat(ran.values("tag")).isEmpty();
        assertThat(ran.pairs("env")).isEmpty();
        assertThat(ran.flag("recursive")).isFalse();
    }

    @Test
    void run_afterDoubleDash_everythingIsPositional() {
        Run run = run("copy", "--owner", "me", "a", "--", "--name", "-r", "ls -l");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(ran.value("name")).isNull();
        assertThat(ran.flag("recursive")).isFalse();
        assertThat(ran.positionals("TO")).containsExactly("--name", "-r", "ls -l");
    }

    @Test
    void run_valuesAreTakenAsTyped_quotesAndDashesIncluded() {
        run("copy", "--owner", "-me", "--name", "\"quoted\"", "a", "b");

        assertThat(ran.value("owner")).isEqualTo("-me");
        assertThat(ran.value("name")).isEqualTo("\"quoted\"");
    }

    @Test
    void run_keyValuePairs_areReadInOrderAndABadOneIsAUsageError() {
        run("copy", "--owner", "me", "--env", "A=1", "--env", "B=two words=2", "a", "b");

        assertThat(ran.pairs("env")).containsExactly(Map.entry("A", "1"), Map.entry("B", "two words=2"));
    }

    @Test
    void run_unknownOption_isAUsageErrorWithTheUsageLine() {
        Run run = run("copy", "--bogus", "a", "b");

        assertUsageError(run, "Unknown option: '--bogus'", "tool copy");
        assertThat(run.err()).contains("Usage: tool copy --owner=OWNER [OPTIONS] FROM TO...");
    }

    @Test
    void run_abbreviatedOption_isNotTakenForTheLongOne() {
        assertUsageError(run("copy", "--own", "me", "a", "b"), "Unknown option: '--own'", "tool copy");
    }

    @Test
    void run_missingOrExtraParameters_areUsageErrors() {
        assertUsageError(run("copy", "--owner", "me", "a"), "Missing required parameter: 'TO'", "tool copy");
        assertUsageError(run("files", "get"), "Missing required parameter: 'ID'", "tool files get");
        assertUsageError(run("files", "get", "1", "2", "3", "4"), "Unmatched arguments: '3' '4'", "tool files get");
    }

    @Test
    void run_optionalParameter_mayBeLeftOut() {
        Run run = run("file", "get", "42");

        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(ran.positional("ID")).isEqualTo("42");
        assertThat(ran.positional("LOCAL")).isNull();
        assertThat(ran.path()).isEqualTo("tool files get");
    }

    @Test
    void run_optionProblems_areUsageErrors() {
        assertUsageError(run("copy", "a", "b"), "Missing required option: '--owner=OWNER'", "tool copy");
        assertUsageError(run("copy", "--owner", "me", "a", "b", "--name"),
                "Missing required parameter for option '--name' (NAME)", "tool copy");
        assertUsageError(run("copy", "--owner", "me", "--name", "x", "--name", "y", "a", "b"),
                "option '--name' should be specified only once", "tool copy");
    }

    @Test
    void run_valuesTheCommandRefuses_areUsageErrors() {
        assertUsageError(run("count", "--count", "many"), "Invalid value for option '--count': 'many' is not a "
                + "number", "tool count");
        assertUsageError(run("count", "--env", "novalue"), "Value for option '--env' should be in KEY=VALUE "
                + "format but was novalue", "tool count");
    }

    @Test
    void run_mistypedSubcommand_suggestsTheNearOnes() {
        Run run = run("cpy", "a");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tool: Unknown subcommand: 'cpy'\nDid you mean: tool copy?\n"
                + "Try 'tool --help' for more.\n");
    }

    @Test
    void run_unknownSubcommandNearNothing_showsTheUsageLine() {
        assertUsageError(run("files", "zzz"), "Unknown subcommand: 'zzz'", "tool files");
        assertUsageError(run("files"), "Missing required subcommand", "tool files");
    }

    @Test
    void help_ofAGroup_listsItsSubcommandsWithTheirDescriptionsAndAliases() {
        Run run = run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("Usage: tool [OPTIONS] COMMAND\nA tool to try the runner on.\n")
                .contains("  -h, --help ", "  -V, --version ")
                .containsPattern("\n  copy +Copy FROM to each TO\\.\n")
                .containsPattern("\n  files, file +Work with files\\.\n");
    }

    @Test
    void help_ofALeaf_listsParametersOptionsAndExamples() {
        Run copy = run("copy", "--help");

        assertThat(copy.exitCode()).isZero();
        assertThat(copy.out()).startsWith("Usage: tool copy --owner=OWNER [OPTIONS] FROM TO...\n")
                .containsPattern("\n  FROM +Where from\\.\n")
                .contains("--tag=<TAG>", "A tag (repeatable).", "  -r, --recursive", "  -h, --help")
                .doesNotContain("--version");
        assertThat(run("files", "get", "-h").out()).startsWith("Usage: tool files get [OPTIONS] ID [LOCAL]\n")
                .endsWith("Example:\n  tool files get 42 here\n");
    }

    @Test
    void help_beforeMissingParameters_isStillHelp() {
        assertThat(run("copy", "--help").exitCode()).isZero();
        assertThat(run("files", "get", "--help").exitCode()).isZero();
    }

    @Test
    void version_atTheTop_printsIt() {
        assertThat(run("--version").out()).isEqualTo("tool 1.0\n");
        assertThat(run("-V").out()).isEqualTo("tool 1.0\n");
        assertUsageError(run("files", "-V"), "Unknown option: '-V'", "tool files");
    }

    @Test
    void failures_areOneLineWithTheirExitCode() {
        Run fail = run("fail");
        Run crash = run("crash");

        assertThat(fail.exitCode()).isEqualTo(3);
        assertThat(fail.err()).isEqualTo("tool: the server is gone\n");
        assertThat(crash.exitCode()).isEqualTo(1);
        assertThat(crash.err()).isEqualTo("tool: boom (CORRAL_DEBUG=1 shows where)\n");
    }

    @Test
    void corralTree_everyCommandHasHelp() {
        for (List<String> command : List.<List<String>>of(List.of(), List.of("sandbox"), List.of("sandbox", "exec"),
                List.of("sandbox", "files", "put"), List.of("workspaces", "ls"), List.of("templates", "build"),
                List.of("keys", "create"), List.of("serve"), List.of("help"))) {
            var args = new java.util.ArrayList<>(command);
            args.add("--help");
            Cli.Run help = Cli.run(args.toArray(String[]::new));
            Cli.Run viaHelp = Cli.run(java.util.stream.Stream.concat(java.util.stream.Stream.of("help"),
                    command.stream()).toArray(String[]::new));

            assertThat(help.exitCode()).as(command.toString()).isZero();
            assertThat(help.out()).startsWith("Usage: corral");
            assertThat(viaHelp.out()).isEqualTo(help.out());
        }
    }
}
