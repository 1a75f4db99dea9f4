package dev.corral.runtime.oci.network;

import dev.corral.core.plan.Bandwidth;

/**
 * The {@code tc} commands that hold a sandbox's network to its {@link Bandwidth}, one token bucket filter (tbf) on
 * each end of its veth pair, each shaping what leaves through that end: on the host's end, what the sandbox
 * downloads; on its {@code eth0}, what it uploads. Shaping queues packets rather than dropping them as a policer
 * would, so TCP settles at the rate instead of backing off from losses; a packet held back on {@code eth0} is
 * never counted as sent; and it needs only the tbf qdisc, where a policer on the host's end would need the police
 * action and a classifier, modules some kernels lack (this project's test hosts' among them). The sandbox cannot lift its own: its namespace belongs to the host's user namespace, and
 * changing a qdisc there needs CAP_NET_ADMIN over that.
 */
final class TrafficShaping {
    /** How long a packet may wait in the queue: past it, the queue is full and packets are dropped. */
    private static final String LATENCY = "50ms";
    /** The least bucket: a few full-sized packets (a GSO packet larger than the bucket is cut into segments). */
    private static final long MIN_BURST_BYTES = 32 << 10;

    private TrafficShaping() {
    }

    /** The {@code tc -batch} line that shapes what leaves through {@code device} to {@code bandwidth}. */
    static String shape(String device, Bandwidth bandwidth) {
        return "qdisc replace dev " + device + " root tbf rate " + bandwidth.bitsPerSecond() + "bit burst "
                + burstBytes(bandwidth) + " latency " + LATENCY;
    }

    /** A bucket of 10 ms at the rate: short bursts pass at once, the average is held to the rate. */
    static long burstBytes(Bandwidth bandwidth) {
        return Math.max(MIN_BURST_BYTES, bandwidth.bytesPerSecond() / 100);
    }
}
