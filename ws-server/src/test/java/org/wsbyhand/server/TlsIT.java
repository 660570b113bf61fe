package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * wss:// with an SSLContext: a self-signed certificate for 127.0.0.1, made by the JDK's keytool at
 * test time, trusted by the JDK client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsIT {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @Test
    void jdkClientEchoesOverWss(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", new String(PASSWORD)).redirectErrorStream(true).start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertEquals(0, process.waitFor(), "keytool failed");

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);

        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/secure", new RecordingHandler(true)).tls(serverContext).build()) {
            server.start();
            HttpClient http = HttpClient.newBuilder().sslContext(clientContext).build();
            JdkClient client = new JdkClient();
            client.socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/secure"), client)
                    .get(10, TimeUnit.SECONDS);
            for (String text : List.of("over", "tls", "x".repeat(100_000))) {
                client.socket.sendText(text, true).get(10, TimeUnit.SECONDS);
                assertEquals(text, client.nextMessage());
            }
            client.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
            assertEquals(1000, client.awaitClose().code());
            http.shutdownNow();
        }
    }
}
