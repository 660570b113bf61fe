package org.wsbyhand.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.server.WebSocketServer;

/** {@link EchoServer} on an ephemeral port, driven by the JDK's WebSocket client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoServerIT {
    private static WebSocketServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = EchoServer.create("127.0.0.1", 0);
        server.start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        // Server first: its 1001 ends the clients' sockets, which HttpClient.close() waits for.
        server.close();
        http.shutdownNow();
    }

    /** A connected client: the JDK socket and the listener that records what it receives. */
    record Client(WebSocket socket, HandRolledServerIT.Recorder recorder) {}

    static Client connect(HttpClient http, int port) throws Exception {
        HandRolledServerIT.Recorder recorder = new HandRolledServerIT.Recorder();
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), recorder).get(10, TimeUnit.SECONDS);
        return new Client(socket, recorder);
    }

    @Test
    void echoesTextAndBinary() throws Exception {
        Client client = connect(http, server.port());
        client.socket().sendText("hello ✓", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello ✓", client.recorder().next());
        client.socket().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) client.recorder().next());
        client.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        assertEquals("1000 ", client.recorder().closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void echoesASixteenMebibyteMessage() throws Exception {
        Client client = connect(http, server.port());
        byte[] big = new byte[EchoServer.MAX_MESSAGE];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        client.socket().sendBinary(ByteBuffer.wrap(big), true).get(30, TimeUnit.SECONDS);
        assertArrayEquals(big, (byte[]) client.recorder().messages.poll(30, TimeUnit.SECONDS));
    }
}
