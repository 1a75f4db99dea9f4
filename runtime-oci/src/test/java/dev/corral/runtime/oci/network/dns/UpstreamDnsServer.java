package dev.corral.runtime.oci.network.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server for tests, on 127.0.0.1 (UDP and TCP, one random port), built with dnsjava. It
 * answers from fixed records, follows CNAMEs within them, truncates UDP answers to what the query offers, and
 * records every question it gets. A platform thread receives UDP, another accepts TCP, and each connection is
 * served on a virtual thread; closing closes them all. Public for the runtime's network tests, which add A records
 * of their own.
 */
public final class UpstreamDnsServer implements AutoCloseable {
    static final int BIG_COUNT = 120;

    private final List<Record> records = new ArrayList<>();
    private final List<String> questions = new CopyOnWriteArrayList<>();
    private final List<String> tcpQuestions = new CopyOnWriteArrayList<>();
    private final DatagramChannel udp;
    private final ServerSocket tcp;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Thread udpThread;
    private final Thread tcpThread;

    UpstreamDnsServer() throws IOException {
        this(Map.of());
    }

    /** With an A record (TTL 60) besides the fixed ones for each name (without the trailing dot) and address. */
    public UpstreamDnsServer(Map<String, String> extra) throws IOException {
        for (Map.Entry<String, String> record : extra.entrySet()) {
            a(record.getKey() + ".", 60, record.getValue());
        }
        a("www.example.org.", 300, "192.0.2.10");
        a("example.org.", 300, "192.0.2.1");
        a("api.example.org.", 300, "192.0.2.11");
        a("deep.sub.example.org.", 300, "192.0.2.12");
        a("example.com.", 300, "192.0.2.20");
        a("short.example.org.", 1, "192.0.2.13");
        a("long.example.org.", 86_400, "192.0.2.14");
        records.add(new AAAARecord(name("v6.example.org."), DClass.IN, 300, InetAddress.getByName("2001:db8::6")));
        cname("alias.example.org.", 60, "www.example.org.");
        cname("sneaky.example.org.", 60, "tracker.evil.example.");
        a("tracker.evil.example.", 300, "192.0.2.66");
        for (int i = 0; i < BIG_COUNT; i++) {
            a("big.example.org.", 30, "198.51.100." + (i + 1));
        }
        // As the forwarder binds: a random UDP port may be taken for TCP, which is then tried again.
        var sockets = DnsForwarder.bindBoth(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp = sockets.udp();
        tcp = sockets.tcp();
        udpThread = Thread.ofPlatform().name("upstream-dns-udp").daemon().start(this::serveUdp);
        tcpThread = Thread.ofPlatform().name("upstream-dns-tcp").daemon().start(this::serveTcp);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort());
    }

    /** Every question asked, as "name type", names lower case without the trailing dot. */
    public List<String> questions() {
        return questions;
    }

    /** The questions asked over TCP. */
    List<String> tcpQuestions() {
        return tcpQuestions;
    }

    private void serveUdp() {
        ByteBuffer buffer = ByteBuffer.allocate(65_535);
        while (udp.isOpen()) {
            try {
                buffer.clear();
                var client = udp.receive(buffer);
                Message query = new Message(Arrays.copyOf(buffer.array(), buffer.position()));
                OPTRecord opt = query.getOPT();
                int limit = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
                udp.send(ByteBuffer.wrap(answer(query, false).toWire(limit)), client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                connections.add(socket);
                Thread.ofVirtual().name("upstream-dns-connection").start(() -> serveConnection(socket));
            } catch (IOException e) {
                if (tcp.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serveConnection(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                byte[] packet = new byte[in.readUnsignedShort()];
                in.readFully(packet);
                byte[] reply = answer(new Message(packet), true).toWire(Message.MAXLENGTH);
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (EOFException e) {
            // the client closed the connection
        } catch (IOException e) {
            // closed by close(), or the client went away
        } finally {
            connections.remove(socket);
        }
    }

    private Message answer(Message query, boolean overTcp) {
        Record question = query.getQuestion();
        String asked = question.getName().toString(true).toLowerCase() + " " + Type.string(question.getType());
        questions.add(asked);
        if (overTcp) {
            tcpQuestions.add(asked);
        }
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.AA);
        reply.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) {
            reply.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        }
        Name current = question.getName();
        boolean found = false;
        for (int hop = 0; hop < 8; hop++) {
            Name target = null;
            for (Record record : records) {
                if (record.getName().equals(current)
                        && (record.getType() == question.getType() || record.getType() == Type.CNAME)) {
                    reply.addRecord(record, Section.ANSWER);
                    found = true;
                    if (record instanceof CNAMERecord cname) {
                        target = cname.getTarget();
                    }
                }
            }
            if (target == null) {
                break;
            }
            current = target;
        }
        boolean nameExists = records.stream().anyMatch(record -> record.getName().equals(question.getName()));
        reply.getHeader().setRcode(found || nameExists ? Rcode.NOERROR : Rcode.NXDOMAIN);
        return reply;
    }

    private void a(String owner, long ttl, String address) throws IOException {
        records.add(new ARecord(name(owner), DClass.IN, ttl, InetAddress.getByName(address)));
    }

    private void cname(String owner, long ttl, String target) {
        records.add(new CNAMERecord(name(owner), DClass.IN, ttl, name(target)));
    }

    private static Name name(String text) {
        return Name.fromConstantString(text);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        udp.close();
        tcp.close();
        for (Socket socket : connections) {
            socket.close();
        }
        udpThread.join();
        tcpThread.join();
    }
}
