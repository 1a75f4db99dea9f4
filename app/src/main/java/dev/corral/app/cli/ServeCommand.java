package dev.corral.app.cli;

import dev.corral.app.Config;
import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import dev.corral.core.key.IssuedKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code corral serve}: runs the server until SIGTERM or Ctrl-C, then shuts down gracefully. */
final class ServeCommand {
    /** Every option is named {@code --<key>} after the configuration key it sets: see {@link #flags}. */
    private static final List<Command.Option> OPTIONS = List.of(
            Command.Option.value("host", "HOST", "Address to listen on (default 127.0.0.1; env CORRAL_HOST)."),
            Command.Option.value("port", "PORT", "Port to listen on, 0 for any free one (default 8080; env "
                    + "CORRAL_PORT)."),
            Command.Option.value("data-dir", "DIR", "Where Corral keeps its data (default ./corral-data; env "
                    + "CORRAL_DATA_DIR)."),
            Command.Option.value("database-url", "URL", "jdbc:postgresql://host/db to use PostgreSQL instead of "
                    + "SQLite."),
            Command.Option.value("database-user", "USER", "PostgreSQL user."),
            Command.Option.value("database-password", "PASSWORD", "PostgreSQL password (prefer env "
                    + "CORRAL_DATABASE_PASSWORD)."),
            Command.Option.value("config", "FILE", "A properties file of configuration keys (see "
                    + "docs/configuration.md)."),
            Command.Option.value("log-format", "FORMAT", "text (default) or json."),
            Command.Option.value("runtime", "RUNTIME", "The OCI runtime: runc (default) or crun (env "
                    + "CORRAL_RUNTIME)."),
            Command.Option.value("preview-domain", "DOMAIN", "Serve sandbox ports at {port}-{sandboxId}.DOMAIN "
                    + "too (point a wildcard DNS name at this server; env CORRAL_PREVIEW_DOMAIN)."));

    private ServeCommand() {
    }

    static Command command() {
        return Command.leaf("serve", "Start the Corral server (embedded SQLite unless --database-url is given).",
                ServeCommand::serve).withOptions(OPTIONS);
    }

    private static int serve(Invocation call) throws Exception {
        Config config = ConfigLoader.load(System.getenv(), flags(call));
        System.setProperty("corral.logFormat", config.logFormat());
        var stopped = new CountDownLatch(1);
        CorralServer server = CorralServer.start(config);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("corral-shutdown").unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        server.bootstrapKey().ifPresent(key -> announce(call, config, server.port(), key));
        stopped.await();
        return 0;
    }

    /**
     * The flags given, by configuration key: every option of this command is named {@code --<key>} after the key
     * it sets, so ConfigLoader validates them with the other layers.
     */
    private static Map<String, String> flags(Invocation call) {
        var flags = new LinkedHashMap<String, String>();
        for (Command.Option option : OPTIONS) {
            String value = call.value(option.longName());
            if (value != null) {
                flags.put(option.longName(), value);
            }
        }
        return flags;
    }

    /** Shows the new admin key once and saves it, readable by the owner only, for scripts. */
    private static void announce(Invocation call, Config config, int boundPort, IssuedKey key) {
        Path file = config.adminKeyFile();
        String secret = key.secret().reveal();
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n");
        } catch (IOException e) {
            call.err().println("corral: could not write " + file + ": " + e.getMessage());
        }
        String url = "http://" + config.host() + ":" + boundPort;
        PrintWriter out = call.out();
        out.println();
        out.println("Corral is ready at " + url);
        if (config.bootstrapKey().isPresent()) {
            out.println("The bootstrap key from the configuration is an admin key of organization 'default' "
                    + "(saved to " + file + ").");
            secret = "$(cat " + file + ")";
        } else {
            out.println("Admin API key for organization 'default' (shown once; saved to " + file + "):");
            out.println();
            out.println("    " + secret);
        }
        out.println();
        out.println("Try it:");
        out.println("    curl -H \"Authorization: Bearer " + secret + "\" " + url + "/v1/me");
        out.println();
        out.flush();
    }
}
