package dev.corral.bench.scenario;

import dev.corral.bench.load.Percentiles;
import java.util.OptionalDouble;

/** What the bare runtime (or a bare web server) achieved doing what a {@link Row} measured Corral doing. */
public record Baseline(String what, Percentiles latency, OptionalDouble throughput) {
}
