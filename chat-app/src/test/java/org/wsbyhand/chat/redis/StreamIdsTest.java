package org.wsbyhand.chat.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.wsbyhand.chat.ChatMessage;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

class StreamIdsTest {

    @Nested
    class Ids {
        @Test
        void anEntryIdBecomesMillisecondsTimesAThousandPlusTheSequence() {
            assertEquals(1_700_000_000_123_042L, StreamIds.messageId(new StreamEntryID(1_700_000_000_123L, 42)));
            assertEquals(new StreamEntryID(1_700_000_000_123L, 42), StreamIds.entryId(1_700_000_000_123_042L));
        }

        @Test
        void todaysIdsAreExactInAJavaScriptNumber() {
            long id = StreamIds.messageId(new StreamEntryID(System.currentTimeMillis(), 999));
            assertTrue(id < (1L << 53));
        }

        @Test
        void sequencesOfAThousandOrMoreAndTheZeroIdAreRefused() {
            assertThrows(IllegalArgumentException.class, () -> StreamIds.messageId(new StreamEntryID(5, 1000)));
            assertThrows(IllegalArgumentException.class, () -> StreamIds.messageId(new StreamEntryID(0, 0)));
        }

        @Test
        void idZeroMapsToTheStartOfTheStream() {
            assertEquals(new StreamEntryID(0, 0), StreamIds.entryId(0));
            assertThrows(IllegalArgumentException.class, () -> StreamIds.entryId(-1));
        }
    }

    @Nested
    class Entries {
        @Test
        void anEntryWithUserAndTextIsAMessageStampedWithTheIdsMilliseconds() {
            StreamEntry entry = new StreamEntry(new StreamEntryID(1_700_000_000_000L, 7), Map.of("user", "ada", "text", "hi"));
            assertEquals(Optional.of(new ChatMessage(1_700_000_000_000_007L, "ada", "hi", 1_700_000_000_000L)),
                    StreamIds.message(entry));
        }

        @Test
        void anEntryMissingAFieldOrWithAForeignIdIsNotAMessage() {
            assertEquals(Optional.empty(), StreamIds.message(new StreamEntry(new StreamEntryID(1, 0), Map.of("user", "ada"))));
            assertEquals(Optional.empty(), StreamIds.message(new StreamEntry(new StreamEntryID(1, 0), Map.of("text", "hi"))));
            assertEquals(Optional.empty(), StreamIds.message(
                    new StreamEntry(new StreamEntryID(1, 1000), Map.of("user", "ada", "text", "hi"))));
        }
    }
}
