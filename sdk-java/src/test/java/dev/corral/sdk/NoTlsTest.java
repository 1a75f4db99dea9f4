package dev.corral.sdk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class NoTlsTest {
    private final SSLContext context = NoTls.context();

    @Test
    void createEngine_anyPeer_isRefused() {
        assertThatThrownBy(() -> context.createSSLEngine("example.org", 443))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("plain HTTP only");
    }

    @Test
    void socketFactory_isRefused() {
        assertThatThrownBy(context::getSocketFactory).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void init_withTrustManagers_isRefused() {
        assertThatThrownBy(() -> context.init(null, null, null)).isInstanceOf(UnsupportedOperationException.class);
    }
}
