package com.example.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.SessionGroup;
import org.wsbyhand.session.WebSocketHandler;

/**
 * One chat room: every text message goes to everyone in the room, the sender included. The
 * callbacks of one session run one at a time on its own virtual thread; different sessions run
 * concurrently, and a {@link SessionGroup} may be used from any thread.
 */
public final class ChatRoom implements WebSocketHandler {
    private static final Logger log = LoggerFactory.getLogger(ChatRoom.class);

    private final SessionGroup room = new SessionGroup("chat");

    @Override
    public void onOpen(Session session) {
        room.add(session); // it leaves by itself when it closes
        session.sendText("welcome, " + room.size() + " online");
    }

    @Override
    public void onText(Session session, String text) {
        broadcast(text);
    }

    @Override
    public void onBinary(Session session, byte[] data) {
        session.close(CloseCode.UNSUPPORTED_DATA, "text only");
    }

    @Override
    public void onPong(Session session, byte[] payload) {
        // The client answered a ping; the server already counts any bytes received as life.
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.warn("session {} failed: {}", session.id(), error.toString());
    }

    @Override
    public void onClose(Session session, CloseCode code, String reason) {
        log.info("session {} left: {} {}", session.id(), code, reason);
    }

    /** Sends a text to everyone in the room: encoded into a frame once, queued for each session. */
    public void broadcast(String text) {
        room.broadcast(text);
    }
}
