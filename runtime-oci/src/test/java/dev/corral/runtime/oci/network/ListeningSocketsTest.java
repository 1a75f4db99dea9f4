package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.ports.ListeningPort;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {
    private static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
               1: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1
               2: 0500590A:1F40 0100590A:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1
            """;
    private static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue
               0: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000
               1: 00000000000000000000000000000000:1F41 00000000000000000000000000000000:0000 0A 00000000:00000000
               2: garbage
            """;

    @Test
    void parse_bothTables_givesListeningSocketsOnlyByPort() {
        assertThat(ListeningSockets.parse(TCP, TCP6)).containsExactly(
                new ListeningPort(53, "127.0.0.1"),
                new ListeningPort(3000, "0:0:0:0:0:0:0:1"),
                new ListeningPort(8000, "0.0.0.0"),
                new ListeningPort(8001, "0:0:0:0:0:0:0:0"));
    }

    @Test
    void parse_emptyTables_givesNothing() {
        assertThat(ListeningSockets.parse("", "")).isEmpty();
    }
}
