package dev.corral.runtime.oci.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SeccompProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void load_onAmd64_refusesByDefaultForAllX86Architectures() {
        JsonNode profile = SeccompProfile.load(JSON, "amd64").json();

        assertThat(profile.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(profile.path("defaultErrnoRet").asInt()).isEqualTo(1);
        assertThat(texts(profile.path("architectures")))
                .containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    }

    @Test
    void load_onArm64_namesArmArchitectures() {
        assertThat(texts(SeccompProfile.load(JSON, "aarch64").json().path("architectures")))
                .containsExactly("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
    }

    @Test
    void load_onUnknownArchitecture_fails() {
        assertThatThrownBy(() -> SeccompProfile.load(JSON, "sparc")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void load_anyProfile_allowsWhatProgramsUseAndNoEscapeHatch() {
        var allowed = allowedWithoutConditions(SeccompProfile.load(JSON, "amd64").json());

        assertThat(allowed).contains("read", "write", "openat", "execve", "mmap", "futex", "epoll_wait", "wait4",
                "fork", "chroot", "setuid");
        assertThat(allowed).doesNotContain("mount", "umount2", "pivot_root", "unshare", "setns", "ptrace",
                "process_vm_readv", "bpf", "perf_event_open", "kexec_load", "kexec_file_load", "init_module",
                "finit_module", "delete_module", "keyctl", "add_key", "request_key", "open_by_handle_at",
                "io_uring_setup", "userfaultfd", "reboot", "syslog", "sethostname", "clone", "clone3",
                "socket", "personality");
    }

    @Test
    void load_cloneRule_refusesNamespaceFlags() {
        JsonNode clone = rule(SeccompProfile.load(JSON, "amd64").json(), "clone");

        assertThat(clone.path("action").asText()).isEqualTo("SCMP_ACT_ALLOW");
        JsonNode arg = clone.path("args").get(0);
        assertThat(arg.path("op").asText()).isEqualTo("SCMP_CMP_MASKED_EQ");
        // CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET must all be clear
        assertThat(arg.path("value").asLong()).isEqualTo(0x7E020000L);
        assertThat(arg.path("valueTwo").asLong()).isZero();
    }

    @Test
    void load_clone3Rule_answersNotImplementedSoLibrariesFallBackToClone() {
        JsonNode clone3 = rule(SeccompProfile.load(JSON, "amd64").json(), "clone3");

        assertThat(clone3.path("action").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(clone3.path("errnoRet").asInt()).isEqualTo(38);
    }

    @Test
    void json_changedByACaller_leavesTheProfileAsItWas() {
        SeccompProfile profile = SeccompProfile.load(JSON, "amd64");

        ((com.fasterxml.jackson.databind.node.ObjectNode) profile.json()).put("defaultAction", "SCMP_ACT_ALLOW");

        assertThat(profile.json().path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    }

    private static TreeSet<String> allowedWithoutConditions(JsonNode profile) {
        var names = new TreeSet<String>();
        profile.path("syscalls").forEach(rule -> {
            if (rule.path("action").asText().equals("SCMP_ACT_ALLOW") && rule.path("args").isMissingNode()) {
                rule.path("names").forEach(name -> names.add(name.asText()));
            }
        });
        return names;
    }

    private static JsonNode rule(JsonNode profile, String name) {
        for (JsonNode rule : profile.path("syscalls")) {
            if (texts(rule.path("names")).contains(name)) {
                return rule;
            }
        }
        throw new AssertionError("no rule for " + name);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
