package dev.corral.core.sandbox;

import java.util.Arrays;
import java.util.Optional;

/**
 * What network a sandbox has, chosen at create ({@code network} on the API).
 */
public enum SandboxNetwork {
    /** Its own network with the default egress policy: the public internet, never the host or private ranges. */
    DEFAULT("default"),
    /** Loopback only, nothing on the host made for it (what code execution uses). */
    NONE("none");

    private final String wireName;

    SandboxNetwork(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the API and in the store. */
    public String wireName() {
        return wireName;
    }

    /** The network of {@code wireName}, if it names one. */
    public static Optional<SandboxNetwork> ofWireName(String wireName) {
        return Arrays.stream(values()).filter(network -> network.wireName.equals(wireName)).findFirst();
    }
}
