package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.TemplateBuilder;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link TemplateBuilder} that "builds" a template by remembering that it did: no root filesystem exists.
 * As with the real builder, an unknown name is {@code not_found} and a failed build is {@code runtime_unavailable}
 * (a test makes one fail with {@link #failBuildsOf}).
 *
 * <p>Threading: safe for concurrent use; concurrent builds of one template build it once.
 */
public final class FakeTemplateBuilder implements TemplateBuilder {
    private final Set<String> names;
    private final Set<String> built = ConcurrentHashMap.newKeySet();
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    /** A builder of the templates {@code names}, none built yet. */
    public FakeTemplateBuilder(String... names) {
        this.names = Set.of(names);
    }

    @Override
    public Set<String> names() {
        return names;
    }

    @Override
    public boolean isBuilt(String name) {
        return built.contains(name);
    }

    @Override
    public void ensureBuilt(String name, Consumer<String> progress) {
        if (!names.contains(name)) {
            throw CorralException.notFound("template", name);
        }
        String failure = failures.get(name);
        if (failure != null) {
            throw CorralException.runtimeUnavailable("Cannot build template " + name + ": " + failure, null);
        }
        if (built.add(name)) {
            progress.accept("built template " + name);
        }
    }

    /** Makes every build of {@code name} fail with {@code runtime_unavailable} saying {@code reason}. */
    public void failBuildsOf(String name, String reason) {
        failures.put(name, reason);
    }
}
