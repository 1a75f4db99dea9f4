package dev.corral.core.sandbox;

import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.exec.SandboxExecutions;
import dev.corral.core.sandbox.lifecycle.CreateSandbox;
import dev.corral.core.sandbox.lifecycle.RequestedLogins;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import dev.corral.core.sandbox.logs.SandboxLogs;
import dev.corral.core.sandbox.terminal.SandboxTerminals;
import dev.corral.core.sandbox.terminal.TerminalLimits;
import dev.corral.core.ssh.PasswordHasher;
import dev.corral.core.ssh.SandboxCredentialSetup;
import dev.corral.core.workspace.WorkspaceService;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.fake.FakeSandboxRuntime;
import dev.corral.testkit.fake.FakeTemplateBuilder;
import dev.corral.testkit.fake.InMemoryOrganizationStore;
import dev.corral.testkit.fake.InMemorySandboxCredentialStore;
import dev.corral.testkit.fake.InMemorySandboxStore;
import dev.corral.testkit.fake.InMemorySshKeyStore;
import dev.corral.testkit.fake.InMemoryWorkspaceStore;
import dev.corral.testkit.fake.InMemoryWorkspaceVolumes;
import dev.corral.testkit.fake.Principals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link SandboxService}, {@link SandboxExecutions} and {@link SandboxTerminals} wired to fakes of every port, as {@code CorralServer} wires the real ones: one place
 * that says how the sandbox services are built in unit tests.
 */
public final class SandboxTestBed implements AutoCloseable {
    /** The server's cap on sandboxes, far above what any test makes. */
    public static final int MAX_SANDBOXES = 1000;
    /** Long enough for a start on the fake runtime, which takes no time but a virtual thread's turn. */
    public static final Duration START = Duration.ofSeconds(10);

    public final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    public final Plans plans = Plans.defaults(6000, 1000);
    public final InMemorySandboxStore store = new InMemorySandboxStore();
    public final InMemoryOrganizationStore organizations = new InMemoryOrganizationStore();
    public final FakeTemplateBuilder templates = new FakeTemplateBuilder("base", "python");
    public final FakeSandboxRuntime runtime = new FakeSandboxRuntime(templates);
    public final SandboxLogs logs = new SandboxLogs(64 * 1024);
    public final SandboxWork work = new SandboxWork();
    public final InMemoryWorkspaceVolumes volumes = new InMemoryWorkspaceVolumes(clock);
    public final WorkspaceService workspaces = new WorkspaceService(new InMemoryWorkspaceStore(), volumes,
            store::sandboxesMounting, plans, clock);
    public final InMemorySshKeyStore sshKeys = new InMemorySshKeyStore();
    public final InMemorySandboxCredentialStore credentials = new InMemorySandboxCredentialStore();
    /** Few iterations: unit tests need no slow hashes. */
    public final PasswordHasher passwords = new PasswordHasher(1000);
    public final SandboxService service = new SandboxService(store, runtime, templates, plans, logs,
            workspaces::resolveForMount, new SandboxCredentialSetup(sshKeys, credentials, passwords), clock,
            MAX_SANDBOXES);
    public final SandboxExecutions executions = new SandboxExecutions(service, runtime, plans, logs, work, clock);
    public final SandboxTerminals terminals = new SandboxTerminals(service, runtime, work, TerminalLimits.DEFAULTS,
            clock);

    /** A caller of a new organization of {@code tier}, stored, whose key holds every scope. */
    public Principal caller(Tier tier) {
        Principal caller = Principals.inNewOrganization(tier);
        organizations.insert(caller.organization());
        return caller;
    }

    /** A request for a {@code base} sandbox with every default. */
    public static CreateSandbox request() {
        return new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    /** A request for a {@code base} sandbox named {@code name} with {@code tags}. */
    public static CreateSandbox named(String name, String... tags) {
        return new CreateSandbox("base", Optional.of(name), List.of(tags), Map.of(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    /** A request for a {@code base} sandbox with every default that asks for SSH {@code logins} of its own. */
    public static CreateSandbox withLogins(RequestedLogins logins) {
        CreateSandbox base = request();
        return new CreateSandbox(base.template(), base.name(), base.tags(), base.metadata(), base.env(),
                base.vcpus(), base.memory(), base.disk(), base.idleTimeoutSeconds(), base.maxRuntimeSeconds(),
                base.mounts(), base.network(), logins);
    }

    /** Creates a sandbox for {@code caller} and waits until it has started. */
    public Sandbox running(Principal caller, CreateSandbox request) {
        return service.awaitStarted(service.create(caller, request), START);
    }

    /** Creates a default sandbox for {@code caller} and waits until it has started. */
    public Sandbox running(Principal caller) {
        return running(caller, request());
    }

    /** The sandbox as the store has it now. */
    public Sandbox stored(Sandbox sandbox) {
        return store.find(sandbox.organizationId(), sandbox.id()).orElseThrow();
    }

    /** Closes the service, then ends every sandbox the runtime holds, and with them any command still running. */
    @Override
    public void close() {
        terminals.close();
        service.close();
        runtime.removeAllExcept(Set.of());
    }
}
