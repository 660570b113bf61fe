package org.wsbyhand.server;

/**
 * Where a session's reader thread is, when idle sessions give theirs back
 * ({@link ServerConfig#threadRelease()}): the state machine alone, without I/O. Each transition says
 * what the caller must do ({@link Step}), and the caller does it (register the socket with the
 * {@link IdleWatcher}, or ask the watcher to resume the session).
 *
 * <pre>
 *   ACTIVE --tryRelease--> RELEASING --parked--> PARKED --claimWake / wanted--> WAKING --resumed--> ACTIVE
 *                          RELEASING --releaseFailed--> ACTIVE
 *                          RELEASING --wanted--> (remembered: parked returns WAKE)
 * </pre>
 *
 * <p>Guarded by the session lock: every caller holds it.
 */
final class ThreadRelease {
    /** Where the reader is. */
    enum State {
        /** A thread reads the session (and writers may write its socket). */
        ACTIVE,
        /** The reader is giving its thread back: registering the socket with the watcher. */
        RELEASING,
        /** The socket waits on the watcher's selector, in non-blocking mode; no thread. */
        PARKED,
        /** The watcher is resuming the session on a new thread. */
        WAKING
    }

    /** What the caller must do after a transition. */
    enum Step {
        /** Nothing. */
        NONE,
        /** Ask the watcher to resume the session on a new thread. */
        WAKE
    }

    private State state = State.ACTIVE;
    private boolean wanted;

    State state() {
        return state;
    }

    /** The reader found the session idle and may give its thread back: true when it should register now. */
    boolean tryRelease() {
        if (state != State.ACTIVE) {
            return false;
        }
        state = State.RELEASING;
        wanted = false;
        return true;
    }

    /** The socket is registered with the watcher; the reader's thread ends. WAKE when it was wanted meanwhile. */
    Step parked() {
        if (state != State.RELEASING) {
            throw new IllegalStateException("parked while " + state);
        }
        if (wanted) {
            wanted = false;
            state = State.WAKING;
            return Step.WAKE;
        }
        state = State.PARKED;
        return Step.NONE;
    }

    /** Registering failed: the reader keeps its thread. */
    void releaseFailed() {
        state = State.ACTIVE;
        wanted = false;
    }

    /** The watcher saw the socket ready (bytes, EOF, error): true the first time only, the caller resumes it. */
    boolean claimWake() {
        if (state != State.PARKED) {
            return false;
        }
        state = State.WAKING;
        return true;
    }

    /**
     * Something needs the reader (bytes to write, a close, an abort). WAKE from PARKED; remembered
     * while RELEASING; nothing to do while ACTIVE or already WAKING.
     */
    Step wanted() {
        switch (state) {
            case PARKED -> {
                state = State.WAKING;
                return Step.WAKE;
            }
            case RELEASING -> wanted = true;
            case ACTIVE, WAKING -> { }
        }
        return Step.NONE;
    }

    /** A reader runs again on a new thread. Returns whether it came back from WAKING (it had been parked). */
    boolean resumed() {
        boolean wasAway = state == State.WAKING;
        state = State.ACTIVE;
        wanted = false;
        return wasAway;
    }
}
