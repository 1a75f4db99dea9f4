package dev.corral.runtime.oci.agent;

import dev.corral.core.sandbox.SandboxId;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The {@link GuestClient} of each sandbox this server reaches, made on first use (also for a sandbox whose agent
 * was started by an earlier server process) and forgotten when the sandbox stops.
 *
 * <p>Threading: safe for any number of threads.
 */
public final class GuestClients {
    private final GuestLauncher launcher;
    private final ConcurrentHashMap<SandboxId, GuestClient> clients = new ConcurrentHashMap<>();
    private volatile BiConsumer<SandboxId, String> notices = (id, text) -> { };

    public GuestClients(GuestLauncher launcher) {
        this.launcher = launcher;
    }

    /** The client of {@code sandbox}, whose guest directory on the host is {@code dir}. */
    public GuestClient of(SandboxId sandbox, Path dir) {
        return clients.computeIfAbsent(sandbox, id -> new GuestClient(id, dir, launcher,
                text -> notices.accept(id, text)));
    }

    /** Drops what is known of the sandbox's agent: it stopped with its sandbox. */
    public void forget(SandboxId sandbox) {
        clients.remove(sandbox);
    }

    /** Who hears of agents restarted: the sandboxes' logs. */
    public void onNotice(BiConsumer<SandboxId, String> listener) {
        this.notices = listener;
    }
}
