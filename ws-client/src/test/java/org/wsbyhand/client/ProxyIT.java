package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/** The whole client through a real CONNECT proxy ({@link TestConnectProxy}) to our server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyIT {
    private WebSocketServer server;

    @BeforeEach
    void start() throws Exception {
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0).route("/echo", new WebSocketHandler() {
            @Override
            public void onText(Session session, String text) {
                session.sendText(text);
            }
        }).build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI echo() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/echo");
    }

    @Test
    void aSessionRunsThroughTheTunnel() throws Exception {
        try (TestConnectProxy proxy = TestConnectProxy.open();
                WebSocketClient client = WebSocketClient.builder().proxy(proxy.settings()).build()) {
            Recorder recorder = new Recorder();
            Session session = client.connect(echo(), recorder);
            session.sendText("through the proxy");
            assertEquals("through the proxy", recorder.text());
            assertEquals(List.of("127.0.0.1:" + server.port()), proxy.connectTargets());
            assertEquals(1, proxy.tunnelsOpened());
        }
    }

    @Test
    void credentialsAreSentAsBasicAuthentication() throws Exception {
        try (TestConnectProxy proxy = TestConnectProxy.requiringCredentials("ada", "s3cret");
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(proxy.settings().withCredentials("ada", "s3cret")).build()) {
            Recorder recorder = new Recorder();
            client.connect(echo(), recorder).sendText("authenticated");
            assertEquals("authenticated", recorder.text());
            assertEquals(1, proxy.tunnelsOpened());
        }
    }

    @Test
    void aProxyWantingCredentialsGivesAClear407() throws Exception {
        try (TestConnectProxy proxy = TestConnectProxy.requiringCredentials("ada", "s3cret");
                WebSocketClient client = WebSocketClient.builder().proxy(proxy.settings()).build()) {
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> client.connect(echo(), new Recorder()));
            assertEquals(WebSocketConnectException.Failure.PROXY_REFUSED, e.failure());
            assertEquals(407, e.status());
            assertTrue(e.getMessage().contains("407"), e.getMessage());
            assertEquals(0, proxy.tunnelsOpened());
        }
    }

    @Test
    void wrongCredentialsAreRefusedToo() throws Exception {
        try (TestConnectProxy proxy = TestConnectProxy.requiringCredentials("ada", "s3cret");
                WebSocketClient client = WebSocketClient.builder()
                        .proxy(proxy.settings().withCredentials("ada", "guess")).build()) {
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> client.connect(echo(), new Recorder()));
            assertEquals(407, e.status());
            assertFalse(e.toString().contains("guess"), "the password never shows: " + e);
        }
    }

    @Test
    void aProxyRefusalCarriesItsStatus() throws Exception {
        try (TestConnectProxy proxy = TestConnectProxy.answering(403);
                WebSocketClient client = WebSocketClient.builder().proxy(proxy.settings()).build()) {
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> client.connect(echo(), new Recorder()));
            assertEquals(WebSocketConnectException.Failure.PROXY_REFUSED, e.failure());
            assertEquals(403, e.status());
        }
    }
}
