package dev.corral.bench.report;

import dev.corral.bench.Workload;
import dev.corral.bench.host.HostInfo;
import dev.corral.bench.scenario.ScenarioResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything one run of the harness found: the machine, the counts, and each scenario's outcome.
 *
 * @param command          how it was started, e.g. {@code ./corral bench --quick}
 * @param loadAverageAtEnd the one-minute load average when the run ended, beside the one in {@code host}
 */
public record Report(String command, Instant startedAt, Duration took, HostInfo host, double loadAverageAtEnd,
                     Workload workload, List<ScenarioResult> results) {
    public Report {
        results = List.copyOf(results);
    }

    public boolean anyFailed() {
        return results.stream().anyMatch(result -> result instanceof ScenarioResult.Failed);
    }
}
