package dev.corral.testkit;

import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.CreateApiKey;
import dev.corral.core.key.KeyUsageRecorder;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Organization;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.lifecycle.CreateSandbox;
import dev.corral.core.sandbox.lifecycle.RequestedNetwork;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.logs.SandboxLogs;
import dev.corral.testkit.fake.FakeSandboxRuntime;
import dev.corral.testkit.fake.FakeTemplateBuilder;
import dev.corral.testkit.fake.InMemoryApiKeyStore;
import dev.corral.testkit.fake.InMemoryOrganizationStore;
import dev.corral.testkit.fake.InMemorySandboxStore;
import dev.corral.testkit.fake.Principals;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The key and sandbox services on in-memory fakes (stores, a fake runtime with the {@code base} template, a manual
 * clock), for tests of routes over real HTTP; it makes organizations, their keys and running sandboxes. Close it
 * to stop the sandbox service's threads.
 */
public final class ServicesOnFakes implements AutoCloseable {
    public final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    public final InMemoryOrganizationStore organizations = new InMemoryOrganizationStore();
    public final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    public final ApiKeyService keyService = new ApiKeyService(keys, organizations, new KeyUsageRecorder(keys),
            clock);
    public final Plans plans = Plans.defaults(6000, 1000);
    public final FakeTemplateBuilder templates = new FakeTemplateBuilder("base");
    public final FakeSandboxRuntime runtime = new FakeSandboxRuntime(templates);
    public final SandboxService sandboxes = new SandboxService(new InMemorySandboxStore(), runtime, templates, plans,
            new SandboxLogs(64 * 1024), (caller, field, reference) -> {
                throw new UnsupportedOperationException("no mounts here");
            }, clock, 100);

    /** A new organization of the free tier, stored. */
    public Organization organization() {
        Organization made = Principals.organization(Tier.FREE);
        organizations.insert(made);
        return made;
    }

    /** The secret of a new key of {@code owner} with {@code scopes}. */
    public String key(Organization owner, String... scopes) {
        return keyService.issue(owner.id(), new CreateApiKey("test", Arrays.stream(scopes)
                .map(scope -> Scope.parse("scopes", scope)).toList(), Optional.empty(), false)).secret().reveal();
    }

    /** A running sandbox of {@code owner} from {@code base}, with the network asked for (the default if empty). */
    public Sandbox sandbox(Organization owner, Optional<RequestedNetwork> network) {
        Principal caller = Principals.of(owner);
        Sandbox made = sandboxes.create(caller, new CreateSandbox("base", Optional.empty(), List.of(), Map.of(),
                Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), network));
        return sandboxes.awaitStarted(made, Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        sandboxes.close();
    }
}
