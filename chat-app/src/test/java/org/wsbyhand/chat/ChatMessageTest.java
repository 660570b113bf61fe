package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChatMessageTest {

    @Test
    void aMessageKeepsItsFields() {
        ChatMessage m = new ChatMessage(7, "ada", "hi", 123);
        assertEquals(7, m.id());
        assertEquals("ada", m.user());
        assertEquals("hi", m.text());
        assertEquals(123, m.time());
    }

    @Test
    void aNonPositiveIdIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage(0, "a", "b", 1));
    }

    @Test
    void nullStringsAreRejected() {
        assertThrows(NullPointerException.class, () -> new ChatMessage(1, null, "b", 1));
        assertThrows(NullPointerException.class, () -> new ChatMessage(1, "a", null, 1));
    }
}
