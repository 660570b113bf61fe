package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The idle watcher without sockets: parked "sessions" are pipes, their state machine the real
 * {@link ThreadRelease}. A parked channel comes back once when it becomes readable or is woken,
 * with its key cancelled and deregistered before it resumes, and never twice for one parking.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleWatcherTest {

    /** A parked session: a pipe's read end, resumed at most once per parking. */
    private static final class FakeParked implements IdleWatcher.Parked {
        final Pipe pipe;
        final ThreadRelease release = new ThreadRelease();
        final AtomicInteger resumes = new AtomicInteger();
        final CountDownLatch resumed = new CountDownLatch(1);
        volatile boolean keyValidAtResume = true;
        volatile boolean channelBlockableAtResume;
        SelectionKey key;

        FakeParked() throws IOException {
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
        }

        void park(IdleWatcher watcher) throws IOException {
            synchronized (this) {
                assertTrue(release.tryRelease());
                key = watcher.park(pipe.source(), this);
                assertEquals(ThreadRelease.Step.NONE, release.parked());
            }
        }

        @Override
        public synchronized boolean claimWake() {
            return release.claimWake();
        }

        @Override
        public SelectionKey parkedKey() {
            return key;
        }

        @Override
        public void startResumed() {
            keyValidAtResume = key.isValid();
            try {
                // A channel can block again only once no selector holds it: the watcher must have
                // completed the deregistration before resuming.
                pipe.source().configureBlocking(true);
                channelBlockableAtResume = true;
            } catch (IOException | RuntimeException e) {
                channelBlockableAtResume = false;
            }
            resumes.incrementAndGet();
            resumed.countDown();
        }

        @Override
        public void abort() {
            try {
                pipe.source().close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private IdleWatcher watcher;

    @BeforeEach
    void start() throws IOException {
        watcher = new IdleWatcher("idle-watcher-test");
        watcher.start();
    }

    @AfterEach
    void stop() {
        watcher.close();
    }

    @Test
    void aParkedChannelComesBackOnceWhenBytesArriveDeregisteredFirst() throws Exception {
        FakeParked parked = new FakeParked();
        parked.park(watcher);
        parked.pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertTrue(parked.resumed.await(10, TimeUnit.SECONDS), "resumed when readable");
        assertFalse(parked.keyValidAtResume, "its key was cancelled before it resumed");
        assertTrue(parked.channelBlockableAtResume, "and deregistered: the channel can block again");
        // More bytes, and a wake-up on top, must not resume it a second time.
        parked.pipe.sink().write(ByteBuffer.wrap(new byte[] {4}));
        synchronized (parked) {
            assertEquals(ThreadRelease.Step.NONE, parked.release.wanted(), "already waking: nothing to do");
        }
        assertEquals(1, parked.resumes.get());
    }

    @Test
    void aParkedChannelIsWokenWhenSomethingMustBeSent() throws Exception {
        FakeParked parked = new FakeParked();
        parked.park(watcher);
        synchronized (parked) {
            assertEquals(ThreadRelease.Step.WAKE, parked.release.wanted());
        }
        watcher.wake(parked);
        assertTrue(parked.resumed.await(10, TimeUnit.SECONDS), "resumed by the wake-up");
        assertTrue(parked.channelBlockableAtResume);
        assertEquals(1, parked.resumes.get());
    }

    @Test
    void bytesAndAWakeUpAtOnceResumeItOnce() throws Exception {
        for (int i = 0; i < 50; i++) {
            FakeParked parked = new FakeParked();
            parked.park(watcher);
            parked.pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            boolean wake;
            synchronized (parked) {
                wake = parked.release.wanted() == ThreadRelease.Step.WAKE;
            }
            if (wake) {
                watcher.wake(parked);
            }
            assertTrue(parked.resumed.await(10, TimeUnit.SECONDS), "round " + i);
            // Give a second resume every chance to happen: the watcher has a selection pass to make.
            FakeParked marker = new FakeParked();
            marker.park(watcher);
            marker.pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertTrue(marker.resumed.await(10, TimeUnit.SECONDS));
            assertEquals(1, parked.resumes.get(), "round " + i + ": resumed once");
        }
    }

    @Test
    void aClosedWatcherRefusesToPark() throws Exception {
        watcher.close();
        FakeParked parked = new FakeParked();
        assertThrows(ClosedChannelException.class, () -> watcher.park(parked.pipe.source(), parked));
    }
}
