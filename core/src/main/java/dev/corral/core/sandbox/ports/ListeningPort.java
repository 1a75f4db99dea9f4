package dev.corral.core.sandbox.ports;

/**
 * A TCP socket listening in a sandbox.
 *
 * @param port    its port
 * @param address the address it listens on, as text: {@code 0.0.0.0} or {@code ::} for every address,
 *                {@code 127.0.0.1} or {@code ::1} for loopback only (which the proxy cannot reach)
 */
public record ListeningPort(int port, String address) {
}
