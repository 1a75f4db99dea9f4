package dev.corral.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    @Test
    void percentiles_oneToHundredMillis_givesRankedValuesInMillis() {
        var recorder = new LatencyRecorder();
        for (int millis = 100; millis >= 1; millis--) {
            recorder.record(TimeUnit.MILLISECONDS.toNanos(millis));
        }

        Percentiles percentiles = recorder.percentiles();

        assertThat(percentiles.count()).isEqualTo(100);
        assertThat(percentiles.p50()).isCloseTo(50, within(0.1));
        assertThat(percentiles.p90()).isCloseTo(90, within(0.1));
        assertThat(percentiles.p99()).isCloseTo(99, within(0.1));
        assertThat(percentiles.max()).isCloseTo(100, within(0.1));
    }

    @Test
    void time_failingAction_stillRecordsIt() {
        var recorder = new LatencyRecorder();

        try {
            recorder.time(() -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the failure is the caller's; the latency is still recorded
        }

        assertThat(recorder.count()).isEqualTo(1);
    }
}
