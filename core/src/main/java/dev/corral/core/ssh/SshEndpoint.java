package dev.corral.core.ssh;

import java.util.Objects;

/** Where clients reach the SSH gateway: the host name they connect to and the port it listens on. */
public record SshEndpoint(String host, int port) {
    public SshEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("an SSH endpoint needs a host and a port of 1 to 65535: " + host
                    + ":" + port);
        }
    }
}
