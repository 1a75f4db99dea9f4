package dev.corral.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SandboxSlotsTest {
    private static final SandboxSlots.Wording WORDING = new SandboxSlots.Wording("Sandbox %s holds %d",
            "The server holds %d", Duration.ofSeconds(1));
    private static final SandboxId ONE = new SandboxId("sandbox-aaaaaaaaaaaa");
    private static final SandboxId TWO = new SandboxId("sandbox-bbbbbbbbbbbb");

    @Test
    void take_pastTheSandboxLimit_isQuotaExceededAndOtherSandboxesStillRun() {
        var slots = new SandboxSlots(10, WORDING);
        slots.take(ONE, 2);
        slots.take(ONE, 2);

        assertThatThrownBy(() -> slots.take(ONE, 2)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        slots.take(TWO, 2);
        assertThat(slots.taken()).isEqualTo(3);
    }

    @Test
    void take_pastTheServerLimit_isRateLimitedWithARetryHintAndKeepsNoSandboxSlot() {
        var slots = new SandboxSlots(2, WORDING);
        slots.take(ONE, 5);
        slots.take(TWO, 5);

        assertThatThrownBy(() -> slots.take(ONE, 5)).isInstanceOfSatisfying(CorralException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.retryAfter()).isPresent();
        });
        assertThat(slots.taken()).isEqualTo(2);
    }

    @Test
    void close_aSlot_givesBothCountsBackOnceEvenWhenClosedTwice() {
        var slots = new SandboxSlots(1, WORDING);
        SandboxSlots.Slot slot = slots.take(ONE, 1);

        slot.close();
        slot.close();

        SandboxSlots.Slot again = slots.take(ONE, 1);
        assertThat(slots.taken()).isEqualTo(1);
        assertThatThrownBy(() -> slots.take(TWO, 1)).isInstanceOf(CorralException.class);
        again.close();
        assertThat(slots.taken()).isZero();
    }
}
