package dev.corral.core.sandbox.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.sandbox.SandboxId;
import org.junit.jupiter.api.Test;

class ExecSlotsTest {
    private static final SandboxId ONE = new SandboxId("sandbox-aaaaaaaaaaaa");
    private static final SandboxId TWO = new SandboxId("sandbox-bbbbbbbbbbbb");

    @Test
    void take_pastTheSandboxLimit_isQuotaExceededAndOtherSandboxesStillRun() {
        var slots = new ExecSlots(10);
        slots.take(ONE, 2);
        slots.take(ONE, 2);

        assertThatThrownBy(() -> slots.take(ONE, 2)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        slots.take(TWO, 2);
        assertThat(slots.running()).isEqualTo(3);
    }

    @Test
    void take_pastTheServerLimit_isRateLimitedWithARetryHintAndKeepsNoSandboxSlot() {
        var slots = new ExecSlots(2);
        slots.take(ONE, 5);
        slots.take(TWO, 5);

        assertThatThrownBy(() -> slots.take(ONE, 5)).isInstanceOfSatisfying(CorralException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.retryAfter()).isPresent();
        });
        assertThat(slots.running()).isEqualTo(2);
    }

    @Test
    void close_aSlot_givesBothCountsBackOnceEvenWhenClosedTwice() {
        var slots = new ExecSlots(1);
        ExecSlots.Slot slot = slots.take(ONE, 1);

        slot.close();
        slot.close();

        ExecSlots.Slot again = slots.take(ONE, 1);
        assertThat(slots.running()).isEqualTo(1);
        assertThatThrownBy(() -> slots.take(TWO, 1)).isInstanceOf(CorralException.class);
        again.close();
        assertThat(slots.running()).isZero();
    }
}
