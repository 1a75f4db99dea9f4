package dev.corral.core.sandbox.lifecycle;

import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.sandbox.logs.SandboxLogs;
import java.time.Duration;
import java.time.Instant;

/**
 * Pauses sandboxes left idle for their idle timeout, hibernates those paused for {@code hibernateAfter} (their
 * processes stopped, their disk kept), and stops those that reached their plan's maximum runtime.
 * A sandbox is not idle while a command, a file transfer or a file watch runs in it ({@link SandboxWork}) or someone
 * watches its logs.
 *
 * <p>Threading: {@link #reap} is called by one scheduled thread owned by the application; each pause or stop goes
 * through {@link SandboxService}, under that sandbox's lock, so it cannot interleave with a request's transition.
 */
public final class SandboxReaper {
    private static final System.Logger LOG = System.getLogger(SandboxReaper.class.getName());

    private final SandboxStore store;
    private final SandboxService sandboxes;
    private final SandboxWork work;
    private final SandboxLogs logs;
    private final OrganizationStore organizations;
    private final Plans plans;
    private final Duration hibernateAfter;

    /** @param hibernateAfter how long a sandbox stays paused before it is hibernated; zero never */
    public SandboxReaper(SandboxStore store, SandboxService sandboxes, SandboxWork work, SandboxLogs logs,
                         OrganizationStore organizations, Plans plans, Duration hibernateAfter) {
        this.hibernateAfter = hibernateAfter;
        this.store = store;
        this.sandboxes = sandboxes;
        this.work = work;
        this.logs = logs;
        this.organizations = organizations;
        this.plans = plans;
    }

    /** One pass over every active sandbox, deciding by {@code now}. */
    public void reap(Instant now) {
        for (Sandbox sandbox : store.listActive()) {
            try {
                var maxRuntime = organizations.find(sandbox.organizationId()).map(Organization::tier)
                        .map(tier -> plans.of(tier).maxRuntime()).orElse(Duration.ZERO);
                if (sandbox.hasOutlived(maxRuntime, now)) {
                    LOG.log(System.Logger.Level.INFO, "Stopping sandbox {0}: maximum runtime reached", sandbox.id());
                    sandboxes.expire(sandbox);
                } else if (sandbox.isIdle(now) && !work.isBusy(sandbox.id()) && !logs.isWatched(sandbox.id())) {
                    LOG.log(System.Logger.Level.INFO, "Pausing idle sandbox {0}", sandbox.id());
                    sandboxes.pauseIfIdle(sandbox, now);
                } else if (sandbox.shouldHibernate(hibernateAfter, now)) {
                    LOG.log(System.Logger.Level.INFO, "Hibernating sandbox {0}, paused since {1}", sandbox.id(),
                            sandbox.pausedAt().orElseThrow());
                    sandboxes.hibernateIfLongPaused(sandbox, hibernateAfter, now);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not reap sandbox " + sandbox.id(), e);
            }
        }
    }
}
