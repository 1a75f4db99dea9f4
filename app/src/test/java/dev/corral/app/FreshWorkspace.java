package dev.corral.app;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The setup every test class on workspace files shares: before each test, a minute on the server's test clock
 * (rate limits are per key and refill on it, so every bucket is full again) and a new workspace of the admin's
 * organization; after each, no file descriptor left open below the workspaces, since one the server leaked would
 * keep a volume busy. Register it on an instance field after the server:
 * {@code @RegisterExtension final FreshWorkspace workspace = new FreshWorkspace(corral);} and take
 * {@link #files()} in a {@code @BeforeEach}. One instance per test, so not shared between threads.
 */
final class FreshWorkspace implements BeforeEachCallback, AfterEachCallback {
    private final TestCorral corral;
    private WorkspaceFilesApi files;

    FreshWorkspace(TestCorral corral) {
        this.corral = corral;
    }

    /** The storage API of this test's workspace, as the admin sees it. */
    WorkspaceFilesApi files() {
        return files;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        corral.clock.advance(Duration.ofMinutes(1));
        files = WorkspaceFilesApi.create(corral.admin, Map.of());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        WorkspaceFilesApi.assertNothingOpenBelow(corral.dataDir.resolve("workspaces"));
    }
}
