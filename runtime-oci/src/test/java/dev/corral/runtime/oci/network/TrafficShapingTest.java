package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.plan.Bandwidth;
import org.junit.jupiter.api.Test;

class TrafficShapingTest {

    @Test
    void shape_aPlansBandwidth_isATokenBucketOfTenMillisecondsAtTheRate() {
        assertThat(TrafficShaping.shape("crabc", Bandwidth.ofMegabits(1000)))
                .isEqualTo("qdisc replace dev crabc root tbf rate 1000000000bit burst 1250000 latency 50ms");
    }

    @Test
    void burstBytes_aSlowRate_holdsAFewFullSizedPacketsStill() {
        assertThat(TrafficShaping.burstBytes(Bandwidth.ofMegabits(1))).isEqualTo(32 << 10);
    }
}
