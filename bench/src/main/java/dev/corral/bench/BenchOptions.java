package dev.corral.bench;

import dev.corral.bench.scenario.Scenarios;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one run of the harness is asked to do and where it writes.
 *
 * @param only         the scenarios to run, by name; empty for all
 * @param report       the Markdown report (its generated block is replaced)
 * @param resultsDir   where the JSON of raw numbers goes, one file per run
 * @param workRoot     where the run's scratch directory (the server's data, the baseline bundles) is made
 * @param profile      a JFR recording of the whole run to write, if asked for
 * @param command      how the run was started, for the report
 */
public record BenchOptions(Workload workload, List<String> only, Path report, Path resultsDir, Path templatesDir,
                           Path workRoot, Optional<Path> profile, String command) {
    public BenchOptions {
        only = List.copyOf(only);
        List<String> unknown = only.stream().filter(name -> !Scenarios.names().contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown scenario " + String.join(", ", unknown) + "; known: "
                    + String.join(", ", Scenarios.names()));
        }
    }
}
