package dev.corral.app.cli;

import java.io.PrintWriter;
import java.util.List;
import org.apache.commons.cli.HelpFormatter;

/**
 * A command's help, {@value #WIDTH} columns wide: its usage line, description, parameters, options (laid out by
 * commons-cli's {@link HelpFormatter}), subcommands and examples.
 */
final class HelpText {
    static final int WIDTH = 80;
    private static final int LEFT_PAD = 2;
    private static final int GAP = 3;

    private HelpText() {
    }

    /**
     * {@code Usage: corral sandbox exec [OPTIONS] SANDBOX COMMAND...}: the command, its required options, and its
     * positional parameters or, for a group, {@code COMMAND}.
     */
    static String usage(String path, Command command) {
        var usage = new StringBuilder("Usage: ").append(path);
        command.options().stream().filter(Command.Option::required)
                .forEach(option -> usage.append(' ').append(option.synopsis()));
        usage.append(" [OPTIONS]");
        command.positionals().forEach(positional -> usage.append(' ').append(positional.synopsis()));
        if (!command.children().isEmpty()) {
            usage.append(" COMMAND");
        }
        return usage.toString();
    }

    /** Prints the help of {@code command}, reached by {@code path}, which takes {@code options}. */
    static void print(PrintWriter out, String path, Command command, List<Command.Option> options) {
        var formatter = new HelpFormatter();
        formatter.setLongOptSeparator("=");
        // "-h, --help", and long-only options one column further, under "--help".
        formatter.setLongOptPrefix(" --");
        out.println(usage(path, command));
        for (String paragraph : command.description()) {
            formatter.printWrapped(out, WIDTH, paragraph);
        }
        List<Command.Positional> described = command.positionals().stream()
                .filter(positional -> positional.description() != null).toList();
        if (!described.isEmpty()) {
            out.println();
            out.println("Parameters:");
            columns(out, formatter, described.stream()
                    .map(positional -> new String[] {positional.label(), positional.description()}).toList());
        }
        out.println();
        out.println("Options:");
        formatter.printOptions(out, WIDTH, CommandRunner.commonsOptions(options), LEFT_PAD, GAP);
        if (!command.children().isEmpty()) {
            out.println();
            out.println("Commands:");
            columns(out, formatter, command.children().stream().map(child -> new String[] {
                String.join(", ", names(child)), child.description().getFirst()}).toList());
        }
        if (!command.examples().isEmpty()) {
            out.println();
            out.println(command.examples().size() == 1 ? "Example:" : "Examples:");
            command.examples().forEach(out::println);
        }
    }

    private static List<String> names(Command command) {
        var names = new java.util.ArrayList<>(List.of(command.name()));
        names.addAll(command.aliases());
        return names;
    }

    /** Names and their descriptions, the descriptions aligned and wrapped under each other. */
    private static void columns(PrintWriter out, HelpFormatter formatter, List<String[]> rows) {
        int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0);
        int indent = LEFT_PAD + width + GAP;
        for (String[] row : rows) {
            String name = " ".repeat(LEFT_PAD) + row[0];
            formatter.printWrapped(out, WIDTH, indent, name + " ".repeat(indent - name.length()) + row[1]);
        }
    }
}
