package dev.corral.runtime.oci.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProcessThreadsTest {

    @Test
    void read_fromAVirtualThread_runsOnANamedPlatformThread() throws Exception {
        var ran = new AtomicReference<Thread>();
        var name = new AtomicReference<String>();
        try (var threads = new ProcessThreads(4)) {
            Thread.ofVirtual().start(() -> threads.read("exec-1-stdout", () -> {
                name.set(Thread.currentThread().getName());
                ran.set(Thread.currentThread());
            }))
                    .join();

            await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() != null);
            assertThat(ran.get().isVirtual()).isFalse();
            assertThat(ran.get().isDaemon()).isTrue();
            assertThat(name.get()).startsWith("corral-process-io-").endsWith("exec-1-stdout");
        }
    }

    @Test
    void read_whenEveryThreadIsBusy_isRateLimitedAtOnceInsteadOfQueued() throws Exception {
        var release = new CountDownLatch(1);
        try (var threads = new ProcessThreads(2)) {
            for (int i = 0; i < 2; i++) {
                threads.read("busy", () -> awaitQuietly(release));
            }

            assertThatThrownBy(() -> threads.read("one more", () -> { }))
                    .isInstanceOfSatisfying(CorralException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> threads.busyThreads() == 0);
            threads.read("after", () -> { }).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void after_cancelledBeforeItsTime_neverRuns() throws Exception {
        var fired = new AtomicBoolean();
        var firedOnVirtual = new AtomicBoolean();
        try (var threads = new ProcessThreads(2)) {
            threads.after(Duration.ofHours(1), () -> fired.set(true)).cancel(false);
            threads.after(Duration.ofMillis(10), () -> firedOnVirtual.set(Thread.currentThread().isVirtual()));

            await().atMost(Duration.ofSeconds(5)).untilTrue(firedOnVirtual);
            assertThat(fired).isFalse();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
