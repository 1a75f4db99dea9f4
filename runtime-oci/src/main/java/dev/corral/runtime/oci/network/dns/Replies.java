package dev.corral.runtime.oci.network.dns;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Builds the forwarder's answers to a client's query and writes them for UDP or TCP. */
final class Replies {
    private static final int UDP_WITHOUT_EDNS = 512;

    private Replies() {}

    /** An answer with no records: the query's id, question and RD flag, the given rcode. */
    static Message empty(Message query, int rcode) {
        Message reply = new Message(query.getHeader().getID());
        Header header = reply.getHeader();
        header.setFlag(Flags.QR);
        header.setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            header.setFlag(Flags.RD);
        }
        header.setRcode(rcode);
        Record question = query.getQuestion();
        if (question != null) {
            reply.addRecord(question, Section.QUESTION);
        }
        return reply;
    }

    /** FORMERR for a packet whose header parsed but whose body did not. */
    static Message formatError(Header queryHeader) {
        Message reply = new Message(queryHeader.getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setRcode(Rcode.FORMERR);
        return reply;
    }

    /**
     * The reply's wire form. Over UDP it is cut to what the query's EDNS offers (512 bytes without EDNS), at most
     * {@code maxUdp}, with TC set when records had to go, so the client asks again over TCP; the reply then carries
     * an OPT record of its own when the query had one.
     */
    static byte[] toWire(Message reply, Message query, Transport transport, int maxUdp) {
        OPTRecord queryOpt = query == null ? null : query.getOPT();
        if (queryOpt != null && reply.getOPT() == null) {
            reply.addRecord(new OPTRecord(maxUdp, 0, 0), Section.ADDITIONAL);
        }
        if (transport == Transport.TCP) {
            return reply.toWire(Message.MAXLENGTH);
        }
        int offered = queryOpt == null ? UDP_WITHOUT_EDNS : Math.max(UDP_WITHOUT_EDNS, queryOpt.getPayloadSize());
        return reply.toWire(Math.min(offered, maxUdp));
    }

    /** How a query came, which decides how large its answer may be. */
    enum Transport {
        UDP,
        TCP
    }
}
