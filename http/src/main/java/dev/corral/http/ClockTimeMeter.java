package dev.corral.http;

import io.github.bucket4j.TimeMeter;
import java.time.Instant;
import java.time.InstantSource;

/** Lets token buckets refill by Corral's injected clock, so rate limits follow the same time as everything else. */
final class ClockTimeMeter implements TimeMeter {
    private final InstantSource clock;

    ClockTimeMeter(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public long currentTimeNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
