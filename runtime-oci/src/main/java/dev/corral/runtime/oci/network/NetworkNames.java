package dev.corral.runtime.oci.network;

import dev.corral.core.sandbox.SandboxId;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names of a sandbox's network on the host: its network namespace (under {@code /run/netns}) and the host end
 * of its veth pair. A network made for one sandbox has names derived from its id ({@link #ofSandbox}); one made
 * ahead of time for whichever sandbox comes next ({@link NetworkSlots}) has names derived from its bridge and
 * address ({@link #ofSlot}), kept in the sandbox's directory when it claims it. A sandbox without kept names has
 * the id-derived ones, as every sandbox made before slots existed.
 *
 * @param namespace the network namespace's name
 * @param veth the host end of the veth pair: at most 15 characters, the kernel's limit for interface names
 */
public record NetworkNames(String namespace, String veth) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern INTERFACE = Pattern.compile("[a-z0-9]{1,15}");
    /** Between the bridge and the address in a slot's namespace: no sandbox id's suffix holds a dash. */
    private static final String SLOT = "-slot-";

    public NetworkNames {
        if (!NAME.matcher(namespace).matches() || !INTERFACE.matcher(veth).matches()) {
            throw new IllegalArgumentException("not names of a sandbox's network: " + namespace + ", " + veth);
        }
    }

    /** The names of a network made for sandbox {@code id}: the namespace begins with the bridge's name. */
    static NetworkNames ofSandbox(String bridge, SandboxId id) {
        String suffix = id.value().substring(id.value().indexOf('-') + 1);
        return new NetworkNames(bridge + "-" + suffix, "cr" + suffix);
    }

    /**
     * The names of a slot at {@code address} of the bridge {@code bridge}. Servers on one host have subnets that do
     * not overlap (each checks the host's routes), so the address alone tells their slots apart; the bridge's hash
     * in the veth's name (the whole name would not fit in 15 characters) and the bridge in the namespace's keep
     * them apart even from a server whose bridge is gone.
     */
    public static NetworkNames ofSlot(String bridge, int address) {
        String hex = HexFormat.of().toHexDigits(address);
        String bridgeHash = HexFormat.of().toHexDigits(bridge.hashCode()).substring(0, 5);
        return new NetworkNames(bridge + SLOT + hex, "cs" + bridgeHash + hex);
    }

    /** The names of the slot of the bridge {@code bridge} whose namespace is {@code namespace}, if it is one. */
    static Optional<NetworkNames> ofSlotNamespace(String bridge, String namespace) {
        String prefix = bridge + SLOT;
        if (!namespace.startsWith(prefix) || namespace.length() != prefix.length() + 8) {
            return Optional.empty();
        }
        try {
            NetworkNames names = ofSlot(bridge, HexFormat.fromHexDigits(namespace.substring(prefix.length())));
            return names.namespace().equals(namespace) ? Optional.of(names) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The names as kept in a file: the namespace, a space, the veth. */
    String toText() {
        return namespace + " " + veth + "\n";
    }

    /** @throws IllegalArgumentException when {@code text} is not what {@link #toText()} wrote */
    static NetworkNames parse(String text) {
        List<String> words = List.of(text.strip().split(" "));
        if (words.size() != 2) {
            throw new IllegalArgumentException("not names of a sandbox's network: " + text.strip());
        }
        return new NetworkNames(words.get(0), words.get(1));
    }
}
