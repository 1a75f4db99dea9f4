package dev.corral.core.sandbox;

import java.util.Objects;
import java.util.Optional;

/**
 * What network a sandbox has, chosen at create ({@code network} on the API): loopback only, or its own network
 * under an egress policy.
 *
 * @param egress where it may send packets; empty for loopback only
 */
public record SandboxNetwork(Optional<EgressPolicy> egress) {
    /** Loopback only, nothing on the host made for it (what code execution uses). */
    public static final SandboxNetwork NONE = new SandboxNetwork(Optional.empty());
    /** Its own network with the default egress policy: the public internet, never the host or private ranges. */
    public static final SandboxNetwork DEFAULT = new SandboxNetwork(Optional.of(EgressPolicy.DEFAULT));

    public SandboxNetwork {
        Objects.requireNonNull(egress, "egress");
    }

    /** Its own network under {@code policy}. */
    public static SandboxNetwork withPolicy(EgressPolicy policy) {
        return new SandboxNetwork(Optional.of(policy));
    }

    public boolean loopbackOnly() {
        return egress.isEmpty();
    }

    /** As the store keeps it: {@code none}, {@code default}, or the policy's {@link EgressPolicy#toText() text}. */
    public String toText() {
        if (equals(NONE)) {
            return "none";
        }
        return equals(DEFAULT) ? "default" : egress.get().toText();
    }

    /**
     * Reads {@link #toText()}.
     *
     * @throws IllegalArgumentException when {@code text} is none of its forms
     */
    public static SandboxNetwork parse(String text) {
        return switch (text) {
            case "none" -> NONE;
            case "default" -> DEFAULT;
            default -> withPolicy(EgressPolicy.parse(text));
        };
    }
}
