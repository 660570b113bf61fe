package org.wsbyhand.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.server.WebSocketServer;

/** {@link BroadcastServer} on an ephemeral port: every client, the sender included, gets every message. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BroadcastServerIT {

    @Test
    void everyTextMessageReachesEveryConnectedClient() throws Exception {
        WebSocketServer server = BroadcastServer.create("127.0.0.1", 0);
        server.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            List<EchoServerIT.Client> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(EchoServerIT.connect(http, server.port()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.sessions().size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            clients.get(0).socket().sendText("from the first", true).get(10, TimeUnit.SECONDS);
            for (EchoServerIT.Client client : clients) {
                assertEquals("from the first", client.recorder().next());
            }
            clients.get(2).socket().sendText("from the third", true).get(10, TimeUnit.SECONDS);
            for (EchoServerIT.Client client : clients) {
                assertEquals("from the third", client.recorder().next());
            }
            server.close();
            http.shutdownNow();
        } finally {
            server.close();
        }
    }
}
