package dev.corral.sdk;

import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a client that only ever speaks plain {@code http://}: it refuses every TLS use, so it can
 * never accept a server by accident.
 *
 * <p>Why not a real context: {@code java.net.http.HttpClient} takes a context when it is built, and without one it
 * builds the JDK's default, which reads the whole CA store. Even an empty real context loads the security providers
 * and seeds a random generator: about 100 ms of a CLI call that lasts a few hundred.
 */
final class NoTls extends SSLContextSpi {
    private static final Provider PROVIDER = new Provider("corral-no-tls", "1", "Refuses TLS: plain HTTP only") {
    };

    private NoTls() {
    }

    static SSLContext context() {
        return new SSLContext(new NoTls(), PROVIDER, "none") {
        };
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
        throw refused();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        throw refused();
    }

    /** Asked for by the HTTP client when it is built; nothing is ever negotiated with them. */
    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return new SSLParameters();
    }

    private static UnsupportedOperationException refused() {
        return new UnsupportedOperationException("this client speaks plain HTTP only");
    }
}
