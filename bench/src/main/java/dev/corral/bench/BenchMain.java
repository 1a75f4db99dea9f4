package dev.corral.bench;

import dev.corral.app.CarrierThreads;
import dev.corral.bench.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral bench}: measures a fresh Corral against bare runc and bare Javalin on this machine. */
@Command(name = "corral bench", sortOptions = false,
        description = {"Measure a fresh Corral on this machine against the bare runtime, and write the report.",
                "Needs root (runc, mount). A full run writes docs/BENCHMARKS.md and bench/results/<date>.json; "
                        + "--quick and --only runs write under bench/target/bench-report/ unless told otherwise."})
public final class BenchMain implements Callable<Integer> {
    private static final Path PARTIAL_RUNS = Path.of("bench", "target", "bench-report");

    @Spec
    CommandSpec spec;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
    @Option(names = "--quick", description = "Small counts: every scenario, in under two minutes.")
    boolean quick;
    @Option(names = "--only", split = ",", paramLabel = "SCENARIO",
            description = "Run only these scenarios (comma-separated): create, exec, files, guest, "
                    + "workspace-files, pause-resume, execute, density, api, proxy.")
    List<String> only = new ArrayList<>();
    @Option(names = "--density", paramLabel = "N",
            description = "Aim the density scenario at N sandboxes (full: 500, quick: 20).")
    Integer density;
    @Option(names = "--report", paramLabel = "FILE", description = "The Markdown report to write.")
    Path report;
    @Option(names = "--results-dir", paramLabel = "DIR", description = "Where the JSON of raw numbers goes.")
    Path resultsDir;
    @Option(names = "--templates-dir", paramLabel = "DIR",
            defaultValue = "${env:CORRAL_TEST_TEMPLATE_CACHE:-/var/tmp/corral-test-templates}",
            description = "Templates to use, built there first if missing (default: ${DEFAULT-VALUE}, the cache "
                    + "the tests share).")
    Path templatesDir;
    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "/var/tmp",
            description = "Where to make the run's scratch directory (default: ${DEFAULT-VALUE}).")
    Path workRoot;
    @Option(names = "--profile", paramLabel = "FILE.jfr",
            description = "Record the whole run (server and client) with Java Flight Recorder into this file.")
    Path profile;

    public static void main(String[] args) {
        // Before anything logs: the server's log goes to a file of the run, not between the harness's lines.
        System.setProperty("logback.configurationFile", "corral-bench-logback.xml");
        // The server runs in this JVM: its carriers as corral serve has them.
        CarrierThreads.widen();
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!isRoot()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "corral bench runs runc and mounts disks: run it as root");
        }
        BenchOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Report done = BenchRun.run(options, System.out);
        return done.anyFailed() ? 1 : 0;
    }

    /** The options of this run: full or quick counts, and where a partial run writes unless told. */
    private BenchOptions options() {
        Workload workload = quick ? Workload.quick() : Workload.full();
        if (density != null) {
            workload = workload.withDensityTarget(density);
        }
        boolean partial = quick || !only.isEmpty();
        Path reportFile = report != null ? report
                : partial ? PARTIAL_RUNS.resolve("BENCHMARKS.md") : Path.of("docs", "BENCHMARKS.md");
        Path results = resultsDir != null ? resultsDir
                : partial ? PARTIAL_RUNS.resolve("results") : Path.of("bench", "results");
        return new BenchOptions(workload, only, reportFile, results, templatesDir.toAbsolutePath(),
                workRoot.toAbsolutePath(), Optional.ofNullable(profile).map(Path::toAbsolutePath), commandLine());
    }

    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "./corral bench" + (args.isEmpty() ? "" : " " + String.join(" ", args));
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    }
}
