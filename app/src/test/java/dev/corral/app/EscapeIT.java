package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The escape suite: what a hostile tenant's code tries from inside a sandbox, each attempt named, counted and
 * expected to fail in one specific way (mostly the errno the kernel answers, printed by {@code escape-probe.py},
 * which makes the system calls no command-line tool makes). Then one sandbox exhausts its memory, processes, disk,
 * inodes, CPU and output while {@link FreezeProbe} checks that {@code /health} and a neighbour's exec keep
 * answering. Every attempt goes to {@code target/security/escape-<guest>.json} for {@code scripts/security-report}.
 *
 * <p>The attacker is the operator's organization (the largest plan); the neighbour is a sandbox of another
 * organization. System call numbers are x86_64's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EscapeIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    static final SecurityResults results = new SecurityResults("escape");
    static final String PROBE = "python3 /tmp/probe.py ";
    /** The neighbour's marks, which the attacker looks for. */
    static final String NEIGHBOUR_SLEEP = "sleep 4242";
    static final int NEIGHBOUR_PORT = 7777;
    /**
     * A write to a read-only mount of files the host's root owns: the sandbox's root is not their owner (they map
     * to no id inside) and lacks CAP_DAC_OVERRIDE over them, so the permission check (EACCES) may answer before the
     * read-only mount does (EROFS); either is the refusal.
     */
    static final String READ_ONLY = "EROFS|EACCES";

    static FilesApi attacker;
    static FilesApi neighbour;
    static Path hostMarker;
    static String hostSecret;

    @BeforeAll
    static void start() throws IOException {
        attacker = FilesApi.create(corral.admin, "256MB");
        neighbour = FilesApi.create(corral.newOrganization("team"), "256MB");
        try (InputStream probe = EscapeIT.class.getResourceAsStream("escape-probe.py")) {
            attacker.write("/tmp/probe.py", probe.readAllBytes());
        }
        hostSecret = "corral-host-secret-" + System.nanoTime();
        hostMarker = Files.writeString(Files.createTempFile("corral-escape-marker-", ".txt"), hostSecret);
        background(neighbour, NEIGHBOUR_SLEEP);
        background(neighbour, "python3 -c 'import socket,time; s=socket.socket(socket.AF_UNIX);"
                + " s.bind(\"\\0corral-neighbour\"); s.listen(); t=socket.create_server((\"0.0.0.0\", "
                + NEIGHBOUR_PORT + ")); time.sleep(600)'");
        neighbour.exec("ipcmk -M 4096 && ipcmk -Q");
        await().atMost(Duration.ofSeconds(30)).until(() -> neighbour.execOut(
                "cat /proc/net/unix | grep -c '@corral-neighbour' || true").strip().equals("1"));
    }

    @AfterAll
    static void writeResults() throws IOException {
        results.write();
        if (hostMarker != null) {
            Files.deleteIfExists(hostMarker);
        }
    }

    @Test
    @Order(1)
    void attempts_fromInsideASandbox_allFailTheExpectedWay() throws IOException {
        List<EscapeAttempt> attempts = catalogue();
        for (EscapeAttempt attempt : attempts) {
            results.record(attempt.run());
        }

        assertThat(attempts.stream().map(EscapeAttempt::name).distinct()).as("unique names").hasSize(attempts.size());
        assertThat(attempts).as("attempts").hasSizeGreaterThanOrEqualTo(60);
        assertThat(results.failures()).as("attempts that did not fail the expected way").isEmpty();
        assertThat(Files.readString(hostMarker)).as("the host's file").isEqualTo(hostSecret);
    }

    @Test
    @Order(2)
    void exhaustion_ofOneSandbox_leavesHealthAndTheNeighbourAnswering() {
        var exhausted = new ArrayList<SecurityResults.Attempt>();
        try (var probe = new FreezeProbe(corral.admin, neighbour)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.answered() >= 2);
            for (EscapeAttempt attempt : exhaustion()) {
                exhausted.add(results.record(probe.during(attempt)));
            }
            assertThat(probe.answered()).as("probe answers during the exhaustion").isPositive();
        }
        assertThat(exhausted.stream().filter(attempt -> !attempt.passed()).map(attempt -> attempt.name() + ": got "
                + attempt.result())).as("exhaustion that was not contained").isEmpty();
    }

    /** Everything but exhaustion, with the host's own names filled in. */
    private static List<EscapeAttempt> catalogue() {
        String data = corral.dataDir.toString();
        String port = Integer.toString(corral.server.port());
        String serverPid = Long.toString(ProcessHandle.current().pid());
        String hostIp = hostAddress();
        String marker = hostMarker.toString();
        String gateway = attacker.execOut("awk '$2 == \"00000000\" {print $3}' /proc/net/route").strip();
        gateway = gateway.isEmpty() ? "absent" : hexAddress(gateway);
        String neighbourAddress = neighbour.execOut("hostname -I").strip();
        String neighbourDir = data + "/runtime/" + neighbour.sandbox();
        var all = new ArrayList<EscapeAttempt>();

        if (TestCorral.GUEST.equals("agent")) {
            // the agent's binary and process exist only with guest: agent
            probe(all, "hardlink-agent", "links", "hard-link the agent's binary bound from the host",
                    "link /.corral/bin/corral-guest /tmp/agent-link", "EXDEV");
            probe(all, "write-agent", "links", "write the agent's binary", "write /.corral/bin/corral-guest",
                    READ_ONLY);
            shell(all, "ptrace-agent", "ptrace", "ptrace(PTRACE_ATTACH) the agent",
                    PROBE + "sys ptrace 16 $(pidof corral-guest | cut -d' ' -f1) 0 0", "EPERM");
        }

        // /proc, /sys and /dev
        probe(all, "proc-sysrq-trigger", "proc", "write /proc/sysrq-trigger", "write /proc/sysrq-trigger",
                "EROFS|ENOENT");
        probe(all, "proc-sys-core-pattern", "proc", "write /proc/sys/kernel/core_pattern (a host-wide helper)",
                "write /proc/sys/kernel/core_pattern", READ_ONLY);
        probe(all, "proc-sys-drop-caches", "proc", "write /proc/sys/vm/drop_caches", "write /proc/sys/vm/drop_caches",
                READ_ONLY);
        probe(all, "proc-sys-ip-forward", "proc", "write /proc/sys/net/ipv4/ip_forward",
                "write /proc/sys/net/ipv4/ip_forward", READ_ONLY);
        probe(all, "proc-kcore", "proc", "read /proc/kcore (the host's memory)", "read /proc/kcore", "ENOENT|empty");
        probe(all, "proc-keys", "proc", "read /proc/keys (masked)", "read /proc/keys", "empty");
        probe(all, "proc-timer-list", "proc", "read /proc/timer_list (masked)", "read /proc/timer_list", "empty");
        probe(all, "proc-kmsg", "proc", "read /proc/kmsg (the host's kernel log)", "read /proc/kmsg", "EACCES|EPERM");
        probe(all, "syslog-read", "proc", "syslog(SYSLOG_ACTION_READ_ALL)", "sys syslog 3 0 0", "EPERM");
        shell(all, "dmesg", "proc", "dmesg", "dmesg 2>&1 | head -1", ".*Operation not permitted.*");
        probe(all, "sys-uevent-helper", "sys", "write /sys/kernel/uevent_helper (runs as host root)",
                "write /sys/kernel/uevent_helper", "EROFS|ENOENT");
        probe(all, "sys-power-state", "sys", "write /sys/power/state", "write /sys/power/state", "EROFS|ENOENT");
        probe(all, "sys-firmware", "sys", "list /sys/firmware (masked)", "list /sys/firmware", "empty|ENOENT");
        shell(all, "cgroup-memory-limit", "sys", "raise its own memory limit in the cgroup filesystem",
                cgroupWrite("memory.max", "memory/memory.limit_in_bytes"), READ_ONLY);
        shell(all, "cgroup-pids-limit", "sys", "raise its own process limit in the cgroup filesystem",
                cgroupWrite("pids.max", "pids/pids.max"), READ_ONLY);
        probe(all, "mknod-block", "dev", "mknod a block device of the host's disk (8:0)", "mknod /tmp/sda b 8 0",
                "EPERM");
        probe(all, "mknod-mem", "dev", "mknod /dev/mem's character device (1:1)", "mknod /tmp/mem c 1 1", "EPERM");
        probe(all, "dev-mem", "dev", "read /dev/mem", "read /dev/mem", "ENOENT");
        probe(all, "dev-kmsg", "dev", "read /dev/kmsg", "read /dev/kmsg", "ENOENT");
        probe(all, "dev-port", "dev", "read /dev/port", "read /dev/port", "ENOENT");

        // links out of the sandbox
        probe(all, "hardlink-init", "links", "hard-link the host's init binary bound into the sandbox",
                "link /sbin/corral-init /tmp/init-link", "EXDEV");
        probe(all, "hardlink-host-marker", "links", "hard-link a host file by its host path",
                "link " + marker + " /tmp/marker-link", "ENOENT");
        probe(all, "write-init", "links", "write the host's init binary", "write /sbin/corral-init", READ_ONLY);
        shell(all, "proc-root-climb", "links", "read a host file through /proc/self/root/../..",
                "cat /proc/self/root/../../.." + marker + " 2>&1", ".*No such file or directory.*");
        probe(all, "chroot-escape", "links", "the chroot escape (chroot, climb with .., chroot again) then look "
                + "for a host file", "chroot /tmp/jail " + marker, "absent");
        all.add(new EscapeAttempt("files-api-symlink-read", "links",
                "a symlink in the sandbox to a host file, then GET it through the files API", "HTTP 404",
                () -> {
                    attacker.exec("ln -sf " + marker + " /tmp/to-host");
                    return "HTTP " + attacker.get("/tmp/to-host").statusCode();
                }));
        all.add(new EscapeAttempt("files-api-symlink-write", "links",
                "a symlink in the sandbox to a host file, then PUT through it", "host file unchanged",
                () -> {
                    attacker.exec("ln -sf " + marker + " /tmp/to-host");
                    attacker.put("/tmp/to-host", "overwritten".getBytes(StandardCharsets.UTF_8));
                    return Files.readString(hostMarker).equals(hostSecret) ? "host file unchanged"
                            : "host file changed";
                }));
        all.add(new EscapeAttempt("files-api-symlink-dir", "links",
                "a symlink in the sandbox to the host's data directory, then list and read through it",
                "HTTP 404, HTTP 404", () -> {
                    attacker.exec("ln -sfn " + data + " /tmp/to-data");
                    return "HTTP " + attacker.list("/tmp/to-data", "").status() + ", HTTP "
                            + attacker.get("/tmp/to-data/corral.db").statusCode();
                }));
        all.add(new EscapeAttempt("files-api-server-proc", "links",
                "GET the server's /proc/<pid>/environ through the files API", "HTTP 404",
                () -> "HTTP " + attacker.get("/proc/" + serverPid + "/environ").statusCode()));

        // mounts
        probe(all, "mount-tmpfs", "mounts", "mount(tmpfs)", "mount none /mnt tmpfs 0", "EPERM");
        probe(all, "mount-bind-root", "mounts", "bind-mount / elsewhere", "mount / /mnt none 0x1000", "EPERM");
        probe(all, "mount-proc", "mounts", "mount a second proc", "mount proc /mnt proc 0", "EPERM");
        probe(all, "remount-proc-rw", "mounts", "remount /proc read-write", "mount none /proc none 0x20", "EPERM");
        probe(all, "umount-proc", "mounts", "umount /proc (to unmask its paths)", "umount /proc", "EPERM");
        probe(all, "umount-init", "mounts", "umount the init binary's bind mount", "umount /sbin/corral-init",
                "EPERM");
        refused(all, "mounts", "pivot_root 0 0", "fsopen 0 0", "fsmount -1 0 0", "open_tree -1 0 0",
                "move_mount -1 0 -1 0 0", "mount_setattr -1 0 0 0 0", "setns -1 0");
        shell(all, "mount-cli", "mounts", "mount -t tmpfs", "mount -t tmpfs none /mnt 2>&1 | head -1",
                ".*permission denied.*");
        shell(all, "unshare-mount", "mounts", "unshare -m, then mount", "unshare -m mount -t tmpfs none /mnt 2>&1",
                ".*Operation not permitted.*");
        shell(all, "nsenter-init", "mounts", "nsenter -t 1 -m (PID 1's mount namespace)", "nsenter -t 1 -m true 2>&1",
                ".*Operation not permitted.*");

        // modules and the kernel
        refused(all, "modules", "init_module 0 0 0", "finit_module -1 0 0", "delete_module 0 0",
                "kexec_load 0 0 0 0", "kexec_file_load -1 -1 0 0 0", "reboot 0 0 0 0", "swapon 0 0");
        refused(all, "modules", "iopl 3", "ioperm 0 1 1", "clock_settime 0 0", "settimeofday 0 0", "acct 0",
                "quotactl 0 0 0 0");

        // ptrace
        probe(all, "ptrace-init", "ptrace", "ptrace(PTRACE_ATTACH) PID 1", "sys ptrace 16 1 0 0", "EPERM");
        probe(all, "process-vm-readv", "ptrace", "process_vm_readv of PID 1", "sys process_vm_readv 1 0 0 0 0 0",
                "EPERM");
        probe(all, "process-vm-writev", "ptrace", "process_vm_writev of PID 1", "sys process_vm_writev 1 0 0 0 0 0",
                "EPERM");
        probe(all, "pidfd-getfd", "ptrace", "pidfd_getfd (steal another process's descriptor)",
                "sys pidfd_getfd -1 0 0", "EPERM");

        // network
        probe(all, "raw-socket", "network", "socket(AF_INET, SOCK_RAW)", "raw", "EPERM");
        probe(all, "packet-socket", "network", "socket(AF_PACKET)", "packet", "EPERM");
        // The sandbox has its own network: what the default policy drops answers with silence, not a refusal.
        probe(all, "api-port-host-address", "network", "connect to the API port on the host's address",
                "connect " + hostIp + " " + port, "timeout");
        probe(all, "api-port-bridge-address", "network", "connect to the API port on the bridge's address",
                "connect " + gateway + " " + port, "timeout");
        probe(all, "api-port-loopback", "network", "connect to the API port on 127.0.0.1",
                "connect 127.0.0.1 " + port, "ECONNREFUSED");
        shell(all, "api-health-curl", "network", "curl the server's /health on the host's address",
                "curl -sS -m 3 http://" + hostIp + ":" + port + "/health 2>&1", ".*(timed out|Timeout).*");
        probe(all, "metadata-address", "network", "connect to 169.254.169.254 (cloud metadata)",
                "connect 169.254.169.254 80", "timeout");
        probe(all, "neighbour-address", "network", "connect to the neighbour's listening port on its own address",
                "connect " + neighbourAddress + " " + NEIGHBOUR_PORT, "timeout");
        probe(all, "docker-socket", "network", "connect to /var/run/docker.sock", "unix /var/run/docker.sock",
                "ENOENT");

        // setuid and capabilities
        shell(all, "setuid-binary", "setuid", "a setuid-root copy of id run as uid 65534",
                "cp /usr/bin/id /tmp/suid-id && chmod 4755 /tmp/suid-id"
                        + " && setpriv --reuid=65534 --regid=65534 --clear-groups /tmp/suid-id -u", "65534");
        probe(all, "file-capability", "setuid", "set security.capability on a file", "setxattr /tmp/probe.py "
                + "security.capability", "EPERM");
        probe(all, "capset-sys-admin", "setuid", "capset asking for every capability", "capset", "EPERM");
        shell(all, "no-new-privs", "setuid", "read its own NoNewPrivs flag", "grep NoNewPrivs /proc/self/status",
                "NoNewPrivs:\\s+1");

        // namespaces
        shell(all, "unshare-user-cli", "userns", "unshare -U (a nested user namespace)", "unshare -U id 2>&1",
                ".*Operation not permitted.*");
        probe(all, "unshare-user", "userns", "unshare(CLONE_NEWUSER)", "unshare 0x10000000", "EPERM");
        probe(all, "unshare-net", "userns", "unshare(CLONE_NEWNET)", "unshare 0x40000000", "EPERM");
        probe(all, "clone-newuser", "userns", "clone(CLONE_NEWUSER)", "clone 0x10000000", "EPERM");
        probe(all, "clone3", "userns", "clone3 (whose flags seccomp cannot see)", "sys clone3 0 0", "ENOSYS");

        // kernel interfaces refused by seccomp
        refused(all, "syscalls", "keyctl 0 0 0 0 0", "add_key 0 0 0 0 0", "request_key 0 0 0 0", "bpf 0 0 0",
                "perf_event_open 0 0 -1 -1 0", "io_uring_setup 1 0", "userfaultfd 0", "open_by_handle_at -1 0 0");

        // the host
        probe(all, "host-data-dir", "host", "list the data directory by its host path", "list " + data, "ENOENT");
        probe(all, "host-database", "host", "look for corral.db by its host path", "exists " + data + "/corral.db",
                "absent");
        probe(all, "host-marker", "host", "look for a host file by its path", "exists " + marker, "absent");
        probe(all, "host-server-kill", "host", "kill(<server pid>, 0)", "kill " + serverPid + " 0", "ESRCH");
        probe(all, "host-server-environ", "host", "read /proc/<server pid>/environ", "read /proc/" + serverPid
                + "/environ", "ENOENT");
        shell(all, "host-processes", "host", "look for the host's processes in ps",
                "ps -eo comm | grep -cE '^(java|systemd|sshd|runc)$' || true", "0");

        // a neighbour sandbox
        shell(all, "neighbour-process", "neighbour", "find the neighbour's '" + NEIGHBOUR_SLEEP + "'",
                "pgrep -fc 'slee[p] 4242' || true", "0");
        probe(all, "neighbour-rootfs", "neighbour", "look for the neighbour's files by their host path",
                "exists " + neighbourDir + "/bundle/rootfs/etc/hostname", "absent");
        probe(all, "neighbour-agent-socket", "neighbour", "connect to the neighbour's agent socket by its host path",
                "unix " + neighbourDir + "/guest/agent-1.sock", "ENOENT");
        probe(all, "neighbour-abstract-socket", "neighbour", "connect to the neighbour's abstract unix socket",
                "unix @corral-neighbour", "ECONNREFUSED");
        probe(all, "neighbour-loopback-port", "neighbour", "connect to the neighbour's port on 127.0.0.1",
                "connect 127.0.0.1 " + NEIGHBOUR_PORT, "ECONNREFUSED");
        shell(all, "neighbour-sysv-ipc", "neighbour", "list the neighbour's SysV shared memory and queues",
                "ipcs -m -q | grep -c '^0x' || true", "0");
        all.add(new EscapeAttempt("neighbour-files-api", "neighbour",
                "GET the neighbour's /etc/hostname through the files API with the attacker's key", "HTTP 404",
                () -> "HTTP " + attacker.client().sendForBytes(attacker.client().request(neighbour.url("",
                        "/etc/hostname")).GET()).statusCode()));
        return all;
    }

    /**
     * One sandbox using up what it has, each with the exec's own timeout as a bound; {@link FreezeProbe} adds
     * whether {@code /health} and the neighbour kept answering meanwhile.
     */
    private static List<EscapeAttempt> exhaustion() {
        var all = new ArrayList<EscapeAttempt>();
        all.add(execAttempt("exhaust-memory", "allocate 1 GiB in a sandbox of 256 MB",
                PROBE + "memory 1024; echo exit=$?", 60_000, ".*exit=137.*|MemoryError.*"));
        all.add(new EscapeAttempt("exhaust-pids", "exhaustion",
                "a fork bomb for 8 s (the exec's timeout kills its process group)",
                "processes refused, the sandbox back to its few processes", () -> {
                    JsonNode bomb = exec(attacker, "bomb() { bomb | bomb & }; bomb 2>/dev/null; sleep 60", 8_000);
                    await().atMost(Duration.ofSeconds(60)).until(() -> count(attacker.execOut("ps -e | wc -l")) < 20);
                    return "timedOut=" + bomb.path("timedOut").asBoolean() + ", processes after: "
                            + count(attacker.execOut("ps -e | wc -l"));
                }, "timedOut=true, processes after: \\d+"));
        all.add(execAttempt("exhaust-disk", "fill its disk with dd",
                "dd if=/dev/zero of=/tmp/fill bs=1M 2>&1 | grep -o 'No space left on device'; rm -f /tmp/fill",
                120_000, "No space left on device"));
        all.add(execAttempt("exhaust-inodes", "create empty files until refused",
                PROBE + "inodes /tmp/many; rm -rf /tmp/many", 120_000, "files \\d+ ENOSPC"));
        all.add(execAttempt("exhaust-shm", "fill /dev/shm",
                "dd if=/dev/zero of=/dev/shm/fill bs=1M 2>&1 | grep -o 'No space left on device'; rm -f /dev/shm/fill",
                60_000, "No space left on device"));
        all.add(execAttempt("exhaust-cpu", "8 busy loops for 10 s in a sandbox of 1 vCPU",
                "for i in 1 2 3 4 5 6 7 8; do timeout 10 sh -c 'while :; do :; done' & done; wait; echo spun",
                60_000, "spun"));
        all.add(new EscapeAttempt("exhaust-output", "exhaustion", "print 200 MB in one exec",
                "cut at the plan's output limit", () -> {
                    JsonNode flood = exec(attacker, "yes corral | head -c 200000000", 120_000);
                    return "truncated=" + flood.path("truncated").asBoolean() + ", kept "
                            + flood.path("stdout").asText().length() + " bytes";
                }, "truncated=true, kept 10485760 bytes"));
        return all;
    }

    private static EscapeAttempt execAttempt(String name, String tried, String command, long timeoutMillis,
            String expected) {
        return new EscapeAttempt(name, "exhaustion", tried + ": " + command, expected,
                () -> output(exec(attacker, command, timeoutMillis)), expected);
    }

    /** A write to the sandbox's own cgroup file: {@code v2File} under cgroup v2, {@code v1File} under v1. */
    private static String cgroupWrite(String v2File, String v1File) {
        return "if [ -e /sys/fs/cgroup/cgroup.controllers ]; then " + PROBE + "write /sys/fs/cgroup/" + v2File
                + "; else " + PROBE + "write /sys/fs/cgroup/" + v1File + "; fi";
    }

    /** System calls the seccomp filter refuses: each one an attempt named after it, expected to answer EPERM. */
    private static void refused(List<EscapeAttempt> all, String category, String... calls) {
        for (String call : calls) {
            String syscall = call.substring(0, call.indexOf(' '));
            probe(all, syscall.replace('_', '-'), category, syscall, "sys " + call, "EPERM");
        }
    }

    private static void probe(List<EscapeAttempt> all, String name, String category, String tried, String arguments,
            String expected) {
        shell(all, name, category, tried, PROBE + arguments, expected);
    }

    private static void shell(List<EscapeAttempt> all, String name, String category, String tried, String command,
            String expected) {
        all.add(new EscapeAttempt(name, category, tried, expected,
                () -> output(exec(attacker, command, 30_000)), expected));
    }

    /** stdout and stderr of one exec, trimmed; the exit code when it printed nothing. */
    private static String output(JsonNode result) {
        String out = (result.path("stdout").asText() + result.path("stderr").asText()).strip();
        return out.isEmpty() ? "exit " + result.path("exitCode").asInt() : out;
    }

    private static JsonNode exec(FilesApi sandbox, String command, long timeoutMillis) {
        ApiResponse response = sandbox.client().post("v1/sandboxes/" + sandbox.sandbox() + "/exec",
                Map.of("command", command, "timeout", timeoutMillis));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.data();
    }

    private static void background(FilesApi sandbox, String command) {
        ApiResponse started = sandbox.client().post("v1/sandboxes/" + sandbox.sandbox() + "/exec",
                Map.of("command", command, "background", true));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
    }

    private static int count(String output) {
        return Integer.parseInt(output.strip());
    }

    /** The dotted form of an address as /proc/net/route writes it: 8 hex digits, the lowest byte first. */
    private static String hexAddress(String hex) {
        long value = Long.parseLong(hex, 16);
        return (value & 0xff) + "." + ((value >> 8) & 0xff) + "." + ((value >> 16) & 0xff) + "." + (value >> 24);
    }

    /** The host's first non-loopback IPv4 address, where a server listening on every address would answer. */
    private static String hostAddress() {
        try {
            return NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                    .map(address -> address.getHostAddress())
                    .findFirst().orElse("192.0.2.1");
        } catch (IOException e) {
            return "192.0.2.1";
        }
    }

    /**
     * One attempt: its outcome is what {@code run} observed, and it passed when that matches {@code expected}
     * whole ({@code pattern}, a regular expression).
     */
    record EscapeAttempt(String name, String category, String tried, String expected, Callable<String> outcome,
            String pattern) {
        EscapeAttempt(String name, String category, String tried, String expected, Callable<String> outcome) {
            this(name, category, tried, expected, outcome, Pattern.quote(expected));
        }

        SecurityResults.Attempt run() {
            String result;
            try {
                result = outcome.call();
            } catch (Exception | AssertionError e) {
                result = "test error: " + e;
            }
            String shown = result.length() > 300 ? result.substring(0, 300) + "..." : result;
            return new SecurityResults.Attempt(name, category, tried, expected, shown,
                    Pattern.compile(pattern, Pattern.DOTALL).matcher(result).matches());
        }
    }
}
