package dev.corral.core.sandbox.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.sandbox.SandboxId;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PortTokensTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final SandboxId SANDBOX = new SandboxId("sandbox-abcdefabcdef");
    private static final SandboxId OTHER = new SandboxId("sandbox-bcdefabcdefa");

    private final PortTokens tokens = new PortTokens(key(1));
    private final PortTokens.Signed signer = new PortTokens.Signed(OrganizationId.random(), ApiKeyId.random(),
            NOW.plusSeconds(60));

    @Test
    void verify_sameSandboxPortAndKeyBeforeExpiry_givesTheSigner() {
        assertThat(tokens.verify(tokens.sign(SANDBOX, 3000, signer), SANDBOX, 3000, NOW)).isEqualTo(signer);
    }

    @Test
    void verify_anotherSandboxPortOrServerKey_isInvalidToken() {
        String token = tokens.sign(SANDBOX, 3000, signer);

        assertCode(() -> tokens.verify(token, SANDBOX, 3001, NOW), ErrorCode.INVALID_TOKEN);
        assertCode(() -> tokens.verify(token, OTHER, 3000, NOW), ErrorCode.INVALID_TOKEN);
        assertCode(() -> new PortTokens(key(2)).verify(token, SANDBOX, 3000, NOW), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void verify_changedClaimsOrGarbage_isInvalidToken() {
        String token = tokens.sign(SANDBOX, 3000, signer);
        String longer = tokens.sign(SANDBOX, 3000, new PortTokens.Signed(signer.organization(), signer.key(),
                NOW.plusSeconds(86_400)));
        String forged = longer.substring(0, longer.indexOf('.')) + token.substring(token.indexOf('.'));

        assertCode(() -> tokens.verify(forged, SANDBOX, 3000, NOW), ErrorCode.INVALID_TOKEN);
        for (String garbage : new String[] {"", ".", "abc", "abc.def", "!!.!!", token + "x"}) {
            assertCode(() -> tokens.verify(garbage, SANDBOX, 3000, NOW), ErrorCode.INVALID_TOKEN);
        }
    }

    @Test
    void verify_atOrAfterExpiry_isTokenExpired() {
        String token = tokens.sign(SANDBOX, 3000, signer);

        assertCode(() -> tokens.verify(token, SANDBOX, 3000, signer.expiresAt()), ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    void new_shortKey_isRefused() {
        assertThatThrownBy(() -> new PortTokens(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
