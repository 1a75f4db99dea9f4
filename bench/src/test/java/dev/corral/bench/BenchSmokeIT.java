package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.bench.report.Report;
import dev.corral.bench.scenario.Row;
import dev.corral.bench.scenario.ScenarioResult;
import dev.corral.bench.scenario.Scenarios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole harness once with tiny counts against a real server and real runc, to prove every scenario runs
 * and both reports are written. Timings are not checked: they prove nothing on a shared machine.
 */
class BenchSmokeIT {
    private static final Path TEMPLATES = Path.of(System.getenv().getOrDefault("CORRAL_TEST_TEMPLATE_CACHE",
            "/var/tmp/corral-test-templates"));
    private static final Workload TINY = new Workload("tiny", 2, 1, 2, 2, 1, 3, List.of(2), 2, 2, 2, List.of(2, 3), 2,
            4, Duration.ofMillis(200), Duration.ofSeconds(1), 20);

    @TempDir
    Path out;

    @Test
    void run_tinyWorkload_measuresEveryScenarioAndWritesBothReports() throws Exception {
        Path markdown = out.resolve("BENCHMARKS.md");
        var options = new BenchOptions(TINY, List.of(), markdown, out.resolve("results"), TEMPLATES,
                Path.of("/var/tmp"), Optional.empty(), "BenchSmokeIT");

        Report report = BenchRun.run(options, System.out);

        assertThat(report.results()).extracting(ScenarioResult::scenario)
                .containsExactlyElementsOf(Scenarios.names());
        assertThat(report.results()).noneMatch(result -> result instanceof ScenarioResult.Failed);
        for (ScenarioResult result : report.results()) {
            switch (result) {
                case ScenarioResult.Measured measured -> assertThat(measured.rows())
                        .as(measured.scenario()).isNotEmpty()
                        .allSatisfy(BenchSmokeIT::hasNumbers);
                case ScenarioResult.Skipped skipped -> assertThat(skipped.reason()).isNotBlank();
                case ScenarioResult.Failed failed -> throw new AssertionError(failed.error());
            }
        }
        assertThat(Files.readString(markdown)).contains("### create", "### density", "↳ baseline", "Skipped:");
        JsonNode json = new ObjectMapper().readTree(onlyFile(out.resolve("results")).toFile());
        assertThat(json.path("results")).hasSize(Scenarios.names().size());
    }

    private static void hasNumbers(Row row) {
        assertThat(row.latency().count()).as(row.what()).isPositive();
        assertThat(row.latency().p50()).as(row.what()).isPositive();
        row.baseline().ifPresent(base -> assertThat(base.latency().count()).as(base.what()).isPositive());
    }

    private static Path onlyFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.getFirst();
        }
    }
}
