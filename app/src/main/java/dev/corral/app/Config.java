package dev.corral.app;

import dev.corral.core.key.ApiKeySecret;
import dev.corral.core.plan.EnterpriseLimits;
import dev.corral.runtime.oci.bundle.KernelLimits;
import dev.corral.core.sandbox.Ipv4Subnet;
import dev.corral.http.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything a Corral server is configured with, read once by {@link ConfigLoader} and validated there. The
 * database password, bootstrap key and secret key are secrets: {@link #toString()} redacts them.
 *
 * @param databaseUrl        empty for the embedded SQLite database in the data directory
 * @param enterprise         the limits of the enterprise tier, the tier of the organization made at first start
 * @param maxSandboxes       how many sandboxes this server holds at once, of every organization together
 * @param sandboxKernelLimits each sandbox's share of the kernel's host-wide counters (files, signals, queues, ptys,
 *                           inotify), the same for every tier: what they protect is the host, not the plan
 * @param maxConcurrentExecs how many commands (foreground and background) may run at once on this server
 * @param processIoThreads   how many process streams may be read at once: the platform threads that pump output
 * @param execDefaultTimeout the timeout of a foreground command that names none
 * @param guestAgent         whether commands and files go through the agent in each sandbox ({@code guest: agent})
 *                           rather than a {@code runc exec} each ({@code guest: runc})
 * @param guestBinary        the agent's binary; empty to look for it where the build or an install puts it
 * @param connections        what HTTP clients may hold open (in total, per address), and how long and how slowly
 * @param ssh                the SSH gateway; empty when it is off
 * @param secretKey          the base64 key that seals secrets in the store; empty for the data directory's own
 *                           {@code secret.key}
 * @param networkName        the sandboxes' network on the host: the nftables table of that name, the bridge of
 *                           that name followed by {@code 0}
 * @param networkSubnet      where the sandboxes' bridge and addresses come from
 * @param dnsUpstreams       the resolvers the sandboxes' DNS forwarder asks; empty for the host's
 * @param previewDomain      the domain of preview hosts ({@code {port}-{sandboxId}.<domain>}); empty for port URLs
 *                           by path only
 */
public record Config(
        String host,
        int port,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> databaseUser,
        Optional<String> databasePassword,
        Optional<ApiKeySecret> bootstrapKey,
        long maxBodyBytes,
        EnterpriseLimits enterprise,
        int maxSandboxes,
        KernelLimits sandboxKernelLimits,
        Duration shutdownGrace,
        String logFormat,
        String runtime,
        boolean guestAgent,
        Optional<Path> guestBinary,
        Path templatesDir,
        Duration reaperInterval,
        Duration hibernateAfter,
        int maxConcurrentExecs,
        int processIoThreads,
        Duration execDefaultTimeout,
        HttpServer.Connections connections,
        Optional<SshConfig> ssh,
        Optional<String> secretKey,
        String networkName,
        Ipv4Subnet networkSubnet,
        List<InetSocketAddress> dnsUpstreams,
        Optional<String> previewDomain) {

    public Path sqliteFile() {
        return dataDir.resolve("corral.db");
    }

    public Path adminKeyFile() {
        return dataDir.resolve("admin.key");
    }

    @Override
    public String toString() {
        return "host=" + host + " port=" + port + " dataDir=" + dataDir
                + " database=" + databaseUrl.orElse("sqlite:" + sqliteFile())
                + databaseUser.map(u -> " databaseUser=" + u).orElse("")
                + databasePassword.map(p -> " databasePassword=***").orElse("")
                + bootstrapKey.map(k -> " bootstrapKey=" + k).orElse("")
                + " maxBodyBytes=" + maxBodyBytes + " enterprise=" + enterprise + " maxSandboxes=" + maxSandboxes
                + " sandboxKernelLimits=" + sandboxKernelLimits
                + " shutdownGrace=" + shutdownGrace + " logFormat=" + logFormat
                + " runtime=" + runtime + " guest=" + (guestAgent ? "agent" : "runc")
                + guestBinary.map(b -> " guestBinary=" + b).orElse("") + " templatesDir=" + templatesDir
                + " reaperInterval=" + reaperInterval
                + " hibernateAfter=" + hibernateAfter + " maxConcurrentExecs=" + maxConcurrentExecs
                + " processIoThreads=" + processIoThreads + " execDefaultTimeout=" + execDefaultTimeout
                + " connections=" + connections
                + " ssh=" + ssh.map(SshConfig::toString).orElse("off")
                + secretKey.map(k -> " secretKey=***").orElse("")
                + " networkName=" + networkName + " networkSubnet=" + networkSubnet
                + (dnsUpstreams.isEmpty() ? "" : " dnsUpstreams=" + dnsUpstreams)
                + previewDomain.map(domain -> " previewDomain=" + domain).orElse("");
    }
}
