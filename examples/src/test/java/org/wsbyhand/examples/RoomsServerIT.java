package org.wsbyhand.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.wsbyhand.server.WebSocketServer;

/** {@link RoomsServer}: a message reaches its own room only; a client without a name is refused. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoomsServerIT {

    private static EchoServerIT.Client join(HttpClient http, int port, String room, String name) throws Exception {
        HandRolledServerIT.Recorder recorder = new HandRolledServerIT.Recorder();
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/rooms/" + room + "?name=" + name), recorder)
                .get(10, TimeUnit.SECONDS);
        return new EchoServerIT.Client(socket, recorder);
    }

    @Test
    void aMessageReachesItsRoomOnlyAndLeavingIsAnnounced() throws Exception {
        WebSocketServer server = RoomsServer.create("127.0.0.1", 0);
        server.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            EchoServerIT.Client ann = join(http, server.port(), "tea", "ann");
            assertEquals("ann joined tea", ann.recorder().next());
            EchoServerIT.Client bob = join(http, server.port(), "tea", "bob");
            assertEquals("bob joined tea", ann.recorder().next());
            assertEquals("bob joined tea", bob.recorder().next());
            EchoServerIT.Client cid = join(http, server.port(), "coffee", "cid");
            assertEquals("cid joined coffee", cid.recorder().next());

            ann.socket().sendText("hello", true).get(10, TimeUnit.SECONDS);
            assertEquals("ann: hello", ann.recorder().next());
            assertEquals("ann: hello", bob.recorder().next());
            cid.socket().sendText("only coffee", true).get(10, TimeUnit.SECONDS);
            assertEquals("cid: only coffee", cid.recorder().next(), "cid's own room, and nothing from tea before it");

            bob.socket().sendClose(1000, "").get(10, TimeUnit.SECONDS);
            assertEquals("bob left", ann.recorder().next());
        } finally {
            server.close();
            http.shutdownNow();
        }
    }

    @Test
    void aClientWithoutANameGets401() throws Exception {
        WebSocketServer server = RoomsServer.create("127.0.0.1", 0);
        server.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            Executable anonymous = () -> http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/rooms/tea"),
                            new HandRolledServerIT.Recorder())
                    .get(10, TimeUnit.SECONDS);
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, anonymous);
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            assertTrue(cause instanceof WebSocketHandshakeException, String.valueOf(cause));
            assertEquals(401, ((WebSocketHandshakeException) cause).getResponse().statusCode());
        } finally {
            server.close();
            http.shutdownNow();
        }
    }
}
