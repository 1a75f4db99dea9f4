package dev.corral.core.sandbox.ports;

import dev.corral.core.key.ApiKeyId;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.sandbox.SandboxId;
import java.time.Instant;
import java.util.Objects;

/**
 * A port of a sandbox that anyone may reach through the proxy, without a key or token: its traffic counts as the
 * key that opened it ({@code key}), so it is rate limited as that key and closes when that key no longer holds.
 */
public record PublicPort(SandboxId sandbox, int port, OrganizationId organization, ApiKeyId key, Instant since) {
    public PublicPort {
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(since, "since");
        SandboxPorts.requireValid(port);
    }
}
