package dev.corral.core.sandbox;

/**
 * How many bytes a sandbox's network interface has carried, as the sandbox sees it: {@code bytesIn} it received
 * (downloads, answers, requests made to it through its ports), {@code bytesOut} it sent. Counted since the
 * interface was made, so they only grow while the sandbox keeps its network.
 */
public record NetworkUsage(long bytesIn, long bytesOut) {
    public static final NetworkUsage NONE = new NetworkUsage(0, 0);

    public NetworkUsage {
        if (bytesIn < 0 || bytesOut < 0) {
            throw new IllegalArgumentException("byte counts cannot be negative: " + bytesIn + ", " + bytesOut);
        }
    }

    public NetworkUsage plus(NetworkUsage other) {
        return new NetworkUsage(bytesIn + other.bytesIn, bytesOut + other.bytesOut);
    }
}
