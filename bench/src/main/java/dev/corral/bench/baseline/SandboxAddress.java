package dev.corral.bench.baseline;

import dev.corral.bench.BenchException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sandbox's address on the host's bridge, as the sandbox itself has it: the IPv4 address of {@code eth0} in the
 * network namespace of its init (found by {@code runc state}), read from the host with {@code nsenter} and
 * {@code ip}. Nothing runs in the sandbox, and nothing of Corral's is asked: the baseline connects where the
 * kernel says the sandbox is.
 *
 * <p>Threading: stateless.
 */
public final class SandboxAddress {
    private static final Pattern INET = Pattern.compile("\\binet (\\d{1,3}(?:\\.\\d{1,3}){3})/\\d+");

    private SandboxAddress() {
    }

    /** The address of {@code eth0} in the running sandbox {@code id}. */
    public static InetAddress of(BareRunc runc, String id) {
        long pid = runc.pid(id);
        String shown = HostCommands.run(List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "ip", "-4", "-o",
                "addr", "show", "dev", "eth0"));
        Matcher inet = INET.matcher(shown);
        if (!inet.find()) {
            throw new BenchException("sandbox " + id + " has no IPv4 address on eth0: " + shown.strip());
        }
        try {
            return InetAddress.getByName(inet.group(1));
        } catch (UnknownHostException e) {
            throw new BenchException("not an address: " + inet.group(1), e);
        }
    }
}
