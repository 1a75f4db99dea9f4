package dev.corral.core.sandbox.terminal;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.terminal.SandboxTerminals.Claim;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The terminal sessions minted and not yet used: each a random UUID (122 random bits from {@link UUID#randomUUID},
 * a cryptographically strong source) standing for the caller who minted it and its sandbox, until it is redeemed
 * once or expires. Past the per-organization or the server's count of unused sessions, minting is
 * {@code rate_limited} until some are used or expire.
 *
 * <p>Threading: any thread. Minting holds one lock (count, then insert); redeeming is one atomic removal, so two
 * connections racing for one session get it once.
 */
final class TerminalSessions {
    private record Pending(Claim claim, Instant expiresAt) {
    }

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final TerminalLimits limits;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final ReentrantLock minting = new ReentrantLock();

    TerminalSessions(TerminalLimits limits) {
        this.limits = limits;
    }

    TerminalSession mint(Principal caller, SandboxId sandbox, Instant now) {
        minting.lock();
        try {
            pending.values().removeIf(session -> !now.isBefore(session.expiresAt()));
            OrganizationId organization = caller.organizationId();
            long ofOrganization = pending.values().stream()
                    .filter(session -> session.claim().caller().organizationId().equals(organization)).count();
            if (ofOrganization >= limits.sessionsPerOrganization()) {
                throw tooMany("Your organization holds " + ofOrganization + " unused terminal sessions, as many as "
                        + "it may; use them or let them expire");
            }
            if (pending.size() >= limits.sessionsOnServer()) {
                throw tooMany("This server holds as many unused terminal sessions as it may; try again shortly");
            }
            String id = UUID.randomUUID().toString();
            Instant expiresAt = now.plus(limits.sessionTtl());
            pending.put(id, new Pending(new Claim(caller, sandbox), expiresAt));
            return new TerminalSession(id, sandbox, expiresAt);
        } finally {
            minting.unlock();
        }
    }

    /** Uses the session up; {@code not_found} when it never existed, was used, or expired. */
    Claim redeem(String id, Instant now) {
        Pending session = id == null ? null : pending.remove(id);
        if (session == null || !now.isBefore(session.expiresAt())) {
            throw CorralException.notFound("terminal session", String.valueOf(id));
        }
        return session.claim();
    }

    private CorralException tooMany(String message) {
        return CorralException.rateLimited(message, RETRY_AFTER);
    }
}
