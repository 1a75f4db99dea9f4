package dev.corral.core.key;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;

/** The errors a key that no longer authenticates gets, alike for a request and for a stream it keeps open. */
final class KeyErrors {
    private KeyErrors() {
    }

    static CorralException revoked() {
        return new CorralException(ErrorCode.INVALID_TOKEN, "The API key has been revoked");
    }

    static CorralException expired() {
        return new CorralException(ErrorCode.TOKEN_EXPIRED, "The API key has expired");
    }
}
