package org.wsbyhand.session.core;

/**
 * Whether the session's transport can be written by a writer thread now. An opener that lets idle
 * sessions give back their reader thread (the server, whose parked sockets are in non-blocking mode
 * on a selector) closes the gate while the reader is away; everyone else keeps it open.
 */
@FunctionalInterface
public interface WriteGate {
    /** A gate that is always open. */
    WriteGate OPEN = () -> true;

    /**
     * Called holding the session lock when bytes wait to be written. Returns {@code true} when a
     * writer may start now; otherwise the gate has arranged for the reader to come back, and the
     * reader flushes when it does ({@link Outbound#resumed()}).
     *
     * @return {@code true} when a writer thread may write now
     */
    boolean writable();
}
