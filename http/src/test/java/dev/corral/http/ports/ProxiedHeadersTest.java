package dev.corral.http.ports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProxiedHeadersTest {

    @Test
    void intoSandbox_corralCredentialsAndHost_neverGo() {
        var headers = new ProxiedHeaders(null);

        assertThat(headers.intoSandbox("Authorization")).isFalse();
        assertThat(headers.intoSandbox("x-api-key")).isFalse();
        assertThat(headers.intoSandbox("Host")).isFalse();
        assertThat(headers.intoSandbox("Cookie")).isTrue();
        assertThat(headers.intoSandbox("Content-Type")).isTrue();
    }

    @Test
    void bothWays_hopByHopAndNamesListedInConnection_stay() {
        var headers = new ProxiedHeaders("keep-alive, X-Private ");

        for (String name : new String[] {"Connection", "Keep-Alive", "TE", "Transfer-Encoding", "Upgrade",
                "Proxy-Authorization", "Trailer", "x-private"}) {
            assertThat(headers.intoSandbox(name)).as(name).isFalse();
            assertThat(headers.backToCaller(name)).as(name).isFalse();
        }
        assertThat(headers.backToCaller("Set-Cookie")).isTrue();
        assertThat(headers.backToCaller("Content-Length")).isTrue();
    }
}
