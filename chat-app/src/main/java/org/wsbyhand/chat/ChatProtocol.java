package org.wsbyhand.chat;

import java.util.List;
import java.util.Optional;

/**
 * One chat wire protocol, chosen per connection by WebSocket subprotocol negotiation
 * (RFC 6455 section 1.9): how a client's text message is read and how the server's messages are
 * written. Implementations are stateless and thread-safe; every method that writes returns the
 * complete text of one WebSocket message.
 */
sealed interface ChatProtocol permits JsonProtocol, LeanProtocol {

    /** The subprotocol name on the wire ({@code Sec-WebSocket-Protocol}). */
    String name();

    /**
     * Reads one client message as a post and validates it against {@code rules}.
     *
     * @throws ChatInputException malformed JSON, a wrong shape, or a broken input rule
     */
    InputRules.Post parsePost(String message, InputRules rules) throws ChatInputException;

    /** What a client gets right after it connected: the history, given newest first. */
    String history(List<ChatMessage> newestFirst);

    /**
     * What every client gets after {@code message} was accepted; {@code newestFirst} is the history
     * including it.
     */
    String delivered(ChatMessage message, List<ChatMessage> newestFirst);

    /** An error reply for one client. */
    String error(ChatError error);

    /** The message telling clients how many people are online, if this protocol has one. */
    Optional<String> presence(int online);

    /** The protocol a negotiated subprotocol name selects; no subprotocol means the course's {@code json}. */
    static ChatProtocol forSubprotocol(Optional<String> subprotocol) {
        return subprotocol.filter(LeanProtocol.NAME::equals).<ChatProtocol>map(n -> LeanProtocol.INSTANCE)
                .orElse(JsonProtocol.INSTANCE);
    }
}
