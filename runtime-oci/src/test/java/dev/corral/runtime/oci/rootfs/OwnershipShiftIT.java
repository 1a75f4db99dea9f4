package dev.corral.runtime.oci.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.runtime.oci.bundle.IdMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs root: only root may give files away. */
class OwnershipShiftIT {
    private final OwnershipShift shift = new OwnershipShift(IdMapping.DEFAULT);

    @TempDir
    Path tree;
    @TempDir
    Path outside;

    @Test
    void apply_toATree_movesEveryOwnerIntoTheRangeOnce() throws Exception {
        Path file = Files.writeString(tree.resolve("file"), "x");
        Path userFile = Files.writeString(tree.resolve("user-file"), "x");
        own(userFile, 1000, 1000);
        Path dir = Files.createDirectory(tree.resolve("dir"));
        Path hardLink = Files.createLink(dir.resolve("hard-link"), file);

        shift.apply(tree);
        shift.apply(tree);

        assertThat(owner(tree)).isEqualTo("100000:100000");
        assertThat(owner(file)).isEqualTo("100000:100000");
        assertThat(owner(hardLink)).isEqualTo("100000:100000");
        assertThat(owner(userFile)).isEqualTo("101000:101000");
        assertThat(owner(dir)).isEqualTo("100000:100000");
    }

    @Test
    void apply_toASetuidFile_keepsItsSetuidBit() throws Exception {
        Path setuid = Files.writeString(tree.resolve("setuid"), "x");
        Files.setAttribute(setuid, "unix:mode", 04755);

        shift.apply(tree);

        assertThat((Integer) Files.getAttribute(setuid, "unix:mode") & 07777).isEqualTo(04755);
        assertThat(owner(setuid)).isEqualTo("100000:100000");
    }

    @Test
    void apply_toASymbolicLink_changesTheLinkNotItsTarget() throws Exception {
        Path target = Files.writeString(outside.resolve("target"), "x");
        Path link = Files.createSymbolicLink(tree.resolve("link"), target);

        shift.apply(tree);

        assertThat(owner(link)).isEqualTo("100000:100000");
        assertThat(owner(target)).isEqualTo("0:0");
    }

    private static void own(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    private static String owner(Path path) throws IOException {
        return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }
}
