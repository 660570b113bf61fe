package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.wsbyhand.chat.JsonProtocolTest.tree;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalBroadcasterTest {

    @Test
    void publishingDeliversToTheLocalClients() {
        LocalClients clients = new LocalClients(50, List.of());
        RecordingSession lean = new RecordingSession("chat.v2");
        clients.join(lean, LeanProtocol.INSTANCE);
        ChatMessage m = new ChatMessage(1, "ada", "hi", 5);
        new LocalBroadcaster(clients).publish(m);
        assertEquals(tree("{\"type\":\"message\",\"id\":1,\"user\":\"ada\",\"text\":\"hi\",\"time\":5}"),
                tree(lean.last()));
        assertEquals(List.of(m), clients.history());
    }
}
