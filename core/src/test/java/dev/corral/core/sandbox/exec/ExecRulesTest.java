package dev.corral.core.sandbox.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.plan.Plans;
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
                FREE.maxStorageBytes(), FREE.openWebSockets(), FREE.openStreams(), FREE.maxMultipartParts());

        assertThatThrownBy(() -> ExecRules.execSpec(withStdin(new byte[5]), plan))
                .isInstanceOfSatisfying(CorralException.class, e ->
                        assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
        assertThat(ExecRules.execSpec(withStdin(new byte[4]), plan).command()).isEqualTo("cat");
    }

    private static ExecRequest withStdin(byte[] stdin) {
        return new ExecRequest("cat", Optional.empty(), Optional.empty(), Map.of(), Optional.of(stdin));
    }
}
