package dev.corral.app.cli;

/**
 * A file on the server as the CLI names it, {@code OWNER:PATH}: a sandbox's ({@code my-sandbox:/workspace/a.txt})
 * or a workspace's ({@code my-data:/src/a.ts}). Split at the first colon, since ids, names and slugs have none.
 */
record RemotePath(String owner, String path) {

    /**
     * The owner and path {@code text} names; {@link CliException} (exit 2) showing {@code usage} when it has no
     * owner, or no path and {@code defaultPath} is null.
     *
     * @param defaultPath the path when {@code text} names only the owner, or null when a path is required
     * @param usage the expected shape with an example, such as {@code SANDBOX:PATH, such as sb:/workspace/a.txt}
     */
    static RemotePath parse(String text, String defaultPath, String usage) {
        int colon = text.indexOf(':');
        if (colon < 0 && defaultPath != null) {
            return new RemotePath(text, defaultPath);
        }
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CliException("expected " + usage + ", not '" + text + "'", 2);
        }
        return new RemotePath(text.substring(0, colon), text.substring(colon + 1));
    }
}
