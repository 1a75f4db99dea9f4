package dev.corral.app;

/**
 * How many platform threads carry the server's virtual threads. The JDK's default is one per core, and a virtual
 * thread is never preempted: on a 2-core host two requests doing CPU work at once (a 10 MB command output being
 * serialized, a burst of requests under a loaded CPU) would keep every other request, {@code /health} included,
 * waiting for a carrier. With more carriers than cores the kernel time-slices them, so a short request gets its
 * turn within milliseconds. Blocking never needs a carrier of its own (pipes and process starts run on platform
 * threads, see {@code ProcessThreads}); this only shares the CPU fairly.
 *
 * <p>Must run before the first virtual thread exists, which is why {@link Main} calls it first. A value given
 * with {@code -Djdk.virtualThreadScheduler.parallelism} (in {@code CORRAL_JAVA_OPTS}) is left alone.
 */
public final class CarrierThreads {
    static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";
    static final int MIN_CARRIERS = 16;

    private CarrierThreads() {
    }

    /** Sets the carrier count to at least {@link #MIN_CARRIERS} unless it was configured. */
    public static void widen() {
        if (System.getProperty(PARALLELISM) == null) {
            int carriers = Math.max(MIN_CARRIERS, Runtime.getRuntime().availableProcessors());
            System.setProperty(PARALLELISM, Integer.toString(carriers));
        }
    }
}
