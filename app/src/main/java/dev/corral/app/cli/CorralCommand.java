package dev.corral.app.cli;

import dev.corral.app.Version;
import java.io.PrintWriter;

/**
 * The {@code corral} command tree and its entry point. What each command does lives in its own class
 * ({@link SandboxCommand}, {@link FilesCommand}, ...); how a command line is read, and how errors are printed and
 * exit codes chosen, in {@link CommandRunner}.
 */
public final class CorralCommand {
    private CorralCommand() {
    }

    /**
     * Runs the command {@code args} name and answers its exit code: 0, the command's own (such as a remote
     * command's for {@code sandbox exec}), 1 for an error the API or Corral answered, 2 for bad usage, 3 when the
     * server cannot be reached, 130 when interrupted. Output and errors are flushed when it returns.
     *
     * @param input what commands that pass input on (such as {@code sandbox exec}) read
     */
    public static int run(StandardInput input, PrintWriter out, PrintWriter err, String... args) {
        return new CommandRunner(tree(), "corral " + Version.current(), out, err, input).run(args);
    }

    /** Every command, as {@code corral --help} and each command's {@code --help} list them. */
    static Command tree() {
        return Command.group("corral", "Corral: self-hosted sandboxes for AI agents, speaking the RunTools API.",
                ServeCommand.command(), KeysCommand.command(), SandboxCommand.command(), FilesCommand.command(),
                TemplatesCommand.command(), WorkspaceCommand.command(), help());
    }

    /** {@code corral help [COMMAND...]}: the help of the command named, or of {@code corral}. */
    private static Command help() {
        return Command.leaf("help", "Display help information about the specified command.",
                call -> call.help(call.positionals("COMMAND")))
                .withPositionals(Command.Positional.any("COMMAND", "The command to show the help of."));
    }
}
