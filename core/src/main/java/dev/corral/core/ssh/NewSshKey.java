package dev.corral.core.ssh;

/** A key a client asks to register: a name and the text of an OpenSSH public key, both as written. */
public record NewSshKey(String name, String publicKey) {
}
