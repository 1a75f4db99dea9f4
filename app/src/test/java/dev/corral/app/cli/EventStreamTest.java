package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    private static EventStream of(String text) {
        return new EventStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void next_namedEventsWithDataLines_comeOneAtATimeThenEnd() throws IOException {
        EventStream events = of(": a comment\nevent: stdout\ndata: {\"data\":\"hi\"}\n\n"
                + "event:exit\r\ndata: {\"exitCode\":\r\ndata: 0}\r\n\r\ndata: last");

        assertThat(events.next()).contains(new EventStream.Event("stdout", "{\"data\":\"hi\"}"));
        assertThat(events.next()).contains(new EventStream.Event("exit", "{\"exitCode\":\n0}"));
        assertThat(events.next()).isEmpty();
    }

    @Test
    void next_lineOverTheLimit_failsInsteadOfGrowing() {
        EventStream events = of("data: " + "x".repeat(EventStream.MAX_LINE_BYTES) + "\n\n");

        assertThatThrownBy(events::next).isInstanceOf(IOException.class).hasMessageContaining("MiB");
    }
}
