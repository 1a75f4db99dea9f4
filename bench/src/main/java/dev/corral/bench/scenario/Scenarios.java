package dev.corral.bench.scenario;

import java.util.List;

/** Every scenario, in the order a run measures them. */
public final class Scenarios {
    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(
                new CreateScenario(),
                new ExecScenario(),
                new FilesScenario(),
                new GuestScenario(),
                new WorkspaceFilesScenario(),
                new PauseResumeScenario(),
                new TerminalEchoScenario(),
                new PendingScenario("execute", "Corral has no /v1/execute yet (Python and Bash hello world "
                        + "and C compile+run will be measured once code execution exists)"),
                new DensityScenario(),
                new HealthUnderLoadScenario(),
                new ApiScenario(),
                new ProxyScenario());
    }

    public static List<String> names() {
        return all().stream().map(Scenario::name).toList();
    }
}
