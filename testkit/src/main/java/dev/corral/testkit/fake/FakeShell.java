package dev.corral.testkit.fake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The little shell of {@link FakeSandboxRuntime}: it runs, deterministically and without a process, scripts made
 * of simple commands separated by {@code ;} or new lines:
 * <ul>
 *   <li>{@code echo [-n] WORD...} and {@code printf FORMAT [ARG...]} ({@code %s}, {@code %d}, {@code %%};
 *       {@code \n}, {@code \t}, {@code \\} in the format; the format is reused while arguments remain);</li>
 *   <li>{@code true}, {@code false}, {@code exit [N]} (the script ends there);</li>
 *   <li>{@code cat}, which copies the command's standard input;</li>
 *   <li>{@code sleep N}, which stands for a command that outlives the test: the script stops there and the
 *       command runs until it is killed, closed or times out (the fake never wakes on its own);</li>
 *   <li>{@code >&2} after a command, which sends its output to standard error.</li>
 * </ul>
 * Words may be quoted with {@code '...'} or {@code "..."}. Anything else (variables, pipes, redirections to
 * files, backslashes outside {@code printf}'s format, other commands) is refused with
 * {@link IllegalArgumentException} rather than answered differently from a real shell: a test that needs more
 * scripts the answer ({@link FakeSandboxRuntime#answer}).
 *
 * <p>Threading: stateless; {@link #run} is a pure function of its input.
 */
final class FakeShell {
    private static final String SPECIAL = "$`|&<>(){}*?[]~#\\";

    private FakeShell() {
    }

    /**
     * What a script wrote and how it ended.
     *
     * @param outlives whether it reached a {@code sleep}, so that it runs on after its output
     */
    record Outcome(List<Chunk> output, int exitCode, boolean outlives) {
        Outcome {
            output = List.copyOf(output);
        }
    }

    /** Bytes written to standard output, or to standard error when {@code stderr}. */
    record Chunk(boolean stderr, byte[] data) {
    }

    /**
     * Runs {@code script} with {@code stdin} as its standard input, which only {@code cat} reads.
     *
     * @throws UncheckedIOException when reading {@code stdin} fails
     */
    static Outcome run(String script, InputStream stdin) {
        var output = new ArrayList<Chunk>();
        int status = 0;
        for (List<String> command : commands(script)) {
            List<String> words = command;
            boolean toStderr = words.getLast().equals(">&2") || words.getLast().equals("1>&2");
            if (toStderr) {
                words = words.subList(0, words.size() - 1);
            }
            List<String> arguments = words.subList(1, words.size());
            switch (words.getFirst()) {
                case "echo" -> {
                    boolean newline = arguments.isEmpty() || !arguments.getFirst().equals("-n");
                    List<String> text = newline ? arguments : arguments.subList(1, arguments.size());
                    output.add(chunk(toStderr, String.join(" ", text) + (newline ? "\n" : "")));
                    status = 0;
                }
                case "printf" -> {
                    if (arguments.isEmpty()) {
                        throw unsupported(script, "printf without a format");
                    }
                    output.add(chunk(toStderr, printf(arguments.getFirst(), arguments.subList(1, arguments.size()),
                            script)));
                    status = 0;
                }
                case "cat" -> {
                    if (!arguments.isEmpty()) {
                        throw unsupported(script, "cat of files");
                    }
                    output.add(new Chunk(toStderr, readAll(stdin)));
                    status = 0;
                }
                case "true" -> status = 0;
                case "false" -> status = 1;
                case "exit" -> {
                    return new Outcome(nonEmpty(output), arguments.isEmpty() ? status : number(arguments, script)
                            & 0xff, false);
                }
                case "sleep" -> {
                    number(arguments, script);
                    return new Outcome(nonEmpty(output), 0, true);
                }
                default -> throw unsupported(script, "the command '" + words.getFirst() + "'");
            }
        }
        return new Outcome(nonEmpty(output), status, false);
    }

    /** The simple commands of {@code script}, each as its words with quotes removed; none is empty. */
    private static List<List<String>> commands(String script) {
        var commands = new ArrayList<List<String>>();
        var words = new ArrayList<String>();
        var word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            boolean separator = c == ';' || c == '\n';
            if (separator || Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                if (separator && !words.isEmpty()) {
                    commands.add(List.copyOf(words));
                    words.clear();
                }
            } else if (c == '\'' || c == '"') {
                int end = script.indexOf(c, i + 1);
                if (end < 0) {
                    throw unsupported(script, "an unclosed quote");
                }
                String quoted = script.substring(i + 1, end);
                if (c == '"' && quoted.chars().anyMatch(q -> q == '$' || q == '`' || q == '\\')) {
                    throw unsupported(script, "expansions inside double quotes");
                }
                word.append(quoted);
                inWord = true;
                i = end;
            } else if (!inWord && (script.startsWith(">&2", i) || script.startsWith("1>&2", i))) {
                int length = script.startsWith(">&2", i) ? 3 : 4;
                words.add(script.substring(i, i + length));
                i += length - 1;
            } else if (SPECIAL.indexOf(c) >= 0) {
                throw unsupported(script, "'" + c + "'");
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (!words.isEmpty()) {
            commands.add(List.copyOf(words));
        }
        return commands;
    }

    private static String printf(String format, List<String> arguments, String script) {
        var out = new StringBuilder();
        int next = 0;
        do {
            boolean converted = false;
            for (int i = 0; i < format.length(); i++) {
                char c = format.charAt(i);
                if (c == '\\' && i + 1 < format.length()) {
                    char escaped = format.charAt(++i);
                    out.append(switch (escaped) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case '\\' -> '\\';
                        default -> throw unsupported(script, "the printf escape \\" + escaped);
                    });
                } else if (c == '%' && i + 1 < format.length()) {
                    char conversion = format.charAt(++i);
                    switch (conversion) {
                        case '%' -> out.append('%');
                        case 's' -> out.append(next < arguments.size() ? arguments.get(next++) : "");
                        case 'd' -> out.append(next < arguments.size() ? Long.parseLong(arguments.get(next++)) : 0);
                        default -> throw unsupported(script, "the printf conversion %" + conversion);
                    }
                    converted |= conversion != '%';
                } else {
                    out.append(c);
                }
            }
            if (!converted) {
                break;
            }
        } while (next < arguments.size());
        return out.toString();
    }

    private static int number(List<String> arguments, String script) {
        try {
            return Integer.parseInt(arguments.getFirst());
        } catch (RuntimeException e) {
            throw unsupported(script, "a non-numeric argument " + arguments);
        }
    }

    private static byte[] readAll(InputStream stdin) {
        try {
            return stdin.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Chunk chunk(boolean stderr, String text) {
        return new Chunk(stderr, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Chunk> nonEmpty(List<Chunk> chunks) {
        return chunks.stream().filter(chunk -> chunk.data().length > 0).toList();
    }

    private static IllegalArgumentException unsupported(String script, String what) {
        return new IllegalArgumentException("FakeSandboxRuntime's shell does not run " + what + " (in: " + script
                + "); script the answer with FakeSandboxRuntime.answer");
    }
}
