package dev.corral.core.sandbox.terminal;

import java.time.Duration;

/**
 * How many terminals and terminal sessions may exist, and for how long, the same for every tier: each terminal is
 * a shell holding a pty and a connection, so they are bounded per sandbox and per server; sessions not yet used
 * are bounded per organization and per server, so that minting them costs a caller nothing it can pile up.
 *
 * @param sessionTtl              how long a minted session may wait for its connection
 * @param sessionsPerOrganization sessions one organization may hold unused at once
 * @param sessionsOnServer        sessions the whole server holds unused at once
 * @param terminalsPerSandbox     terminals open at once in one sandbox
 * @param terminalsOnServer       terminals open at once on the server
 * @param activityInterval        how often, at most, a terminal's traffic is written down as its sandbox's activity
 *                                (one store write per interval, not one per keystroke)
 */
public record TerminalLimits(Duration sessionTtl, int sessionsPerOrganization, int sessionsOnServer,
                             int terminalsPerSandbox, int terminalsOnServer, Duration activityInterval) {
    public static final TerminalLimits DEFAULTS = new TerminalLimits(Duration.ofSeconds(60), 16, 1024, 8, 512,
            Duration.ofSeconds(5));

    public TerminalLimits {
        if (sessionTtl.isNegative() || sessionTtl.isZero() || sessionsPerOrganization <= 0 || sessionsOnServer <= 0
                || terminalsPerSandbox <= 0 || terminalsOnServer <= 0 || activityInterval.isNegative()) {
            throw new IllegalArgumentException("terminal limits must be positive: " + sessionTtl + ", "
                    + sessionsPerOrganization + ", " + sessionsOnServer + ", " + terminalsPerSandbox + ", "
                    + terminalsOnServer + ", " + activityInterval);
        }
    }
}
