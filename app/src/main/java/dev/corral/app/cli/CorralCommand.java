package dev.corral.app.cli;

import dev.corral.app.ConfigException;
import dev.corral.app.Version;
import dev.corral.core.error.CorralException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The top of the {@code corral} command tree. */
@Command(name = "corral", mixinStandardHelpOptions = true, versionProvider = CorralCommand.VersionProvider.class,
        description = "Corral: self-hosted sandboxes for AI agents, speaking the RunTools API.",
        subcommands = {ServeCommand.class, KeysCommand.class, SandboxCommand.class, FilesCommand.class,
                TemplatesCommand.class, WorkspaceCommand.class, CommandLine.HelpCommand.class})
public final class CorralCommand {
    private final StandardInput input;

    private CorralCommand(StandardInput input) {
        this.input = input;
    }

    /** The command line of this process, reading its standard input where a command passes input on. */
    public static CommandLine commandLine() {
        return commandLine(StandardInput.ofProcess());
    }

    /**
     * The command line with Corral's error handling, which never prints a stack trace: bad usage is the problem,
     * the command's usage line and exit code 2; a failure is one line and its exit code (1 for an error the API
     * or Corral answered, with its code).
     *
     * @param input what commands that pass input on (such as {@code sandbox exec}) read
     */
    public static CommandLine commandLine(StandardInput input) {
        var commandLine = new CommandLine(new CorralCommand(input));
        commandLine.setParameterExceptionHandler(CorralCommand::usageError);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> failure(e, cmd));
        commandLine.setExecutionStrategy(CorralCommand::executeThenDisconnect);
        return commandLine;
    }

    /** Runs the command, then closes the connection it made, so the process can end without waiting on it. */
    private static int executeThenDisconnect(CommandLine.ParseResult parseResult) {
        try {
            return new CommandLine.RunLast().execute(parseResult);
        } finally {
            for (CommandLine command : parseResult.asCommandLineList()) {
                for (CommandSpec mixin : command.getCommandSpec().mixins().values()) {
                    if (mixin.userObject() instanceof ApiOptions api) {
                        api.close();
                    }
                }
            }
        }
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("corral: " + e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            CommandLine.Help help = cmd.getHelp();
            err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        }
        err.println(tryHelp(cmd));
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static String tryHelp(CommandLine cmd) {
        return "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more.";
    }

    private static int failure(Exception e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        int exitCode;
        switch (e) {
            case CliException cli -> {
                err.println("corral: " + cli.getMessage());
                exitCode = cli.exitCode();
                if (exitCode == cmd.getCommandSpec().exitCodeOnInvalidInput()) {
                    err.println(tryHelp(cmd));
                }
            }
            case ConfigException config -> {
                err.println("corral: " + config.getMessage());
                exitCode = 2;
            }
            case CorralException corral -> {
                err.println("corral: " + corral.code().wire() + ": " + corral.getMessage());
                exitCode = 1;
            }
            default -> {
                err.println("corral: " + (e.getMessage() == null ? "unexpected error" : e.getMessage())
                        + (System.getenv("CORRAL_DEBUG") == null ? " (CORRAL_DEBUG=1 shows where)" : ""));
                if (System.getenv("CORRAL_DEBUG") != null) {
                    e.printStackTrace(err);
                }
                exitCode = 1;
            }
        }
        err.flush();
        return exitCode;
    }

    /** The standard input of the command line {@code spec} belongs to. */
    static StandardInput input(CommandSpec spec) {
        return ((CorralCommand) spec.root().userObject()).input;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"corral " + Version.current()};
        }
    }
}
