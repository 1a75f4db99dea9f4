package dev.corral.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizeTest {
    @ParameterizedTest
    @CsvSource({"512MB, 536870912", "2GB, 2147483648", "1TB, 1099511627776", "64KB, 65536", "100B, 100",
            "4096, 4096", "' 10 gb ', 10737418240", "0MB, 0"})
    void parse_sizesAsPeopleWriteThem_areBinaryBytes(String text, long bytes) {
        assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "-1MB", "1.5GB", "2 GiB", "10XB", "1234567890123GB"})
    void parse_somethingElse_throwsNamingTheShape(String text) {
        assertThatThrownBy(() -> DataSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512MB or 2GB");
    }

    @Test
    void parse_null_throws() {
        assertThatThrownBy(() -> DataSize.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"512MB", "2GB", "1536MB", "100B", "0B", "3TB", "1025KB"})
    void toString_anySize_parsesBackToItself(String text) {
        assertThat(DataSize.parse(text).toString()).isEqualTo(text);
    }
}
