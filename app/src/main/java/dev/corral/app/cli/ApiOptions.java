package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the CLI finds the server and which key it uses: {@code --url}/{@code --api-key}, else
 * {@code CORRAL_API_URL}/{@code CORRAL_API_KEY}, else RunTools' {@code RUNTOOLS_API_URL}/{@code RUNTOOLS_API_KEY},
 * else {@code http://127.0.0.1:8080} and the key a local server saved in {@code ./corral-data/admin.key}.
 */
final class ApiOptions {
    /** The options of every command that calls the server. */
    static final List<Command.Option> OPTIONS = List.of(
            Command.Option.value("url", "URL", "Corral's base URL (env CORRAL_API_URL or RUNTOOLS_API_URL)."),
            Command.Option.value("api-key", "KEY", "API key (env CORRAL_API_KEY or RUNTOOLS_API_KEY)."),
            Command.Option.flag("json", "Print the API's JSON instead of a table."));

    /** A command that calls the server: it takes {@link #OPTIONS}, and {@link Invocation#api()} reads them. */
    static Command leaf(String name, String description, Command.Action action) {
        return Command.leaf(name, description, action).withOptions(OPTIONS);
    }

    private final String url;
    private final String apiKey;
    final boolean json;
    private final PrintWriter out;

    /** The command's connection, made at its first {@link #connect()} and closed when the command has run. */
    private RemoteApi connection;

    /** The options given ({@code null} when not), printing to {@code out}. */
    ApiOptions(String url, String apiKey, boolean json, PrintWriter out) {
        this.url = url;
        this.apiKey = apiKey;
        this.json = json;
        this.out = out;
    }

    /** Prints {@code json} with {@code --json}, {@code text} otherwise, and flushes. */
    void report(String json, String text) {
        out.println(this.json ? json : text);
        out.flush();
    }

    /** Prints {@code json} with {@code --json}, otherwise what {@code text} prints (such as a table), and flushes. */
    void print(JsonNode json, Consumer<PrintWriter> text) {
        if (this.json) {
            out.println(json.toPrettyString());
        } else {
            text.accept(out);
        }
        out.flush();
    }

    /** The command's connection to the server, the same one each time it is asked for. */
    RemoteApi connect() {
        if (connection == null) {
            connection = open();
        }
        return connection;
    }

    /** Closes the connection, if the command made one (see {@link Invocation#disconnect()}). */
    void close() {
        if (connection != null) {
            connection.close();
        }
    }

    private RemoteApi open() {
        Map<String, String> env = System.getenv();
        String baseUrl = firstOf(url, env.get("CORRAL_API_URL"), env.get("RUNTOOLS_API_URL"), "http://127.0.0.1:8080");
        String key = firstOf(apiKey, env.get("CORRAL_API_KEY"), env.get("RUNTOOLS_API_KEY"), localAdminKey());
        if (key == null) {
            throw new CliException("no API key: pass --api-key or set CORRAL_API_KEY", 2);
        }
        return new RemoteApi(baseUrl, key);
    }

    private static String localAdminKey() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("corral-data", "admin.key")).strip();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
