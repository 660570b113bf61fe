package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonProtocolTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final JsonProtocol protocol = JsonProtocol.INSTANCE;

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Nested
    class Reading {
        @Test
        void aCourseClientPostIsRead() throws ChatInputException {
            assertEquals(new InputRules.Post("ada", "hi"),
                    protocol.parsePost("{\"user\": \"ada\", \"text\": \"hi\"}", InputRules.DEFAULT));
        }

        @Test
        void extraFieldsAreIgnored() throws ChatInputException {
            assertEquals(new InputRules.Post("ada", "hi"),
                    protocol.parsePost("{\"user\":\"ada\",\"text\":\"hi\",\"time\":5}", InputRules.DEFAULT));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "not json", "{\"user\":", "{\"user\":\"a\",\"text\":\"b\"} trailing",
                "{\"user\":\"a\",\"text\":\"b\",\"text\":\"c\"}", "{'user':'a'}"})
        void malformedJsonIsRefusedAsMalformed(String message) {
            ChatInputException e = assertThrows(ChatInputException.class,
                    () -> protocol.parsePost(message, InputRules.DEFAULT));
            assertEquals(ErrorCode.MALFORMED_JSON, e.error().code());
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "\"hi\"", "42", "null", "{}", "{\"user\":\"a\"}", "{\"text\":\"b\"}",
                "{\"user\":1,\"text\":\"b\"}", "{\"user\":\"a\",\"text\":[\"b\"]}", "{\"user\":\"a\",\"text\":null}"})
        void wrongShapeIsRefusedAsBadShape(String message) {
            ChatInputException e = assertThrows(ChatInputException.class,
                    () -> protocol.parsePost(message, InputRules.DEFAULT));
            assertEquals(ErrorCode.BAD_SHAPE, e.error().code());
        }

        @Test
        void inputRulesApplyAfterParsing() {
            ChatInputException e = assertThrows(ChatInputException.class,
                    () -> protocol.parsePost("{\"user\":\" \",\"text\":\"b\"}", InputRules.DEFAULT));
            assertEquals(ErrorCode.EMPTY_USER, e.error().code());
        }

        @Test
        void deepNestingIsRefusedWithoutBlowingTheStack() {
            String deep = "{\"user\":\"a\",\"text\":\"b\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
            ChatInputException e = assertThrows(ChatInputException.class,
                    () -> protocol.parsePost(deep, InputRules.DEFAULT));
            assertEquals(ErrorCode.MALFORMED_JSON, e.error().code());
        }
    }

    @Nested
    class Writing {
        private final List<ChatMessage> newestFirst = List.of(
                new ChatMessage(2, "bob", "second", 2000), new ChatMessage(1, "ada", "first", 1000));

        @Test
        void historyIsTheCourseShapeNewestFirst() {
            assertEquals(tree("{\"msg\":[{\"user\":\"bob\",\"text\":\"second\",\"time\":2000},"
                            + "{\"user\":\"ada\",\"text\":\"first\",\"time\":1000}]}"),
                    tree(protocol.history(newestFirst)));
        }

        @Test
        void anEmptyHistoryIsAnEmptyList() {
            assertEquals(tree("{\"msg\":[]}"), tree(protocol.history(List.of())));
        }

        @Test
        void aNewMessageSendsTheWholeHistory() {
            assertEquals(tree(protocol.history(newestFirst)),
                    tree(protocol.delivered(newestFirst.get(0), newestFirst)));
        }

        @Test
        void markupIsEscapedOnlyAsJsonRequires() {
            ChatMessage m = new ChatMessage(1, "a\"b", "<img src=x onerror=alert(1)>", 1);
            JsonNode msg = tree(protocol.history(List.of(m))).get("msg").get(0);
            assertEquals("a\"b", msg.get("user").textValue());
            assertEquals("<img src=x onerror=alert(1)>", msg.get("text").textValue());
        }

        @Test
        void anErrorNamesTheCodeAndAMessage() {
            assertEquals(tree("{\"error\":\"rate_limited\",\"message\":\"slow down\"}"),
                    tree(protocol.error(new ChatError(ErrorCode.RATE_LIMITED, "slow down"))));
        }

        @Test
        void thereIsNoPresenceMessage() {
            assertTrue(protocol.presence(3).isEmpty());
        }
    }

    @Test
    void itIsSelectedByJsonOrByNoSubprotocol() {
        assertEquals(JsonProtocol.INSTANCE, ChatProtocol.forSubprotocol(Optional.of("json")));
        assertEquals(JsonProtocol.INSTANCE, ChatProtocol.forSubprotocol(Optional.empty()));
        assertEquals("json", protocol.name());
    }
}
