package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.baseline.BareFreezer;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.LatencyRecorder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST .../pause} then {@code POST .../resume} of a sandbox running a loop, beside bare {@code runc pause}
 * and {@code runc resume} of the same sandbox and beside its freezer cgroup written directly (cgroup v1 hosts),
 * alternating.
 */
public final class PauseResumeScenario implements Scenario {
    /** Something alive to freeze and thaw that does not take a core from the measurements. */
    private static final String LOOP = "while :; do sleep 0.1; done";

    @Override
    public String name() {
        return "pause-resume";
    }

    @Override
    public ScenarioResult run(BenchContext context) {
        var api = context.api();
        var runc = context.runc();
        var freezer = new BareFreezer(Path.of("/sys/fs/cgroup/freezer", context.cgroupParent()));
        String id = api.createSandbox(SandboxShape.STANDARD);
        try {
            api.startBackground(id, LOOP);
            for (int i = 0; i < context.workload().warmUp(); i++) {
                api.pause(id);
                api.resume(id);
                runc.pause(id);
                runc.resume(id);
            }
            boolean withFreezer = freezer.reaches(id);
            int count = context.workload().pauseResume();
            context.say("pause-resume: %d of each, alternating with bare runc pause/resume", count);
            var pause = new LatencyRecorder();
            var resume = new LatencyRecorder();
            var both = new LatencyRecorder();
            var barePause = new LatencyRecorder();
            var bareResume = new LatencyRecorder();
            var bareBoth = new LatencyRecorder();
            var freezerBoth = new LatencyRecorder();
            for (int i = 0; i < count; i++) {
                both.time(() -> {
                    pause.time(() -> api.pause(id));
                    resume.time(() -> api.resume(id));
                });
                bareBoth.time(() -> {
                    barePause.time(() -> runc.pause(id));
                    bareResume.time(() -> runc.resume(id));
                });
                if (withFreezer) {
                    freezerBoth.time(() -> {
                        freezer.freeze(id);
                        freezer.thaw(id);
                    });
                }
            }
            var rows = new ArrayList<Row>(List.of(
                    Row.of("pause + resume", both).against("bare `runc pause` + `runc resume`", bareBoth),
                    Row.of("`POST /v1/sandboxes/{id}/pause`", pause).against("bare `runc pause <id>`", barePause),
                    Row.of("`POST /v1/sandboxes/{id}/resume`", resume).against("bare `runc resume <id>`",
                            bareResume)));
            if (withFreezer) {
                rows.add(Row.of("pause + resume", both).against("bare freezer: write `FROZEN`, then `THAWED`, to "
                        + "`freezer.state`", freezerBoth));
            }
            return new ScenarioResult.Measured(name(), METHOD, rows, List.of(), List.of());
        } finally {
            api.delete(id);
        }
    }

    private static final String METHOD = "A sandbox (1 vCPU, 512MB) runs `" + LOOP + "` as a background process. "
            + "Corral: `POST /v1/sandboxes/{id}/pause` (answer says `paused`) then `POST .../resume` (answer says "
            + "`running`); Corral reads the freezer cgroup's state, writes `FROZEN` or `THAWED` to it as runc would "
            + "(and reads it back until the kernel is done), and writes the new status to its database. Baselines: "
            + "`runc --root <dataDir>/runc pause <id>` then `runc resume <id>` on the same sandbox; and, on cgroup "
            + "v1 hosts, the same freezer file written and read back by the bench process itself, the floor under "
            + "both. Corral's and the bare ones alternate.";
}
