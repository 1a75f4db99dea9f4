package dev.corral.runtime.oci.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The seccomp filter of every sandbox, in the shape of the OCI {@code linux.seccomp} object: refuse every system
 * call with EPERM unless listed. The list (the resource {@code seccomp.json}) is Docker's default profile
 * resolved for a sandbox's capabilities, without CAP_SYS_ADMIN, so mount, namespaces ({@code unshare},
 * {@code setns}, {@code clone} with namespace flags), {@code bpf}, {@code perf_event_open}, {@code kexec_*},
 * module loading, {@code keyctl}, {@code ptrace} and friends, {@code reboot} and {@code syslog} are refused;
 * {@code io_uring_*} is refused too, as it bypasses seccomp per operation and has been a steady source of kernel
 * exploits. {@code clone3} answers ENOSYS so that C libraries fall back to {@code clone}, whose flags the filter
 * can see.
 *
 * <p>Immutable; {@link #json()} returns a fresh copy each time.
 */
public final class SeccompProfile {
    private static final String RESOURCE = "seccomp.json";

    private final ObjectNode profile;

    private SeccompProfile(ObjectNode profile) {
        this.profile = profile;
    }

    /** The profile for the CPU architecture this JVM runs on. */
    public static SeccompProfile forThisHost(ObjectMapper json) {
        return load(json, System.getProperty("os.arch"));
    }

    static SeccompProfile load(ObjectMapper json, String osArch) {
        try (InputStream in = SeccompProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            ObjectNode profile = (ObjectNode) json.readTree(in);
            if (!"SCMP_ACT_ERRNO".equals(profile.path("defaultAction").asText())) {
                throw new IllegalStateException(RESOURCE + " must refuse what it does not list");
            }
            ArrayNode architectures = profile.putArray("architectures");
            architecturesOf(osArch).forEach(architectures::add);
            return new SeccompProfile(profile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    ObjectNode json() {
        return profile.deepCopy();
    }

    /** libseccomp's names for the native architecture and the compatibility ones its kernel can run. */
    private static List<String> architecturesOf(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            case "aarch64", "arm64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
            default -> throw new IllegalStateException("No seccomp architectures known for " + osArch);
        };
    }
}
