package dev.corral.runtime.oci.agent;

import static dev.corral.runtime.oci.agent.RunningGuest.PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Background commands against the real corral-guest: the process table, attach, signal. */
@Timeout(60)
class CorralGuestBackgroundTest {
    @TempDir
    Path dir;
    private RunningGuest guest;

    @BeforeEach
    void start() throws IOException {
        guest = RunningGuest.start(dir);
    }

    @AfterEach
    void stop() {
        guest.close();
    }

    /** Starts a background command and leaves at once; returns its `s` frame. */
    private Frame startInBackground(String script) throws IOException {
        try (GuestConnection connection = guest.connect()) {
            return connection.request("exec", "arg=sh", "arg=-c", "arg=" + script, "background=1", PATH).next();
        }
    }

    private Frame processEntry(String id) throws IOException {
        return guest.call("processes").stream().filter(f -> id.equals(f.field("id"))).findFirst().orElseThrow();
    }

    @Test
    void background_startedThenLeft_runsOnAndIsListed() throws IOException {
        Frame started = startInBackground("echo started; sleep 100");
        String id = started.field("id");

        Frame entry = processEntry(id);

        assertThat(started.type()).isEqualTo('s');
        assertThat(entry.field("pid")).isEqualTo(started.field("pid"));
        assertThat(entry.field("command")).isEqualTo("sh -c echo started; sleep 100");
        assertThat(entry.field("running")).isEqualTo("1");
        assertThat(Long.parseLong(entry.field("started_ms"))).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(60_000L));
        assertThat(RunningGuest.ended(Long.parseLong(started.field("pid")))).isFalse();
    }

    @Test
    void attach_running_sendsRetainedThenLiveOutputAndTheExitOnSignal() throws IOException {
        String id = startInBackground("echo started; sleep 100").field("id");
        try (GuestConnection attached = guest.connect()) {
            attached.request("attach", "id=" + id);
            assertThat(attached.next().text()).isEqualTo("started\n");

            List<Frame> signalled = guest.call("signal", "id=" + id, "signal=15");
            ExecOutcome rest = attached.outcome();

            assertThat(signalled).extracting(Frame::type).containsExactly('r');
            assertThat(rest.exit("signal")).isEqualTo("15");
            assertThat(rest.exit("code")).isEqualTo("143");
        }
        Frame entry = processEntry(id);
        assertThat(entry.field("running")).isEqualTo("0");
        assertThat(entry.field("signal")).isEqualTo("15");
    }

    @Test
    void attach_ended_sendsItsOutputAndExitAtOnce() throws IOException {
        String id = startInBackground("echo one; echo two >&2; exit 4").field("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(processEntry(id).field("running")));

        try (GuestConnection attached = guest.connect()) {
            ExecOutcome outcome = attached.request("attach", "id=" + id).outcome();

            assertThat(outcome.stdout()).isEqualTo("one\n");
            assertThat(outcome.stderr()).isEqualTo("two\n");
            assertThat(outcome.exit("code")).isEqualTo("4");
        }
    }

    @Test
    void attach_moreOutputThanRetained_keepsTheLast64KiB() throws IOException {
        String id = startInBackground("head -c 1000000 /dev/zero | tr '\\0' a; echo end").field("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(processEntry(id).field("running")));

        try (GuestConnection attached = guest.connect()) {
            ExecOutcome outcome = attached.request("attach", "id=" + id).outcome();

            assertThat(outcome.outputBytes()).isBetween(60 * 1024, 64 * 1024);
            assertThat(outcome.stdout().endsWith("aaaaend\n")).as("the output ends with the last bytes").isTrue();
        }
    }

    @Test
    void background_pastItsTimeout_isKilled() throws IOException {
        String id;
        try (GuestConnection connection = guest.connect()) {
            id = connection.request("exec", "arg=sleep", "arg=100", "background=1", "timeout_ms=200", PATH).next()
                    .field("id");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(processEntry(id).field("running")));
        assertThat(processEntry(id).field("timed_out")).isEqualTo("1");
    }

    @Test
    void attachAndSignal_unknownId_failNotFound() throws IOException {
        assertThat(guest.call("attach", "id=nope")).extracting(f -> f.field("code")).containsExactly("not_found");
        assertThat(guest.call("signal", "id=nope", "signal=9")).extracting(f -> f.field("code"))
                .containsExactly("not_found");
    }
}
