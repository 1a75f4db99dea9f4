package dev.corral.runtime.oci.agent;

import static dev.corral.runtime.oci.agent.RunningGuest.PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The framing itself against the real corral-guest: hello, malformed input of every kind, and its memory. */
@Timeout(60)
class CorralGuestProtocolTest {
    @RegisterExtension
    final RunningGuest guest = new RunningGuest();

    private void assertStillServing() throws IOException {
        List<Frame> hello = guest.call("hello");
        assertThat(hello).extracting(Frame::type).containsExactly('r');
        assertThat(guest.isAlive()).isTrue();
    }

    @Test
    void then_becomesTheCommandAndLeavesTheAgentServingAsAProcessOfItsOwn(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("agent.sock");
        Path pidFile = dir.resolve("command.pid");
        Process started = new ProcessBuilder(RunningGuest.BINARY.toString(), "--socket", socket.toString(),
                "--then", "/bin/sh", "-c", "echo $$ > " + pidFile + "; exec sleep 600").start();
        long agent = 0;
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket)
                    && Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            assertThat(Long.parseLong(Files.readString(pidFile).strip())).as("the started process became the command")
                    .isEqualTo(started.pid());
            agent = Long.parseLong(hello(socket).field("pid"));
            assertThat(ProcessHandle.of(agent).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("the agent is no child of the command, which would never reap it").isNotEqualTo(
                            Optional.of(started.pid()));

            started.destroyForcibly();
            started.waitFor();

            assertThat(hello(socket).type()).as("the agent outlives the command").isEqualTo('r');
        } finally {
            started.destroyForcibly();
            ProcessHandle.of(agent).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static Frame hello(Path socket) throws IOException {
        try (GuestConnection connection = GuestConnection.open(socket)) {
            return connection.request("hello").all().getFirst();
        }
    }

    @Test
    void hello_answersVersionOneAndItsPid() throws IOException {
        List<Frame> frames = guest.call("hello");

        assertThat(frames).hasSize(1);
        assertThat(frames.getFirst().type()).isEqualTo('r');
        assertThat(frames.getFirst().field("version")).isEqualTo("1");
        assertThat(frames.getFirst().field("pid")).isEqualTo(Long.toString(guest.pid()));
    }

    @Test
    void hello_afterItsLastFrame_closesTheConnection() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            connection.request("hello");

            assertThat(connection.next().type()).isEqualTo('r');
            assertThat(connection.nextOrEnd()).isEmpty();
        }
    }

    @Test
    void request_unknownOp_failsUnsupported() throws IOException {
        assertThat(guest.failure("teleport", "where=moon")).isEqualTo("unsupported");
    }

    @Test
    void request_unknownFieldsBesideKnownOnes_areIgnored() throws IOException {
        assertThat(guest.call("hello", "from_the_future=1")).extracting(Frame::type).containsExactly('r');
    }

    @Test
    void request_notStartingWithOp_failsBadRequest() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            assertThat(connection.send('Q', "path=/", "op=stat").all()).extracting(f -> f.field("code"))
                    .containsExactly("bad_request");
        }
    }

    @Test
    void request_fieldsWithoutNulOrEquals_failBadRequest() throws IOException {
        try (GuestConnection one = guest.connect(); GuestConnection two = guest.connect()) {
            one.send('Q', "op=hello".getBytes(StandardCharsets.UTF_8));
            two.send('Q', "op=hello\0novalue\0".getBytes(StandardCharsets.UTF_8));

            assertThat(one.all()).extracting(f -> f.field("code")).containsExactly("bad_request");
            assertThat(two.all()).extracting(f -> f.field("code")).containsExactly("bad_request");
        }
    }

    @Test
    void firstFrame_unknownTypeOrOversized_failsBadRequest() throws IOException {
        try (GuestConnection unknown = guest.connect(); GuestConnection oversized = guest.connect()) {
            unknown.send('X', "op=hello");
            oversized.sendRaw(GuestConnection.header('Q', (1 << 20) + 1));

            assertThat(unknown.all()).extracting(f -> f.field("code")).containsExactly("bad_request");
            assertThat(oversized.all()).extracting(f -> f.field("code")).containsExactly("bad_request");
        }
        assertStillServing();
    }

    @Test
    void execFrame_unexpectedOrOversized_failsBadRequestAndKillsTheCommand() throws IOException {
        try (GuestConnection unexpected = guest.connect(); GuestConnection oversized = guest.connect()) {
            unexpected.request("exec", "arg=sleep", "arg=100", PATH);
            oversized.request("exec", "arg=sleep", "arg=100", PATH);
            long first = Long.parseLong(unexpected.next().field("pid"));
            long second = Long.parseLong(oversized.next().field("pid"));

            unexpected.send('d', "file bytes do not belong to an exec".getBytes(StandardCharsets.UTF_8));
            oversized.sendRaw(GuestConnection.header('i', 0xFFFFFFF0L));

            assertThat(unexpected.outcome().last().field("code")).isEqualTo("bad_request");
            assertThat(oversized.outcome().last().field("code")).isEqualTo("bad_request");
            assertThat(RunningGuest.ended(first)).isTrue();
            assertThat(RunningGuest.ended(second)).isTrue();
        }
    }

    @Test
    void garbage_onManyConnections_isRefusedAndTheAgentKeepsServing() throws IOException {
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 + random.nextInt(64)];
            random.nextBytes(garbage);
            // Whatever the agent makes of them, it fails the request or waits for the rest until we close.
            try (GuestConnection connection = guest.connect()) {
                connection.sendRaw(garbage);
            }
        }
        assertStillServing();
    }

    @Test
    void garbageAfterAValidHeader_isAnsweredWithFailureOrAnEnd() throws IOException {
        Random random = new Random(5);
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] payload = new byte[1 + random.nextInt(200)];
            random.nextBytes(payload);
            try (GuestConnection connection = guest.connect()) {
                Optional<Frame> answer = connection.send('Q', payload).nextOrEnd();
                answer.ifPresent(frame -> codes.add(frame.type() + ":" + frame.field("code")));
            }
        }
        assertThat(codes).isNotEmpty().allMatch(code -> code.equals("f:bad_request"));
        assertStillServing();
    }

    @Test
    void connectionsThatSendNothingOrHalfARequest_doNotStallOthers() throws IOException {
        try (GuestConnection silent = guest.connect(); GuestConnection half = guest.connect()) {
            half.sendRaw(GuestConnection.header('Q', 100), "op=hel".getBytes(StandardCharsets.UTF_8));

            assertStillServing();
            assertThat(guest.exec("arg=true", PATH).exit("code")).isEqualTo("0");
        }
    }

    @Test
    void idleAgent_afterServingWork_staysWithin300KiBResident() throws IOException {
        for (int i = 0; i < 20; i++) {
            guest.exec("arg=sh", "arg=-c", "arg=head -c 100000 /dev/zero", PATH);
            guest.call("list", "path=/usr/bin");
        }
        try (GuestConnection started = guest.connect()) {
            started.request("exec", "arg=sh", "arg=-c", "arg=echo bg", "background=1", PATH).outcome();
        }

        // The budget for the agent in every sandbox: what it holds once the work is done.
        assertThat(guest.residentKiB()).isLessThanOrEqualTo(300);
    }
}
