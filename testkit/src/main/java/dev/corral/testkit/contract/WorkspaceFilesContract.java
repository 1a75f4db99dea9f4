package dev.corral.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.workspace.files.TreeSize;
import dev.corral.core.workspace.files.WorkspaceEntry;
import dev.corral.core.workspace.files.WorkspaceEntry.Kind;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.core.workspace.files.WorkspacePath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link WorkspaceFiles} must have on files and folders the server wrote itself: subclass it,
 * supply the files of a fresh, empty workspace with room for a few megabytes, and the tests run against them.
 * (What links a sandbox planted must not do is the confined implementation's own test.)
 */
public abstract class WorkspaceFilesContract {
    private WorkspaceFiles files;

    /** The files of a new, empty workspace; called before each test. */
    protected abstract WorkspaceFiles newFiles();

    @BeforeEach
    void createFiles() {
        files = newFiles();
    }

    @Test
    void write_thenRead_roundTripsAndCountsInItsFolder() {
        files.createFolder(path("/src"));

        WorkspaceEntry written = files.write(path("/src/a.txt"), text("hello"), false);

        assertThat(written.kind()).isEqualTo(Kind.FILE);
        assertThat(written.size()).isEqualTo(5);
        assertThat(read("/src/a.txt")).isEqualTo("hello");
        assertThat(files.stat(path("/src")).children()).isEqualTo(1);
    }

    @Test
    void write_existingFile_isConflictUnlessReplacing() {
        files.write(path("/a"), text("1"), false);

        assertCode(() -> files.write(path("/a"), text("2"), false), ErrorCode.CONFLICT);
        files.write(path("/a"), text("22"), true);
        assertThat(read("/a")).isEqualTo("22");
        assertThat(files.stat(path("/a")).size()).isEqualTo(2);
    }

    @Test
    void write_overAFolder_isConflictEvenReplacing() {
        files.createFolder(path("/dir"));

        assertCode(() -> files.write(path("/dir"), text("x"), true), ErrorCode.CONFLICT);
        assertThat(files.stat(path("/dir")).kind()).isEqualTo(Kind.FOLDER);
    }

    @Test
    void write_intoMissingFolder_isNotFound() {
        assertCode(() -> files.write(path("/no/such/file"), text("x"), false), ErrorCode.NOT_FOUND);
    }

    @Test
    void write_belowAFile_isValidationFailed() {
        files.write(path("/file"), text("x"), false);

        assertCode(() -> files.write(path("/file/inner"), text("y"), false), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void writeAndCreateFolder_atTheRoot_areValidationFailed() {
        assertCode(() -> files.write(WorkspacePath.ROOT, text("x"), true), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> files.createFolder(WorkspacePath.ROOT), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void createFolder_existing_isConflict() {
        files.createFolder(path("/dir"));

        assertCode(() -> files.createFolder(path("/dir")), ErrorCode.CONFLICT);
    }

    @Test
    void list_folder_givesEntriesSortedByNameWithTheirKinds() {
        files.write(path("/b"), text("bb"), false);
        files.createFolder(path("/a"));
        files.write(path("/.hidden"), text(""), false);

        assertThat(files.list(WorkspacePath.ROOT)).extracting(WorkspaceEntry::name, WorkspaceEntry::kind,
                WorkspaceEntry::size).containsExactly(
                tuple(".hidden", Kind.FILE, 0L),
                tuple("a", Kind.FOLDER, 0L),
                tuple("b", Kind.FILE, 2L));
    }

    @Test
    void list_missingOrAFile_isNotFoundOrValidationFailed() {
        files.write(path("/file"), text("x"), false);

        assertCode(() -> files.list(path("/missing")), ErrorCode.NOT_FOUND);
        assertCode(() -> files.list(path("/file")), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void stat_rootAndMissing_isFolderAndNotFound() {
        files.write(path("/file"), text("x"), false);

        assertThat(files.stat(WorkspacePath.ROOT)).extracting(WorkspaceEntry::kind, WorkspaceEntry::children)
                .containsExactly(Kind.FOLDER, 1L);
        assertCode(() -> files.stat(path("/missing")), ErrorCode.NOT_FOUND);
    }

    @Test
    void measure_tree_addsUpItsFiles() {
        files.createFolder(path("/a"));
        files.createFolder(path("/a/b"));
        files.write(path("/a/one"), text("123"), false);
        files.write(path("/a/b/two"), text("4567"), false);
        files.write(path("/three"), text("89"), false);

        assertThat(files.measure(path("/a"))).isEqualTo(new TreeSize(7, 2));
        assertThat(files.measure(WorkspacePath.ROOT)).isEqualTo(new TreeSize(9, 3));
        assertThat(files.measure(path("/three"))).isEqualTo(new TreeSize(2, 1));
    }

    @Test
    void read_folderOrMissing_isValidationFailedOrNotFound() {
        files.createFolder(path("/dir"));

        assertCode(() -> files.read(path("/dir")), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> files.read(path("/missing")), ErrorCode.NOT_FOUND);
    }

    @Test
    void move_keepsContentsAndRefusesTakenNamesAndCycles() {
        files.createFolder(path("/dir"));
        files.write(path("/dir/f"), text("kept"), false);
        files.write(path("/taken"), text("t"), false);

        files.move(path("/dir"), path("/moved"));

        assertThat(read("/moved/f")).isEqualTo("kept");
        assertCode(() -> files.stat(path("/dir")), ErrorCode.NOT_FOUND);
        assertCode(() -> files.move(path("/moved"), path("/taken")), ErrorCode.CONFLICT);
        assertCode(() -> files.move(path("/moved"), path("/moved/inside")), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> files.move(path("/missing"), path("/elsewhere")), ErrorCode.NOT_FOUND);
    }

    @Test
    void copy_folder_copiesTheTreeAndKeepsTheSource() {
        files.createFolder(path("/src"));
        files.createFolder(path("/src/sub"));
        files.write(path("/src/sub/f"), text("deep"), false);

        files.copy(path("/src"), path("/copy"));
        files.write(path("/copy/sub/f"), text("changed"), true);

        assertThat(read("/src/sub/f")).isEqualTo("deep");
        assertThat(read("/copy/sub/f")).isEqualTo("changed");
        assertCode(() -> files.copy(path("/src"), path("/copy")), ErrorCode.CONFLICT);
        assertCode(() -> files.copy(path("/src"), path("/src/sub/again")), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void delete_folder_removesEverythingInIt() {
        files.createFolder(path("/dir"));
        files.write(path("/dir/f"), text("x"), false);

        files.delete(path("/dir"));

        assertCode(() -> files.stat(path("/dir")), ErrorCode.NOT_FOUND);
        assertThat(files.measure(WorkspacePath.ROOT)).isEqualTo(TreeSize.EMPTY);
    }

    @Test
    void delete_rootOrMissing_isValidationFailedOrNotFound() {
        assertCode(() -> files.delete(WorkspacePath.ROOT), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> files.delete(path("/missing")), ErrorCode.NOT_FOUND);
    }

    @Test
    void freeBytes_ofAnEmptyWorkspace_leavesRoomForAFile() {
        assertThat(files.freeBytes()).isGreaterThan(1024);
    }

    private String read(String path) {
        try (InputStream in = files.read(path(path)).content()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static WorkspacePath path(String text) {
        return WorkspacePath.parse("path", text);
    }

    private static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
