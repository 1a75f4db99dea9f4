package dev.corral.core.sandbox.exec;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.FieldProblem;
import dev.corral.core.io.LimitedInput;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.sandbox.EnvironmentNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;

/**
 * What a command request must satisfy: well-formed fields ({@code validation_failed}, naming each field at fault)
 * and the caller's plan ({@code quota_exceeded}). Defaults follow the RunTools docs: a 30 s timeout (the server's
 * {@code exec-default-timeout}, no more than the plan allows) in {@code /workspace}; a background command that
 * names no timeout runs until killed.
 */
public final class ExecRules {
    static final int MAX_COMMAND_BYTES = 128 * 1024 - 1;

    private ExecRules() {
    }

    /** A foreground command's spec with the RunTools default timeout. */
    public static ExecSpec execSpec(ExecRequest request, PlanLimits plan) {
        return execSpec(request, plan, ExecSpec.DEFAULT_TIMEOUT);
    }

    /**
     * The spec of a command; a timeout the request does not give is {@code defaultTimeout}, cut to the plan's
     * maximum, or {@link ExecSpec#UNTIL_KILLED} for a background command.
     */
    public static ExecSpec execSpec(ExecRequest request, PlanLimits plan, Duration defaultTimeout) {
        var problems = new ArrayList<FieldProblem>();
        String command = request.command();
        if (command == null || command.isBlank()) {
            problems.add(new FieldProblem("command", "is required and must not be blank"));
        } else if (command.indexOf('\0') >= 0) {
            problems.add(new FieldProblem("command", "must not contain NUL bytes"));
        } else if (command.getBytes(StandardCharsets.UTF_8).length > MAX_COMMAND_BYTES) {
            problems.add(new FieldProblem("command", "must be at most " + MAX_COMMAND_BYTES
                    + " bytes; write longer scripts to a file and run that"));
        }
        long timeoutMillis = request.timeoutMillis().orElse(1L);
        if (timeoutMillis <= 0) {
            problems.add(new FieldProblem("timeout", "must be a positive number of milliseconds"));
        }
        String cwd = request.cwd().orElse(ExecSpec.DEFAULT_CWD);
        if (!cwd.startsWith("/") || cwd.indexOf('\0') >= 0) {
            problems.add(new FieldProblem("cwd", "must be an absolute path"));
        }
        EnvironmentNames.check("env", request.env(), problems);
        if (!problems.isEmpty()) {
            throw CorralException.invalid(problems);
        }
        // A command's standard input counts as an upload: more than the plan's upload limit is payload_too_large.
        if (request.stdin().isPresent() && request.stdin().get().length > plan.maxUploadBytes()) {
            throw LimitedInput.tooLarge(plan.maxUploadBytes());
        }
        Duration timeout;
        if (request.timeoutMillis().isPresent()) {
            timeout = Duration.ofMillis(timeoutMillis);
            if (timeout.compareTo(plan.maxExecTimeout()) > 0) {
                throw CorralException.quotaExceeded("timeout: your plan allows at most "
                        + plan.maxExecTimeout().toMillis() + " ms per command");
            }
        } else if (defaultTimeout.equals(ExecSpec.UNTIL_KILLED)) {
            timeout = defaultTimeout;
        } else {
            timeout = defaultTimeout.compareTo(plan.maxExecTimeout()) > 0 ? plan.maxExecTimeout() : defaultTimeout;
        }
        return new ExecSpec(command, cwd, request.env(), timeout, plan.maxOutputBytes());
    }
}
