package dev.corral.runtime.oci.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What an exec (or an attach) sent: its `s`, its output, and its last frame (`x`, or `f` when it failed). */
record ExecOutcome(Frame started, String stdout, String stderr, int outputBytes, Frame last) {

    static ExecOutcome of(List<Frame> frames) {
        Frame started = null;
        Frame last = null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        for (Frame frame : frames) {
            switch (frame.type()) {
                case 's' -> started = frame;
                case 'o' -> out.writeBytes(frame.payload());
                case 'e' -> err.writeBytes(frame.payload());
                default -> last = frame;
            }
        }
        return new ExecOutcome(started, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                out.size() + err.size(), last);
    }

    String exit(String key) {
        return last.field(key);
    }
}
