package dev.corral.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One command of the {@code corral} tree, as data: its name and aliases, what its help says, the options and
 * positional parameters it takes, and either its subcommands (a group, such as {@code sandbox}) or what it runs
 * (a leaf, such as {@code sandbox list}). {@link CommandRunner} parses a command line against the tree and runs the
 * leaf it names; {@link HelpText} prints a command's help.
 *
 * @param description paragraphs; the first one is the command's line in its parent's list of commands
 * @param examples lines printed as they are under "Example:" at the end of its help
 * @param action what a leaf runs; {@code null} for a group
 */
record Command(String name, List<String> aliases, List<String> description, List<Option> options,
        List<Positional> positionals, List<Command> children, List<String> examples, Action action) {

    /** What a leaf command does with its parsed command line; its answer is the process's exit code. */
    @FunctionalInterface
    interface Action {
        int run(Invocation call) throws Exception;
    }

    /**
     * An option: a flag ({@code label} null) or one that takes a value, written {@code --name value} or
     * {@code --name=value}. A repeatable one may be given many times, each value kept in order; any other one at
     * most once. {@code shortName} is a single letter or null.
     */
    record Option(String shortName, String longName, String label, String description, boolean repeatable,
            boolean required) {

        static Option flag(String longName, String description) {
            return new Option(null, longName, null, description, false, false);
        }

        static Option flag(String shortName, String longName, String description) {
            return new Option(shortName, longName, null, description, false, false);
        }

        static Option value(String longName, String label, String description) {
            return new Option(null, longName, label, description, false, false);
        }

        Option asRepeatable() {
            return new Option(shortName, longName, label, description, true, required);
        }

        Option asRequired() {
            return new Option(shortName, longName, label, description, repeatable, true);
        }

        boolean takesValue() {
            return label != null;
        }

        /** {@code --name=LABEL} or {@code --flag}, as usage lines and messages write it. */
        String synopsis() {
            return "--" + longName + (takesValue() ? "=" + label : "");
        }
    }

    /** A positional parameter: how many of the remaining arguments it takes. */
    record Positional(String label, String description, Count count) {
        enum Count { ONE, OPTIONAL, ONE_OR_MORE, ANY }

        static Positional one(String label, String description) {
            return new Positional(label, description, Count.ONE);
        }

        static Positional optional(String label, String description) {
            return new Positional(label, description, Count.OPTIONAL);
        }

        static Positional oneOrMore(String label, String description) {
            return new Positional(label, description, Count.ONE_OR_MORE);
        }

        static Positional any(String label, String description) {
            return new Positional(label, description, Count.ANY);
        }

        /** {@code LABEL}, {@code [LABEL]} or {@code LABEL...}, as usage lines write it. */
        String synopsis() {
            return switch (count) {
                case ONE -> label;
                case OPTIONAL -> "[" + label + "]";
                case ONE_OR_MORE -> label + "...";
                case ANY -> "[" + label + "...]";
            };
        }
    }

    Command {
        aliases = List.copyOf(aliases);
        description = List.copyOf(description);
        options = List.copyOf(options);
        positionals = List.copyOf(positionals);
        children = List.copyOf(children);
        examples = List.copyOf(examples);
        if ((action == null) == children.isEmpty()) {
            throw new IllegalArgumentException(name + ": a command either runs something or has subcommands");
        }
    }

    /** A command that runs {@code action}. */
    static Command leaf(String name, String description, Action action) {
        return new Command(name, List.of(), List.of(description), List.of(), List.of(), List.of(), List.of(),
                action);
    }

    /** A command that only holds {@code children}, each named on the command line after it. */
    static Command group(String name, String description, Command... children) {
        return new Command(name, List.of(), List.of(description), List.of(), List.of(), List.of(children),
                List.of(), null);
    }

    Command withAliases(String... more) {
        return new Command(name, List.of(more), description, options, positionals, children, examples, action);
    }

    /** This command with a further paragraph of description. */
    Command withParagraph(String paragraph) {
        return new Command(name, aliases, append(description, List.of(paragraph)), options, positionals, children,
                examples, action);
    }

    Command withOptions(Option... more) {
        return withOptions(List.of(more));
    }

    Command withOptions(List<Option> more) {
        return new Command(name, aliases, description, append(options, more), positionals, children, examples,
                action);
    }

    Command withPositionals(Positional... more) {
        return new Command(name, aliases, description, options, append(positionals, List.of(more)), children,
                examples, action);
    }

    Command withExamples(String... lines) {
        return new Command(name, aliases, description, options, positionals, children, List.of(lines), action);
    }

    /** The subcommand named or aliased {@code word}. */
    Optional<Command> child(String word) {
        return children.stream().filter(child -> child.name.equals(word) || child.aliases.contains(word))
                .findFirst();
    }

    private static <T> List<T> append(List<T> list, List<T> more) {
        var all = new ArrayList<>(list);
        all.addAll(more);
        return all;
    }
}
