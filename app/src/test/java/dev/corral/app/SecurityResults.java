package dev.corral.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attempts of one security suite run and how each ended, written as JSON to
 * {@code target/security/<suite>-<guest>.json} for {@code scripts/security-report}, which turns every such file
 * into the results table of docs/SECURITY.md. Every suite whose results belong in that table records through this
 * class. Thread-safe: attempts may be recorded from several threads.
 */
final class SecurityResults {
    /** Where the suites write, relative to the module the tests run in (Failsafe's working directory). */
    static final Path DIRECTORY = Path.of("target", "security");

    /**
     * One attempt: its unique name, its category, what was tried, what had to come out (a description or a
     * pattern), what came out, and whether that was the expected failure.
     */
    record Attempt(String name, String category, String tried, String expected, String result, boolean passed) {
    }

    private final String suite;
    private final List<Attempt> attempts = new ArrayList<>();

    SecurityResults(String suite) {
        this.suite = suite;
    }

    synchronized Attempt record(Attempt attempt) {
        attempts.add(attempt);
        return attempt;
    }

    /**
     * Runs {@code check}, recorded as passed with what it answers, or as failed with the first line of its message
     * when it throws; what it threw is rethrown, so the test fails too.
     */
    void check(String name, String category, String tried, String expected, Check check) throws Exception {
        try {
            record(new Attempt(name, category, tried, expected, check.run(), true));
        } catch (Exception | AssertionError e) {
            record(new Attempt(name, category, tried, expected,
                    String.valueOf(e.getMessage()).lines().findFirst().orElse("failed"), false));
            throw e;
        }
    }

    /** A checked attempt: answers what happened, in a few words, and throws when it went wrong. */
    @FunctionalInterface
    interface Check {
        String run() throws Exception;
    }

    /** The attempts that did not end as expected, one line each, for an assertion's message. */
    synchronized List<String> failures() {
        return failures(attempt -> true);
    }

    /** As {@link #failures()}, of the attempts of {@code category}. */
    synchronized List<String> failures(String category) {
        return failures(attempt -> attempt.category().equals(category));
    }

    private List<String> failures(java.util.function.Predicate<Attempt> which) {
        return attempts.stream().filter(attempt -> !attempt.passed() && which.test(attempt))
                .map(attempt -> attempt.name() + ": tried " + attempt.tried() + ", expected " + attempt.expected()
                        + ", got " + attempt.result())
                .toList();
    }

    /** Closes {@code server} (when there is one), then {@link #write()}s, even when closing fails. */
    void writeAfterClosing(AutoCloseable server) throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            write();
        }
    }

    /**
     * Writes {@code target/security/<suite>-<guest>.json}: the suite, the guest mode, when, and every attempt; and
     * prints one line that sums it up, for the build log.
     */
    synchronized void write() {
        long passed = attempts.stream().filter(Attempt::passed).count();
        System.out.printf("%s (guest %s): %d attempts, %d passed, %d failed%n", suite, TestCorral.GUEST,
                attempts.size(), passed, attempts.size() - passed);
        var document = new LinkedHashMap<String, Object>();
        document.put("suite", suite);
        document.put("guest", TestCorral.GUEST);
        document.put("finishedAt", Instant.now().toString());
        document.put("attempts", attempts.size());
        document.put("passed", passed);
        document.put("results", attempts.stream().map(SecurityResults::entry).toList());
        try {
            Files.createDirectories(DIRECTORY);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(DIRECTORY.resolve(suite + "-" + TestCorral.GUEST + ".json").toFile(), document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> entry(Attempt attempt) {
        var entry = new LinkedHashMap<String, Object>();
        entry.put("name", attempt.name());
        entry.put("category", attempt.category());
        entry.put("tried", attempt.tried());
        entry.put("expected", attempt.expected());
        entry.put("result", attempt.result());
        entry.put("passed", attempt.passed());
        return entry;
    }
}
