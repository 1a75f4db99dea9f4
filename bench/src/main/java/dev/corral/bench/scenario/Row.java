package dev.corral.bench.scenario;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.corral.bench.load.LatencyRecorder;
import dev.corral.bench.load.Percentiles;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One measured series of a scenario: latencies of an operation through Corral, its throughput where it ran
 * concurrently, and the bare baseline measured beside it where there is one.
 */
public record Row(String what, Percentiles latency, OptionalDouble throughput, Optional<Baseline> baseline) {

    /** A series with latencies only. */
    public static Row of(String what, Percentiles latency) {
        return new Row(what, latency, OptionalDouble.empty(), Optional.empty());
    }

    public static Row of(String what, LatencyRecorder latencies) {
        return of(what, latencies.percentiles());
    }

    /** A concurrent series: latencies and operations per second. */
    public static Row of(String what, Percentiles latency, double throughput) {
        return new Row(what, latency, OptionalDouble.of(throughput), Optional.empty());
    }

    public static Row of(String what, LatencyRecorder latencies, double throughput) {
        return of(what, latencies.percentiles(), throughput);
    }

    /** This series with the baseline measured beside it. */
    public Row against(String baselineWhat, LatencyRecorder latencies) {
        return withBaseline(new Baseline(baselineWhat, latencies.percentiles(), OptionalDouble.empty()));
    }

    public Row against(String baselineWhat, Percentiles baselineLatency, double baselineThroughput) {
        return withBaseline(new Baseline(baselineWhat, baselineLatency, OptionalDouble.of(baselineThroughput)));
    }

    public Row against(String baselineWhat, LatencyRecorder latencies, double baselineThroughput) {
        return against(baselineWhat, latencies.percentiles(), baselineThroughput);
    }

    /** Corral over baseline, when there is a baseline. */
    @JsonProperty("ratios")
    public Optional<Ratios> ratios() {
        return baseline.map(base -> Ratios.of(this, base));
    }

    private Row withBaseline(Baseline measured) {
        return new Row(what, latency, throughput, Optional.of(measured));
    }
}
