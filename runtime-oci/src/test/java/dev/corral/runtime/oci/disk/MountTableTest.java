package dev.corral.runtime.oci.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {
    @TempDir
    Path dir;

    @Test
    void mountPointsUnder_aDirectory_listsItsMountsDeepestFirst() throws Exception {
        MountTable table = table("""
                22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
                90 22 7:0 / /data/runtime/sandbox-a/disk rw,relatime - ext4 /dev/loop0 rw
                91 22 0:50 / /data/runtime/sandbox-a/bundle/rootfs rw,relatime - overlay overlay rw,lowerdir=/t
                92 22 7:1 / /data/runtime/sandbox-ab/disk rw,relatime - ext4 /dev/loop1 rw
                """);

        assertThat(table.mountPointsUnder(Path.of("/data/runtime/sandbox-a")))
                .containsExactly(Path.of("/data/runtime/sandbox-a/bundle/rootfs"),
                        Path.of("/data/runtime/sandbox-a/disk"));
    }

    @Test
    void isMountPoint_pathWithEscapedSpace_isFound() throws Exception {
        MountTable table = table("""
                22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
                93 22 0:51 / /srv/my\\040dir rw,relatime - tmpfs tmpfs rw
                """);

        assertThat(table.isMountPoint(Path.of("/srv/my dir"))).isTrue();
        assertThat(table.isMountPoint(Path.of("/srv"))).isFalse();
    }

    @Test
    void isOverlayLowerLayer_anOverlaysLowerDirectory_isFoundAndOthersAreNot() throws Exception {
        MountTable table = table("""
                22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
                91 22 0:50 / /data/a/rootfs rw,relatime - overlay overlay rw,lowerdir=/t/base/rootfs,upperdir=/u,workdir=/w
                94 22 0:52 / /data/b/rootfs rw,relatime - overlay overlay rw,lowerdir=/t/x:/t/my\\040base,upperdir=/v
                """);

        assertThat(table.isOverlayLowerLayer(Path.of("/t/base/rootfs"))).isTrue();
        assertThat(table.isOverlayLowerLayer(Path.of("/t/my base"))).as("a second, escaped layer").isTrue();
        assertThat(table.isOverlayLowerLayer(Path.of("/t/base"))).isFalse();
        assertThat(table.isOverlayLowerLayer(Path.of("/u"))).as("an upper layer").isFalse();
    }

    @Test
    void unescape_octalEscapes_becomeTheirCharacters() {
        assertThat(MountTable.unescape("a\\040b\\011c\\134d\\12")).isEqualTo("a b\tc\\d\\12");
    }

    private MountTable table(String mountInfo) throws Exception {
        return new MountTable(Files.writeString(dir.resolve("mountinfo"), mountInfo));
    }
}
