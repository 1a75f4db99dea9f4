package dev.corral.core.error;

import java.util.Objects;

/** One problem with one field of a request, e.g. {@code resources.memory}: "must look like 512MB or 2GB". */
public record FieldProblem(String field, String problem) {
    public FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(problem, "problem");
    }
}
