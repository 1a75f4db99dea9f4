package dev.corral.runtime.oci.agent;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.files.SandboxPath;

/**
 * What an {@code f} frame means to the API (docs/GUEST-PROTOCOL.md, "Failure codes"): the kernel's refusal, by
 * errno name, turned into the error codes of DECISIONS.md.
 */
public final class GuestFailure {
    private GuestFailure() {
    }

    /** The error for {@code failed}, an {@code f} frame, from doing {@code action} to {@code path}. */
    public static CorralException of(GuestFrame failed, String action, SandboxPath path) {
        GuestFields fields = failed.fields();
        String code = fields.text("code", "");
        String message = fields.text("message", code);
        return switch (code) {
            case "ENOENT" -> CorralException.notFound("file", path.value());
            case "EISDIR" -> CorralException.badRequest(path + " is a directory");
            case "ENOTDIR" -> CorralException.badRequest(path + " is not a directory");
            case "EINVAL" -> action.equals("read")
                    ? CorralException.badRequest(path + " is not a regular file (a device, pipe or socket)")
                    : CorralException.badRequest("Could not " + action + " " + path + ": " + message);
            case "ENOTEMPTY" -> CorralException.conflict("Directory " + path + " is not empty; delete it with "
                    + "recursive=true");
            case "EEXIST" -> CorralException.conflict(path + " exists and is not a directory");
            case "bad_request", "unsupported" -> CorralException.runtimeUnavailable("The guest agent refused to "
                    + action + " " + path + ": " + message, null);
            default -> CorralException.conflict("Could not " + action + " " + path + ": " + message);
        };
    }

    /** The error for any frame other than the ones an operation expects. */
    public static CorralException unexpected(GuestFrame frame, String action) {
        return CorralException.runtimeUnavailable("The guest agent answered " + action + " with " + frame, null);
    }
}
