package dev.corral.bench.scenario;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** How a scenario ended: measured, skipped because what it measures does not exist yet, or failed. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ScenarioResult.Measured.class, name = "measured"),
        @JsonSubTypes.Type(value = ScenarioResult.Skipped.class, name = "skipped"),
        @JsonSubTypes.Type(value = ScenarioResult.Failed.class, name = "failed")})
public sealed interface ScenarioResult {
    String scenario();

    /**
     * @param method how it was measured, baselines included, in a few sentences for the report
     * @param notes  what happened in this run that a reader must know (an early stop, errors seen)
     */
    record Measured(String scenario, String method, List<Row> rows, List<Observation> observations,
                    List<String> notes) implements ScenarioResult {
        public Measured {
            rows = List.copyOf(rows);
            observations = List.copyOf(observations);
            notes = List.copyOf(notes);
        }
    }

    record Skipped(String scenario, String reason) implements ScenarioResult {
    }

    record Failed(String scenario, String error) implements ScenarioResult {
    }
}
