package dev.corral.core.plan;

/**
 * A rate a sandbox's network traffic is held to, in each direction on its own: what it downloads and what it
 * uploads may each reach it. Comes from the organization's plan when the sandbox is created.
 *
 * @param bitsPerSecond at least {@link #MIN_BITS_PER_SECOND}
 */
public record Bandwidth(long bitsPerSecond) {
    /** Below this a shaper's queue would hold a full-sized packet for longer than a TCP timer waits. */
    public static final long MIN_BITS_PER_SECOND = 1_000_000;

    public Bandwidth {
        if (bitsPerSecond < MIN_BITS_PER_SECOND) {
            throw new IllegalArgumentException("bandwidth must be at least 1 Mbit/s: " + bitsPerSecond + " bit/s");
        }
    }

    public static Bandwidth ofMegabits(long megabitsPerSecond) {
        return new Bandwidth(megabitsPerSecond * 1_000_000);
    }

    /** How many bytes a second this lets through. */
    public long bytesPerSecond() {
        return bitsPerSecond / 8;
    }

    @Override
    public String toString() {
        return bitsPerSecond % 1_000_000 == 0 ? bitsPerSecond / 1_000_000 + " Mbit/s" : bitsPerSecond + " bit/s";
    }
}
