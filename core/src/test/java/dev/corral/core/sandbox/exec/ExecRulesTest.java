package dev.corral.core.sandbox.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.plan.Plans;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExecRulesTest {
    private static final PlanLimits FREE = Plans.defaults(6000, 1000).of(Tier.FREE);

    @Test
    void execSpec_timeoutBeyondThePlan_isQuotaExceeded() {
        var tooLong = new ExecRequest("true", Optional.of(31_000L), Optional.empty(), Map.of());

        assertThatThrownBy(() -> ExecRules.execSpec(tooLong, FREE))
                .isInstanceOfSatisfying(CorralException.class, e ->
                        assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        assertThat(ExecRules.execSpec(new ExecRequest("true", Optional.empty(), Optional.empty(), Map.of()), FREE)
                .maxOutputBytes()).isEqualTo(FREE.maxOutputBytes());
    }

    @Test
    void execSpec_stdinBeyondThePlansUploadLimit_isPayloadTooLarge() {
        var plan = new PlanLimits(FREE.requestsPerMinute(), FREE.burst(), FREE.concurrentRequests(),
                FREE.concurrentSandboxes(), FREE.maxRuntime(), FREE.maxIdleTimeout(), FREE.maxVcpus(),
                FREE.maxMemoryBytes(), FREE.maxDiskBytes(), FREE.maxExecTimeout(), FREE.maxOutputBytes(), 4,
                FREE.maxStorageBytes(), FREE.openWebSockets(), FREE.openStreams(), FREE.maxMultipartParts(),
                FREE.concurrentExecsPerSandbox(), FREE.bandwidth());

        assertThatThrownBy(() -> ExecRules.execSpec(withStdin(new byte[5]), plan))
                .isInstanceOfSatisfying(CorralException.class, e ->
                        assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
        assertThat(ExecRules.execSpec(withStdin(new byte[4]), plan).command()).isEqualTo("cat");
    }

    @Test
    void execSpec_backgroundWithoutTimeout_runsUntilKilled() {
        var request = new ExecRequest("sleep 60", Optional.empty(), Optional.empty(), Map.of());

        ExecSpec spec = ExecRules.execSpec(request, FREE, ExecSpec.UNTIL_KILLED);

        assertThat(spec.hasTimeout()).isFalse();
        assertThat(ExecRules.execSpec(new ExecRequest("sleep 60", Optional.of(5_000L), Optional.empty(), Map.of()),
                FREE, ExecSpec.UNTIL_KILLED).timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void execSpec_serverDefaultTimeout_isUsedButNeverBeyondThePlan() {
        var request = new ExecRequest("true", Optional.empty(), Optional.empty(), Map.of());

        assertThat(ExecRules.execSpec(request, FREE, Duration.ofSeconds(2)).timeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(ExecRules.execSpec(request, FREE, Duration.ofMinutes(5)).timeout())
                .isEqualTo(FREE.maxExecTimeout());
    }

    private static ExecRequest withStdin(byte[] stdin) {
        return new ExecRequest("cat", Optional.empty(), Optional.empty(), Map.of(), Optional.of(stdin));
    }
}
