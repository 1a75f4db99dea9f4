package dev.corral.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys made by OpenSSH's ssh-keygen, their fingerprints as {@code ssh-keygen -l} printed them. */
class SshPublicKeyTest {
    static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ6BekevPbRiyPSJBHNs0TWrrgBHTOw8ApTf2Cv8PIHv alice@laptop";
    static final String ECDSA_384 = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBKXjzqHXrMRBpzA90x0Hphtfm3Mgq4vW1uq6IhFhibovEna15+yQd5qqnMcqSCf8hu1c9f0EtJ2qml5AbHKBczVfh+yFWHVs5A69YgXb4HAIyHJX577Mom6Wt/IuLh5hDw==";
    static final String RSA_2048 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCe51c1/aq4j12FZPppdwBXnzSlqZ3j1qKK3ooY6xpgpONcvCnZ0rygzVoXlPSNaLLjcNxDlVdJlp2FHRc5Atdi/lz6QReXtjrPa1g2Wmv1wdJaHFa4UDXvW+yzH5r3ScjbV1dQhdhQi1vakcmlyTdHXZd5X7RD2618I4sVB7lVHAAj1Oae+phVnpJCGu8r84o/cQXQhng2aNVicg4wrki3qnUvl2qhI8Hf3J9OHWDApgWo7gxYmFU7TucqF4cth/4WaydIPjMcW46Ybhbe7tWqM4cCasH8Ja9rdoqFK49MrU+8IMtSaChRDvpffM051xHH7r3MG+vB4EhCbB+grMVp r";
    static final String RSA_1024 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDEFH3js7jI3cYqyKx3GTka3xw+9GtvslQnpNfXnfL3jHcfyzlq/0gAHU07NGwqYPT3JB04x/K4LBjgpsVnPCyPevHJz2EDsK6cZtISQIahl6EX2zED5b+HuFsUiqg41DyvAmmC9xxXC2w1JNCdQ761yRlGAhv5a/FZF2XEa3aZJw==";

    @Test
    void parse_ed25519_hasOpenSshFingerprintAndDropsComment() {
        SshPublicKey key = SshPublicKey.parse("publicKey", ED25519);

        assertThat(key.algorithm()).isEqualTo("ssh-ed25519");
        assertThat(key.bits()).isEqualTo(256);
        assertThat(key.fingerprint()).isEqualTo("SHA256:ycaoGy8D8zwl0jddqFzshO8Y9bdpCBUTGoGDcGYQMlM");
        assertThat(key.openSsh()).isEqualTo(ED25519.substring(0, ED25519.lastIndexOf(' ')));
    }

    @Test
    void parse_ecdsa384_hasCurveBitsAndFingerprint() {
        SshPublicKey key = SshPublicKey.parse("publicKey", ECDSA_384);

        assertThat(key.bits()).isEqualTo(384);
        assertThat(key.fingerprint()).isEqualTo("SHA256:c5LQrH5+Y7mtF63u39XWxHmj90g31Ipovzj8Hq9CSm8");
    }

    @Test
    void parse_rsa2048_isAccepted() {
        SshPublicKey key = SshPublicKey.parse("publicKey", "  " + RSA_2048 + "\n");

        assertThat(key.bits()).isEqualTo(2048);
        assertThat(key.fingerprint()).isEqualTo("SHA256:yQDbMe10aUDBdRV1fTOhkg7iWiJMFi2Jp6ZHao0qoGk");
    }

    @Test
    void parse_rsa1024_throwsValidationFailedNamingTheMinimum() {
        assertInvalid(RSA_1024, "at least 2048 bits");
    }

    @Test
    void parse_unknownAlgorithm_throwsValidationFailed() {
        String dss = "ssh-dss " + Base64.getEncoder().encodeToString(wire("ssh-dss", new byte[8]));

        assertInvalid(dss, "is not accepted");
    }

    @Test
    void parse_algorithmInsideDiffers_throwsValidationFailed() {
        String swapped = "ssh-rsa " + ED25519.split(" ")[1];

        assertInvalid(swapped, "the key inside says 'ssh-ed25519'");
    }

    @Test
    void parse_bytesAfterTheKey_throwsValidationFailed() {
        byte[] blob = Base64.getDecoder().decode(ED25519.split(" ")[1]);
        byte[] padded = java.util.Arrays.copyOf(blob, blob.length + 4);

        assertInvalid("ssh-ed25519 " + Base64.getEncoder().encodeToString(padded), "bytes follow the key");
    }

    @Test
    void parse_lengthPastTheEnd_throwsValidationFailed() {
        byte[] blob = Base64.getDecoder().decode(ED25519.split(" ")[1]);
        byte[] cut = java.util.Arrays.copyOf(blob, blob.length - 5);

        assertInvalid("ssh-ed25519 " + Base64.getEncoder().encodeToString(cut), "not a well-formed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "ssh-ed25519", "ssh-ed25519 not*base64", "-----BEGIN OPENSSH PRIVATE KEY-----"})
    void parse_notAPublicKey_throwsValidationFailed(String text) {
        assertThatThrownBy(() -> SshPublicKey.parse("publicKey", text))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                    assertThat(e.details()).allSatisfy(p -> assertThat(p.field()).isEqualTo("publicKey"));
                });
    }

    @Test
    void parse_sameKeyOtherComment_isEqual() {
        String other = ED25519.substring(0, ED25519.lastIndexOf(' ')) + " bob@desk";

        assertThat(SshPublicKey.parse("k", other)).isEqualTo(SshPublicKey.parse("k", ED25519));
    }

    private static void assertInvalid(String text, String problem) {
        assertThatThrownBy(() -> SshPublicKey.parse("publicKey", text))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                    assertThat(e.details()).singleElement().satisfies(p -> {
                        assertThat(p.field()).isEqualTo("publicKey");
                        assertThat(p.problem()).contains(problem);
                    });
                });
    }

    private static byte[] wire(String algorithm, byte[] rest) {
        byte[] name = algorithm.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + name.length + rest.length).putInt(name.length).put(name)
                .putInt(rest.length).put(rest).array();
    }
}
