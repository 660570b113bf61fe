package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.wsbyhand.chat.JsonProtocolTest.tree;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LocalClientsTest {

    private static ChatMessage msg(long id) {
        return new ChatMessage(id, "u" + id, "t" + id, id * 1000);
    }

    private final LocalClients clients = new LocalClients(3, List.of(msg(2), msg(1)));

    @Nested
    class Joining {
        @Test
        void aJoiningClientGetsTheHistoryInItsProtocol() {
            RecordingSession json = new RecordingSession("json");
            clients.join(json, JsonProtocol.INSTANCE);
            assertEquals(tree(JsonProtocol.INSTANCE.history(List.of(msg(2), msg(1)))), tree(json.texts.get(0)));
        }

        @Test
        void leanClientsHearTheOnlineCountWhenSomeoneJoinsOrLeaves() {
            RecordingSession a = new RecordingSession("chat.v2");
            RecordingSession b = new RecordingSession("json");
            clients.join(a, LeanProtocol.INSTANCE);
            assertEquals(tree("{\"type\":\"presence\",\"online\":1}"), tree(a.last()));
            clients.join(b, JsonProtocol.INSTANCE);
            assertEquals(tree("{\"type\":\"presence\",\"online\":2}"), tree(a.last()));
            clients.leave(b);
            assertEquals(tree("{\"type\":\"presence\",\"online\":1}"), tree(a.last()));
            assertEquals(1, b.texts.size(), "a json client gets only the history, no presence");
        }

        @Test
        void leavingTwiceCountsOnce() {
            RecordingSession a = new RecordingSession("chat.v2");
            clients.join(a, LeanProtocol.INSTANCE);
            clients.leave(a);
            clients.leave(a);
            assertEquals(0, clients.online());
        }

        @Test
        void theInitialHistoryIsCutToTheHistorySize() {
            LocalClients small = new LocalClients(2, List.of(msg(5), msg(4), msg(3)));
            assertEquals(List.of(msg(5), msg(4)), small.history());
        }
    }

    @Nested
    class Delivering {
        @Test
        void everyClientGetsANewMessageInItsProtocol() {
            RecordingSession lean = new RecordingSession("chat.v2");
            RecordingSession json = new RecordingSession("json");
            clients.join(lean, LeanProtocol.INSTANCE);
            clients.join(json, JsonProtocol.INSTANCE);
            clients.deliver(msg(3));
            assertEquals(tree(LeanProtocol.INSTANCE.delivered(msg(3), List.of())), tree(lean.last()));
            assertEquals(tree(JsonProtocol.INSTANCE.history(List.of(msg(3), msg(2), msg(1)))), tree(json.last()));
        }

        @Test
        void eachFrameIsEncodedOncePerProtocol() {
            RecordingSession a = new RecordingSession("chat.v2");
            RecordingSession b = new RecordingSession("chat.v2");
            RecordingSession c = new RecordingSession("json");
            RecordingSession d = new RecordingSession("json");
            for (RecordingSession s : List.of(a, b)) {
                clients.join(s, LeanProtocol.INSTANCE);
            }
            for (RecordingSession s : List.of(c, d)) {
                clients.join(s, JsonProtocol.INSTANCE);
            }
            clients.deliver(msg(3));
            assertSame(a.prepared.get(a.prepared.size() - 1), b.prepared.get(b.prepared.size() - 1));
            assertSame(c.prepared.get(c.prepared.size() - 1), d.prepared.get(d.prepared.size() - 1));
        }

        @Test
        void historyKeepsTheNewestMessagesUpToItsSize() {
            clients.deliver(msg(3));
            clients.deliver(msg(4));
            assertEquals(List.of(msg(4), msg(3), msg(2)), clients.history());
        }

        @Test
        void anAlreadyDeliveredIdIsIgnored() {
            RecordingSession lean = new RecordingSession("chat.v2");
            clients.join(lean, LeanProtocol.INSTANCE);
            clients.deliver(msg(3));
            int sent = lean.texts.size();
            clients.deliver(msg(3));
            clients.deliver(msg(2));
            assertEquals(sent, lean.texts.size());
            assertEquals(List.of(msg(3), msg(2), msg(1)), clients.history());
        }

        @Test
        void messagesAreDeliveredInArrivalOrderEvenWhenIdsAreNot() {
            RecordingSession lean = new RecordingSession("chat.v2");
            clients.join(lean, LeanProtocol.INSTANCE);
            clients.deliver(msg(5));
            clients.deliver(msg(4));
            assertEquals(List.of(msg(4), msg(5), msg(2)), clients.history());
            assertEquals(tree(LeanProtocol.INSTANCE.delivered(msg(4), List.of())), tree(lean.last()));
        }

        @Test
        void onlyTheMostRecentIdsAreRemembered() {
            LocalClients big = new LocalClients(1, List.of());
            for (int id = 1; id <= LocalClients.REMEMBERED_IDS + 1; id++) {
                big.deliver(msg(id));
            }
            big.deliver(msg(1)); // forgotten by now, so delivered again (and 2, now the oldest, is forgotten)
            big.deliver(msg(3)); // still remembered
            assertEquals(List.of(msg(1)), big.history());
        }

        @Test
        void aClientThatLeftGetsNothingMore() {
            RecordingSession lean = new RecordingSession("chat.v2");
            clients.join(lean, LeanProtocol.INSTANCE);
            clients.leave(lean);
            int sent = lean.texts.size();
            clients.deliver(msg(3));
            assertEquals(sent, lean.texts.size());
        }
    }

    @Test
    void aHistorySizeBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LocalClients(0, List.of()));
    }
}
