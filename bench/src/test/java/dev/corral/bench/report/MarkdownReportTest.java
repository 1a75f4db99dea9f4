package dev.corral.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.bench.Workload;
import dev.corral.bench.host.HostInfo;
import dev.corral.bench.load.Percentiles;
import dev.corral.bench.scenario.Baseline;
import dev.corral.bench.scenario.Row;
import dev.corral.bench.scenario.ScenarioResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {
    private static final HostInfo HOST = new HostInfo("Test CPU", 2, 8L << 30, "Debian", "6.1", "v2", "runc 1.1.5",
            "OpenJDK 21", 0.5);

    @TempDir
    Path dir;

    @Test
    void write_fileWithMarkers_replacesOnlyTheGeneratedBlock() throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        Files.writeString(file, "# Benchmarks\n\nHow to run.\n\n" + MarkdownReport.BEGIN + "\nold numbers\n"
                + MarkdownReport.END + "\n\n## Where the time goes\n\nAnalysis.\n");

        MarkdownReport.write(report(), file, dir.resolve("results/run.json"));

        String text = Files.readString(file);
        assertThat(text).startsWith("# Benchmarks\n\nHow to run.\n\n" + MarkdownReport.BEGIN)
                .endsWith(MarkdownReport.END + "\n\n## Where the time goes\n\nAnalysis.\n")
                .doesNotContain("old numbers")
                .contains("| exec `true` | 10 | 50.0 | 90.0 | 99.0 | 100 |  | p50 2.00×, p99 1.98× |",
                        "| ↳ baseline: bare | 10 | 25.0 |", "Skipped: no files API.", "(results/run.json)");
    }

    @Test
    void write_noFile_writesTitleAndBlock() throws Exception {
        Path file = dir.resolve("new/BENCHMARKS.md");

        MarkdownReport.write(report(), file, dir.resolve("run.json"));

        assertThat(Files.readString(file)).startsWith("# Benchmarks\n\n" + MarkdownReport.BEGIN)
                .endsWith(MarkdownReport.END + "\n");
    }

    private static Report report() {
        Row row = new Row("exec `true`", new Percentiles(10, 50, 90, 99, 100), OptionalDouble.empty(),
                Optional.of(new Baseline("bare", new Percentiles(10, 25, 45, 50, 60), OptionalDouble.empty())));
        return new Report("./corral bench", Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(90), HOST, 1.0,
                Workload.quick(), List.of(
                        new ScenarioResult.Measured("exec", "How.", List.of(row), List.of(), List.of()),
                        new ScenarioResult.Skipped("files", "no files API")));
    }
}
