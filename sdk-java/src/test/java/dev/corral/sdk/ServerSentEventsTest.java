package dev.corral.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    private static ServerSentEvents of(String text) {
        return new ServerSentEvents(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void next_namedEventsWithDataLines_comeOneAtATimeThenEnd() throws IOException {
        ServerSentEvents events = of(": a comment\nevent: stdout\ndata: {\"data\":\"hi\"}\n\n"
                + "event:exit\r\ndata: {\"exitCode\":\r\ndata: 0}\r\n\r\ndata: last");

        assertThat(events.next()).contains(new ServerSentEvents.Event("stdout", "{\"data\":\"hi\"}"));
        assertThat(events.next()).contains(new ServerSentEvents.Event("exit", "{\"exitCode\":\n0}"));
        assertThat(events.next()).isEmpty();
    }

    @Test
    void next_lineOverTheLimit_failsInsteadOfGrowing() {
        ServerSentEvents events = of("data: " + "x".repeat(ServerSentEvents.MAX_LINE_BYTES) + "\n\n");

        assertThatThrownBy(events::next).isInstanceOf(IOException.class).hasMessageContaining("MiB");
    }
}
