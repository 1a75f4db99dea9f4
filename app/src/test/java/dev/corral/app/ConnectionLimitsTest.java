package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idle connections cannot use up the server: about 20,000 of them without a key once made it stop answering.
 * One address may hold only so many (past the cap a connection is closed at once), a silent connection is closed
 * after the idle timeout, and {@code /health} keeps answering other addresses (127.0.0.2, another loopback address
 * of this machine) meanwhile. The caps are set low here so that the test opens tens of connections, not thousands.
 * The idle timeout is set to 1 s and waited for up to 10 s (generous for a loaded machine), well under Jetty's
 * own 30 s, so the tests see the configured timeout at work. At the total cap a new connection is not served (2 s
 * without an answer: a slow machine could only make a missing cap look present, never the reverse) until the idle
 * ones close.
 */
class ConnectionLimitsTest {
    private static final int PER_ADDRESS = 20;

    @RegisterExtension
    static final TestCorral capped = new TestCorral(Map.of("max-connections-per-address",
            Integer.toString(PER_ADDRESS)));
    @RegisterExtension
    static final TestCorral quick = new TestCorral(Map.of("connection-idle-timeout", "1s"));
    private static final int TOTAL = 30;
    @RegisterExtension
    static final TestCorral full = new TestCorral(Map.of("max-connections", Integer.toString(TOTAL)));

    @Test
    void idleConnections_pastThePerAddressCap_areClosedWhileOtherAddressesAreServed() throws IOException {
        int port = capped.server.port();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS + 10; i++) {
                idle.add(connect("127.0.0.1", port));
            }

            for (Socket extra : idle.subList(PER_ADDRESS, idle.size())) {
                assertThat(closedByServer(extra, Duration.ofSeconds(10))).as("a connection past the cap").isTrue();
            }
            assertThat(health("127.0.0.2", port)).startsWith("HTTP/1.1 200");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(health("127.0.0.1", port)).startsWith("HTTP/1.1 200"));
    }

    @Test
    void idleConnections_atTheTotalCap_holdNewOnesBackUntilTheyClose() throws Exception {
        int port = full.server.port();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < TOTAL; i++) {
                idle.add(connect("127.0.0.1", port));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !answersWithin(Duration.ofSeconds(2)));
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(health("127.0.0.2", port)).startsWith("HTTP/1.1 200"));
    }

    /** Whether a new connection (from 127.0.0.2) gets its {@code /health} answered within {@code wait}. */
    private static boolean answersWithin(Duration wait) throws IOException {
        try (Socket socket = connect("127.0.0.2", full.server.port())) {
            socket.setSoTimeout((int) wait.toMillis());
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void silentConnection_isClosedAfterTheIdleTimeout() throws IOException {
        try (Socket silent = connect("127.0.0.1", quick.server.port())) {
            assertThat(closedByServer(silent, Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void requestSentTooSlowly_isClosedAfterTheIdleTimeout() throws IOException {
        try (Socket slow = connect("127.0.0.1", quick.server.port())) {
            slow.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(closedByServer(slow, Duration.ofSeconds(10))).isTrue();
        }
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    /** Whether the server closed the connection (end of stream, or reset) within {@code wait}. */
    private static boolean closedByServer(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        InputStream in = socket.getInputStream();
        try {
            int b;
            do {
                b = in.read();
            } while (b >= 0);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** The status line of {@code GET /health} sent from the address {@code from}. */
    private static String health(String from, int port) throws IOException {
        try (Socket socket = connect(from, port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readAllBytes();
            return new String(answer, StandardCharsets.ISO_8859_1);
        }
    }
}
