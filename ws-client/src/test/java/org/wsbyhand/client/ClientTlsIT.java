package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.client.WebSocketConnectException.Failure;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Issue 17, {@code wss://}: the client trusts what its SSLContext trusts and nothing else, checks the
 * host name unless told not to, says which TLS check failed, and sends SNI for a DNS name. The
 * servers are our ws-server with {@code .tls(SSLContext)} and, to see the ClientHello, a
 * {@link FakeServer} on an {@link SSLServerSocket}; certificates come from {@link TestCerts}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientTlsIT {
    @AutoClose
    private final Closer closer = new Closer();

    private final CompletableFuture<Recorder.Closed> serverSaw = new CompletableFuture<>();

    /** Our server over TLS with {@code identity}, echoing on /echo. */
    private WebSocketServer server(TestCerts.Identity identity) throws IOException {
        WebSocketHandler echo = new WebSocketHandler() {
            @Override
            public void onText(Session session, String text) {
                session.sendText(text);
            }

            @Override
            public void onClose(Session session, CloseCode code, String reason) {
                serverSaw.complete(new Recorder.Closed(code, reason));
            }
        };
        WebSocketServer server = closer.add(WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/echo", echo).tls(identity.serverContext()).build());
        server.start();
        return server;
    }

    private WebSocketClient client(ClientBuilder builder) {
        return closer.add(builder.build());
    }

    private static void echoes(WebSocketClient client, URI uri) throws Exception {
        Recorder recorder = new Recorder();
        Session session = client.connect(uri, recorder);
        for (String text : List.of("over", "tls", "é".repeat(40_000))) {
            session.sendText(text);
            assertEquals(text, recorder.text());
        }
        session.close();
        assertEquals(CloseCode.NORMAL_CLOSURE, recorder.awaitClosed().code());
    }

    private static WebSocketConnectException fails(WebSocketClient client, URI uri) {
        return assertThrows(WebSocketConnectException.class, () -> client.connect(uri, new Recorder()));
    }

    @Test
    void aTrustedCertificateEchoesOverWssByAddressAndByName() throws Exception {
        WebSocketServer server = server(TestCerts.localhost());
        WebSocketClient client = client(WebSocketClient.builder().sslContext(TestCerts.trusting(TestCerts.localhost())));
        echoes(client, URI.create("wss://127.0.0.1:" + server.port() + "/echo"));
        assertEquals(new Recorder.Closed(CloseCode.NORMAL_CLOSURE, ""), serverSaw.get(20, TimeUnit.SECONDS),
                "the close handshake completes over TLS");
        echoes(client, URI.create("wss://localhost:" + server.port() + "/echo"));
    }

    @Test
    void theDefaultTrustRefusesASelfSignedCertificateAndSaysWhy() throws Exception {
        WebSocketServer server = server(TestCerts.localhost());
        WebSocketClient client = client(WebSocketClient.builder());
        WebSocketConnectException e = fails(client, URI.create("wss://localhost:" + server.port() + "/echo"));
        assertEquals(Failure.TLS, e.failure(), e.toString());
        assertInstanceOf(SSLException.class, e.getCause());
        String message = e.getMessage().toLowerCase(Locale.ROOT);
        assertTrue(message.contains("certification path"), "names the certificate problem: " + e.getMessage());
    }

    @Test
    void disablingHostnameVerificationDoesNotTrustAnUntrustedCertificate() throws Exception {
        WebSocketServer server = server(TestCerts.localhost());
        WebSocketClient client = client(WebSocketClient.builder().dangerouslyDisableHostnameVerification());
        WebSocketConnectException e = fails(client, URI.create("wss://localhost:" + server.port() + "/echo"));
        assertEquals(Failure.TLS, e.failure(), e.toString());
    }

    @Test
    void aCertificateForAnotherNameIsRefusedAndTheMessageSaysSo() throws Exception {
        WebSocketServer server = server(TestCerts.wrongName());
        WebSocketClient client = client(WebSocketClient.builder().sslContext(TestCerts.trusting(TestCerts.wrongName())));
        for (String host : List.of("127.0.0.1", "localhost")) {
            WebSocketConnectException e = fails(client, URI.create("wss://" + host + ":" + server.port() + "/echo"));
            assertEquals(Failure.TLS, e.failure(), host + ": " + e);
            String message = e.getMessage().toLowerCase(Locale.ROOT);
            assertTrue(message.contains("subject alternative") && message.contains(host),
                    "names the host name problem: " + e.getMessage());
        }
        assertFalse(serverSaw.isDone(), "no session was opened");
    }

    @Test
    void aCertificateForAnotherNameIsAcceptedWithHostnameVerificationOff() throws Exception {
        WebSocketServer server = server(TestCerts.wrongName());
        WebSocketClient client = client(WebSocketClient.builder().sslContext(TestCerts.trusting(TestCerts.wrongName()))
                .dangerouslyDisableHostnameVerification());
        echoes(client, URI.create("wss://127.0.0.1:" + server.port() + "/echo"));
        echoes(client, URI.create("wss://localhost:" + server.port() + "/echo"));
    }

    @Test
    void trustAnyCertificateConnectsToAnUntrustedServerForAnotherName() throws Exception {
        WebSocketServer server = server(TestCerts.wrongName());
        WebSocketClient client = client(WebSocketClient.builder().dangerouslyTrustAnyCertificate());
        echoes(client, URI.create("wss://localhost:" + server.port() + "/echo"));
    }

    @Test
    void sniNamesTheHostForADnsNameAndNothingForAnAddress() throws Exception {
        SSLServerSocket tls = (SSLServerSocket) TestCerts.localhost().serverContext().getServerSocketFactory()
                .createServerSocket();
        List<List<SNIServerName>> names = java.util.Collections.synchronizedList(new ArrayList<>());
        FakeServer server = closer.add(new FakeServer(tls, exchange -> {
            // The head was read, so the TLS handshake is done.
            names.add(((ExtendedSSLSession) ((SSLSocket) exchange.socket).getSession()).getRequestedServerNames());
            exchange.accept();
            exchange.readUntilClose();
            exchange.sendClose(1000, "");
        }));
        WebSocketClient client = client(WebSocketClient.builder().sslContext(TestCerts.trusting(TestCerts.localhost())));
        for (String host : List.of("localhost", "127.0.0.1")) {
            Recorder recorder = new Recorder();
            Session session = client.connect(URI.create("wss://" + host + ":" + server.port() + "/sni"), recorder);
            assertEquals(host + ":" + server.port(), server.request().header("Host").orElseThrow());
            session.close();
            recorder.awaitClosed();
        }
        assertEquals(List.of(new SNIHostName("localhost")), names.get(0), "SNI for a DNS name");
        assertEquals(List.of(), names.get(1), "no SNI for an IP literal (RFC 6066 3)");
    }

    @Test
    void aPlainServerAnsweringTheClientHelloIsATlsFailureWithItsReason() throws Exception {
        ServerSocket plain = closer.add(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
        Thread.ofVirtual().start(() -> {
            try (Socket socket = plain.accept()) {
                socket.getInputStream().read(new byte[512]); // the ClientHello
                socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                Thread.sleep(20_000);
            } catch (IOException | InterruptedException ignored) {
                // the test is over
            }
        });
        WebSocketClient client = client(WebSocketClient.builder().sslContext(TestCerts.trusting(TestCerts.localhost())));
        WebSocketConnectException e = fails(client, URI.create("wss://127.0.0.1:" + plain.getLocalPort() + "/"));
        assertEquals(Failure.TLS, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("TLS handshake failed: ") && e.getMessage().length()
                > e.getMessage().indexOf("TLS handshake failed: ") + "TLS handshake failed: ".length(),
                "says why: " + e.getMessage());
    }

    @Test
    void aServerThatNeverAnswersTheClientHelloTimesOutTheHandshake() throws Exception {
        ServerSocket silent = closer.add(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
        Thread.ofVirtual().start(() -> {
            try (Socket socket = silent.accept()) {
                socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the test is over
            }
        });
        // Both timeouts short: the connect timeout also counts toward the handshake deadline (see
        // HandshakeFailuresIT.theHandshakeTimeoutAloneBoundsTheWaitForTheAnswer).
        WebSocketClient client = client(WebSocketClient.builder().sslContext(TestCerts.trusting(TestCerts.localhost()))
                .connectTimeout(Duration.ofMillis(500)).handshakeTimeout(Duration.ofMillis(500)));
        long start = System.nanoTime();
        WebSocketConnectException e = fails(client, URI.create("wss://127.0.0.1:" + silent.getLocalPort() + "/"));
        assertEquals(Failure.HANDSHAKE_TIMEOUT, e.failure(), e.toString());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "bounded");
    }
}
