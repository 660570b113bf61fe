package org.wsbyhand.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A {@link Connector} that plays a script, one step per attempt: refuse, open a {@link FakeSession},
 * or hang until interrupted. With the script used up it hangs, like a server that does not answer.
 */
final class ScriptedConnector implements Connector {
    /** One attempt's outcome. */
    enum Step { REFUSE, OPEN, HANG }

    private final BlockingQueue<Step> script = new LinkedBlockingQueue<>();
    final BlockingQueue<FakeSession> sessions = new LinkedBlockingQueue<>();
    final AtomicInteger attempts = new AtomicInteger();

    ScriptedConnector then(Step... steps) {
        script.addAll(java.util.List.of(steps));
        return this;
    }

    @Override
    public Session connect(ClientRequest request, WebSocketHandler handler) throws IOException {
        int attempt = attempts.incrementAndGet();
        Step step = script.poll();
        if (step == null) {
            step = Step.HANG;
        }
        switch (step) {
            case REFUSE -> throw new WebSocketConnectException(WebSocketConnectException.Failure.REFUSED,
                    request.uri(), "refused (scripted attempt " + attempt + ")", null);
            case OPEN -> {
                FakeSession session = new FakeSession("fake-" + attempt, handler);
                session.start();
                sessions.add(session);
                return session;
            }
            default -> {
                try {
                    TimeUnit.MINUTES.sleep(5);
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("connect interrupted");
                }
                throw new AssertionError("a hanging attempt was never interrupted");
            }
        }
    }

    /** The session a later attempt opens, waited for (bounded). */
    FakeSession nextSession() throws InterruptedException {
        FakeSession session = sessions.poll(20, TimeUnit.SECONDS);
        if (session == null) {
            throw new AssertionError("no session opened within 20 s");
        }
        return session;
    }
}
