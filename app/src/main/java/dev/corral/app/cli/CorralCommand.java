package dev.corral.app.cli;

import dev.corral.app.ConfigException;
import dev.corral.app.Version;
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
     * The command line with Corral's error handling: configuration and API errors print a message, no trace.
     *
     * @param input what commands that pass input on (such as {@code sandbox exec}) read
     */
    public static CommandLine commandLine(StandardInput input) {
        var commandLine = new CommandLine(new CorralCommand(input));
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof ConfigException || e instanceof CliException) {
                cmd.getErr().println("corral: " + e.getMessage());
                return e instanceof CliException cli ? cli.exitCode() : 2;
            }
            throw e;
        });
        return commandLine;
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
