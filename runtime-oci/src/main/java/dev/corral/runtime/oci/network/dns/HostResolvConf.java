package dev.corral.runtime.oci.network.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The host's resolvers: the {@code nameserver} lines of a resolv.conf, the forwarder's default upstreams. */
public final class HostResolvConf {
    public static final Path DEFAULT = Path.of("/etc/resolv.conf");
    private static final int DNS_PORT = 53;

    private HostResolvConf() {}

    /** Reads the file once; an address that does not parse is skipped, an unreadable file is an error. */
    public static List<InetSocketAddress> nameservers(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the host's resolvers from " + file, e);
        }
    }

    static List<InetSocketAddress> parse(String text) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                literal(words[1]).ifPresent(address -> servers.add(new InetSocketAddress(address, DNS_PORT)));
            }
        }
        return List.copyOf(servers);
    }

    /** An IP literal only: a name here would need the very resolver it names (and must not reach DNS). */
    private static Optional<InetAddress> literal(String text) {
        String address = text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
        if (!address.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
