package dev.corral.runtime.oci.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GuestFieldsTest {

    @Test
    void encode_repeatedKeys_keepTheirOrderAndEndInNul() {
        byte[] bytes = GuestFields.builder().add("arg", "sh").add("arg", "-c").add("timeout_ms", 5).build().encode();

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("arg=sh\0arg=-c\0timeout_ms=5\0");
    }

    @Test
    void decode_encodedFields_givesThemBack() {
        GuestFields fields = GuestFields.builder().add("env", "A=b=c").add("path", "/tmp/é").add("pty", true).build();

        GuestFields decoded = GuestFields.decode(fields.encode());

        assertThat(decoded).isEqualTo(fields);
        assertThat(decoded.get("env")).contains("A=b=c");
        assertThat(decoded.flag("pty")).isTrue();
    }

    @Test
    void decode_unterminatedOrBareStrings_areKeptLeniently() {
        GuestFields decoded = GuestFields.decode("code=ENOENT\0odd\0size=12".getBytes(StandardCharsets.UTF_8));

        assertThat(decoded.text("code", "")).isEqualTo("ENOENT");
        assertThat(decoded.get("odd")).contains("");
        assertThat(decoded.number("size", -1)).isEqualTo(12);
    }

    @Test
    void number_malformed_isTheDefault() {
        assertThat(GuestFields.decode("size=x\0".getBytes(StandardCharsets.UTF_8)).number("size", 7)).isEqualTo(7);
    }

    @Test
    void add_valueWithNul_isRefused() {
        assertThatThrownBy(() -> GuestFields.builder().add("arg", "a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
