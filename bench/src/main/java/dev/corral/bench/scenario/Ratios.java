package dev.corral.bench.scenario;

import java.util.OptionalDouble;

/**
 * Corral's figures divided by its baseline's: above 1 for latency means Corral is slower than the bare runtime,
 * below 1 for throughput means it completes fewer operations per second.
 */
public record Ratios(double p50, double p99, OptionalDouble throughput) {

    static Ratios of(Row row, Baseline baseline) {
        OptionalDouble throughput = row.throughput().isPresent() && baseline.throughput().isPresent()
                ? OptionalDouble.of(row.throughput().getAsDouble() / baseline.throughput().getAsDouble())
                : OptionalDouble.empty();
        return new Ratios(row.latency().p50() / baseline.latency().p50(),
                row.latency().p99() / baseline.latency().p99(), throughput);
    }
}
