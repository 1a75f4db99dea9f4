package dev.corral.app.cli;

import java.util.List;

/**
 * A command line the command cannot run: an unknown option or subcommand, a missing or extra parameter, a value
 * it refuses. {@link CommandRunner} prints it with the command's usage line (or, for a mistyped subcommand, the
 * ones it may have meant) and exits with 2. A command throws it for a mistake it finds itself.
 */
final class UsageException extends RuntimeException {
    private final List<String> suggestions;

    UsageException(String message) {
        this(message, List.of());
    }

    /** @param suggestions the commands the user may have meant, such as {@code corral sandbox list} */
    UsageException(String message, List<String> suggestions) {
        super(message);
        this.suggestions = List.copyOf(suggestions);
    }

    List<String> suggestions() {
        return suggestions;
    }
}
