package org.wsbyhand.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@link CarrierLoop}s and the way to start a virtual thread on one. The JDK has no public
 * API for a virtual thread's scheduler yet; its builder has a constructor that takes one, which
 * the JDK's own tests use, and which is reachable only where {@code java.lang} is opened to this
 * module. Where it is not, there are no loops and connections run on the JDK's scheduler: the server
 * works the same, at a higher cost per message that waits.
 */
final class CarrierLoops {
    private static final Logger log = LoggerFactory.getLogger(CarrierLoops.class);
    /** {@code new ThreadBuilders.VirtualThreadBuilder(Executor)}, or null where it cannot be reached. */
    private static final MethodHandle BUILDER = findBuilder();
    private static final ReentrantLock JDK_POLLER_LOCK = new ReentrantLock();
    /** Whether {@link #startJdkPoller} ran in this JVM (guarded by {@link #JDK_POLLER_LOCK}). */
    private static boolean jdkPollerStarted;

    private final CarrierLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    private CarrierLoops(CarrierLoop[] loops) {
        this.loops = loops;
    }

    private static MethodHandle findBuilder() {
        try {
            Class<?> type = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            return lookup.findConstructor(type, MethodType.methodType(void.class, Executor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("no virtual thread builder with a scheduler: {}", e.toString());
            return null;
        }
    }

    /** Whether this JVM lets ws-server schedule virtual threads on its own loops. */
    static boolean available() {
        return BUILDER != null;
    }

    /**
     * Starts the loops {@code configured} asks for ({@link ServerConfig#carrierLoops()}), or returns
     * null when connections are to run on the JDK's scheduler.
     */
    static CarrierLoops start(int configured, String name) throws IOException {
        if (configured == 0) {
            return null;
        }
        if (!available()) {
            String why = "virtual threads run on the JDK's scheduler: carrier loops need java.lang opened to ws-server "
                    + "(--add-opens java.base/java.lang=ALL-UNNAMED, or =org.wsbyhand.server on the module path)";
            if (configured > 0) {
                log.warn("{} asked for {} carrier loops, but {}", name, configured, why);
            } else {
                log.info("{}: {}", name, why);
            }
            return null;
        }
        startJdkPoller();
        int count = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
        CarrierLoop[] loops = new CarrierLoop[count];
        try {
            for (int i = 0; i < count; i++) {
                loops[i] = new CarrierLoop(name + "-carrier-" + i);
                loops[i].start();
            }
        } catch (IOException | RuntimeException e) {
            for (CarrierLoop loop : loops) {
                if (loop != null) {
                    loop.close();
                }
            }
            throw e;
        }
        log.info("{}: {} carrier loops run the virtual threads of ws:// connections", name, count);
        return new CarrierLoops(loops);
    }

    /**
     * Makes sure the JDK's I/O poller runs on the JDK's scheduler. It starts its polling threads, which
     * are virtual, the first time a virtual thread blocks on I/O, and a virtual thread started by a
     * virtual thread gets its parent's scheduler: started from a thread on a carrier loop, the JVM's
     * pollers would run on that loop, and stop with it. So, once per JVM and before any loop runs, a
     * virtual thread of the JDK's scheduler (started from a platform thread) blocks on a pipe.
     */
    private static void startJdkPoller() throws IOException {
        // A lock, not synchronized: the wait below must not pin a virtual thread that starts a server.
        JDK_POLLER_LOCK.lock();
        try {
            if (!jdkPollerStarted) {
                blockOnePipeRead();
                jdkPollerStarted = true;
            }
        } finally {
            JDK_POLLER_LOCK.unlock();
        }
    }

    /** Blocks a virtual thread of the JDK's scheduler in a pipe read, then lets it go. */
    private static void blockOnePipeRead() throws IOException {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            Thread[] reader = new Thread[1];
            Thread starter = Thread.ofPlatform().daemon().start(() -> reader[0] = Thread.ofVirtual().start(() -> {
                try {
                    source.read(ByteBuffer.allocate(1));
                } catch (IOException e) {
                    log.debug("starting the JDK's poller: {}", e.toString());
                }
            }));
            starter.join();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (reader[0].getState() != Thread.State.WAITING && System.nanoTime() - deadline < 0) {
                Thread.sleep(1); // until it parks in the poller
            }
            sink.write(ByteBuffer.wrap(new byte[1]));
            if (!reader[0].join(Duration.ofSeconds(5))) {
                log.warn("the JDK's poller did not answer within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The loop for a new connection: each in turn. */
    CarrierLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    /** A builder of virtual threads that run on {@code loop}. */
    Thread.Builder.OfVirtual builder(CarrierLoop loop) {
        try {
            return (Thread.Builder.OfVirtual) BUILDER.invoke((Executor) loop);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot build a virtual thread on a carrier loop", e);
        }
    }

    /** Stops every loop (after the connections ended). */
    void close() {
        for (CarrierLoop loop : loops) {
            loop.close();
        }
    }
}
