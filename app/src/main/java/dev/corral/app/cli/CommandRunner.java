package dev.corral.app.cli;

import dev.corral.app.ConfigException;
import dev.corral.core.error.CorralException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * Runs a command line against a {@link Command} tree: the leading words choose the leaf (a group takes only
 * {@code -h}/{@code --help}, the root also {@code -V}/{@code --version}); commons-cli's {@link DefaultParser}
 * reads the leaf's options, which may come before, between or after its positional parameters, until a {@code --}
 * after which every argument is positional. {@code -h}/{@code --help} on any command prints its help.
 *
 * <p>It never prints a stack trace (unless {@code CORRAL_DEBUG} is set): bad usage is the problem, the command's
 * usage line and exit code 2; a failure is one line and its exit code (1 for an error the API or Corral answered,
 * with its code; a {@link CliException}'s own, such as 3 when the server cannot be reached or 130 when interrupted).
 *
 * <p>Threading: one run at a time, on the caller's thread.
 */
final class CommandRunner {
    static final int USAGE_ERROR = 2;
    private static final Command.Option HELP = Command.Option.flag("h", "help", "Show this help message and exit.");
    private static final Command.Option VERSION = Command.Option.flag("V", "version",
            "Print version information and exit.");

    private final Command root;
    private final String version;
    private final PrintWriter out;
    private final PrintWriter err;
    private final StandardInput input;

    /** @param version what {@code --version} prints, such as {@code corral 0.1.0} */
    CommandRunner(Command root, String version, PrintWriter out, PrintWriter err, StandardInput input) {
        this.root = root;
        this.version = version;
        this.out = out;
        this.err = err;
        this.input = input;
    }

    /** Runs the command {@code args} name, then closes the connection it made; answers the exit code. */
    int run(String... args) {
        Command command = root;
        String path = root.name();
        try {
            int next = 0;
            while (!command.children().isEmpty()) {
                if (next == args.length) {
                    throw new UsageException("Missing required subcommand");
                }
                String word = args[next++];
                if (word.equals("-h") || word.equals("--help")) {
                    return help(path, command);
                }
                if (command == root && (word.equals("-V") || word.equals("--version"))) {
                    out.println(version);
                    out.flush();
                    return 0;
                }
                command = child(path, command, word);
                path = path + " " + command.name();
            }
            var parsed = parse(command, Arrays.copyOfRange(args, next, args.length));
            if (parsed.hasOption(HELP.longName())) {
                return help(path, command);
            }
            var call = new Invocation(path, this, parsed, positionals(command, parsed.getArgList()), out, err, input);
            try {
                return command.action().run(call);
            } finally {
                call.disconnect();
            }
        } catch (UsageException e) {
            return usageError(e, path, command);
        } catch (Exception e) {
            return failure(e, path);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The options a command takes: its own, then {@code --help}, and {@code --version} at the root. */
    List<Command.Option> optionsOf(Command command) {
        var all = new ArrayList<>(command.options());
        all.add(HELP);
        if (command == root) {
            all.add(VERSION);
        }
        return all;
    }

    /** Prints the help of the command {@code words} name from the root, as {@code corral help sandbox exec} asks. */
    int helpOf(List<String> words) {
        Command command = root;
        String path = root.name();
        for (String word : words) {
            command = child(path, command, word);
            path = path + " " + command.name();
        }
        return help(path, command);
    }

    private int help(String path, Command command) {
        HelpText.print(out, path, command, optionsOf(command));
        out.flush();
        return 0;
    }

    private static Command child(String path, Command group, String word) {
        Optional<Command> child = group.child(word);
        if (child.isPresent()) {
            return child.get();
        }
        if (word.startsWith("-")) {
            throw new UsageException("Unknown option: '" + word + "'");
        }
        var near = new ArrayList<String>();
        for (Command candidate : group.children()) {
            if (Suggestions.near(word, candidate.name())) {
                near.add(path + " " + candidate.name());
            }
        }
        throw new UsageException("Unknown subcommand: '" + word + "'", near);
    }

    /** The leaf's options, read by commons-cli; what is not an option is left in the argument list, in order. */
    private org.apache.commons.cli.CommandLine parse(Command command, String[] args) {
        List<Command.Option> options = optionsOf(command);
        org.apache.commons.cli.CommandLine parsed;
        try {
            // Partial matching would take --stat for --status; quotes are the shell's business, not ours.
            parsed = DefaultParser.builder().setAllowPartialMatching(false).setStripLeadingAndTrailingQuotes(false)
                    .build().parse(commonsOptions(options), args, false);
        } catch (UnrecognizedOptionException e) {
            throw new UsageException("Unknown option: '" + e.getOption() + "'");
        } catch (MissingArgumentException e) {
            Command.Option option = options.stream()
                    .filter(candidate -> candidate.longName().equals(e.getOption().getLongOpt())).findFirst()
                    .orElseThrow();
            throw new UsageException("Missing required parameter for option '--" + option.longName() + "' ("
                    + option.label() + ")");
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
        if (parsed.hasOption(HELP.longName())) {
            return parsed;
        }
        for (Command.Option option : options) {
            String[] values = parsed.getOptionValues(option.longName());
            int given = parsed.hasOption(option.longName()) ? Math.max(1, values == null ? 0 : values.length) : 0;
            if (option.required() && given == 0) {
                throw new UsageException("Missing required option: '" + option.synopsis() + "'");
            }
            if (!option.repeatable() && given > 1) {
                throw new UsageException("option '--" + option.longName() + "' should be specified only once");
            }
        }
        return parsed;
    }

    /** The arguments given to each positional parameter, in order; too few or too many is a usage error. */
    private static Map<String, List<String>> positionals(Command command, List<String> args) {
        var values = new LinkedHashMap<String, List<String>>();
        int next = 0;
        for (Command.Positional positional : command.positionals()) {
            int left = args.size() - next;
            int taken = switch (positional.count()) {
                case ONE -> 1;
                case OPTIONAL -> Math.min(1, left);
                case ONE_OR_MORE -> Math.max(1, left);
                case ANY -> left;
            };
            if (taken > left) {
                throw new UsageException("Missing required parameter: '" + positional.label() + "'");
            }
            values.put(positional.label(), List.copyOf(args.subList(next, next + taken)));
            next += taken;
        }
        if (next < args.size()) {
            throw new UsageException("Unmatched argument" + (args.size() - next > 1 ? "s" : "") + ": '"
                    + String.join("' '", args.subList(next, args.size())) + "'");
        }
        return values;
    }

    /** The options as commons-cli declares them: each value option takes exactly one value per occurrence. */
    static Options commonsOptions(List<Command.Option> options) {
        var commons = new Options();
        for (Command.Option option : options) {
            var builder = org.apache.commons.cli.Option.builder(option.shortName()).longOpt(option.longName())
                    .desc(option.description());
            if (option.takesValue()) {
                builder.hasArg().argName(option.label());
            }
            commons.addOption(builder.build());
        }
        return commons;
    }

    private int usageError(UsageException e, String path, Command command) {
        err.println(root.name() + ": " + e.getMessage());
        if (e.suggestions().isEmpty()) {
            err.println(HelpText.usage(path, command));
        } else {
            err.println("Did you mean: " + String.join(" or ", e.suggestions()) + "?");
        }
        err.println(tryHelp(path));
        return USAGE_ERROR;
    }

    private static String tryHelp(String path) {
        return "Try '" + path + " --help' for more.";
    }

    private int failure(Exception e, String path) {
        String prefix = root.name() + ": ";
        switch (e) {
            case CliException cli -> {
                err.println(prefix + cli.getMessage());
                if (cli.exitCode() == USAGE_ERROR) {
                    err.println(tryHelp(path));
                }
                return cli.exitCode();
            }
            case ConfigException config -> {
                err.println(prefix + config.getMessage());
                return USAGE_ERROR;
            }
            case CorralException corral -> {
                err.println(prefix + corral.code().wire() + ": " + corral.getMessage());
                return 1;
            }
            default -> {
                boolean debug = System.getenv("CORRAL_DEBUG") != null;
                err.println(prefix + (e.getMessage() == null ? "unexpected error" : e.getMessage())
                        + (debug ? "" : " (CORRAL_DEBUG=1 shows where)"));
                if (debug) {
                    e.printStackTrace(err);
                }
                return 1;
            }
        }
    }
}
