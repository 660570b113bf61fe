package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InMemoryMessageStoreTest {

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final InMemoryMessageStore store = new InMemoryMessageStore(3, clock::get);

    @Nested
    class Appending {
        @Test
        void appendAssignsIncreasingIdsStartingAtOne() {
            assertEquals(1, store.append("ada", "a").id());
            assertEquals(2, store.append("bob", "b").id());
        }

        @Test
        void appendStampsTheClockTime() {
            clock.set(42_000);
            ChatMessage m = store.append("ada", "hello");
            assertEquals(new ChatMessage(1, "ada", "hello", 42_000), m);
        }

        @Test
        void idsKeepIncreasingAfterTheRingWrapsAround() {
            for (int i = 0; i < 7; i++) {
                store.append("u", "t" + i);
            }
            assertEquals(8, store.append("u", "last").id());
        }
    }

    @Nested
    class Reading {
        @Test
        void recentIsEmptyForANewStore() {
            assertEquals(List.of(), store.recent(10));
        }

        @Test
        void recentReturnsNewestFirst() {
            store.append("u", "one");
            store.append("u", "two");
            assertEquals(List.of("two", "one"), texts(store.recent(10)));
        }

        @Test
        void recentReturnsAtMostLimit() {
            store.append("u", "one");
            store.append("u", "two");
            assertEquals(List.of("two"), texts(store.recent(1)));
            assertEquals(List.of(), store.recent(0));
        }

        @Test
        void ringKeepsOnlyTheLastCapacityMessages() {
            for (String t : List.of("1", "2", "3", "4", "5")) {
                store.append("u", t);
            }
            assertEquals(List.of("5", "4", "3"), texts(store.recent(50)));
        }

        @Test
        void recentRejectsANegativeLimit() {
            assertThrows(IllegalArgumentException.class, () -> store.recent(-1));
        }
    }

    @Test
    void capacityBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new InMemoryMessageStore(0));
    }

    @Test
    void capacityIsWhatWasConfigured() {
        assertEquals(3, store.capacity());
    }

    static List<String> texts(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::text).toList();
    }
}
