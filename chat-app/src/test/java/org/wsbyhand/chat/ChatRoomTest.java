package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRoomTest {

    private final List<ChatMessage> published = new ArrayList<>();
    private final Broadcaster recording = published::add;

    @Test
    void aPostIsStoredThenPublishedWithTheStoresIdAndTime() {
        InMemoryMessageStore store = new InMemoryMessageStore(50, () -> 777L);
        ChatMessage m = new ChatRoom(store, recording).post(new InputRules.Post("ada", "hi"));
        assertEquals(new ChatMessage(1, "ada", "hi", 777L), m);
        assertEquals(List.of(m), store.recent(50));
        assertEquals(List.of(m), published);
    }

    @Test
    void aStoreFailureIsReportedAndNothingIsPublished() {
        MessageStore failing = new MessageStore() {
            @Override
            public ChatMessage append(String user, String text) {
                throw new RoomUnavailableException("store down");
            }

            @Override
            public List<ChatMessage> recent(int limit) {
                return List.of();
            }

            @Override
            public int capacity() {
                return 50;
            }
        };
        ChatRoom room = new ChatRoom(failing, recording);
        assertThrows(RoomUnavailableException.class, () -> room.post(new InputRules.Post("ada", "hi")));
        assertEquals(List.of(), published);
    }

    @Test
    void aBroadcastFailureIsReportedToTheSender() {
        Broadcaster failing = m -> {
            throw new RoomUnavailableException("broadcast down");
        };
        ChatRoom room = new ChatRoom(new InMemoryMessageStore(50), failing);
        assertThrows(RoomUnavailableException.class, () -> room.post(new InputRules.Post("ada", "hi")));
    }
}
