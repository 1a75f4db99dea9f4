package dev.corral.core.workspace.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.io.FileUpload;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.Plans;
import dev.corral.core.workspace.Workspace;
import dev.corral.core.workspace.WorkspaceService;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.fake.InMemoryWorkspaceStore;
import dev.corral.testkit.fake.InMemoryWorkspaceVolumes;
import dev.corral.testkit.fake.Principals;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class WorkspaceFileServiceTest {
    private static final long MB = 1L << 20;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final Plans plans = Plans.defaults(6000, 1000);
    private final WorkspaceService workspaces = new WorkspaceService(new InMemoryWorkspaceStore(),
            new InMemoryWorkspaceVolumes(clock), (organization, workspace) -> List.of(), plans, clock);
    private final WorkspaceFileService service = new WorkspaceFileService(workspaces, plans);
    /** Free: uploads of at most 100 MB. */
    private final Principal caller = Principals.inNewOrganization(Tier.FREE);
    private final Workspace workspace = workspaces.create(caller, "Data", Optional.empty(), Optional.of(200 * MB));

    @Test
    void create_fileWithContentsAndFolder_makesThem() throws IOException {
        service.create(caller, "data", WorkspacePath.ROOT, "src", "folder", null);
        service.create(caller, "data", path("/src"), "a.txt", "file", "hello");

        assertThat(read("/src/a.txt")).isEqualTo("hello");
        assertThat(service.info(caller, "data", path("/src")).size()).isEqualTo(new TreeSize(5, 1));
    }

    @Test
    void create_folderWithContentsOrUnknownTypeOrBadName_throwsValidationFailed() {
        assertCode(() -> service.create(caller, "data", WorkspacePath.ROOT, "src", "folder", "text"),
                ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.create(caller, "data", WorkspacePath.ROOT, "src", "socket", null),
                ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.create(caller, "data", WorkspacePath.ROOT, "..", "file", "x"),
                ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void list_hiddenEntries_onlyWhenAskedFor() {
        service.create(caller, "data", WorkspacePath.ROOT, ".env", "file", "SECRET=1");
        service.create(caller, "data", WorkspacePath.ROOT, "visible", "file", "");

        assertThat(service.list(caller, "data", WorkspacePath.ROOT, false)).extracting(WorkspaceEntry::name)
                .containsExactly("visible");
        assertThat(service.list(caller, "data", WorkspacePath.ROOT, true)).extracting(WorkspaceEntry::name)
                .containsExactly(".env", "visible");
    }

    @Test
    void write_declaredLargerThanThePlanAllows_isPayloadTooLargeBeforeTheBodyIsOpened() {
        assertRefusedUnopened("data", 101 * MB, ErrorCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void write_declaredLargerThanTheRoomLeft_isQuotaExceededBeforeTheBodyIsOpened() {
        Workspace small = workspaces.create(caller, "Small", Optional.empty(), Optional.of(MB));

        assertRefusedUnopened(small.slug(), 2 * MB, ErrorCode.QUOTA_EXCEEDED);
    }

    @Test
    void write_undeclaredBodyLongerThanThePlanAllows_isPayloadTooLargeAndWritesNothing() {
        assertCode(() -> service.write(caller, "data", path("/big"), -1, () -> zeros(100 * MB + 1)),
                ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(service.list(caller, "data", WorkspacePath.ROOT, true)).isEmpty();
    }

    @Test
    void write_bodyThatFailsToRead_isBadRequest() {
        assertCode(() -> service.write(caller, "data", path("/f"), -1, () -> new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        }), ErrorCode.BAD_REQUEST);
    }

    @Test
    void upload_renameOfManyFiles_throwsValidationFailedAndWritesNothing() {
        List<FileUpload> two = List.of(upload("a", "1"), upload("b", "2"));

        assertCode(() -> service.upload(caller, "data", WorkspacePath.ROOT, two, "c"), ErrorCode.VALIDATION_FAILED);
        assertThat(service.list(caller, "data", WorkspacePath.ROOT, true)).isEmpty();
    }

    @Test
    void upload_filesIntoAFolder_replacesWhatIsThere() throws IOException {
        service.create(caller, "data", WorkspacePath.ROOT, "a", "file", "old");

        service.upload(caller, "data", WorkspacePath.ROOT, List.of(upload("a", "new"), upload("b", "2")), null);

        assertThat(read("/a")).isEqualTo("new");
        assertThat(read("/b")).isEqualTo("2");
    }

    @Test
    void moveCopyDelete_noPathsOrMoreThanTheBatchLimit_throwValidationFailed() {
        List<WorkspacePath> tooMany = new ArrayList<>(Collections.nCopies(WorkspaceFileService.MAX_BATCH + 1,
                path("/a")));

        assertCode(() -> service.delete(caller, "data", List.of()), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.move(caller, "data", tooMany, WorkspacePath.ROOT), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.copy(caller, "data", List.of(WorkspacePath.ROOT), path("/x")),
                ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void moveAndCopy_intoAFolder_keepTheirNames() throws IOException {
        service.create(caller, "data", WorkspacePath.ROOT, "target", "folder", null);
        service.create(caller, "data", WorkspacePath.ROOT, "a", "file", "A");
        service.create(caller, "data", WorkspacePath.ROOT, "b", "file", "B");

        service.move(caller, "data", List.of(path("/a")), path("/target"));
        service.copy(caller, "data", List.of(path("/b")), path("/target"));

        assertThat(read("/target/a")).isEqualTo("A");
        assertThat(read("/target/b")).isEqualTo("B");
        assertThat(service.list(caller, "data", WorkspacePath.ROOT, false)).extracting(WorkspaceEntry::name)
                .containsExactly("b", "target");
    }

    @Test
    void everyCall_anotherOrganizationsWorkspace_throwsNotFound() {
        Principal stranger = Principals.inNewOrganization(Tier.FREE);
        String id = workspace.id().toString();

        assertCode(() -> service.list(stranger, id, WorkspacePath.ROOT, true), ErrorCode.NOT_FOUND);
        assertCode(() -> service.create(stranger, id, WorkspacePath.ROOT, "f", "file", "x"), ErrorCode.NOT_FOUND);
        assertCode(() -> service.read(stranger, "data", path("/f")), ErrorCode.NOT_FOUND);
        assertCode(() -> service.delete(stranger, "data", List.of(path("/f"))), ErrorCode.NOT_FOUND);
    }

    /** Asserts that a write declaring {@code declaredBytes} fails with {@code code} without opening its body. */
    private void assertRefusedUnopened(String workspace, long declaredBytes, ErrorCode code) {
        var opened = new AtomicBoolean();

        assertCode(() -> service.write(caller, workspace, path("/big"), declaredBytes, () -> {
            opened.set(true);
            return InputStream.nullInputStream();
        }), code);
        assertThat(opened).isFalse();
    }

    private String read(String path) throws IOException {
        try (InputStream in = service.read(caller, "data", path(path)).content()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static FileUpload upload(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new FileUpload(name, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    /** {@code count} zero bytes, made as they are read. */
    private static InputStream zeros(long count) {
        return new InputStream() {
            private long left = count;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(length, left);
                Arrays.fill(buffer, offset, offset + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }

    private static WorkspacePath path(String text) {
        return WorkspacePath.parse("path", text);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
