package dev.corral.runtime.oci.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdMappingTest {
    @Test
    void toHost_containerIds_areShiftedByTheHostId() {
        assertThat(IdMapping.DEFAULT.toHost(0)).isEqualTo(100_000);
        assertThat(IdMapping.DEFAULT.toHost(65_534)).isEqualTo(165_534);
    }

    @Test
    void toHost_idOutsideTheRange_fails() {
        assertThatThrownBy(() -> IdMapping.DEFAULT.toHost(65_536)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isMapped_hostIds_areTheRangeOnly() {
        assertThat(IdMapping.DEFAULT.isMapped(100_000)).isTrue();
        assertThat(IdMapping.DEFAULT.isMapped(165_535)).isTrue();
        assertThat(IdMapping.DEFAULT.isMapped(165_536)).isFalse();
        assertThat(IdMapping.DEFAULT.isMapped(0)).isFalse();
    }

    @Test
    void new_rangeOverlappingContainerIds_isRefused() {
        assertThatThrownBy(() -> new IdMapping(1000, 65_536)).isInstanceOf(IllegalArgumentException.class);
    }
}
