package dev.corral.runtime.oci.network.dns;

import dev.corral.runtime.oci.network.dns.Replies.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers one client query under the client's domain policy: the forwarder's decisions, apart from the sockets.
 * Thread-safe; {@link #answer} blocks while upstreams are asked (at most the upstream budget), so it runs on a
 * virtual thread per UDP query or on the TCP connection's virtual thread.
 *
 * <p>Implementation notes. In order: a packet too short for a header, or that is itself a response, is dropped; a
 * header with an unreadable body is FORMERR; an unknown client, or one past its query rate, is REFUSED; anything
 * but one IN-class question of a standard query is FORMERR or NOTIMP (zone transfers and ANY too, which no program
 * needs and which make the largest answers). A name the policy does not allow is NXDOMAIN without an upstream
 * query. Otherwise the question, never the client's packet, is asked upstream; then the answer's CNAME chain is
 * followed from the queried name: if any target is on the deny list the answer is NXDOMAIN. Targets are checked
 * against the deny list only, not the allow list, so an allowed name served through a CDN (whose names nobody can
 * list) still resolves under {@code egress: deny}, while a deny rule cannot be got around through an alias. Only
 * the chain's records reach the client, TTLs cut to the longest pin; the A and AAAA addresses at its end are
 * pinned (see {@link ResolvedListener}) before the answer is sent.
 */
final class PolicyResolver {
    private static final Logger log = LoggerFactory.getLogger(PolicyResolver.class);
    private static final int MAX_CHAIN = 16;
    private static final Set<Integer> REFUSED_TYPES = Set.of(Type.AXFR, Type.IXFR, Type.ANY, Type.MAILA, Type.MAILB);

    private final ClientPolicies policies;
    private final ClientQueryRates rates;
    private final UpstreamSlots slots;
    private final Upstreams upstreams;
    private final ResolvedListener listener;
    private final DnsForwarderSettings settings;

    PolicyResolver(ClientPolicies policies, ClientQueryRates rates, Upstreams upstreams, ResolvedListener listener,
            DnsForwarderSettings settings) {
        this.policies = policies;
        this.rates = rates;
        this.slots = new UpstreamSlots(settings.maxInFlight(), settings.maxInFlightPerClient());
        this.upstreams = upstreams;
        this.listener = listener;
        this.settings = settings;
    }

    /** The bytes to send back for a query packet from the client, or empty to send nothing. */
    Optional<byte[]> answer(InetAddress client, byte[] packet, Transport transport) throws InterruptedException {
        if (packet.length < Header.LENGTH) {
            return Optional.empty();
        }
        Message query;
        try {
            query = new Message(packet);
        } catch (IOException e) {
            return formatError(packet, transport);
        }
        if (query.getHeader().getFlag(Flags.QR)) {
            return Optional.empty();
        }
        Message reply = decide(client, query);
        return Optional.of(Replies.toWire(reply, query, transport, settings.maxUdpAnswerBytes()));
    }

    private Optional<byte[]> formatError(byte[] packet, Transport transport) {
        try {
            Header header = new Header(Arrays.copyOf(packet, Header.LENGTH));
            if (header.getFlag(Flags.QR)) {
                return Optional.empty();
            }
            return Optional.of(Replies.toWire(Replies.formatError(header), null, transport, settings.maxUdpAnswerBytes()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Message decide(InetAddress client, Message query) throws InterruptedException {
        Optional<DomainPolicy> policy = policies.policyFor(client);
        if (policy.isEmpty() || !rates.tryTake(client)) {
            log.debug("refused a query from {} ({})", client, policy.isEmpty() ? "unknown client" : "rate");
            return Replies.empty(query, Rcode.REFUSED);
        }
        Record question = query.getQuestion();
        if (query.getHeader().getCount(Section.QUESTION) != 1 || question == null) {
            return Replies.empty(query, Rcode.FORMERR);
        }
        if (query.getHeader().getOpcode() != Opcode.QUERY || question.getDClass() != DClass.IN
                || REFUSED_TYPES.contains(question.getType())) {
            return Replies.empty(query, Rcode.NOTIMP);
        }
        if (!policy.get().allows(labels(question.getName()))) {
            log.debug("{} may not resolve {}", client, question.getName());
            return Replies.empty(query, Rcode.NXDOMAIN);
        }
        if (!slots.tryTake(client)) {
            return Replies.empty(query, Rcode.SERVFAIL);
        }
        try {
            Optional<Message> upstream = upstreams.ask(Record.newRecord(question.getName(), question.getType(),
                    DClass.IN));
            return upstream.map(answer -> filtered(client, policy.get(), query, answer))
                    .orElseGet(() -> Replies.empty(query, Rcode.SERVFAIL));
        } finally {
            slots.release(client);
        }
    }

    /** The upstream's answer as the client may see it, its addresses pinned; NXDOMAIN if it aliases a denied name. */
    private Message filtered(InetAddress client, DomainPolicy policy, Message query, Message upstream) {
        Name queried = query.getQuestion().getName();
        Set<Name> chain = new HashSet<>(List.of(queried));
        List<Record> answers = upstream.getSection(Section.ANSWER);
        Name current = queried;
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            Optional<Name> target = cnameOf(current, answers);
            if (target.isEmpty() || !chain.add(target.get())) {
                break;
            }
            current = target.get();
            if (policy.denies(labels(current))) {
                log.debug("{} asked for {}, an alias of the denied {}", client, queried, current);
                return Replies.empty(query, Rcode.NXDOMAIN);
            }
        }
        Message reply = Replies.empty(query, upstream.getRcode());
        long maxTtl = settings.maxPinTtl().toSeconds();
        long minTtl = maxTtl;
        List<InetAddress> addresses = new ArrayList<>();
        for (Record record : answers) {
            if (chain.contains(record.getName())) {
                reply.addRecord(withTtlAtMost(record, maxTtl), Section.ANSWER);
                minTtl = Math.min(minTtl, record.getTTL());
                addressOf(record).ifPresent(addresses::add);
            }
        }
        for (Record record : upstream.getSection(Section.AUTHORITY)) {
            reply.addRecord(withTtlAtMost(record, maxTtl), Section.AUTHORITY);
        }
        if (!addresses.isEmpty()) {
            String name = queried.toString(true).toLowerCase(Locale.ROOT);
            try {
                listener.resolved(client, name, List.copyOf(addresses), settings.pinFor(Duration.ofSeconds(minTtl)));
            } catch (RuntimeException e) {
                log.warn("could not pin the addresses of {} for {}; answering SERVFAIL", name, client, e);
                return Replies.empty(query, Rcode.SERVFAIL);
            }
        }
        return reply;
    }

    private static Optional<Name> cnameOf(Name name, List<Record> answers) {
        return answers.stream()
                .filter(record -> record instanceof CNAMERecord && record.getName().equals(name))
                .map(record -> ((CNAMERecord) record).getTarget())
                .findFirst();
    }

    private static Optional<InetAddress> addressOf(Record record) {
        return switch (record) {
            case ARecord a -> Optional.of(a.getAddress());
            case AAAARecord aaaa -> Optional.of(aaaa.getAddress());
            default -> Optional.empty();
        };
    }

    private static Record withTtlAtMost(Record record, long maxTtl) {
        if (record.getTTL() <= maxTtl) {
            return record;
        }
        return Record.newRecord(record.getName(), record.getType(), record.getDClass(), maxTtl,
                record.rdataToWireCanonical());
    }

    /** A name's labels, lower case, leftmost first, without the root; a label's escapes stay, so it matches no rule. */
    static List<String> labels(Name name) {
        List<String> labels = new ArrayList<>(name.labels());
        for (int i = 0; i < name.labels(); i++) {
            String label = name.getLabelString(i);
            if (!label.isEmpty()) {
                labels.add(label.toLowerCase(Locale.ROOT));
            }
        }
        return labels;
    }
}
