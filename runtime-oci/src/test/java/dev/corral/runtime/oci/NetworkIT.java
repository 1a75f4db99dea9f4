package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.plan.Bandwidth;
import dev.corral.core.sandbox.DomainRule;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.Ipv4Subnet;
import dev.corral.core.sandbox.NetworkUsage;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.runtime.oci.network.NetworkNames;
import dev.corral.runtime.oci.network.NetworkSettings;
import dev.corral.runtime.oci.network.SandboxNetworks;
import dev.corral.runtime.oci.network.dns.UpstreamDnsServer;
import dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sandboxes with a network of their own, against peers this test builds on the host: a "public" one in
 * 198.51.100.0/24 (TEST-NET-2, which the default policy allows) and a "private" one at a 10.x address that also
 * holds the metadata address 169.254.169.254, each in its own network namespace behind a veth routed by the host,
 * serving HTTP and UDP echo; plus a TCP and a UDP listener of the host itself on every host address (standing for
 * the API port: the policy drops everything from the bridge to the host, whatever the port). The public peer also
 * serves bulk transfers, to measure the bandwidth cap. ICMP is probed with an unprivileged ICMP socket, which the
 * test allows in the sandbox's namespace (the base template has no ping, sandboxes lack CAP_NET_RAW, and a
 * namespace lets no group open ICMP sockets until told to).
 */
class NetworkIT {
    private static final String PUBLIC_PEER = "198.51.100.2";
    /** A second address of the public peer, which no name in the test's DNS answers. */
    private static final String UNNAMED_PEER = "198.51.100.3";
    private static final String METADATA = "169.254.169.254";
    private static final int HTTP_PORT = 8000;
    private static final int UDP_PORT = 9000;
    private static final int DNS_PORT = 53;
    private static final int DNS_OVER_TLS_PORT = 853;
    private static final int BULK_PORT = 9100;
    /**
     * Bulk transfers on the port given as its argument: a line {@code get N} is answered with N bytes, a line
     * {@code put N} by the count of bytes that followed it once N have come (or the client closed), so a client
     * that reads that answer knows every byte went through.
     */
    private static final String BULK_SERVER = "import socket, sys, threading\n"
            + "def serve(c):\n"
            + "    with c:\n"
            + "        f = c.makefile('rb'); verb, n = f.readline().split(); n = min(int(n), 64 << 20)\n"
            + "        if verb == b'get':\n            c.sendall(bytes(n)); return\n"
            + "        got = 0\n"
            + "        while got < n:\n"
            + "            d = f.read1(65536)\n"
            + "            if not d: break\n"
            + "            got += len(d)\n"
            + "        c.sendall(b'%d\\n' % got)\n"
            + "s = socket.create_server(('0.0.0.0', int(sys.argv[1])))\n"
            + "while True:\n    c, _ = s.accept(); c.settimeout(60)\n"
            + "    threading.Thread(target=serve, args=(c,), daemon=True).start()\n";
    /** A UDP echo on the port given as its argument. */
    private static final String UDP_ECHO = "import socket, sys\n"
            + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(sys.argv[1])))\n"
            + "while True:\n    d, a = s.recvfrom(100); s.sendto(d, a)\n";

    private static final Pattern ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
    private static final String tag = randomName(5);
    private static final int octet = ThreadLocalRandom.current().nextInt(1, 250);
    /** A bridge, table and subnet of this run's own, apart from any server on the host. */
    private static final NetworkSettings network = new NetworkSettings("ct" + tag, Ipv4Subnet.parse(
            "10.231." + octet + ".0/24"), "ct" + tag);
    private static final String privatePeer = "10.77." + octet + ".2";
    private static final List<Process> servers = new ArrayList<>();
    private static final List<Runnable> cleanups = new ArrayList<>();
    private static TestRuntime sandboxes;
    private static ServerSocket hostTcp;
    private static DatagramSocket hostUdp;
    private static SandboxId sandbox;
    private static SandboxId neighbour;

    /**
     * Held for the whole class: its peers take host-wide addresses (198.51.100.0/24 and the metadata address are
     * routed to them), so a second run on the host, another engineer's or CI's, waits for this one to end.
     */
    private static java.nio.channels.FileChannel hostPeers;

    @BeforeAll
    static void startPeersAndSandboxes() throws Exception {
        hostPeers = java.nio.channels.FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"),
                "corral-networkit-peers.lock"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        hostPeers.lock(); // released when the channel closes, at the end of the class (or of the JVM)
        sandboxes = TestRuntime.start(settings -> settings.withNetwork(Optional.of(network)));
        cleanups.add(() -> run("ip", "link", "del", network.bridge()));
        cleanups.add(() -> run("nft", "delete", "table", "inet", network.table()));
        peer("p" + tag, "198.51.100.1/24", PUBLIC_PEER + "/24", List.of(UNNAMED_PEER));
        peer("q" + tag, "10.77." + octet + ".1/24", privatePeer + "/24", List.of(METADATA));
        startHostListeners();
        sandboxes.runtime.prepareNetwork();
        sandbox = create(SandboxNetwork.DEFAULT);
        neighbour = create(SandboxNetwork.DEFAULT);
        for (String peer : List.of(PUBLIC_PEER, UNNAMED_PEER, privatePeer, METADATA)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> hostReaches(peer));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> hostConnects(PUBLIC_PEER, BULK_PORT));
    }

    @AfterAll
    static void removeEverything() throws IOException {
        try {
            if (sandboxes != null) {
                sandboxes.close();
            }
        } finally {
            servers.forEach(Process::destroyForcibly);
            for (Runnable cleanup : cleanups.reversed()) {
                cleanup.run();
            }
            if (hostTcp != null) {
                hostTcp.close();
            }
            if (hostUdp != null) {
                hostUdp.close();
            }
            if (hostPeers != null) {
                hostPeers.close();
            }
        }
    }

    @Test
    void sandbox_withTheDefaultNetwork_hasEth0WithAnAddressFromTheSubnet() throws Exception {
        String address = addressOf(sandbox);

        ExecResult shown = sandboxes.run(sandbox, "hostname -I; cat /proc/net/dev; cat /proc/net/route");

        assertThat(network.subnet().contains(Ipv4Subnet.parse(address + "/32").network())).isTrue();
        assertThat(shown.stdoutText()).startsWith(address + " ").contains("eth0:", "lo:");
        assertThat(addressOf(neighbour)).isNotEqualTo(address);
    }

    @Test
    void sandbox_withTheDefaultPolicy_reachesThePublicPeerAndNothingPrivate() throws Exception {
        String bridge = Ipv4Subnet.text(network.bridgeAddress());
        try (ExecStream server = sandboxes.runtime.exec(neighbour, new ExecSpec("exec python3 -m http.server "
                + HTTP_PORT + " >/dev/null 2>&1", "/", Map.of(), ExecSpec.UNTIL_KILLED, 1024))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sandboxes.run(neighbour,
                    probe("self", "tcp", "127.0.0.1", HTTP_PORT) + "\nwait").stdoutText().contains("self open"));
            assertDefaultPolicy(bridge);
        }
    }

    private static void assertDefaultPolicy(String bridge) throws Exception {
        List<String> results = outcomes(sandboxes.runtime, sandbox,
                probe("public-tcp", "tcp", PUBLIC_PEER, HTTP_PORT),
                probe("public-udp", "udp", PUBLIC_PEER, UDP_PORT),
                probe("bridge-tcp", "tcp", bridge, hostTcp.getLocalPort()),
                probe("bridge-udp", "udp", bridge, hostUdp.getLocalPort()),
                probe("host-tcp", "tcp", hostAddress(), hostTcp.getLocalPort()),
                probe("host-udp", "udp", hostAddress(), hostUdp.getLocalPort()),
                probe("neighbour-tcp", "tcp", addressOf(neighbour), HTTP_PORT),
                probe("private-tcp", "tcp", privatePeer, HTTP_PORT),
                probe("private-udp", "udp", privatePeer, UDP_PORT),
                probe("metadata-tcp", "tcp", METADATA, HTTP_PORT),
                probe("metadata-udp", "udp", METADATA, UDP_PORT));

        assertThat(results).containsExactly("bridge-tcp closed", "bridge-udp closed",
                "host-tcp closed", "host-udp closed", "metadata-tcp closed", "metadata-udp closed",
                "neighbour-tcp closed", "private-tcp closed", "private-udp closed", "public-tcp open",
                "public-udp open");
    }

    @Test
    void icmp_withTheDefaultPolicy_reachesThePublicPeerAndNothingPrivate() throws Exception {
        String bridge = Ipv4Subnet.text(network.bridgeAddress());
        // Lets every group of the sandbox open ICMP echo sockets in its namespace: what a ping without
        // CAP_NET_RAW uses. The firewall, not this, is what the probes test.
        check("ip", "netns", "exec", namesOf(sandboxes, network, sandbox).namespace(), "sysctl", "-q", "-w",
                "net.ipv4.ping_group_range=0 2147483647");

        ExecResult pinged = sandboxes.run(sandbox, "python3 -c \"" + PINGS + "\" public " + PUBLIC_PEER
                + " bridge " + bridge + " host " + hostAddress() + " neighbour " + addressOf(neighbour)
                + " private " + privatePeer + " metadata " + METADATA);

        assertThat(pinged.stdoutText().lines().sorted().toList()).as(pinged.stderrText()).containsExactly(
                "bridge-icmp closed", "host-icmp closed", "metadata-icmp closed", "neighbour-icmp closed",
                "private-icmp closed", "public-icmp open");
    }

    /**
     * Pings each name-address pair of its arguments at once, once each, and prints "{@code name}-icmp open" when
     * an echo reply comes within 3 s, else "closed".
     */
    private static final String PINGS = "import socket, struct, sys, threading\n"
            + "def ping(name, host):\n"
            + "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP); s.settimeout(3)\n"
            + "    s.sendto(struct.pack('!BBHHH', 8, 0, 0, 0, 1) + b'corral', (host, 0))\n"
            + "    try:\n        ok = s.recv(100)[0] == 0\n"
            + "    except OSError:\n        ok = False\n"
            + "    print(name + '-icmp', 'open' if ok else 'closed', flush=True)\n"
            + "a = sys.argv[1:]\n"
            + "ts = [threading.Thread(target=ping, args=(a[i], a[i + 1])) for i in range(0, len(a), 2)]\n"
            + "[t.start() for t in ts]; [t.join() for t in ts]\n";

    @Test
    void transfers_ofACappedSandbox_goNearItsBandwidthAndAreCounted() throws Exception {
        // The issue asks for a per-sandbox cap, so this checks a rate. 4 MiB each way at 20 Mbit/s take about
        // 1.7 s; unshaped, a veth carries them in a few ms. Every byte is through the shaper when the clock stops
        // (the download's last byte read, the upload's count answered by the peer), so only the 32 KiB bucket can
        // make a transfer beat the rate: at most 1 % here. The bounds are generous: above 1.2 times the cap is no
        // cap; below a third of it, something other than the shaper (two busy cores) held it back, or the shaper
        // is far too strict.
        var cap = Bandwidth.ofMegabits(20);
        SandboxId capped = SandboxId.random();
        sandboxes.runtime.create(new SandboxSpec(capped, MmdebstrapTemplateBuilder.BASE, Map.of(), List.of(),
                TestRuntime.SMALL, SandboxNetwork.DEFAULT, cap));
        try {
            NetworkUsage before = sandboxes.runtime.networkUsage(capped).orElseThrow();
            NetworkUsage totalBefore = sandboxes.runtime.networkTotals();
            int bytes = 4 << 20;

            ExecResult measured = sandboxes.run(capped, "python3 -c \"" + TRANSFERS + "\" " + PUBLIC_PEER + " "
                    + BULK_PORT + " " + bytes);

            List<String> words = List.of(measured.stdoutText().strip().split(" "));
            assertThat(words).as(measured.stdoutText() + measured.stderrText()).hasSize(4);
            assertThat(Long.parseLong(words.get(0))).isEqualTo(bytes);
            assertThat(Long.parseLong(words.get(2))).isEqualTo(bytes);
            double downloaded = bytes / Double.parseDouble(words.get(1));
            double uploaded = bytes / Double.parseDouble(words.get(3));
            assertThat(downloaded).as("download bytes/s").isBetween(cap.bytesPerSecond() / 3.0,
                    cap.bytesPerSecond() * 1.2);
            assertThat(uploaded).as("upload bytes/s").isBetween(cap.bytesPerSecond() / 3.0,
                    cap.bytesPerSecond() * 1.2);
            NetworkUsage after = sandboxes.runtime.networkUsage(capped).orElseThrow();
            assertThat(after.bytesIn() - before.bytesIn()).isBetween((long) bytes, bytes + (1L << 20));
            assertThat(after.bytesOut() - before.bytesOut()).isBetween((long) bytes, bytes + (1L << 20));

            sandboxes.runtime.destroy(capped);

            assertThat(sandboxes.runtime.networkUsage(capped)).isEmpty();
            NetworkUsage totalAfter = sandboxes.runtime.networkTotals();
            assertThat(totalAfter.bytesIn() - totalBefore.bytesIn()).isGreaterThanOrEqualTo(bytes);
            assertThat(totalAfter.bytesOut() - totalBefore.bytesOut()).isGreaterThanOrEqualTo(bytes);
        } finally {
            sandboxes.runtime.destroy(capped);
        }
    }

    /**
     * Downloads then uploads N bytes from the bulk server at host:port (its arguments) and prints the bytes and
     * seconds of each: "downloaded seconds uploaded seconds".
     */
    private static final String TRANSFERS = "import socket, sys, time\n"
            + "host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])\n"
            + "s = socket.create_connection((host, port), 5); s.settimeout(30)\n"
            + "t = time.monotonic(); s.sendall(b'get %d\\n' % n); got = 0\n"
            + "while got < n:\n"
            + "    d = s.recv(65536)\n"
            + "    if not d: break\n"
            + "    got += len(d)\n"
            + "down = time.monotonic() - t; s.close()\n"
            + "s = socket.create_connection((host, port), 5); s.settimeout(30)\n"
            + "t = time.monotonic(); s.sendall(b'put %d\\n' % n + bytes(n)); sent = int(s.makefile().readline())\n"
            + "print(got, down, sent, time.monotonic() - t)\n";

    @Test
    void sandboxes_withPoliciesOfTheirOwn_reachWhatTheyAllowAndNeverTheHost() throws Exception {
        String bridge = Ipv4Subnet.text(network.bridgeAddress());
        // Everything denied but TEST-NET-2, and the sandbox subnet, which opens neither the host nor a sandbox.
        SandboxId onlyPublic = create(SandboxNetwork.withPolicy(new EgressPolicy(false, List.of(
                Ipv4Subnet.parse("198.51.100.0/24"), network.subnet()), List.of())));
        // The internet but the public peer, and the private peer besides.
        SandboxId privateToo = create(SandboxNetwork.withPolicy(new EgressPolicy(true, List.of(
                Ipv4Subnet.parse(privatePeer + "/32")), List.of(Ipv4Subnet.parse(PUBLIC_PEER + "/32")))));

        List<String> first = outcomes(sandboxes.runtime, onlyPublic,
                probe("public-tcp", "tcp", PUBLIC_PEER, HTTP_PORT), probe("public-udp", "udp", PUBLIC_PEER, UDP_PORT),
                probe("private-tcp", "tcp", privatePeer, HTTP_PORT),
                probe("bridge-tcp", "tcp", bridge, hostTcp.getLocalPort()));
        List<String> second = outcomes(sandboxes.runtime, privateToo,
                probe("public-tcp", "tcp", PUBLIC_PEER, HTTP_PORT), probe("private-tcp", "tcp", privatePeer, HTTP_PORT),
                probe("private-udp", "udp", privatePeer, UDP_PORT), probe("metadata-tcp", "tcp", METADATA, HTTP_PORT));

        assertThat(first).containsExactly("bridge-tcp closed", "private-tcp closed",
                "public-tcp open", "public-udp open");
        assertThat(second).containsExactly("metadata-tcp closed", "private-tcp open",
                "private-udp open", "public-tcp closed");
        sandboxes.runtime.destroy(onlyPublic);
        sandboxes.runtime.destroy(privateToo);
        assertThat(nftTable()).doesNotContain("jump sandbox_");
    }

    @Test
    void sandbox_withTheDefaultPolicy_resolvesThroughTheForwarderAndReachesNoOtherResolver() throws Exception {
        String bridge = Ipv4Subnet.text(network.bridgeAddress());
        await().atMost(Duration.ofSeconds(20)).until(() -> hostReaches(PUBLIC_PEER, DNS_OVER_TLS_PORT));

        ExecResult resolved = sandboxes.run(sandbox, "cat /etc/resolv.conf; timeout 20 getent hosts deb.debian.org");
        List<String> others = outcomes(sandboxes.runtime, sandbox,
                probe("peer-dns-udp", "udp", PUBLIC_PEER, DNS_PORT),
                probe("peer-dns-tcp", "tcp", PUBLIC_PEER, DNS_PORT),
                probe("peer-dot-tcp", "tcp", PUBLIC_PEER, DNS_OVER_TLS_PORT),
                probe("peer-http-tcp", "tcp", PUBLIC_PEER, HTTP_PORT));
        ExecResult rewritten = sandboxes.run(sandbox, "echo 'nameserver " + PUBLIC_PEER + "' > /etc/resolv.conf");

        assertThat(resolved.stdoutText()).startsWith("nameserver " + bridge + "\n").contains(" deb.debian.org");
        assertThat(others).containsExactly("peer-dns-tcp closed", "peer-dns-udp closed", "peer-dot-tcp closed",
                "peer-http-tcp open");
        assertThat(rewritten.exitCode()).isNotZero();
    }

    @Test
    void sandbox_withTheDefaultPolicy_installsPackagesWithAptAndNpm() throws Exception {
        // The "Done when": Debian's mirror and the npm registry through the forwarder and NAT, in one
        // sandbox so the package lists are fetched once. Node.js comes from Debian (a dozen packages) and npm from
        // the registry itself: Debian's npm is some 350 packages, more than 5 minutes to unpack on a busy host.
        // Bounded: 5 minutes for apt's part, 2 for npm's. The package lists and Node.js need more disk than the
        // small sandboxes have.
        SandboxId installer = SandboxId.random();
        sandboxes.runtime.create(new SandboxSpec(installer, MmdebstrapTemplateBuilder.BASE, Map.of(), List.of(),
                new Resources(1, 1L << 30, 2L << 30, 256), SandboxNetwork.DEFAULT));
        try {
            ExecResult installed = sandboxes.runtime.run(installer, new ExecSpec("timeout 300 sh -c 'apt-get -q "
                    + "update && apt-get -q install -y --no-install-recommends jq nodejs' >/tmp/apt.log 2>&1; "
                    + "echo \"apt $?\"; tail -5 /tmp/apt.log; echo '{\"a\": 1}' | jq .a", "/", Map.of(),
                    Duration.ofSeconds(330), 1 << 16));
            // These machines reach the registry's HTTPS through a proxy whose certificate authority the host
            // trusts: the sandbox is given the host's public trust store, as an image made for such a network
            // would carry it. (apt fetches over HTTP and checks signatures, and needs none.)
            try (var trusted = Files.newInputStream(Path.of("/etc/ssl/certs/ca-certificates.crt"));
                 ExecStream copy = sandboxes.runtime.exec(installer, ExecSpec.of("cat > /tmp/host-ca.crt"), trusted)) {
                assertThat(ExecResult.drain(copy).exitCode()).isZero();
            }
            // npm's own package, then a package of the registry's with no dependencies, installed by that npm.
            ExecResult npm = sandboxes.runtime.run(installer, new ExecSpec("timeout 120 sh -c 'curl -sSf --cacert "
                    + "/tmp/host-ca.crt https://registry.npmjs.org/npm/-/npm-10.9.2.tgz | tar -xz -C /opt && mkdir "
                    + "-p /tmp/app && cd /tmp/app && node /opt/package/bin/npm-cli.js install --no-audit --no-fund "
                    + "--cafile /tmp/host-ca.crt is-number@7.0.0' >/tmp/npm.log 2>&1; echo \"npm $?\"; "
                    + "tail -5 /tmp/npm.log; cd /tmp/app && node -e 'console.log(require(\"is-number\")(5))'", "/",
                    Map.of(), Duration.ofSeconds(150), 1 << 16));

            assertThat(installed.stdoutText()).as(installed.stdoutText()).startsWith("apt 0\n").endsWith("\n1\n");
            assertThat(npm.stdoutText()).as(npm.stdoutText()).startsWith("npm 0\n").endsWith("\ntrue\n");
        } finally {
            sandboxes.runtime.destroy(installer);
        }
    }

    @Test
    void domainRules_underEgressDeny_letOutWhatAnAllowedNameResolvedToAndNothingElse() throws Exception {
        // A server of its own whose forwarder asks the test's DNS: peer.test and other.test name the public peer.
        var named = new NetworkSettings("cd" + tag, Ipv4Subnet.parse("10.234." + octet + ".0/24"), "cd" + tag);
        try (var upstream = new UpstreamDnsServer(Map.of("peer.test", PUBLIC_PEER, "other.test", PUBLIC_PEER))) {
            TestRuntime own = TestRuntime.start(settings -> settings.withNetwork(Optional.of(
                    named.withDnsUpstreams(List.of(upstream.address())))));
            try {
                own.runtime.prepareNetwork();
                SandboxId id = SandboxId.random();
                own.runtime.create(new SandboxSpec(id, MmdebstrapTemplateBuilder.BASE, Map.of(), List.of(),
                        TestRuntime.SMALL, SandboxNetwork.withPolicy(new EgressPolicy(false, List.of(), List.of(),
                        List.of(DomainRule.parse("peer.test")), List.of()))));

                List<String> beforeResolving = outcomes(own.runtime, id, probe("literal", "tcp", PUBLIC_PEER,
                        HTTP_PORT));
                ExecResult resolved = own.run(id, "getent hosts peer.test; getent hosts other.test; echo \"other $?\"");
                List<String> after = outcomes(own.runtime, id, probe("by-name", "tcp", "peer.test", HTTP_PORT),
                        probe("unresolved-literal", "tcp", UNNAMED_PEER, HTTP_PORT));
                String pinned = own.runner.check(List.of("nft", "list", "table", "inet", named.table()))
                        .stdoutText();

                assertThat(beforeResolving).containsExactly("literal closed");
                assertThat(resolved.stdoutText()).matches(PUBLIC_PEER.replace(".", "\\.")
                        + "\\s+peer\\.test\nother 2\n");
                assertThat(upstream.questions()).anyMatch(question -> question.startsWith("peer.test "))
                        .noneMatch(question -> question.startsWith("other.test "));
                assertThat(after).containsExactly("by-name open", "unresolved-literal closed");
                assertThat(pinned).containsPattern("set pinned_[0-9_]+ \\{[^}]*elements = \\{ "
                        + PUBLIC_PEER.replace(".", "\\.") + " timeout");
            } finally {
                closeWithItsNetwork(own, named);
            }
        }
    }

    @Test
    void changeNetwork_cutsAConnectionOpenedBeforeAndOutlivesARestart() throws Exception {
        SandboxId changing = create(SandboxNetwork.DEFAULT);
        // Connects to the peer's HTTP server (which waits for the request), then sends it once /tmp/go exists.
        String client = "python3 -c \"import socket, os, time\n"
                + "s = socket.create_connection(('" + PUBLIC_PEER + "', " + HTTP_PORT + "), 3)\n"
                + "open('/tmp/state', 'w').write('connected')\n"
                + "while not os.path.exists('/tmp/go'): time.sleep(0.05)\n"
                + "s.settimeout(3)\n"
                + "try:\n    s.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n'); r = s.recv(4)\n"
                + "except OSError:\n    r = b''\n"
                + "open('/tmp/state', 'w').write('answered' if r == b'HTTP' else 'cut')\n\"";
        try (ExecStream open = sandboxes.runtime.exec(changing, new ExecSpec(client, "/", Map.of(),
                Duration.ofSeconds(60), 1024))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sandboxes.run(changing, "cat /tmp/state 2>/dev/null")
                    .stdoutText().equals("connected"));

            sandboxes.runtime.changeNetwork(changing, new EgressPolicy(false, List.of(), List.of()));
            sandboxes.run(changing, "touch /tmp/go");

            await().atMost(Duration.ofSeconds(20)).until(() -> !sandboxes.run(changing, "cat /tmp/state")
                    .stdoutText().equals("connected"));
            assertThat(sandboxes.run(changing, "cat /tmp/state").stdoutText()).isEqualTo("cut");
        }
        var restarted = new RuncSandboxRuntime(sandboxes.settings, sandboxes.templates, sandboxes.workspaces,
                sandboxes.runner);
        restarted.removeAllExcept(sandboxes.runtime.list().keySet());
        assertThat(outcomes(restarted, changing, probe("public-tcp", "tcp", PUBLIC_PEER, HTTP_PORT)))
                .containsExactly("public-tcp closed");

        sandboxes.runtime.changeNetwork(changing, EgressPolicy.DEFAULT);

        assertThat(outcomes(sandboxes.runtime, changing, probe("public-tcp", "tcp", PUBLIC_PEER, HTTP_PORT)))
                .containsExactly("public-tcp open");
        sandboxes.runtime.destroy(changing);
    }

    @Test
    void root_inTheSandbox_cannotAddAnAddressOrARoute() throws Exception {
        // SIOCSIFADDR and SIOCADDRT: the kernel asks for CAP_NET_ADMIN over the namespace's owner, the host's
        // user namespace, before it reads the request.
        ExecResult result = sandboxes.run(sandbox, "python3 -c \"import socket, fcntl, struct\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "ifreq = struct.pack('16sH2s4s8s', b'eth0', socket.AF_INET, bytes(2), "
                + "socket.inet_aton('10.1.2.3'), bytes(8))\n"
                + "for name, request, arg in (('address', 0x8916, ifreq), ('route', 0x890B, bytes(120))):\n"
                + "    try:\n        fcntl.ioctl(s, request, arg); print(name, 'changed')\n"
                + "    except PermissionError:\n        print(name, 'refused')\n\"");

        assertThat(result.stdoutText()).isEqualTo("address refused\nroute refused\n");
    }

    @Test
    void sandbox_withNetworkNone_hasOnlyLoopbackAndNothingOnTheHost() throws Exception {
        SandboxId isolated = create(SandboxNetwork.NONE);

        ExecResult interfaces = sandboxes.run(isolated, "ls /sys/class/net");

        assertThat(interfaces.stdoutText()).isEqualTo("lo\n");
        assertThat(sandboxes.run(isolated, "cat /etc/resolv.conf").stdoutText()).doesNotContain("nameserver");
        assertThat(sandboxes.paths(isolated).networkAddress()).doesNotExist();
        assertThat(Path.of("/run/netns", network.bridge() + "-" + suffix(isolated))).doesNotExist();
        sandboxes.runtime.destroy(isolated);
    }

    @Test
    void destroy_ofANetworkedSandbox_leavesNoNamespaceVethOrRule() throws Exception {
        SandboxId doomed = create(SandboxNetwork.DEFAULT);
        String address = addressOf(doomed);
        NetworkNames names = namesOf(sandboxes, network, doomed);
        assertThat(nftAddresses(network)).contains(address);

        sandboxes.runtime.destroy(doomed);

        assertThat(Path.of("/run/netns", names.namespace())).doesNotExist();
        assertThat(Path.of("/sys/class/net", names.veth())).doesNotExist();
        assertThat(sandboxes.paths(doomed).networkNames()).doesNotExist();
        assertThat(nftAddresses(network)).doesNotContain(address);
        sandboxes.assertNothingLeftOf(doomed);
    }

    @Test
    void create_whenTheRulesCannotBeApplied_failsClosedAndLeavesNothing() throws Exception {
        // Its own bridge and table, held by another nft process with the owner flag: nobody else may change it.
        var held = new NetworkSettings("cf" + tag, Ipv4Subnet.parse("10.232." + octet + ".0/24"), "cf" + tag);
        TestRuntime other = TestRuntime.start(settings -> settings.withNetwork(Optional.of(held)));
        try {
            other.runtime.prepareNetwork();
            Process owner = new ProcessBuilder("nft", "-i").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true).start();
            try {
                owner.getOutputStream().write(("add table inet " + held.table() + " { flags owner; }\n")
                        .getBytes(StandardCharsets.US_ASCII));
                owner.getOutputStream().flush();
                await().atMost(Duration.ofSeconds(10)).until(() -> sandboxes.runner.check(List.of("nft", "list",
                        "tables")).stdoutText().contains("table inet " + held.table()));

                assertCreateFailsClosed(other, held, SandboxSpec.DEFAULT_BANDWIDTH, "nft");
            } finally {
                owner.destroyForcibly().waitFor();
            }
        } finally {
            closeWithItsNetwork(other, held);
        }
    }

    @Test
    void create_whenTheBandwidthCannotBeApplied_failsClosedAndLeavesNothing() throws Exception {
        // 10 Tbit/s: tc refuses its 10 ms bucket, over the 4 GiB a tbf can hold. With a slot ready the sandbox
        // claims it and fails at shaping it again; without one, at shaping the network made for it.
        assertCreateFailsClosed(sandboxes, network, Bandwidth.ofMegabits(10_000_000),
                "to 10000000 Mbit/s with tc (iproute2)");

        // Neither the slot it claimed nor its address is left: the rules hold the sandboxes' and the slots' only.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<Integer, NetworkNames> slots = sandboxes.runtime.networkSlots();
            var expected = new HashSet<String>();
            var namespaces = new HashSet<String>();
            slots.forEach((address, names) -> {
                expected.add(Ipv4Subnet.text(address));
                namespaces.add(names.namespace());
            });
            for (SandboxId id : sandboxes.runtime.list().keySet()) {
                if (Files.exists(sandboxes.paths(id).networkAddress())) {
                    expected.add(addressOf(id));
                    namespaces.add(namesOf(sandboxes, network, id).namespace());
                }
            }
            assertThat(nftAddresses(network)).isEqualTo(expected);
            assertThat(slotNamespaces(network)).isSubsetOf(namespaces);
        });
    }

    /**
     * Asserts that a default-policy sandbox at {@code bandwidth} cannot be created, with a {@code runtime_unavailable}
     * naming {@code cause}, and that nothing of it is left: no container, directory, namespace or veth.
     */
    private static void assertCreateFailsClosed(TestRuntime runtime, NetworkSettings settings, Bandwidth bandwidth,
                                                String cause) throws Exception {
        SandboxId refused = SandboxId.random();

        assertThatThrownBy(() -> runtime.runtime.create(new SandboxSpec(refused, MmdebstrapTemplateBuilder.BASE,
                Map.of(), List.of(), TestRuntime.SMALL, SandboxNetwork.DEFAULT, bandwidth)))
                .isInstanceOfSatisfying(CorralException.class, e ->
                        assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE))
                .hasMessageContaining(cause);
        runtime.assertNothingLeftOf(refused);
        assertThat(Path.of("/run/netns", settings.bridge() + "-" + suffix(refused))).doesNotExist();
        assertThat(Path.of("/sys/class/net", "cr" + suffix(refused))).doesNotExist();
    }

    @Test
    void prepareNetwork_aSubnetTheHostRoutesOrABridgeOfAnotherSubnet_isRefused() throws Exception {
        var overlapping = new NetworkSettings("co" + tag, Ipv4Subnet.parse("198.51.100.0/25"), "co" + tag);
        // This run's bridge, but a table of its own: the runtime's close writes its (empty) rules.
        var otherSubnet = new NetworkSettings(network.bridge(), Ipv4Subnet.parse("10.233." + octet + ".0/24"),
                "cx" + tag);

        for (NetworkSettings settings : List.of(overlapping, otherSubnet)) {
            try (TestRuntime refused = TestRuntime.start(s -> s.withNetwork(Optional.of(settings)))) {
                assertThatThrownBy(refused.runtime::prepareNetwork).as(settings.toString())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(settings == overlapping ? "overlaps the host's routes to [198.51.100.0/24"
                                : "does not hold 10.233." + octet + ".1/24");
            } finally {
                run("nft", "delete", "table", "inet", settings.table());
            }
        }
        assertThat(Path.of("/sys/class/net", overlapping.bridge())).doesNotExist();
    }

    @Test
    void aNewRuntime_overTheSameState_keepsARunningSandboxsNetwork() throws Exception {
        var restarted = new RuncSandboxRuntime(sandboxes.settings, sandboxes.templates, sandboxes.workspaces,
                sandboxes.runner);
        try {
            restarted.prepareNetwork();
            restarted.removeAllExcept(sandboxes.runtime.list().keySet());

            List<String> reached = outcomes(restarted, sandbox, probe("public-tcp", "tcp", PUBLIC_PEER,
                    HTTP_PORT), probe("private-tcp", "tcp", privatePeer, HTTP_PORT));

            assertThat(reached).containsExactly("private-tcp closed", "public-tcp open");
            assertThat(nftAddresses(network)).contains(addressOf(sandbox), addressOf(neighbour));
        } finally {
            // Its slots go; those of the runtime it restarted were removed by its start, and are not claimed.
            restarted.closeNetwork();
        }
    }

    @Test
    void aNewRuntime_removesTheSlotsNoSandboxClaimed_andKeepsAClaimedOneWorking() throws Exception {
        // A network of its own, so that its slots are this test's only.
        var own = new NetworkSettings("cn" + tag, Ipv4Subnet.parse("10.234." + octet + ".0/24"), "cn" + tag);
        TestRuntime first = TestRuntime.start(settings -> settings.withNetwork(Optional.of(own)));
        RuncSandboxRuntime restarted = null;
        try {
            first.runtime.prepareNetwork();
            awaitSlotsReady(first, own);
            SandboxId claimer = SandboxId.random();
            first.runtime.create(new SandboxSpec(claimer, MmdebstrapTemplateBuilder.BASE, Map.of(), List.of(),
                    TestRuntime.SMALL, SandboxNetwork.DEFAULT));
            NetworkNames claimed = namesOf(first, own, claimer);
            assertThat(claimed.namespace()).startsWith(own.bridge() + "-slot-");
            assertThat(first.runtime.networkSlots()).doesNotContainValue(claimed);
            awaitSlotsReady(first, own);
            // What a server that was killed leaves: a slot on the bridge that no sandbox claimed. Its address is
            // one no slot of the next server takes (they are taken from the top of the subnet).
            int leftAddress = own.subnet().address(100);
            NetworkNames left = NetworkNames.ofSlot(own.bridge(), leftAddress);
            sandboxes.runner.check(List.of("ip", "-batch", "-"), (String.join("\n",
                    "netns add " + left.namespace(),
                    "link add " + left.veth() + " type veth peer name eth0 netns " + left.namespace(),
                    "link set " + left.veth() + " master " + own.bridge()) + "\n").getBytes(StandardCharsets.UTF_8));

            restarted = new RuncSandboxRuntime(first.settings, first.templates, first.workspaces, first.runner);
            restarted.prepareNetwork();
            restarted.removeAllExcept(first.runtime.list().keySet());

            assertThat(Path.of("/run/netns", left.namespace())).doesNotExist();
            assertThat(Path.of("/sys/class/net", left.veth())).doesNotExist();
            assertThat(Path.of("/run/netns", claimed.namespace())).exists();
            assertThat(outcomes(restarted, claimer, probe("public-tcp", "tcp", PUBLIC_PEER, HTTP_PORT),
                    probe("private-tcp", "tcp", privatePeer, HTTP_PORT)))
                    .containsExactly("private-tcp closed", "public-tcp open");

            String address = Files.readString(first.paths(claimer).networkAddress()).strip();
            restarted.destroy(claimer);

            assertThat(Path.of("/run/netns", claimed.namespace())).doesNotExist();
            assertThat(Path.of("/sys/class/net", claimed.veth())).doesNotExist();
            assertThat(nftAddresses(own)).doesNotContain(address);
        } finally {
            if (restarted != null) {
                restarted.closeNetwork();
            }
            closeWithItsNetwork(first, own);
        }
        assertThat(slotNamespaces(own)).isEmpty();
    }

    /** Awaits every slot of the runtime made: its namespace and veth there, its address in the rules. */
    private static void awaitSlotsReady(TestRuntime runtime, NetworkSettings settings) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<Integer, NetworkNames> slots = runtime.runtime.networkSlots();
            assertThat(slots).hasSize(SandboxNetworks.SLOTS);
            for (var slot : slots.entrySet()) {
                assertThat(Path.of("/run/netns", slot.getValue().namespace())).exists();
                assertThat(Path.of("/sys/class/net", settings.bridge(), "brif", slot.getValue().veth())).exists();
                assertThat(nftAddresses(settings)).contains(Ipv4Subnet.text(slot.getKey()));
            }
        });
    }

    /** Closes a runtime of a test's own and removes its bridge and table. */
    private static void closeWithItsNetwork(TestRuntime runtime, NetworkSettings settings) throws IOException {
        runtime.close();
        run("ip", "link", "del", settings.bridge());
        run("nft", "delete", "table", "inet", settings.table());
    }

    /** Runs the probes at once in the sandbox and answers their lines, sorted. */
    private static List<String> outcomes(RuncSandboxRuntime runtime, SandboxId id, String... probes)
            throws InterruptedException {
        return runtime.run(id, ExecSpec.of(String.join("\n", probes) + "\nwait")).stdoutText().lines().sorted()
                .toList();
    }

    /** A shell line that prints "{@code name} open" when a request to host:port is answered, else "closed". */
    private static String probe(String name, String protocol, String host, int port) {
        String exchange = protocol.equals("tcp")
                ? "exec 3<>/dev/tcp/" + host + "/" + port + " && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && "
                        + "head -c 4 <&3 | grep -q HTTP"
                : "exec 3<>/dev/udp/" + host + "/" + port + " && printf ping >&3 && head -c 4 <&3 | grep -q ping";
        return "(timeout 3 bash -c \"" + exchange + "\" >/dev/null 2>&1 && echo '" + name + " open' || echo '"
                + name + " closed') &";
    }

    private static SandboxId create(SandboxNetwork kind) {
        SandboxId id = SandboxId.random();
        sandboxes.runtime.create(new SandboxSpec(id, MmdebstrapTemplateBuilder.BASE, Map.of(), List.of(),
                TestRuntime.SMALL, kind));
        return id;
    }

    private static String addressOf(SandboxId id) throws IOException {
        return Files.readString(sandboxes.paths(id).networkAddress()).strip();
    }

    private static String nftTable() {
        return sandboxes.runner.check(List.of("nft", "list", "table", "inet", network.table())).stdoutText();
    }

    /** The addresses in the network's set of sandboxes: its sandboxes' and its slots'. */
    private static Set<String> nftAddresses(NetworkSettings settings) {
        String set = sandboxes.runner.check(List.of("nft", "list", "set", "inet", settings.table(), "sandboxes"))
                .stdoutText();
        return ADDRESS.matcher(set.substring(set.indexOf("elements") + 1)).results().map(MatchResult::group)
                .collect(Collectors.toSet());
    }

    /** The network namespaces of the network's slots on the host, claimed or not. */
    private static List<String> slotNamespaces(NetworkSettings settings) throws IOException {
        try (Stream<Path> namespaces = Files.list(Path.of("/run/netns"))) {
            return namespaces.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith(settings.bridge() + "-slot-")).toList();
        }
    }

    /** The names of the sandbox's network: those it keeps from the slot it claimed, or those from its id. */
    private static NetworkNames namesOf(TestRuntime runtime, NetworkSettings settings, SandboxId id)
            throws IOException {
        Path kept = runtime.paths(id).networkNames();
        if (!Files.exists(kept)) {
            return new NetworkNames(settings.bridge() + "-" + suffix(id), "cr" + suffix(id));
        }
        String[] words = Files.readString(kept).strip().split(" ");
        return new NetworkNames(words[0], words[1]);
    }

    /** The host's own address on its default route's interface. */
    private static String hostAddress() {
        String route = sandboxes.runner.check(List.of("ip", "-4", "-o", "route", "get", "1.1.1.1")).stdoutText();
        List<String> words = List.of(route.strip().split("\\s+"));
        return words.get(words.indexOf("src") + 1);
    }

    /**
     * A peer in its own network namespace behind a veth whose host end holds {@code hostAddress}, serving HTTP and
     * UDP echo on every address it has ({@code peerAddress} and {@code extra}, each routed to it by the host).
     */
    private static void peer(String name, String hostAddress, String peerAddress, List<String> extra)
            throws IOException {
        String namespace = "ct-" + name;
        cleanups.add(() -> run("ip", "netns", "del", namespace));
        cleanups.add(() -> run("ip", "link", "del", name));
        check("ip", "netns", "add", namespace);
        check("ip", "link", "add", name, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        check("ip", "addr", "add", hostAddress, "dev", name);
        check("ip", "link", "set", name, "up");
        check("ip", "-n", namespace, "link", "set", "lo", "up");
        check("ip", "-n", namespace, "addr", "add", peerAddress, "dev", "eth0");
        check("ip", "-n", namespace, "link", "set", "eth0", "up");
        check("ip", "-n", namespace, "route", "add", "default", "via", hostAddress.substring(0,
                hostAddress.indexOf('/')));
        for (String address : extra) {
            check("ip", "-n", namespace, "addr", "add", address + "/32", "dev", "eth0");
            check("ip", "route", "add", address + "/32", "dev", name);
            cleanups.add(() -> run("ip", "route", "del", address + "/32"));
        }
        // HTTP and UDP echo on the ports probed, and on the DNS ports: a resolver there would answer the same way.
        for (int port : List.of(HTTP_PORT, DNS_PORT, DNS_OVER_TLS_PORT)) {
            servers.add(new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-m", "http.server",
                    Integer.toString(port)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true).start());
        }
        for (int port : List.of(UDP_PORT, DNS_PORT)) {
            servers.add(new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-c", UDP_ECHO,
                    Integer.toString(port)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true).start());
        }
        servers.add(new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-c", BULK_SERVER,
                Integer.toString(BULK_PORT)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start());
    }

    /** A TCP listener answering like HTTP and a UDP echo, on every address of the host. */
    private static void startHostListeners() throws IOException {
        hostTcp = new ServerSocket(0);
        hostUdp = new DatagramSocket(0);
        Thread.ofPlatform().daemon().name("host-tcp").start(() -> {
            while (!hostTcp.isClosed()) {
                try (Socket client = hostTcp.accept(); OutputStream out = client.getOutputStream()) {
                    out.write("HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed at the end, or a client gone
                }
            }
        });
        Thread.ofPlatform().daemon().name("host-udp").start(() -> {
            var packet = new DatagramPacket(new byte[100], 100);
            while (!hostUdp.isClosed()) {
                try {
                    hostUdp.receive(packet);
                    hostUdp.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
                } catch (IOException e) {
                    // closed at the end
                }
            }
        });
    }

    /** Whether the host itself gets an HTTP answer from the peer: its servers are up and routed. */
    private static boolean hostReaches(String address) {
        return hostReaches(address, HTTP_PORT);
    }

    private static boolean hostConnects(String address, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hostReaches(String address, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("HTTP");
        } catch (IOException e) {
            return false;
        }
    }

    private static String suffix(SandboxId id) {
        return id.value().substring(id.value().indexOf('-') + 1);
    }

    private static String randomName(int length) {
        var name = new StringBuilder();
        for (int i = 0; i < length; i++) {
            name.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return name.toString();
    }

    private static void check(String... command) {
        sandboxes.runner.check(List.of(command));
    }

    private static void run(String... command) {
        sandboxes.runner.run(List.of(command));
    }
}
