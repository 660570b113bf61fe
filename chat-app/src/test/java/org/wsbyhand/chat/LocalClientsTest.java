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
        void aJoiningLeanClientIsToldTheCountIncludingItselfAndAJsonClientOnlyTheHistory() {
            RecordingSession a = new RecordingSession("chat.v2");
            RecordingSession b = new RecordingSession("json");
            clients.join(a, LeanProtocol.INSTANCE);
            assertEquals(tree("{\"type\":\"presence\",\"online\":1}"), tree(a.last()));
            clients.join(b, JsonProtocol.INSTANCE);
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
    class Presence {
        private RecordingSession joinLean() {
            RecordingSession s = new RecordingSession("chat.v2");
            clients.join(s, LeanProtocol.INSTANCE);
            return s;
        }

        private List<Integer> counts(RecordingSession s) {
            return s.texts.stream().map(JsonProtocolTest::tree).filter(n -> n.path("type").asText().equals("presence"))
                    .map(n -> n.path("online").asInt()).toList();
        }

        @Test
        void joiningAndLeavingSendNothingToTheOthers() {
            RecordingSession a = joinLean();
            int before = a.texts.size();
            for (int i = 0; i < 100; i++) {
                RecordingSession other = joinLean();
                if (i % 2 == 0) {
                    clients.leave(other);
                }
            }
            assertEquals(before, a.texts.size());
        }

        @Test
        void manyJoinsAndLeavesBetweenTwoAnnouncementsCostEveryClientOneUpdate() {
            RecordingSession a = joinLean();
            List<RecordingSession> crowd = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                crowd.add(joinLean());
            }
            crowd.subList(0, 60).forEach(clients::leave);
            clients.announcePresence();
            assertEquals(List.of(1, 41), counts(a));
            RecordingSession stayed = crowd.get(99);
            assertEquals(List.of(101, 41), counts(stayed), "its own count at join, then the new one");
            clients.announcePresence();
            assertEquals(List.of(1, 41), counts(a), "no change, no update");
        }

        @Test
        void nothingIsAnnouncedWhenTheCountIsBackWhereItWas() {
            RecordingSession a = joinLean();
            clients.announcePresence();
            RecordingSession b = joinLean();
            clients.leave(b);
            clients.announcePresence();
            assertEquals(List.of(1), counts(a));
        }

        @Test
        void aClientJustToldTheCountIsNotToldItAgain() {
            RecordingSession a = joinLean();
            clients.announcePresence();
            assertEquals(List.of(1), counts(a), "told 1 when it joined; the announcement of 1 skips it");
            RecordingSession b = joinLean();
            clients.announcePresence();
            assertEquals(List.of(1, 2), counts(a));
            assertEquals(List.of(2), counts(b));
        }

        @Test
        void aCountThatChangesAndComesBackIsAnnouncedBothTimes() {
            RecordingSession a = joinLean();
            RecordingSession b = joinLean();
            clients.announcePresence();
            clients.leave(b);
            clients.announcePresence();
            RecordingSession c = joinLean();
            clients.announcePresence();
            assertEquals(List.of(1, 2, 1, 2), counts(a));
            assertEquals(List.of(2), counts(c));
        }

        @Test
        void jsonClientsCountButHearNothing() {
            RecordingSession lean = joinLean();
            RecordingSession json = new RecordingSession("json");
            clients.join(json, JsonProtocol.INSTANCE);
            clients.announcePresence();
            assertEquals(List.of(1, 2), counts(lean));
            assertEquals(1, json.texts.size());
        }
    }

    /** Fan-outs handed to an executor the test runs by hand, as the app's fan-out thread would later. */
    @Nested
    class QueuedFanOut {
        private final java.util.ArrayDeque<Runnable> pending = new java.util.ArrayDeque<>();
        private final LocalClients queued = new LocalClients(3, List.of(msg(2), msg(1)), pending::add);

        private void runPending() {
            Runnable task;
            while ((task = pending.poll()) != null) {
                task.run();
            }
        }

        private RecordingSession joinLean() {
            RecordingSession s = new RecordingSession("chat.v2");
            queued.join(s, LeanProtocol.INSTANCE);
            return s;
        }

        @Test
        void deliveringRecordsTheMessageAndLeavesTheSendingToTheExecutor() {
            RecordingSession a = joinLean();
            int before = a.texts.size();
            queued.deliver(msg(3));
            assertEquals(before, a.texts.size(), "nothing sent on the caller's thread");
            assertEquals(List.of(msg(3), msg(2), msg(1)), queued.history());
            runPending();
            assertEquals(tree(LeanProtocol.INSTANCE.delivered(msg(3), List.of())), tree(a.last()));
        }

        @Test
        void aClientJoiningWhileAFanOutIsPendingGetsThatMessageInItsHistoryOnly() {
            RecordingSession a = joinLean();
            queued.deliver(msg(3));
            RecordingSession b = joinLean();
            assertEquals(tree(LeanProtocol.INSTANCE.history(List.of(msg(3), msg(2), msg(1)))), tree(b.texts.get(0)));
            runPending();
            queued.deliver(msg(4));
            runPending();
            assertEquals(List.of(3L, 4L), ids(a));
            assertEquals(List.of(4L), ids(b), "3 came with the history, not again");
        }

        @Test
        void fanOutsRunInTheOrderMessagesWereDelivered() {
            RecordingSession a = joinLean();
            queued.deliver(msg(5));
            queued.deliver(msg(4));
            queued.deliver(msg(6));
            runPending();
            assertEquals(List.of(5L, 4L, 6L), ids(a));
        }

        @Test
        void aClientThatLeftBeforeTheNextDeliveryIsNotInItsFanOut() {
            RecordingSession a = joinLean();
            RecordingSession b = joinLean();
            queued.leave(b);
            queued.deliver(msg(3));
            runPending();
            assertEquals(List.of(3L), ids(a));
            assertEquals(List.of(), ids(b));
        }

        @Test
        void presenceUpdatesAreQueuedLikeMessages() {
            RecordingSession a = joinLean();
            joinLean();
            queued.announcePresence();
            assertEquals(1, a.texts.stream().filter(t -> t.contains("presence")).count());
            runPending();
            assertEquals(tree("{\"type\":\"presence\",\"online\":2}"), tree(a.last()));
        }

        private List<Long> ids(RecordingSession s) {
            return s.texts.stream().map(JsonProtocolTest::tree).filter(n -> n.path("type").asText().equals("message"))
                    .map(n -> n.path("id").asLong()).toList();
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
