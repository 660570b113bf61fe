package org.wsbyhand.chat;

import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The chat's WebSocket endpoint. Each connection speaks the protocol its negotiated subprotocol
 * selects ({@code chat.v2} or {@code json}; none means {@code json}). Everything a client sends is
 * untrusted: it is rate-limited (per connection, per client address and for the whole room, see
 * {@link PostingBudget}), parsed strictly and validated, and anything refused gets an error reply to
 * that client only while the connection stays open. Only validated, stored messages reach other
 * clients.
 */
final class ChatHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatHandler.class);
    private static final String STATE = ChatHandler.class.getName() + ".state";

    private final ChatRoom room;
    private final LocalClients clients;
    private final InputRules rules;
    private final Supplier<RateLimiter> limiters;
    private final PostingBudget budget;

    /** One connection's protocol and rate limiter. */
    private record State(ChatProtocol protocol, RateLimiter limiter) {}

    /**
     * @param limiters makes each new connection's own limiter
     * @param budget   the budgets shared by all connections (per address, per room)
     */
    ChatHandler(ChatRoom room, LocalClients clients, InputRules rules, Supplier<RateLimiter> limiters,
            PostingBudget budget) {
        this.room = Objects.requireNonNull(room);
        this.clients = Objects.requireNonNull(clients);
        this.rules = Objects.requireNonNull(rules);
        this.limiters = Objects.requireNonNull(limiters);
        this.budget = Objects.requireNonNull(budget);
    }

    @Override
    public void onOpen(Session session) {
        ChatProtocol protocol = ChatProtocol.forSubprotocol(session.subprotocol());
        session.attributes().put(STATE, new State(protocol, limiters.get()));
        log.info("open  {} from {} protocol={} origin={}", session.id(), session.remoteAddress(),
                protocol.name(), session.request().origin().orElse("-"));
        clients.join(session, protocol);
    }

    @Override
    public void onText(Session session, String text) {
        State state = state(session);
        PostingBudget.Verdict verdict = budget.tryAcquire(state.limiter(), session.remoteAddress().getAddress());
        if (verdict != PostingBudget.Verdict.ACCEPTED) {
            reply(session, state, new ChatError(ErrorCode.RATE_LIMITED, switch (verdict) {
                case ADDRESS_LIMITED -> "too many messages from your address, slow down";
                case ROOM_LIMITED -> "the room is busy, try again in a moment";
                default -> "too many messages, slow down";
            }));
            return;
        }
        InputRules.Post post;
        try {
            post = state.protocol().parsePost(text, rules);
        } catch (ChatInputException e) {
            reply(session, state, e.error());
            return;
        }
        try {
            room.post(post);
        } catch (RoomUnavailableException e) {
            log.warn("{} message not accepted: {}", session.id(), e.toString());
            reply(session, state, new ChatError(ErrorCode.UNAVAILABLE,
                    "the message could not be delivered, please try again"));
        }
    }

    @Override
    public void onBinary(Session session, byte[] data) {
        reply(session, state(session),
                new ChatError(ErrorCode.BINARY_NOT_SUPPORTED, "binary messages are not supported"));
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.debug("{} failed: {}", session.id(), error.toString());
    }

    @Override
    public void onClose(Session session, CloseCode code, String reason) {
        clients.leave(session);
        log.info("close {} code={}{}", session.id(), code.code(), reason.isEmpty() ? "" : " reason=" + reason);
    }

    private static State state(Session session) {
        return (State) session.attributes().get(STATE);
    }

    private static void reply(Session session, State state, ChatError error) {
        log.debug("{} refused: {}", session.id(), error.code().wireName());
        session.sendText(state.protocol().error(error));
    }
}
