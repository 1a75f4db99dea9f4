package dev.corral.runtime.oci;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Where a template's root filesystem lies on this host: the read-only lower layer of every sandbox made from it.
 * {@link dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder} builds them; tests may hand a prepared directory.
 *
 * <p>Threading: any thread may ask; a template built on first use blocks its callers until it is ready.
 */
@FunctionalInterface
public interface TemplateRootfs {
    /**
     * The template's root filesystem, built first when it is not yet, with each line of the build's output passed
     * to {@code progress}.
     *
     * @throws dev.corral.core.error.CorralException {@code not_found} for an unknown template,
     *                                               {@code runtime_unavailable} when the build fails
     */
    Path rootfs(String template, Consumer<String> progress);
}
