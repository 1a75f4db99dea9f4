package dev.corral.app;

/** Configuration that cannot be used; its message names the key and is shown to the operator as it is. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
