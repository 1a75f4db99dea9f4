package dev.corral.bench.scenario;

/** A figure a scenario read rather than timed, such as memory per sandbox. */
public record Observation(String what, double value, String unit) {
}
