package org.wsbyhand.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A handler that records every callback, for tests; optionally echoes messages back. Waits are
 * bounded: {@link #next()} fails after ten seconds.
 */
class RecordingHandler implements WebSocketHandler {
    /** One recorded callback. */
    record Call(String kind, Session session, Object value) {}

    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final CompletableFuture<Session> opened = new CompletableFuture<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final boolean echo;

    /** How a session ended. */
    record Closed(CloseCode code, String reason, Throwable error) {}

    private volatile Throwable error;

    RecordingHandler(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void onOpen(Session session) {
        calls.add(new Call("open", session, null));
        opened.complete(session);
    }

    @Override
    public void onText(Session session, String text) {
        calls.add(new Call("text", session, text));
        if (echo) {
            session.sendText(text);
        }
    }

    @Override
    public void onBinary(Session session, byte[] data) {
        calls.add(new Call("binary", session, data));
        if (echo) {
            session.sendBinary(data);
        }
    }

    @Override
    public void onPong(Session session, byte[] payload) {
        calls.add(new Call("pong", session, payload));
    }

    @Override
    public void onError(Session session, Throwable error) {
        this.error = error;
        calls.add(new Call("error", session, error));
    }

    @Override
    public void onClose(Session session, CloseCode code, String reason) {
        calls.add(new Call("close", session, code));
        closed.complete(new Closed(code, reason, error));
    }

    Call next() throws InterruptedException {
        Call call = calls.poll(10, TimeUnit.SECONDS);
        if (call == null) {
            throw new AssertionError("no handler callback within 10 s");
        }
        return call;
    }

    Closed awaitClosed() throws Exception {
        return closed.get(15, TimeUnit.SECONDS);
    }
}
