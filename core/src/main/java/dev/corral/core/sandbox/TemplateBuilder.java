package dev.corral.core.sandbox;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes the root filesystems sandboxes start from, e.g. {@code base}: Debian 12 with a shell, Python, git and
 * curl. A template is built once and then shared, read-only, by every sandbox made from it.
 *
 * <p>Threading: any thread may call any method; concurrent builds of one template wait for the first.
 */
public interface TemplateBuilder {

    /** The names of the templates this builder can make. */
    Set<String> names();

    /** Whether {@code name} is built and ready to start sandboxes from. */
    boolean isBuilt(String name);

    /**
     * Builds {@code name} unless it is built already, passing each line of the build's output to {@code progress}
     * as it comes. Blocks until the template is ready; a build that fails or is interrupted leaves no half-built
     * template behind.
     *
     * @throws dev.corral.core.error.CorralException {@code not_found} for a name not in {@link #names()},
     *                                               {@code runtime_unavailable} when the build fails
     */
    void ensureBuilt(String name, Consumer<String> progress);
}
