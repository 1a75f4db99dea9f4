package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;

/** A scenario whose API Corral does not serve yet: it is reported as skipped, with why. */
public record PendingScenario(String name, String reason) implements Scenario {

    @Override
    public ScenarioResult run(BenchContext context) {
        return new ScenarioResult.Skipped(name, reason);
    }
}
