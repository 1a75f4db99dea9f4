package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void withDensityTarget_belowSomeCheckpoints_keepsLowerOnesAndEndsAtTarget() {
        Workload workload = Workload.full().withDensityTarget(300);

        assertThat(workload.densityCheckpoints()).containsExactly(100, 250, 300);
        assertThat(workload.densityTarget()).isEqualTo(300);
    }

    @Test
    void withDensityTarget_zero_isRefused() {
        assertThatThrownBy(() -> Workload.quick().withDensityTarget(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
