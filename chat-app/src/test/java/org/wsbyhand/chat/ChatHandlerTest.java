package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.wsbyhand.chat.JsonProtocolTest.tree;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.CloseCode;

class ChatHandlerTest {

    private final AtomicLong nanos = new AtomicLong();
    private final InMemoryMessageStore store = new InMemoryMessageStore(50, () -> 1000L);
    private final LocalClients clients = new LocalClients(50, List.of());
    private ChatHandler handler = handler(new LocalBroadcaster(clients));

    private ChatHandler handler(Broadcaster broadcaster) {
        return new ChatHandler(new ChatRoom(store, broadcaster), clients, InputRules.DEFAULT,
                () -> new RateLimiter(5, 5, nanos::get));
    }

    private RecordingSession open(String subprotocol) {
        RecordingSession s = new RecordingSession(subprotocol);
        handler.onOpen(s);
        return s;
    }

    @Nested
    class Chatting {
        @Test
        void aLeanPostReachesLeanAndJsonClients() {
            RecordingSession lean = open("chat.v2");
            RecordingSession json = open("json");
            handler.onText(lean, "{\"type\":\"post\",\"user\":\" ada \",\"text\":\"hi\"}");
            assertEquals(tree("{\"type\":\"message\",\"id\":1,\"user\":\"ada\",\"text\":\"hi\",\"time\":1000}"),
                    tree(lean.last()));
            assertEquals(tree("{\"msg\":[{\"user\":\"ada\",\"text\":\"hi\",\"time\":1000}]}"), tree(json.last()));
        }

        @Test
        void aClientWithoutSubprotocolSpeaksJson() {
            RecordingSession plain = open(null);
            assertEquals(tree("{\"msg\":[]}"), tree(plain.texts.get(0)));
        }

        @Test
        void aClosedSessionLeavesTheRoom() {
            RecordingSession a = open("chat.v2");
            open("chat.v2");
            assertEquals(2, clients.online());
            handler.onClose(a, CloseCode.GOING_AWAY, "");
            assertEquals(1, clients.online());
        }
    }

    @Nested
    class BadInput {
        @Test
        void malformedJsonGetsAnErrorToTheSenderOnly() {
            RecordingSession sender = open("chat.v2");
            RecordingSession other = open("chat.v2");
            int othersBefore = other.texts.size();
            handler.onText(sender, "{nope");
            assertEquals("malformed_json", tree(sender.last()).get("code").textValue());
            assertEquals(othersBefore, other.texts.size());
            assertEquals(List.of(), store.recent(50));
        }

        @Test
        void binaryGetsAnError() {
            RecordingSession sender = open("json");
            handler.onBinary(sender, new byte[] {1, 2});
            assertEquals("binary_not_supported", tree(sender.last()).get("error").textValue());
        }

        @Test
        void theSixthMessageInABurstIsRateLimitedAndRecoversLater() {
            RecordingSession sender = open("chat.v2");
            for (int i = 0; i < 5; i++) {
                handler.onText(sender, "{\"type\":\"post\",\"user\":\"ada\",\"text\":\"m" + i + "\"}");
            }
            handler.onText(sender, "{\"type\":\"post\",\"user\":\"ada\",\"text\":\"m5\"}");
            JsonNode reply = tree(sender.last());
            assertEquals("error", reply.get("type").textValue());
            assertEquals("rate_limited", reply.get("code").textValue());
            assertEquals(5, store.recent(50).size());
            nanos.addAndGet(1_000_000_000L);
            handler.onText(sender, "{\"type\":\"post\",\"user\":\"ada\",\"text\":\"later\"}");
            assertEquals("later", store.recent(1).get(0).text());
        }

        @Test
        void aBroadcastFailureGetsAnUnavailableError() {
            handler = handler(m -> {
                throw new RoomUnavailableException("down");
            });
            RecordingSession sender = open("chat.v2");
            handler.onText(sender, "{\"type\":\"post\",\"user\":\"ada\",\"text\":\"hi\"}");
            assertEquals("unavailable", tree(sender.last()).get("code").textValue());
        }
    }
}
