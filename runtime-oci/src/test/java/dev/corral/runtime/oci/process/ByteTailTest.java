package dev.corral.runtime.oci.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteTailTest {
    @Test
    void write_lessThanTheLimit_keepsEverything() {
        ByteTail tail = new ByteTail(16);

        write(tail, "abc");
        write(tail, "def");

        assertThat(tail.text()).isEqualTo("abcdef");
    }

    @Test
    void write_pastTheLimit_keepsTheLastBytes() {
        ByteTail tail = new ByteTail(5);

        write(tail, "abc");
        write(tail, "defg");
        write(tail, "h");

        assertThat(tail.text()).isEqualTo("defgh");
    }

    @Test
    void write_oneChunkLargerThanTheLimit_keepsItsEnd() {
        ByteTail tail = new ByteTail(4);

        write(tail, "0123456789");

        assertThat(tail.text()).isEqualTo("6789");
    }

    @Test
    void write_partOfABuffer_usesOnlyThatPart() {
        ByteTail tail = new ByteTail(8);

        tail.write("hello, world".getBytes(StandardCharsets.UTF_8), 5);

        assertThat(tail.text()).isEqualTo("hello");
    }

    private static void write(ByteTail tail, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        tail.write(bytes, bytes.length);
    }
}
