package dev.corral.core.sandbox;

/**
 * A mount as a client asks for it: {@code workspace} is a workspace's UUID or slug, or a DEV-style free-form id
 * (a slug) that names a workspace made on its first mount.
 */
public record RequestedMount(String workspace, String path, boolean readOnly) {
}
