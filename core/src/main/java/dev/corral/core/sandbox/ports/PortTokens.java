package dev.corral.core.sandbox.ports;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.sandbox.SandboxId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The short-lived tokens of port URLs: who signed for what, sealed with an HMAC-SHA256 of the server's key, so
 * that a URL opens one port of one sandbox, until it expires, as the key it was made with (which it holds no
 * longer than that key holds: the caller checks the key). A token is
 * {@code base64url(organization \n key \n expiry-seconds) . base64url(mac)}, the MAC over the sandbox id, the port
 * and that first part: the same token for another sandbox or port does not verify.
 *
 * <p>Immutable and thread-safe (a {@link Mac} is made per use).
 */
public final class PortTokens {
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** What a token that verified signs for. */
    public record Signed(OrganizationId organization, ApiKeyId key, Instant expiresAt) {
    }

    private final SecretKeySpec key;

    /** @param key at least 32 bytes, this server's own (derive it from a secret of its, never reuse one as is) */
    public PortTokens(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a port token key has at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** A token for {@code port} of {@code sandbox}, as {@code signer}'s key, until {@code expiresAt}. */
    public String sign(SandboxId sandbox, int port, Signed signer) {
        String claims = ENCODER.encodeToString((signer.organization().value() + "\n" + signer.key().value() + "\n"
                + signer.expiresAt().getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        return claims + "." + ENCODER.encodeToString(mac(sandbox, port, claims));
    }

    /**
     * What {@code token} signs for, when it was made for {@code port} of {@code sandbox} and has not expired at
     * {@code now}.
     *
     * @throws CorralException {@code invalid_token} for a token that is malformed or made for something else,
     *                         {@code token_expired} for one past its time
     */
    public Signed verify(String token, SandboxId sandbox, int port, Instant now) {
        Objects.requireNonNull(token, "token");
        int dot = token.indexOf('.');
        if (dot <= 0) {
            throw invalid();
        }
        String claims = token.substring(0, dot);
        Signed signed;
        byte[] presented;
        try {
            presented = DECODER.decode(token.substring(dot + 1));
            String[] parts = new String(DECODER.decode(claims), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 3) {
                throw invalid();
            }
            signed = new Signed(OrganizationId.parse(parts[0]), ApiKeyId.parse(parts[1]),
                    Instant.ofEpochSecond(Long.parseLong(parts[2])));
        } catch (IllegalArgumentException | CorralException e) {
            throw invalid();
        }
        if (!MessageDigest.isEqual(presented, mac(sandbox, port, claims))) {
            throw invalid();
        }
        if (!now.isBefore(signed.expiresAt())) {
            throw new CorralException(ErrorCode.TOKEN_EXPIRED, "This port URL has expired; ask for a new one");
        }
        return signed;
    }

    private byte[] mac(SandboxId sandbox, int port, String claims) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal((sandbox.value() + "\n" + port + "\n" + claims).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + ALGORITHM, e);
        }
    }

    private static CorralException invalid() {
        return new CorralException(ErrorCode.INVALID_TOKEN, "The port URL's token is not valid for this sandbox and"
                + " port");
    }
}
