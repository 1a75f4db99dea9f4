package dev.corral.runtime.oci.agent;

import java.nio.charset.StandardCharsets;

/**
 * One frame on the agent's socket (docs/GUEST-PROTOCOL.md, "Framing"): a type byte and a payload.
 *
 * @param payload the frame's own bytes; nobody else writes them
 */
public record GuestFrame(byte type, byte[] payload) {
    /** The header: the type byte and the payload's length as an unsigned 32-bit big-endian number. */
    public static final int HEADER_BYTES = 5;
    /** The largest payload the client sends. */
    public static final int MAX_CLIENT_PAYLOAD = 1 << 20;
    /** The largest payload the agent sends. */
    public static final int MAX_AGENT_PAYLOAD = 64 << 10;

    public static final byte REQUEST = 'Q';
    public static final byte STDIN = 'i';
    public static final byte STDIN_END = 'I';
    public static final byte DATA = 'd';
    public static final byte COMMIT = 'D';
    public static final byte RESIZE = 'z';
    public static final byte SIGNAL = 'k';
    public static final byte STARTED = 's';
    public static final byte STDOUT = 'o';
    public static final byte STDERR = 'e';
    public static final byte EXITED = 'x';
    public static final byte ENTRY = 'n';
    public static final byte WATCH_EVENT = 'w';
    public static final byte DONE = 'r';
    public static final byte FAILED = 'f';

    public static GuestFrame of(byte type, GuestFields fields) {
        return new GuestFrame(type, fields.encode());
    }

    /** The payload read as fields, for control frames. */
    public GuestFields fields() {
        return GuestFields.decode(payload);
    }

    @Override
    public String toString() {
        return "'" + (char) type + "' " + (type == DATA || type == STDOUT || type == STDERR || type == STDIN
                ? payload.length + " bytes" : new String(payload, StandardCharsets.UTF_8).replace('\0', ' '));
    }
}
