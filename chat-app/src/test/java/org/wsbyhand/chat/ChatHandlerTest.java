package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

    /** The default budgets: 5/s and 5 at once per connection, 10/s and 20 per address, 20/s and 40 per room. */
    private ChatHandler handler(Broadcaster broadcaster) {
        return handler(broadcaster, new PostingBudget(10, 20, 20, 40, 100, nanos::get));
    }

    private ChatHandler handler(Broadcaster broadcaster, PostingBudget budget) {
        return new ChatHandler(new ChatRoom(store, broadcaster), clients, InputRules.DEFAULT,
                () -> new RateLimiter(5, 5, nanos::get), budget);
    }

    private RecordingSession open(String subprotocol) {
        return open(subprotocol, "127.0.0.1");
    }

    private RecordingSession open(String subprotocol, String address) {
        RecordingSession s = new RecordingSession(subprotocol, address);
        handler.onOpen(s);
        return s;
    }

    private void post(RecordingSession sender, String text) {
        handler.onText(sender, "{\"type\":\"post\",\"user\":\"ada\",\"text\":\"" + text + "\"}");
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
    class SharedBudgets {
        @Test
        void theConnectionsOfOneAddressShareItsBudget() {
            List<RecordingSession> senders = new java.util.ArrayList<>();
            for (int c = 0; c < 5; c++) {
                senders.add(open("chat.v2", "10.0.0.1"));
            }
            for (RecordingSession sender : senders) {
                for (int i = 0; i < 5; i++) {
                    post(sender, "m" + i);
                }
            }
            assertEquals(20, store.recent(50).size(), "the address's burst, not five connections' bursts");
            JsonNode reply = tree(senders.get(4).last());
            assertEquals("rate_limited", reply.get("code").textValue());
            assertEquals("too many messages from your address, slow down", reply.get("message").textValue());
            assertTrue(senders.get(4).isOpen());
        }

        @Test
        void anotherAddressHasItsOwnBudget() {
            for (int c = 0; c < 4; c++) {
                RecordingSession sender = open("chat.v2", "10.0.0.1");
                for (int i = 0; i < 5; i++) {
                    post(sender, "m" + i);
                }
            }
            RecordingSession fifth = open("chat.v2", "10.0.0.1");
            post(fifth, "refused");
            assertEquals("rate_limited", tree(fifth.last()).get("code").textValue());
            assertEquals(20, store.recent(50).size());
            post(open("chat.v2", "10.0.0.2"), "from elsewhere");
            assertEquals("from elsewhere", store.recent(1).get(0).text());
        }

        @Test
        void theRoomsBudgetHoldsWhateverTheAddresses() {
            for (int a = 1; a <= 10; a++) {
                RecordingSession sender = open("chat.v2", "10.0.0." + a);
                for (int i = 0; i < 5; i++) {
                    post(sender, "m" + i);
                }
            }
            assertEquals(40, store.recent(50).size(), "the room's burst");
            RecordingSession late = open("chat.v2", "10.0.1.1");
            post(late, "one more");
            JsonNode reply = tree(late.last());
            assertEquals("rate_limited", reply.get("code").textValue());
            assertEquals("the room is busy, try again in a moment", reply.get("message").textValue());
            nanos.addAndGet(1_000_000_000L); // 20 more room tokens
            post(late, "later");
            assertEquals("later", store.recent(1).get(0).text());
        }

        @Test
        void withoutAnAddressBudgetOneAddressMayUseTheWholeRoomBudget() {
            handler = handler(new LocalBroadcaster(clients), new PostingBudget(0, 1, 20, 40, 100, nanos::get));
            for (int c = 0; c < 10; c++) {
                RecordingSession sender = open("chat.v2", "10.0.0.1");
                for (int i = 0; i < 5; i++) {
                    post(sender, "m" + i);
                }
            }
            assertEquals(40, store.recent(50).size());
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
