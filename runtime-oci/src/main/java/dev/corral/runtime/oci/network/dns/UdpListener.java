package dev.corral.runtime.oci.network.dns;

import dev.corral.runtime.oci.network.dns.Replies.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's UDP side. One platform thread ({@code dns-udp}) receives packets; each query is answered on a
 * virtual thread of its own, at most {@code maxPendingUdp} at once (a packet past that is dropped, as an overloaded
 * resolver does). A packet larger than {@code maxQueryBytes} is dropped unread. Replies are sent from the virtual
 * threads on the same channel, which allows a send beside a blocked receive.
 */
final class UdpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);

    private final DatagramChannel channel;
    private final PolicyResolver resolver;
    private final Semaphore pending;
    private final int maxQueryBytes;
    private final Thread receiver;

    UdpListener(DatagramChannel channel, PolicyResolver resolver, DnsForwarderSettings settings) {
        this.channel = channel;
        this.resolver = resolver;
        this.pending = new Semaphore(settings.maxPendingUdp());
        this.maxQueryBytes = settings.maxQueryBytes();
        this.receiver = Thread.ofPlatform().name("dns-udp").daemon().unstarted(this::receive);
    }

    void start() {
        receiver.start();
    }

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocate(maxQueryBytes + 1);
        while (channel.isOpen()) {
            try {
                buffer.clear();
                InetSocketAddress client = (InetSocketAddress) channel.receive(buffer);
                if (buffer.position() > maxQueryBytes || !pending.tryAcquire()) {
                    continue;
                }
                byte[] packet = Arrays.copyOf(buffer.array(), buffer.position());
                Thread.ofVirtual().name("dns-udp-query").start(() -> answer(client, packet));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("DNS forwarder: receiving a UDP query failed", e);
            }
        }
    }

    private void answer(InetSocketAddress client, byte[] packet) {
        try {
            var reply = resolver.answer(client.getAddress(), packet, Transport.UDP);
            if (reply.isPresent()) {
                channel.send(ByteBuffer.wrap(reply.get()), client);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedChannelException e) {
            // the forwarder is closing; the client will retry elsewhere
        } catch (IOException | RuntimeException e) {
            log.warn("DNS forwarder: answering {} over UDP failed", client, e);
        } finally {
            pending.release();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        channel.close();
        receiver.join();
    }
}
