package org.wsbyhand.session.core;

import java.io.EOFException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.wsbyhand.protocol.CloseCode;

/**
 * Why a session ends, set once: the first cause wins, whichever thread finds it (the reader: a
 * protocol violation or a handler's exception; a sender: a slow consumer; the timer: an unanswered
 * ping). When the session is over, {@link #end} derives what the handler hears: the close code and
 * reason for {@code onClose}, and the error for {@code onError}, if any.
 */
public final class Termination {
    private final AtomicReference<Throwable> cause = new AtomicReference<>();
    private volatile boolean transportGone;

    /** No cause yet. */
    public Termination() {}

    /**
     * Records why the session fails, unless a cause was recorded before.
     *
     * @param failure what went wrong
     * @return {@code true} when this is the first cause
     */
    public boolean fail(Throwable failure) {
        return cause.compareAndSet(null, failure);
    }

    /**
     * The first cause recorded, if any.
     *
     * @return the cause, or empty
     */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause.get());
    }

    /** The transport ended or failed under us: nothing more can be written. */
    public void transportGone() {
        transportGone = true;
    }

    /**
     * Whether the transport ended or failed.
     *
     * @return {@code true} after {@link #transportGone()}
     */
    public boolean isTransportGone() {
        return transportGone;
    }

    /**
     * What the handler hears when the session is over: the code and reason the protocol settled on,
     * and the first cause as the error; when there is none and the connection ended without a
     * closing handshake (1006), an {@link EOFException}.
     *
     * @param code the connection's close code
     * @param reason its reason
     * @return the end
     */
    public End end(CloseCode code, String reason) {
        Throwable error = cause.get();
        if (error == null && code.equals(CloseCode.ABNORMAL_CLOSURE)) {
            fail(new EOFException("connection ended without a close frame"));
            error = cause.get();
        }
        return new End(code, reason, Optional.ofNullable(error));
    }

    /**
     * How a session ended, as its handler hears it.
     *
     * @param code the close code for {@code onClose}
     * @param reason the close reason for {@code onClose}
     * @param error the error for {@code onError}, empty after a clean close
     */
    public record End(CloseCode code, String reason, Optional<Throwable> error) {}
}
