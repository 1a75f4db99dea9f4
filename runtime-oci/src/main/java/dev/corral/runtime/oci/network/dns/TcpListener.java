package dev.corral.runtime.oci.network.dns;

import dev.corral.runtime.oci.network.dns.Replies.Transport;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's TCP side (RFC 7766: each message after a two-byte length). One platform thread
 * ({@code dns-tcp}) accepts; each connection gets a virtual thread that answers its queries one after another, at
 * most {@code maxTcpConnections} connections at once (one past that is closed at once). A connection is closed when
 * no bytes come for {@code tcpIdleTimeout}, when a query is longer than {@code maxQueryBytes}, or when a query gets
 * no answer (it was not a query).
 */
final class TcpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    private final ServerSocket server;
    private final PolicyResolver resolver;
    private final Semaphore connections;
    private final int idleMillis;
    private final int maxQueryBytes;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    TcpListener(ServerSocket server, PolicyResolver resolver, DnsForwarderSettings settings) {
        this.server = server;
        this.resolver = resolver;
        this.connections = new Semaphore(settings.maxTcpConnections());
        this.idleMillis = Math.toIntExact(settings.tcpIdleTimeout().toMillis());
        this.maxQueryBytes = settings.maxQueryBytes();
        this.acceptor = Thread.ofPlatform().name("dns-tcp").daemon().unstarted(this::accept);
    }

    void start() {
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                if (!connections.tryAcquire()) {
                    socket.close();
                    continue;
                }
                open.add(socket);
                Thread.ofVirtual().name("dns-tcp-connection").start(() -> serve(socket));
            } catch (SocketException e) {
                if (!server.isClosed()) {
                    log.warn("DNS forwarder: accepting a TCP connection failed", e);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("DNS forwarder: accepting a TCP connection failed", e);
            }
        }
    }

    private void serve(Socket socket) {
        InetAddress client = socket.getInetAddress();
        try (socket) {
            socket.setSoTimeout(idleMillis);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                int length = in.readUnsignedShort();
                if (length == 0 || length > maxQueryBytes) {
                    return;
                }
                byte[] packet = in.readNBytes(length);
                if (packet.length < length) {
                    return;
                }
                Optional<byte[]> reply = resolver.answer(client, packet, Transport.TCP);
                if (reply.isEmpty()) {
                    return;
                }
                out.writeShort(reply.get().length);
                out.write(reply.get());
                out.flush();
            }
        } catch (EOFException | SocketTimeoutException e) {
            // the client is done, or idle for too long
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!server.isClosed()) {
                log.debug("DNS forwarder: TCP connection from {} failed: {}", client, e.toString());
            }
        } finally {
            open.remove(socket);
            connections.release();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        acceptor.join();
        for (Socket socket : open) {
            socket.close();
        }
    }
}
