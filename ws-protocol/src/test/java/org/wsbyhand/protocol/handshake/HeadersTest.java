package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersTest {

    private final Headers headers = Headers.builder()
            .add("Host", "example.com")
            .add("Connection", "keep-alive, Upgrade")
            .add("Sec-WebSocket-Protocol", "chat, , superchat")
            .add("sec-websocket-protocol", ",v2.chat,")
            .build();

    @Nested
    class Lookup {
        @Test
        void firstFindsAFieldWhateverTheCaseOfItsName() {
            assertEquals(Optional.of("example.com"), headers.first("HOST"));
            assertEquals(Optional.empty(), headers.first("Origin"));
        }

        @Test
        void allReturnsEveryFieldOfTheNameInOrder() {
            assertEquals(List.of("chat, , superchat", ",v2.chat,"), headers.all("Sec-WebSocket-Protocol"));
            assertEquals(List.of(), headers.all("Origin"));
        }

        @Test
        void containsIsCaseInsensitive() {
            assertTrue(headers.contains("connection"));
            assertFalse(headers.contains("Upgrade"));
        }
    }

    @Nested
    class TokenLists {
        @Test
        void tokensJoinAllFieldsTrimElementsAndDropEmptyOnes() {
            assertEquals(List.of("chat", "superchat", "v2.chat"), headers.tokens("Sec-WebSocket-Protocol"));
        }

        @Test
        void containsTokenMatchesAWholeElementIgnoringCase() {
            assertTrue(headers.containsToken("Connection", "upgrade"));
            assertTrue(headers.containsToken("connection", "KEEP-ALIVE"));
            assertFalse(headers.containsToken("Connection", "keep"));
            assertFalse(headers.containsToken("Upgrade", "websocket"));
        }
    }

    @Nested
    class Building {
        @Test
        void iterationFollowsInsertionOrderAndKeepsTheSpellingOfNames() {
            List<String> names = new ArrayList<>();
            headers.forEach(field -> names.add(field.name()));
            assertEquals(List.of("Host", "Connection", "Sec-WebSocket-Protocol", "sec-websocket-protocol"), names);
            assertEquals(4, headers.size());
        }

        @Test
        void valuesAreStoredWithoutSurroundingWhitespace() {
            assertEquals(Optional.of("a  b"), Headers.of("X", " \ta  b\t ").first("x"));
        }

        @Test
        void setReplacesEveryFieldOfTheNameRegardlessOfCase() {
            Headers replaced = headers.toBuilder().set("SEC-WEBSOCKET-PROTOCOL", "json").build();
            assertEquals(List.of("json"), replaced.all("Sec-WebSocket-Protocol"));
            assertEquals("SEC-WEBSOCKET-PROTOCOL", replaced.fields().get(2).name());
        }

        @Test
        void removeDropsEveryFieldOfTheName() {
            assertFalse(headers.toBuilder().remove("sec-websocket-PROTOCOL").build().contains("Sec-WebSocket-Protocol"));
        }

        @Test
        void ofPairsNamesWithValues() {
            Headers pairs = Headers.of("Allow", "GET", "Connection", "close");
            assertEquals(List.of(new Headers.Field("Allow", "GET"), new Headers.Field("Connection", "close")), pairs.fields());
        }

        @Test
        void ofRejectsAnOddNumberOfArguments() {
            assertThrows(IllegalArgumentException.class, () -> Headers.of("Allow"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"bad\r\nSet-Cookie: x=1", "nul\u0000", "del\u007f", "line\nfeed", "wide\u0101"})
        void valuesThatCouldInjectOrCorruptAHeadAreRejected(String value) {
            assertThrows(IllegalArgumentException.class, () -> Headers.builder().add("X-Test", value));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "Bad Name", "Bad:Name", "B\u00e4d"})
        void namesThatAreNotTokensAreRejected(String name) {
            assertThrows(IllegalArgumentException.class, () -> Headers.builder().add(name, "v"));
        }

        @Test
        void fieldListIsUnmodifiable() {
            assertThrows(UnsupportedOperationException.class, () -> headers.fields().clear());
        }

        @Test
        void headersWithTheSameFieldsInTheSameOrderAreEqual() {
            assertEquals(Headers.of("A", "1", "B", "2"), Headers.of("A", "1", "B", "2"));
            assertFalse(Headers.of("A", "1", "B", "2").equals(Headers.of("B", "2", "A", "1")));
            assertEquals(Headers.of("A", "1").hashCode(), Headers.of("A", "1").hashCode());
        }

        @Test
        void manyFieldsKeepTheirOrderAndRemoveKeepsTheOrderOfTheRest() {
            Headers.Builder builder = Headers.builder();
            List<Headers.Field> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                builder.add("X-" + i, "v" + i);
                if (i % 3 != 0) {
                    expected.add(new Headers.Field("X-" + i, "v" + i));
                }
            }
            for (int i = 0; i < 40; i += 3) {
                builder.remove("x-" + i);
            }
            assertEquals(expected, builder.build().fields());
            assertEquals(expected.size(), builder.size());
        }

        @Test
        void aBuilderStaysUsableAfterBuildWithoutChangingWhatItBuilt() {
            Headers.Builder builder = Headers.builder().add("A", "1");
            Headers first = builder.build();
            builder.add("B", "2").set("a", "3");
            assertEquals(Headers.of("A", "1"), first);
            assertEquals(Headers.of("B", "2", "a", "3"), builder.build());
        }

        @Test
        void equalHeadersHaveEqualHashCodesAndToStringListsEveryField() {
            Headers built = Headers.builder().add("Host", "a").add("X", " b ").build();
            Headers copied = built.toBuilder().build();
            assertEquals(built, copied);
            assertEquals(built.hashCode(), copied.hashCode());
            assertEquals(built.fields().hashCode(), built.hashCode());
            assertEquals("Host: a\nX: b\n", built.toString());
        }

        @Test
        void emptyHeadersHaveNoFields() {
            assertTrue(Headers.empty().isEmpty());
            assertTrue(Headers.builder().build().isEmpty());
        }
    }
}
