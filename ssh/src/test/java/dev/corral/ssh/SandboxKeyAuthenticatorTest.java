package dev.corral.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.ssh.SshPublicKey;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway fingerprints an offered key exactly as the API fingerprinted the registered text. */
class SandboxKeyAuthenticatorTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ6BekevPbRiyPSJBHNs0TWrrgBHTOw8ApTf2Cv8PIHv alice@laptop",
            "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBKXjzqHXrMRBpzA90x0Hphtfm3Mgq4vW1uq6IhFhibovEna15+yQd5qqnMcqSCf8hu1c9f0EtJ2qml5AbHKBczVfh+yFWHVs5A69YgXb4HAIyHJX577Mom6Wt/IuLh5hDw==",
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCe51c1/aq4j12FZPppdwBXnzSlqZ3j1qKK3ooY6xpgpONcvCnZ0rygzVoXlPSNaLLjcNxDlVdJlp2FHRc5Atdi/lz6QReXtjrPa1g2Wmv1wdJaHFa4UDXvW+yzH5r3ScjbV1dQhdhQi1vakcmlyTdHXZd5X7RD2618I4sVB7lVHAAj1Oae+phVnpJCGu8r84o/cQXQhng2aNVicg4wrki3qnUvl2qhI8Hf3J9OHWDApgWo7gxYmFU7TucqF4cth/4WaydIPjMcW46Ybhbe7tWqM4cCasH8Ja9rdoqFK49MrU+8IMtSaChRDvpffM051xHH7r3MG+vB4EhCbB+grMVp r"})
    void fingerprint_offeredKey_matchesTheRegisteredOne(String text) throws Exception {
        PublicKey offered = AuthorizedKeyEntry.parseAuthorizedKeyEntry(text)
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);

        assertThat(SandboxKeyAuthenticator.fingerprint(offered))
                .isEqualTo(SshPublicKey.parse("publicKey", text).fingerprint());
        assertThat(SecurityUtils.isEDDSACurveSupported()).isTrue();
    }
}
