package dev.corral.core.sandbox.files;

import dev.corral.core.io.LimitedInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The input a file operation feeds into a sandbox: the upload, counted against its limit. */
class FileStreamsTest {
    @Test
    void limitedInput_exactlyTheLimit_readsThrough() throws Exception {
        InputStream in = new LimitedInput(new ByteArrayInputStream(new byte[100]), 100);

        assertThat(in.readAllBytes()).hasSize(100);
    }

    @Test
    void limitedInput_oneByteMore_isPayloadTooLarge() {
        InputStream in = new LimitedInput(new ByteArrayInputStream(new byte[101]), 100);

        assertThatThrownBy(in::readAllBytes).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    }

    @Test
    void limitedInput_skippingPastTheLimit_isCountedToo() {
        InputStream in = new LimitedInput(new ByteArrayInputStream(new byte[200]), 100);

        assertThatThrownBy(() -> in.skip(150)).isInstanceOf(CorralException.class);
    }
}
