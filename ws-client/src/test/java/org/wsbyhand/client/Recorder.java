package org.wsbyhand.client;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/** A handler that records what its session hears, for tests to wait on with bounded polls. */
class Recorder implements WebSocketHandler {
    /** How a session ended. */
    record Closed(CloseCode code, String reason) {}

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    final CompletableFuture<Session> opened = new CompletableFuture<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();

    @Override
    public void onOpen(Session session) {
        opened.complete(session);
    }

    @Override
    public void onText(Session session, String text) {
        texts.add(text);
    }

    @Override
    public void onBinary(Session session, byte[] data) {
        binaries.add(data);
    }

    @Override
    public void onPong(Session session, byte[] payload) {
        pongs.add(payload);
    }

    @Override
    public void onError(Session session, Throwable error) {
        errors.add(error);
    }

    @Override
    public void onClose(Session session, CloseCode code, String reason) {
        closed.complete(new Closed(code, reason));
    }

    String text() throws InterruptedException {
        String text = texts.poll(20, TimeUnit.SECONDS);
        if (text == null) {
            throw new AssertionError("no text message within 20 s");
        }
        return text;
    }

    byte[] binary() throws InterruptedException {
        byte[] data = binaries.poll(20, TimeUnit.SECONDS);
        if (data == null) {
            throw new AssertionError("no binary message within 20 s");
        }
        return data;
    }

    Closed awaitClosed() throws Exception {
        return closed.get(30, TimeUnit.SECONDS);
    }
}
