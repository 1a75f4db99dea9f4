package dev.corral.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResourcesTest {
    @Test
    void of_apiStrings_areParsedWithTheDefaultPidsLimit() {
        Resources resources = Resources.of(2, "4GB", "10GB");

        assertThat(resources.vcpus()).isEqualTo(2);
        assertThat(resources.memoryBytes()).isEqualTo(4L << 30);
        assertThat(resources.diskBytes()).isEqualTo(10L << 30);
        assertThat(resources.pids()).isEqualTo(Resources.DEFAULT_PIDS);
    }

    @Test
    void new_belowWhatASandboxNeeds_isRefused() {
        assertThatThrownBy(() -> Resources.of(0, "1GB", "1GB")).hasMessageContaining("vcpus");
        assertThatThrownBy(() -> Resources.of(1, "1MB", "1GB")).hasMessageContaining("memory");
        assertThatThrownBy(() -> Resources.of(1, "1GB", "1MB")).hasMessageContaining("disk");
        assertThatThrownBy(() -> Resources.of(1, "1GB", "1GB").withPids(1)).hasMessageContaining("pids");
    }
}
