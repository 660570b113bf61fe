package org.wsbyhand.session.core;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A handler that records every callback in order ("open", "text hello", "pong 01", "error
 * java.io.EOFException", "close 1000"), and whose text callback a test can set (echo, throw...).
 */
final class RecordingHandler implements WebSocketHandler {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final AtomicReference<CloseCode> closeCode = new AtomicReference<>();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile BiConsumer<Session, String> onText = (session, text) -> { };
    volatile Consumer<Session> onOpen = session -> { };

    /** A handler that sends every text back. */
    static RecordingHandler echo() {
        RecordingHandler handler = new RecordingHandler();
        handler.onText = Session::sendText;
        return handler;
    }

    @Override
    public void onOpen(Session session) {
        events.add("open");
        onOpen.accept(session);
    }

    @Override
    public void onText(Session session, String text) {
        events.add("text " + text);
        onText.accept(session, text);
    }

    @Override
    public void onBinary(Session session, byte[] data) {
        events.add("binary " + HexFormat.of().formatHex(data));
    }

    @Override
    public void onPong(Session session, byte[] payload) {
        events.add("pong " + HexFormat.of().formatHex(payload));
    }

    @Override
    public void onError(Session session, Throwable failure) {
        events.add("error " + failure.getClass().getName());
        errors.incrementAndGet();
        error.set(failure);
    }

    @Override
    public void onClose(Session session, CloseCode code, String reason) {
        events.add("close " + code.code());
        closeCode.set(code);
        closes.incrementAndGet();
        closed.countDown();
    }

    /** The texts the handler received, in order. */
    List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (String event : events) {
            if (event.startsWith("text ")) {
                texts.add(event.substring(5));
            }
        }
        return texts;
    }
}
