package dev.corral.app.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One run of a leaf command: the values its command line gave, where it prints, the standard input it may pass on,
 * and its connection to the server, made when first asked for ({@link #api()}) and closed by
 * {@link CommandRunner} once the command has run. Options are named by their long name without its dashes
 * ({@code "status"} for {@code --status}).
 *
 * <p>Threading: made and used by the thread that runs the command; {@link #out()} and {@link #err()} are the
 * runner's writers, which commands flush after each piece of output.
 */
final class Invocation {
    private final String path;
    private final CommandRunner runner;
    private final org.apache.commons.cli.CommandLine parsed;
    private final Map<String, List<String>> positionals;
    private final PrintWriter out;
    private final PrintWriter err;
    private final StandardInput input;
    private ApiOptions api;

    Invocation(String path, CommandRunner runner, org.apache.commons.cli.CommandLine parsed,
            Map<String, List<String>> positionals, PrintWriter out, PrintWriter err, StandardInput input) {
        this.path = path;
        this.runner = runner;
        this.parsed = parsed;
        this.positionals = positionals;
        this.out = out;
        this.err = err;
        this.input = input;
    }

    /** The command as typed to reach it, such as {@code corral sandbox exec}. */
    String path() {
        return path;
    }

    /** Prints the help of the command {@code words} name from the root, for {@code corral help}. */
    int help(List<String> words) {
        return runner.helpOf(words);
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    StandardInput input() {
        return input;
    }

    /** The server options of this command ({@link ApiOptions#OPTIONS}), its connection made when first asked. */
    ApiOptions api() {
        if (api == null) {
            api = new ApiOptions(value("url"), value("api-key"), flag("json"), out);
        }
        return api;
    }

    /** Closes the connection {@link #api()} made, if any. */
    void disconnect() {
        if (api != null) {
            api.close();
        }
    }

    boolean flag(String option) {
        return parsed.hasOption(option);
    }

    /** The option's value, or null when it was not given. */
    String value(String option) {
        return parsed.getOptionValue(option);
    }

    /**
     * The option's value as {@code convert} reads it, or null when it was not given; a value it refuses (with an
     * {@link IllegalArgumentException} saying why) is a {@link UsageException}.
     */
    <T> T value(String option, Function<String, T> convert) {
        String text = value(option);
        if (text == null) {
            return null;
        }
        try {
            return convert.apply(text);
        } catch (NumberFormatException e) {
            throw new UsageException("Invalid value for option '--" + option + "': '" + text + "' is not a number");
        } catch (IllegalArgumentException e) {
            throw new UsageException("Invalid value for option '--" + option + "': " + e.getMessage());
        }
    }

    /** Every value of a repeatable option, in the order given; empty when it was not given. */
    List<String> values(String option) {
        String[] values = parsed.getOptionValues(option);
        return values == null ? List.of() : List.of(values);
    }

    /** Every {@code KEY=VALUE} of a repeatable option, in the order given (a later KEY wins). */
    Map<String, String> pairs(String option) {
        var pairs = new LinkedHashMap<String, String>();
        for (String pair : values(option)) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("Value for option '--" + option + "' should be in KEY=VALUE format but was "
                        + pair);
            }
            pairs.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return pairs;
    }

    /** The positional parameter's value, or null when an optional one was not given. */
    String positional(String label) {
        List<String> values = positionals(label);
        return values.isEmpty() ? null : values.getFirst();
    }

    /** Every value a {@code LABEL...} parameter took. */
    List<String> positionals(String label) {
        return positionals.getOrDefault(label, List.of());
    }
}
