package dev.corral.runtime.oci.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The framing against a peer on a real unix socket, which plays the agent byte by byte. */
class AgentConnectionTest {
    private Path dir;
    private ServerSocketChannel server;
    private Path socket;

    @BeforeEach
    void listen() throws IOException {
        dir = Files.createTempDirectory("guest-connection-");
        socket = dir.resolve("agent.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
    }

    @AfterEach
    void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        Files.delete(dir);
    }

    @Test
    void request_anyFields_isOneFrameOfTypeQWithOpFirst() throws IOException {
        try (AgentConnection connection = AgentConnection.open(socket); SocketChannel agent = server.accept()) {
            connection.request("stat", GuestFields.builder().add("path", "/etc").build());

            ByteBuffer header = read(agent, 5);
            assertThat(header.get()).isEqualTo((byte) 'Q');
            int length = header.getInt();
            assertThat(new String(read(agent, length).array())).isEqualTo("op=stat\0path=/etc\0");
        }
    }

    @Test
    void receive_frameSplitAcrossWrites_isWhole() throws IOException {
        try (AgentConnection connection = AgentConnection.open(socket); SocketChannel agent = server.accept()) {
            agent.write(ByteBuffer.wrap(new byte[] {'o', 0, 0}));
            agent.write(ByteBuffer.wrap(new byte[] {0, 3, 'a'}));
            agent.write(ByteBuffer.wrap(new byte[] {'b', 'c'}));

            GuestFrame frame = connection.receive();

            assertThat(frame.type()).isEqualTo(GuestFrame.STDOUT);
            assertThat(frame.payload()).containsExactly('a', 'b', 'c');
        }
    }

    @Test
    void receive_frameOverTheAgentsLimit_endsTheConnection() throws IOException {
        try (AgentConnection connection = AgentConnection.open(socket); SocketChannel agent = server.accept()) {
            agent.write(ByteBuffer.allocate(5).put((byte) 'o').putInt(GuestFrame.MAX_AGENT_PAYLOAD + 1).flip());

            assertThatThrownBy(connection::receive).isInstanceOf(IOException.class).hasMessageContaining("more than");
        }
    }

    @Test
    void receive_agentClosesMidFrame_isEndOfFile() throws IOException {
        try (AgentConnection connection = AgentConnection.open(socket)) {
            try (SocketChannel agent = server.accept()) {
                agent.write(ByteBuffer.wrap(new byte[] {'d', 0, 0, 0, 9, 'x'}));
            }

            assertThatThrownBy(connection::receive).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void send_payloadOverTheClientsLimit_isRefusedBeforeAnyByte() throws IOException {
        try (AgentConnection connection = AgentConnection.open(socket)) {
            byte[] big = new byte[GuestFrame.MAX_CLIENT_PAYLOAD + 1];

            assertThatThrownBy(() -> connection.send(GuestFrame.DATA, big, 0, -1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static ByteBuffer read(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException();
            }
        }
        return buffer.flip();
    }
}
