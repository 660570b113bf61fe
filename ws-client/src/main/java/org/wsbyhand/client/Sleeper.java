package org.wsbyhand.client;

import java.time.Duration;

/**
 * How a {@link ReconnectingConnection} waits between attempts: {@link Thread#sleep(Duration)} unless
 * a test puts in its own. The wait must end with an {@link InterruptedException} when the waiting
 * thread is interrupted: that is how {@link ReconnectingConnection#close()} cuts it short.
 */
@FunctionalInterface
interface Sleeper {
    /** The real one. */
    Sleeper THREAD_SLEEP = Thread::sleep;

    /**
     * Waits.
     *
     * @param delay how long
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void sleep(Duration delay) throws InterruptedException;
}
