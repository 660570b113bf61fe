package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class InMemoryMessageStoreProperties {

    @Property
    void recentEqualsTheNewestAppendedMessagesInReverseOrder(
            @ForAll @IntRange(min = 1, max = 60) int capacity,
            @ForAll @IntRange(min = 0, max = 200) int appended,
            @ForAll @IntRange(min = 0, max = 80) int limit) {
        InMemoryMessageStore store = new InMemoryMessageStore(capacity, () -> 0L);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < appended; i++) {
            all.add("m" + i);
            store.append("u", "m" + i);
        }
        int expectedSize = Math.min(Math.min(limit, capacity), appended);
        List<String> expected = new ArrayList<>(all.subList(appended - expectedSize, appended)).reversed();
        assertEquals(expected, InMemoryMessageStoreTest.texts(store.recent(limit)));
    }

    @Property
    void idsAreStrictlyDecreasingInRecent(
            @ForAll @IntRange(min = 1, max = 60) int capacity,
            @ForAll @IntRange(min = 2, max = 200) int appended) {
        InMemoryMessageStore store = new InMemoryMessageStore(capacity, () -> 0L);
        for (int i = 0; i < appended; i++) {
            store.append("u", "t");
        }
        List<ChatMessage> recent = store.recent(capacity);
        for (int i = 1; i < recent.size(); i++) {
            assertEquals(recent.get(i - 1).id() - 1, recent.get(i).id());
        }
        assertEquals(appended, recent.get(0).id());
    }
}
