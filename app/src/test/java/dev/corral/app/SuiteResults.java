package dev.corral.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The attempts of one security suite and how each went, written as {@code target/security/<suite>.json} for
 * {@code scripts/security-report}, which turns them into the table of docs/SECURITY.md: a JSON list of
 * {@code {suite, name, tried, result, pass}}. Safe for concurrent {@link #add}.
 */
final class SuiteResults {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One attempt: what was tried, what came of it, and whether that is what Corral must do. */
    record Attempt(String suite, String name, String tried, String result, boolean pass) {
    }

    private final String suite;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    SuiteResults(String suite) {
        this.suite = suite;
    }

    void add(String name, String tried, String result, boolean pass) {
        attempts.add(new Attempt(suite, name, tried, result, pass));
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not in the repository: " + Path.of("").toAbsolutePath());
    }

    /** Runs {@code check}, recorded as passed, or failed with its message when it throws (rethrown). */
    void check(String name, String tried, Check check) throws Exception {
        try {
            String result = check.run();
            add(name, tried, result, true);
        } catch (Exception | AssertionError e) {
            add(name, tried, String.valueOf(e.getMessage()).lines().findFirst().orElse("failed"), false);
            throw e;
        }
    }

    /** A checked attempt; answers what happened, in a few words, and throws when it went wrong. */
    @FunctionalInterface
    interface Check {
        String run() throws Exception;
    }

    /** Closes {@code suiteServer} (when there is one), then {@link #write()}s, even when closing fails. */
    void writeAfterClosing(AutoCloseable suiteServer) throws Exception {
        try {
            if (suiteServer != null) {
                suiteServer.close();
            }
        } finally {
            write();
        }
    }

    /**
     * Writes every attempt to {@code target/security/<suite>.json} of the repository (the directory above the
     * module, Failsafe's working directory, that holds {@code mvnw}), where the report script reads every suite's,
     * and prints one summary line.
     */
    void write() {
        long passed = attempts.stream().filter(Attempt::pass).count();
        System.out.printf("%s: %d attempts, %d passed, %d failed%n", suite, attempts.size(), passed,
                attempts.size() - passed);
        try {
            Path dir = repositoryRoot().resolve("target").resolve("security");
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve(suite + ".json").toFile(), attempts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
