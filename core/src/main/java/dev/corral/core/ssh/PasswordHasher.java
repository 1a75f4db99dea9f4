package dev.corral.core.ssh;

/**
 * How this server hashes the passwords it keeps: {@link PasswordHash} with a count of iterations. The standard
 * count in production; unit tests, which need no slow hashes, pass fewer.
 */
public record PasswordHasher(int iterations) {
    /** {@value PasswordHash#ITERATIONS} iterations, OWASP's advice. */
    public static final PasswordHasher STANDARD = new PasswordHasher(PasswordHash.ITERATIONS);

    public PasswordHasher {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
    }

    /** The hash of {@code password}, with a new random salt. */
    public PasswordHash hash(String password) {
        return PasswordHash.of(password, iterations);
    }
}
