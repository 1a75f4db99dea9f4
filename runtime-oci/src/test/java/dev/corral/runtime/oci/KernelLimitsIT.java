package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSize;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import dev.corral.runtime.oci.bundle.KernelLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sandbox reaching for more of the kernel's host-wide counters than its share gets an error at its cap, and its
 * neighbour still gets its own: open files, ptys, inotify watches and instances, message queues. Every loop in the
 * sandbox stops a little past its cap, so that a missing cap fails the test without taking the host's last pty.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a terminal that never ends would block its read for ever
class KernelLimitsIT {
    private static final KernelLimits LIMITS = new KernelLimits(256, 512, 204_800, 12, 100, 4);
    @RegisterExtension
    static final TestRuntime sandboxes = start();
    private static SandboxId greedy;
    private static SandboxId neighbour;

    @BeforeAll
    static void createSandboxes() {
        greedy = sandboxes.create(TestRuntime.SMALL);
        neighbour = sandboxes.create(TestRuntime.SMALL);
    }

    @AfterAll
    static void destroySandboxes() {
        sandboxes.runtime.destroy(greedy);
        sandboxes.runtime.destroy(neighbour);
    }

    @Test
    void limits_ofCommandsAndTheAgent_areTheSandboxsShareSoftAndHard() throws Exception {
        // The init's limits are those of every process started later, the agent's included.
        ExecResult limits = sandboxes.run(greedy, "grep -E 'open files|pending signals|msgqueue' /proc/self/limits"
                + " /proc/1/limits");

        assertThat(limits.stdoutText().strip().split("\n")).hasSize(6).allSatisfy(line -> assertThat(line)
                .matches("/proc/(self|1)/limits:(Max open files +256 +256 +files"
                        + "|Max pending signals +512 +512 +signals"
                        + "|Max msgqueue size +204800 +204800 +bytes) *"));
    }

    @Test
    void open_ofMoreFilesThanTheLimit_failsWithEmfileInEachProcessAndTheHostBarelyNotices() throws Exception {
        // Ten processes each open all they may and hold them while the host's count of open files is read; with
        // the limit sandboxes had before (8192 each), they held 80,000. The margin is for the rest of the host.
        ExecResult flood = python(greedy, """
                import errno, os
                def files_open_on_host():
                    return int(open("/proc/sys/fs/file-nr").read().split()[0])
                before = files_open_on_host()
                reports_r, reports_w = os.pipe()
                hold_r, hold_w = os.pipe()
                children = []
                for _ in range(10):
                    pid = os.fork()
                    if pid == 0:
                        os.close(hold_w)
                        held, error = [], "none"
                        try:
                            while len(held) < 10000:
                                held.append(os.open("/dev/null", os.O_RDONLY))
                        except OSError as e:
                            error = errno.errorcode[e.errno]
                        os.write(reports_w, ("%d %s\\n" % (len(held), error)).encode())
                        os.read(hold_r, 1)
                        os._exit(0)
                    children.append(pid)
                reports = os.fdopen(reports_r)
                lines = [reports.readline().strip() for _ in children]
                grown = files_open_on_host() - before
                os.close(hold_w)
                for pid in children:
                    os.waitpid(pid, 0)
                print("\\n".join(lines))
                print(grown)
                """);

        String[] lines = flood.stdoutText().strip().split("\n");
        assertThat(lines).hasSize(11);
        for (int child = 0; child < 10; child++) {
            // Standard streams, the two pipes and what Python opened itself count too.
            assertThat(lines[child]).matches("2[345]\\d EMFILE");
        }
        assertThat(Long.parseLong(lines[10])).isLessThan(10 * 256 + 20_000);
    }

    @Test
    void openpty_pastTheCap_failsWhileTheNeighbourStillOpensOneAndATerminal() throws Exception {
        holdInBackground(greedy, """
                held, error = [], "none"
                try:
                    while len(held) < 40:
                        held.append(os.openpty())
                except OSError as e:
                    error = errno.errorcode[e.errno]
                report("%d %s" % (len(held), error))
                """);

        assertThat(awaitReport(greedy)).isEqualTo("12 ENOSPC");
        assertThat(python(neighbour, """
                import os
                print(len(os.ttyname(os.openpty()[1])) > 0)
                """).stdoutText()).isEqualTo("True\n");
        assertThat(sandboxes.run(greedy, "grep devpts /proc/mounts").stdoutText()).contains("max=12");
        if (TestRuntime.GUEST.equals("agent")) {
            assertThat(terminalOutput(neighbour, "tty")).contains("/dev/pts/");
        }
        release(greedy);
    }

    @Test
    void inotify_pastTheCaps_failsWhileTheNeighbourStillWatches() throws Exception {
        String watchAll = """
                libc = ctypes.CDLL(None, use_errno=True)
                os.makedirs("/tmp/watched", exist_ok=True)
                instance = libc.inotify_init1(0)
                watches, watch_error = 0, "none"
                for i in range(150):
                    path = "/tmp/watched/%d" % i
                    open(path, "w").close()
                    if libc.inotify_add_watch(instance, path.encode(), 2) < 0:
                        watch_error = errno.errorcode[ctypes.get_errno()]
                        break
                    watches += 1
                instances, instance_error = [instance], "none"
                while len(instances) < 20:
                    more = libc.inotify_init1(0)
                    if more < 0:
                        instance_error = errno.errorcode[ctypes.get_errno()]
                        break
                    instances.append(more)
                report("%d %s %d %s" % (watches, watch_error, len(instances), instance_error))
                """;
        holdInBackground(greedy, watchAll);

        assertThat(awaitReport(greedy)).isEqualTo("100 ENOSPC 4 EMFILE");
        holdInBackground(neighbour, watchAll);
        assertThat(awaitReport(neighbour)).isEqualTo("100 ENOSPC 4 EMFILE");
        assertThat(sandboxes.run(greedy, "cat /proc/sys/user/max_inotify_watches /proc/sys/user/max_inotify_instances")
                .stdoutText()).isEqualTo("100\n4\n");
        release(greedy);
        release(neighbour);
    }

    @Test
    void mqOpen_pastTheCap_failsWhileTheNeighbourStillOpensOne() throws Exception {
        // Queues outlive their process, charged to the sandbox until they are unlinked. Each takes about 80 KB. With
        // the server's own limit (800 KB) the greedy sandbox would take 9, and the budget its neighbour shares.
        String openAll = """
                import ctypes, errno, os
                libc = ctypes.CDLL(None, use_errno=True)
                opened, error = 0, "none"
                while opened < 40:
                    if libc.mq_open(("/q%d" % opened).encode(), os.O_CREAT | os.O_RDWR, 0o600, None) < 0:
                        error = errno.errorcode[ctypes.get_errno()]
                        break
                    opened += 1
                print(opened, error)
                """;

        ExecResult greedyQueues = python(greedy, openAll);
        ExecResult neighbourQueues = python(neighbour, openAll);

        assertThat(greedyQueues.stdoutText()).isEqualTo("2 EMFILE\n");
        assertThat(neighbourQueues.stdoutText()).isEqualTo("2 EMFILE\n");
        python(greedy, "import ctypes\nlibc = ctypes.CDLL(None)\n"
                + "for n in range(40):\n    libc.mq_unlink(b'/q%d' % n)\n");
        python(neighbour, "import ctypes\nlibc = ctypes.CDLL(None)\n"
                + "for n in range(40):\n    libc.mq_unlink(b'/q%d' % n)\n");
    }

    /**
     * Runs {@code script} in the background of sandbox {@code id}, where it calls {@code report(text)} once and
     * then holds what it opened until {@link #release}.
     */
    private static void holdInBackground(SandboxId id, String script) throws InterruptedException {
        String program = """
                import ctypes, errno, os, signal, time
                def report(text):
                    with open("/tmp/report.tmp", "w") as out:
                        out.write(text)
                    os.rename("/tmp/report.tmp", "/tmp/report")
                    while not os.path.exists("/tmp/release"):
                        time.sleep(0.05)
                """ + script;
        ExecResult written = sandboxes.run(id, "rm -f /tmp/report /tmp/release; cat > /tmp/hold.py <<'PYTHON'\n"
                + program + "PYTHON\nsetsid python3 /tmp/hold.py </dev/null >/tmp/hold.log 2>&1 &");
        assertThat(written.exitCode()).isZero();
    }

    private static String awaitReport(SandboxId id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            ExecResult report = sandboxes.run(id, "cat /tmp/report 2>/dev/null || cat /tmp/hold.log >&2");
            return report.stdoutText();
        }, text -> !text.isEmpty());
    }

    private static void release(SandboxId id) throws InterruptedException {
        sandboxes.run(id, "touch /tmp/release");
    }

    /** All that {@code command} writes on a terminal of sandbox {@code id} (through its agent), up to its end. */
    private static String terminalOutput(SandboxId id, String command) throws IOException {
        var spec = new TerminalSpec(Optional.of(command), "/", Map.of(), TerminalSize.DEFAULT);
        try (Terminal terminal = sandboxes.runtime.openTerminal(id, spec)) {
            var output = new ByteArrayOutputStream();
            byte[] buffer = new byte[256];
            for (int n = terminal.read(buffer); n >= 0; n = terminal.read(buffer)) {
                output.write(buffer, 0, n);
            }
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    private static ExecResult python(SandboxId id, String script) throws InterruptedException {
        return sandboxes.run(id, "python3 - <<'PYTHON'\n" + script + "PYTHON\n");
    }

    private static TestRuntime start() {
        try {
            return TestRuntime.start(settings -> settings.withKernelLimits(LIMITS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
