package dev.corral.bench.load;

/**
 * The summary of one set of latencies, in milliseconds: how many there were, the 50th, 90th and 99th percentiles
 * and the largest.
 */
public record Percentiles(long count, double p50, double p90, double p99, double max) {
    public Percentiles {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
    }
}
