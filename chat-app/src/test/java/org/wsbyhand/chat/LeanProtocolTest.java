package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.wsbyhand.chat.JsonProtocolTest.tree;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeanProtocolTest {

    private final LeanProtocol protocol = LeanProtocol.INSTANCE;

    @Nested
    class Reading {
        @Test
        void aPostIsRead() throws ChatInputException {
            assertEquals(new InputRules.Post("ada", "hi"),
                    protocol.parsePost("{\"type\":\"post\",\"user\":\"ada\",\"text\":\"hi\"}", InputRules.DEFAULT));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"user\":\"ada\",\"text\":\"hi\"}", "{\"type\":\"message\",\"user\":\"a\",\"text\":\"b\"}",
                "{\"type\":7,\"user\":\"a\",\"text\":\"b\"}", "{\"type\":\"post\",\"user\":\"a\"}", "[1]"})
        void aMissingOrUnknownTypeOrFieldIsABadShape(String message) {
            ChatInputException e = assertThrows(ChatInputException.class,
                    () -> protocol.parsePost(message, InputRules.DEFAULT));
            assertEquals(ErrorCode.BAD_SHAPE, e.error().code());
        }

        @Test
        void brokenJsonIsMalformed() {
            ChatInputException e = assertThrows(ChatInputException.class,
                    () -> protocol.parsePost("{\"type\":\"post\"", InputRules.DEFAULT));
            assertEquals(ErrorCode.MALFORMED_JSON, e.error().code());
        }

        @Test
        void inputRulesApply() {
            ChatInputException e = assertThrows(ChatInputException.class, () -> protocol.parsePost(
                    "{\"type\":\"post\",\"user\":\"ada\",\"text\":\"" + "x".repeat(501) + "\"}", InputRules.DEFAULT));
            assertEquals(ErrorCode.TEXT_TOO_LONG, e.error().code());
        }
    }

    @Nested
    class Writing {
        private final ChatMessage first = new ChatMessage(1, "ada", "first", 1000);
        private final ChatMessage second = new ChatMessage(2, "bob", "second", 2000);

        @Test
        void historyListsMessagesOldestFirstWithIds() {
            assertEquals(tree("{\"type\":\"history\",\"messages\":["
                            + "{\"id\":1,\"user\":\"ada\",\"text\":\"first\",\"time\":1000},"
                            + "{\"id\":2,\"user\":\"bob\",\"text\":\"second\",\"time\":2000}]}"),
                    tree(protocol.history(List.of(second, first))));
        }

        @Test
        void aNewMessageCarriesOnlyThatMessage() {
            assertEquals(tree("{\"type\":\"message\",\"id\":2,\"user\":\"bob\",\"text\":\"second\",\"time\":2000}"),
                    tree(protocol.delivered(second, List.of(second, first))));
        }

        @Test
        void anErrorHasTypeCodeAndMessage() {
            assertEquals(tree("{\"type\":\"error\",\"code\":\"bad_shape\",\"message\":\"nope\"}"),
                    tree(protocol.error(new ChatError(ErrorCode.BAD_SHAPE, "nope"))));
        }

        @Test
        void presenceCarriesTheOnlineCount() {
            assertEquals(tree("{\"type\":\"presence\",\"online\":3}"), tree(protocol.presence(3).orElseThrow()));
        }
    }

    @Test
    void itIsSelectedByItsSubprotocolName() {
        assertEquals(LeanProtocol.INSTANCE, ChatProtocol.forSubprotocol(Optional.of("chat.v2")));
        assertEquals("chat.v2", protocol.name());
    }
}
