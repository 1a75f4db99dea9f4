package dev.corral.bench;

import dev.corral.app.Config;
import dev.corral.app.LocalRuntime;
import dev.corral.bench.baseline.BareRunc;
import dev.corral.bench.host.HostInfo;
import dev.corral.bench.report.JsonReport;
import dev.corral.bench.report.MarkdownReport;
import dev.corral.bench.report.Report;
import dev.corral.bench.scenario.Scenario;
import dev.corral.bench.scenario.ScenarioResult;
import dev.corral.bench.scenario.Scenarios;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * One run of the harness: describe the host, make sure the template is built (untimed), start a Corral on a fresh
 * data directory, run the chosen scenarios one after another, clean up, and write the JSON and Markdown reports.
 * A scenario that fails is reported as failed and the others still run.
 *
 * <p>Threading: runs on its caller's thread; scenarios start virtual threads of their own and end them.
 */
public final class BenchRun {
    /** The cgroup the runtime puts sandboxes under ({@code OciRuntimeSettings.defaults}). */
    private static final String CGROUP_PARENT = "corral";

    private BenchRun() {
    }

    /** Runs the harness as {@code options} say; blocks until the reports are written. */
    public static Report run(BenchOptions options, PrintStream progress) throws Exception {
        List<Scenario> scenarios = select(options.only());
        Instant started = Instant.now();
        Path workDir = Files.createTempDirectory(options.workRoot(), "corral-bench-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        // Read by the logging configuration when the server logs its first line, which is after this.
        System.setProperty("corral.bench.log", workDir.resolve("server.log").toString());
        HostInfo host = HostInfo.describe();
        progress.printf("corral bench (%s): %d cores, %s, %s; work directory %s%n", options.workload().name(),
                host.cores(), host.kernel(), host.runc(), workDir);
        Config config = BenchServer.config(workDir.resolve("data"), options.templatesDir());
        BenchServer server;
        try {
            ensureTemplate(config, progress);
            server = BenchServer.start(config);
        } catch (RuntimeException e) {
            deleteWorkDir(workDir); // nothing is mounted before the server ran
            throw e;
        }

        var results = new ArrayList<ScenarioResult>();
        boolean cleanedUp = false;
        Recording recording = options.profile().map(BenchRun::startRecording).orElse(null);
        try {
            var context = new BenchContext(server.api(), new BareRunc(server.dataDir().resolve("runc")),
                    options.workload(), server.dataDir(), workDir,
                    server.templatesDir().resolve("base").resolve("rootfs"), CGROUP_PARENT, progress);
            ServerWarmUp.run(context);
            for (Scenario scenario : scenarios) {
                results.add(runOne(scenario, context));
            }
        } finally {
            if (recording != null) {
                recording.stop();
                recording.close();
                progress.println("profile written to " + options.profile().orElseThrow());
            }
            try {
                server.close();
                cleanedUp = true;
            } catch (RuntimeException e) {
                progress.println("clean-up failed, keeping " + workDir + ": " + e.getMessage());
            }
        }
        var report = new Report(options.command(), started, Duration.between(started, Instant.now()), host,
                HostInfo.currentLoadAverage(), options.workload(), results);
        if (cleanedUp && !report.anyFailed()) {
            deleteWorkDir(workDir);
        } else {
            progress.println("kept " + workDir + " (the server's log is server.log there)");
        }
        Path json = JsonReport.fileFor(report, options.resultsDir());
        JsonReport.write(report, json);
        MarkdownReport.write(report, options.report(), json);
        progress.printf("done in %d s: %s and %s%n", report.took().toSeconds(), options.report(), json);
        return report;
    }

    private static List<Scenario> select(List<String> only) {
        return Scenarios.all().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
    }

    private static ScenarioResult runOne(Scenario scenario, BenchContext context) {
        long started = System.nanoTime();
        ScenarioResult result;
        try {
            result = scenario.run(context);
        } catch (Exception e) {
            result = new ScenarioResult.Failed(scenario.name(), e.toString());
        }
        String outcome = switch (result) {
            case ScenarioResult.Measured measured -> measured.rows().size() + " series";
            case ScenarioResult.Skipped skipped -> "skipped: " + skipped.reason();
            case ScenarioResult.Failed failed -> "FAILED: " + failed.error();
        };
        context.say("%s: %s (%d s)", scenario.name(), outcome, (System.nanoTime() - started) / 1_000_000_000);
        return result;
    }

    /** Builds the base template if it is not yet; never part of what is timed. */
    private static void ensureTemplate(Config config, PrintStream progress) {
        var templates = LocalRuntime.templates(config);
        if (!templates.isBuilt("base")) {
            progress.println("building the base template in " + config.templatesDir() + " (once, untimed)");
            templates.ensureBuilt("base", line -> progress.println("  " + line));
        }
    }

    private static Recording startRecording(Path file) {
        try {
            var recording = new Recording(Configuration.getConfiguration("profile"));
            recording.setName("corral-bench");
            recording.setDestination(file);
            recording.start();
            return recording;
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot start a JFR recording to " + file + ": " + e, e);
        }
    }

    /** Deletes the scratch directory, whose mounts are all gone once the server's clean-up succeeded. */
    private static void deleteWorkDir(Path workDir) {
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + workDir, e);
        }
    }
}
