package dev.corral.bench.load;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Collects latencies into an HdrHistogram at microsecond resolution and three significant digits, so percentiles
 * are exact to 0.1 % whatever the spread.
 *
 * <p>Threading: any number of threads may record at once (the histogram is wait-free for writers); read the
 * {@link #percentiles()} once they are done.
 */
public final class LatencyRecorder {
    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);

    /** Records one latency, given in nanoseconds. */
    public void record(long nanos) {
        // An operation faster than a microsecond still happened: count it as one rather than as zero.
        histogram.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }

    /** Runs {@code operation} and records how long it took, also when it fails. */
    public <T, E extends Exception> T time(Timed<T, E> operation) throws E {
        long started = System.nanoTime();
        try {
            return operation.run();
        } finally {
            record(System.nanoTime() - started);
        }
    }

    /** Runs {@code action} and records how long it took, also when it fails. */
    public <E extends Exception> void time(Action<E> action) throws E {
        long started = System.nanoTime();
        try {
            action.run();
        } finally {
            record(System.nanoTime() - started);
        }
    }

    /** The mean latency in milliseconds (at the recorder's resolution). */
    public double meanMillis() {
        return histogram.getMean() / 1000.0;
    }

    public long count() {
        return histogram.getTotalCount();
    }

    public Percentiles percentiles() {
        return new Percentiles(histogram.getTotalCount(), millis(histogram.getValueAtPercentile(50)),
                millis(histogram.getValueAtPercentile(90)), millis(histogram.getValueAtPercentile(99)),
                millis(histogram.getMaxValue()));
    }

    private static double millis(long micros) {
        return micros / 1000.0;
    }

    /** An operation to time that returns a result. */
    @FunctionalInterface
    public interface Timed<T, E extends Exception> {
        T run() throws E;
    }

    /** An operation to time that returns nothing. */
    @FunctionalInterface
    public interface Action<E extends Exception> {
        void run() throws E;
    }
}
