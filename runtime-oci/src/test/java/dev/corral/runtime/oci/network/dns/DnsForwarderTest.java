package dev.corral.runtime.oci.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.runtime.oci.network.dns.DomainPolicy.Egress;
import dev.corral.testkit.ManualClock;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

@Timeout(60)
class DnsForwarderTest {
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    private static final DomainPolicy ALLOW_ALL = DomainPolicy.of(Egress.ALLOW, List.of(), List.of());

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicReference<Optional<DomainPolicy>> policy = new AtomicReference<>(Optional.of(ALLOW_ALL));
    private final List<Pin> pins = new CopyOnWriteArrayList<>();
    private UpstreamDnsServer upstream;
    private DnsForwarder forwarder;

    private record Pin(InetAddress client, String name, List<InetAddress> addresses, Duration ttl) {}

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = new UpstreamDnsServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (forwarder != null) {
            forwarder.close();
        }
        upstream.close();
    }

    private DnsForwarderSettings settings() {
        return DnsForwarderSettings.defaults(List.of(upstream.address())).withUpstreamTimeout(Duration.ofSeconds(3));
    }

    private void startForwarder(DnsForwarderSettings settings) {
        forwarder = DnsForwarder.start(new InetSocketAddress(CLIENT, 0), settings,
                client -> client.equals(CLIENT) ? policy.get() : Optional.empty(),
                (client, name, addresses, ttl) -> pins.add(new Pin(client, name, addresses, ttl)), clock);
    }

    private void startForwarder() {
        startForwarder(settings());
    }

    private void usePolicy(Egress egress, List<String> allow, List<String> deny) {
        policy.set(Optional.of(DomainPolicy.of(egress, allow, deny)));
    }

    private SimpleResolver client() {
        SimpleResolver resolver = new SimpleResolver(forwarder.address());
        resolver.setTimeout(Duration.ofSeconds(10));
        return resolver;
    }

    private static Message question(String name, int type) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name + "."), type, DClass.IN));
    }

    private Message ask(String name) throws IOException {
        return client().send(question(name, Type.A));
    }

    private static List<String> addresses(Message answer) {
        return answer.getSection(Section.ANSWER).stream()
                .filter(ARecord.class::isInstance)
                .map(record -> ((ARecord) record).getAddress().getHostAddress())
                .toList();
    }

    private static List<InetAddress> ips(String... texts) throws IOException {
        InetAddress[] ips = new InetAddress[texts.length];
        for (int i = 0; i < texts.length; i++) {
            ips[i] = InetAddress.getByName(texts[i]);
        }
        return List.of(ips);
    }

    /** A refused name looks like one that does not exist: NXDOMAIN, no records, nothing pinned. */
    private void assertNoSuchHost(Message answer) {
        assertThat(answer.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(answer.getSection(Section.ANSWER)).isEmpty();
        assertThat(pins).isEmpty();
    }

    @Test
    void resolve_allowedName_answersUpstreamRecordsAndPinsThem() throws IOException {
        startForwarder();

        Message answer = ask("www.example.org");

        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(addresses(answer)).containsExactly("192.0.2.10");
        assertThat(answer.getSection(Section.ANSWER).getFirst().getTTL()).isEqualTo(300);
        assertThat(pins).containsExactly(new Pin(CLIENT, "www.example.org", ips("192.0.2.10"), Duration.ofSeconds(300)));
        assertThat(upstream.questions()).containsExactly("www.example.org A");
    }

    @Test
    void resolve_aaaaAnswer_isPinnedToo() throws IOException {
        startForwarder();

        Message answer = client().send(question("v6.example.org", Type.AAAA));

        assertThat(answer.getSection(Section.ANSWER)).hasSize(1);
        assertThat(pins).containsExactly(new Pin(CLIENT, "v6.example.org", ips("2001:db8::6"), Duration.ofSeconds(300)));
    }

    @Test
    void resolve_ttlOutsidePinRange_pinIsClampedAndAnswerTtlCut() throws IOException {
        startForwarder();

        ask("short.example.org");
        Message longLived = ask("long.example.org");

        assertThat(pins).extracting(Pin::ttl).containsExactly(Duration.ofSeconds(5), Duration.ofHours(1));
        assertThat(longLived.getSection(Section.ANSWER).getFirst().getTTL()).isEqualTo(3600);
    }

    @Test
    void resolve_deniedName_nxdomainWithoutUpstreamQuery() throws IOException {
        usePolicy(Egress.ALLOW, List.of(), List.of("example.com"));
        startForwarder();

        assertNoSuchHost(ask("EXAMPLE.com"));
        assertThat(upstream.questions()).isEmpty();
    }

    @Test
    void resolve_wildcardRule_allowsSubdomainsButNotTheApex() throws IOException {
        usePolicy(Egress.DENY, List.of("*.example.org"), List.of());
        startForwarder();

        assertThat(addresses(ask("www.example.org"))).containsExactly("192.0.2.10");
        assertThat(addresses(ask("deep.sub.example.org"))).containsExactly("192.0.2.12");
        assertThat(ask("example.org").getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(upstream.questions()).containsExactly("www.example.org A", "deep.sub.example.org A");
    }

    @Test
    void resolve_egressDenyWithAllowList_resolvesOnlyListedNames() throws IOException {
        usePolicy(Egress.DENY, List.of("api.example.org"), List.of());
        startForwarder();

        assertThat(addresses(ask("api.example.org"))).containsExactly("192.0.2.11");
        assertThat(ask("www.example.org").getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask("example.com").getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(upstream.questions()).containsExactly("api.example.org A");
    }

    @Test
    void resolve_unknownClient_refusedWithoutUpstreamQuery() throws IOException {
        policy.set(Optional.empty());
        startForwarder();

        assertThat(ask("www.example.org").getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(upstream.questions()).isEmpty();
    }

    @Test
    void resolve_cnameToDeniedName_nxdomainAndNothingPinned() throws IOException {
        usePolicy(Egress.ALLOW, List.of(), List.of("*.evil.example"));
        startForwarder();

        assertNoSuchHost(ask("sneaky.example.org"));
        assertThat(upstream.questions()).containsExactly("sneaky.example.org A");
    }

    @Test
    void resolve_allowedAliasOfUnlistedName_followsChainAndPinsUnderTheQueriedName() throws IOException {
        usePolicy(Egress.DENY, List.of("alias.example.org"), List.of("*.evil.example"));
        startForwarder();

        Message answer = ask("alias.example.org");

        assertThat(answer.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME, Type.A);
        assertThat(pins).containsExactly(new Pin(CLIENT, "alias.example.org", ips("192.0.2.10"), Duration.ofSeconds(60)));
    }

    @Test
    void resolve_upstreamSilent_servfailWithinTheTimeout() throws Exception {
        try (var silent = DatagramChannel.open().bind(new InetSocketAddress(CLIENT, 0))) {
            InetSocketAddress silentAddress = (InetSocketAddress) silent.getLocalAddress();
            startForwarder(DnsForwarderSettings.defaults(List.of(silentAddress))
                    .withUpstreamTimeout(Duration.ofMillis(300)));

            long started = System.nanoTime();
            Message answer = ask("www.example.org");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(answer.getRcode()).isEqualTo(Rcode.SERVFAIL);
            // The issue asks for SERVFAIL within the upstream timeout: 300 ms here, checked with room for a loaded
            // machine but well below the client's own 10 s timeout, which a missing answer would have hit.
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            assertThat(pins).isEmpty();
        }
    }

    @Test
    void resolve_firstUpstreamSilent_secondAnswersWithinTheBudget() throws Exception {
        try (var silent = DatagramChannel.open().bind(new InetSocketAddress(CLIENT, 0))) {
            startForwarder(DnsForwarderSettings.defaults(List.of((InetSocketAddress) silent.getLocalAddress(),
                    upstream.address())).withUpstreamTimeout(Duration.ofSeconds(2)));

            assertThat(addresses(ask("www.example.org"))).containsExactly("192.0.2.10");
        }
    }

    @Test
    void resolve_overTcp_answers() throws IOException {
        startForwarder();
        SimpleResolver tcp = client();
        tcp.setTCP(true);

        Message answer = tcp.send(question("www.example.org", Type.A));

        assertThat(addresses(answer)).containsExactly("192.0.2.10");
    }

    @Test
    void resolve_answerTooBigForUdp_truncatedThenServedWholeOverTcp() throws IOException {
        startForwarder();
        SimpleResolver udpOnly = client();
        udpOnly.setIgnoreTruncation(true);

        Message truncated = udpOnly.send(question("big.example.org", Type.A));
        Message whole = client().send(question("big.example.org", Type.A));

        assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(addresses(whole)).hasSize(UpstreamDnsServer.BIG_COUNT);
        assertThat(upstream.tcpQuestions()).contains("big.example.org A");
        assertThat(pins.getLast().addresses()).hasSize(UpstreamDnsServer.BIG_COUNT);
    }

    @Test
    void resolve_anyQuery_notImplemented() throws IOException {
        startForwarder();

        assertThat(client().send(question("www.example.org", Type.ANY)).getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(upstream.questions()).isEmpty();
    }

    @Test
    void resolve_pastTheClientsRate_refusedUntilItRefills() throws IOException {
        startForwarder(settings().withQueryRate(1, 3));

        for (int i = 0; i < 3; i++) {
            assertThat(ask("www.example.org").getRcode()).isEqualTo(Rcode.NOERROR);
        }
        assertThat(ask("www.example.org").getRcode()).isEqualTo(Rcode.REFUSED);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ask("www.example.org").getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(upstream.questions()).hasSize(4);
    }

    @Test
    void connect_pastTheTcpConnectionLimit_closedAtOnce() throws IOException {
        startForwarder(settings().withTcpLimits(1, Duration.ofSeconds(30)));

        try (Socket first = connect(); Socket second = connect()) {
            assertThat(second.getInputStream().read()).isEqualTo(-1);
            assertThat(addresses(queryOver(first, "www.example.org"))).containsExactly("192.0.2.10");
        }
    }

    @Test
    void connect_idleTcpConnection_closedByTheServer() throws IOException {
        startForwarder(settings().withTcpLimits(4, Duration.ofMillis(200)));

        try (Socket idle = connect()) {
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(forwarder.address().getAddress(), forwarder.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static Message queryOver(Socket socket, String name) throws IOException {
        byte[] query = question(name, Type.A).toWire();
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeShort(query.length);
        out.write(query);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] reply = new byte[in.readUnsignedShort()];
        in.readFully(reply);
        return new Message(reply);
    }

    @Test
    void receive_malformedPackets_formerrOrDroppedAndServerKeepsServing() throws IOException {
        startForwarder();
        byte[] headerWithoutItsQuestion = Arrays.copyOf(question("www.example.org", Type.A).toWire(), 12);
        ByteBuffer.wrap(headerWithoutItsQuestion).putShort(0, (short) 0x1234);
        byte[] response = question("www.example.org", Type.A).toWire();
        response[2] |= (byte) 0x80;

        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(CLIENT, 0))) {
            socket.setSoTimeout(10_000);
            send(socket, new byte[] {1, 2, 3});
            send(socket, new byte[5000]);
            send(socket, response);
            send(socket, headerWithoutItsQuestion);

            Message reply = receive(socket);
            assertThat(reply.getHeader().getID()).isEqualTo(0x1234);
            assertThat(reply.getRcode()).isEqualTo(Rcode.FORMERR);
        }
        assertThat(addresses(ask("www.example.org"))).containsExactly("192.0.2.10");
    }

    private void send(DatagramSocket socket, byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, forwarder.address()));
    }

    /** The first reply the forwarder sends; a dropped packet sends none, so this is the FORMERR's. */
    private static Message receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the forwarder sent no reply", e);
        }
        return new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
    }
}
