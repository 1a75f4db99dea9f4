package dev.corral.http.sandboxes;

import dev.corral.core.sandbox.files.FileEntry;
import dev.corral.core.sandbox.files.FileListing;
import java.time.Instant;
import java.util.List;

/** A file, directory or symlink as the API shows it; {@code mode} is octal text such as {@code "0644"}. */
record FileEntryResponse(String name, String path, String type, long size, String mode, Instant modifiedAt) {

    static FileEntryResponse of(FileEntry entry) {
        return new FileEntryResponse(entry.name(), entry.path(), entry.type().wire(), entry.size(),
                String.format("%04o", entry.mode()), entry.modifiedAt());
    }

    /** A directory listing: the directory, its entries, and whether there were more than were listed. */
    record Listing(String path, List<FileEntryResponse> entries, boolean truncated) {
        static Listing of(FileListing listing) {
            return new Listing(listing.path().value(), listing.entries().stream().map(FileEntryResponse::of).toList(),
                    listing.truncated());
        }
    }
}
