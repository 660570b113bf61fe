package org.wsbyhand.server;

import java.util.concurrent.Semaphore;

/**
 * Keeps readers that never wait from holding every carrier thread. A virtual thread runs on its
 * carrier until it blocks, and a reader whose client sends faster than the server can process (a few
 * KB of compressed data that inflate to megabytes, say) never blocks on its reads: with as many such
 * clients as carriers, nothing else would run, not even the JDK's pollers that wake the other
 * sessions. {@code Thread.yield()} does not help: measured on JDK 25, a yielding virtual thread is
 * run again before threads woken or started elsewhere.
 *
 * <p>So a reader that has read for a slice without waiting must hold one of a few turns to go on:
 * one less than the carriers (at least one). Waiting for a turn parks it, which gives its carrier
 * back; turns are handed out in order; a reader gives its turn back when one of its reads waits for
 * bytes, and takes a new one after each slice, behind the readers already waiting. At least one
 * carrier is then always left to everybody else. Readers that wait for bytes now and then, which is
 * every ordinary session, never touch this class.
 */
final class BusyReaders {
    private final int count;
    private final Semaphore turns;

    /** Turns for a server whose virtual threads run on {@code carriers} carrier threads. */
    BusyReaders(int carriers) {
        this.count = Math.max(1, carriers - 1);
        this.turns = new Semaphore(count, true);
    }

    /** The carriers of this JVM's virtual thread scheduler (its documented property, else the processors). */
    static int carriers() {
        Integer configured = Integer.getInteger("jdk.virtualThreadScheduler.parallelism");
        return configured != null && configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /** One reader's use of the turns; not thread-safe (one reader thread at a time). */
    Turn turn() {
        return new Turn();
    }

    /** Turns that readers hold now (for tests). */
    int held() {
        return count - turns.availablePermits();
    }

    /** Whether a reader is waiting for a turn (for tests). */
    boolean hasWaiters() {
        return turns.hasQueuedThreads();
    }

    /** One reader's turn, if it holds one. */
    final class Turn {
        private boolean holding;

        private Turn() {}

        /**
         * The reader read a whole slice without waiting: it gives back the turn it holds, if any,
         * and waits for the next one behind the readers already waiting.
         */
        void nextSlice() {
            leave();
            turns.acquireUninterruptibly();
            holding = true;
        }

        /** The reader waited for bytes (or stops reading): its turn goes to the next. */
        void leave() {
            if (holding) {
                holding = false;
                turns.release();
            }
        }
    }
}
