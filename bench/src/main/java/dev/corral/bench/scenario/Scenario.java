package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;

/**
 * One thing the harness measures, against the server of a {@link BenchContext}. A scenario leaves the server as
 * it found it: every sandbox it made is deleted when it ends, also when it fails.
 */
public sealed interface Scenario permits CreateScenario, ExecScenario, FilesScenario, GuestScenario,
        WorkspaceFilesScenario, PauseResumeScenario, TerminalEchoScenario, DensityScenario, HealthUnderLoadScenario,
        ApiScenario, ProxyScenario, PendingScenario {

    /** The name {@code --only} selects it by. */
    String name();

    /** Runs it; blocks until done. Failures propagate and the harness records them as {@code failed}. */
    ScenarioResult run(BenchContext context) throws Exception;
}
