package dev.corral.bench.baseline;

import dev.corral.bench.load.LatencyRecorder;
import dev.corral.bench.load.Percentiles;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latencies of the named steps of a bare sandbox start (make the disk, mount it, run the container, ...), in the
 * order the steps were first timed: where the time of a create goes when nothing but the host does the work.
 *
 * <p>Threading: for one thread at a time; the create baseline times its steps sequentially.
 */
public final class StepTimes {
    private final Map<String, LatencyRecorder> steps = new LinkedHashMap<>();

    /** Runs {@code step} and records its latency under {@code name}. */
    public void time(String name, Runnable step) {
        steps.computeIfAbsent(name, k -> new LatencyRecorder()).time(step::run);
    }

    /** Each step's percentiles, in the order the steps happen. */
    public Map<String, Percentiles> percentiles() {
        var result = new LinkedHashMap<String, Percentiles>();
        steps.forEach((name, recorder) -> result.put(name, recorder.percentiles()));
        return result;
    }
}
