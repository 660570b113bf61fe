package org.wsbyhand.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.deflate.DeflateNegotiation;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.core.CoreSession;
import org.wsbyhand.session.core.Outbound;
import org.wsbyhand.session.core.SessionClock;
import org.wsbyhand.session.core.SessionLock;
import org.wsbyhand.session.core.SessionLoop;
import org.wsbyhand.session.core.Termination;

/**
 * One accepted socket from its first byte to its close: the {@link FrontDoor} answers it or accepts
 * an upgrade; then the session is put together and run by a {@link SessionLoop} on this virtual
 * thread. When the session is quiet its thread may be given back ({@link ThreadRelease}): the socket
 * waits on the server's {@link IdleWatcher}, or on its {@link CarrierLoop} when it has one, which
 * resumes the loop on a new thread when bytes arrive or something must be sent.
 *
 * <p>Before the session runs, the server's timer drops a connection that overstays its deadline (TLS
 * and head, then a plain HTTP answer); afterwards the timer keeps the session's clock.
 */
final class ConnectionLoop implements Runnable, IdleWatcher.Parked, SocketTransport.Owner {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLoop.class);

    private final WebSocketServer server;
    private final ServerConfig config;
    private final Counters counters;
    private final Socket socket;
    /** The socket's channel when it can be parked on the server's selector (plain TCP), else null. */
    private final SocketChannel channel;
    private final long id;
    private final InetSocketAddress remote;
    private final SessionMemory memory;
    /** Before the session runs: when the timer drops the connection ({@link System#nanoTime()}); 0 once it runs. */
    private volatile long deadline;
    private volatile SessionLoop loop;
    /** Whether the session is in {@link WebSocketServer#sessions()}: from before onOpen to before onClose. */
    private volatile boolean listed;
    /** The thread serving this connection now: the first one, or the one that resumed it; null while parked. */
    private volatile Thread thread;
    private final ThreadRelease release = new ThreadRelease();
    private volatile SocketTransport transport;
    private SelectionKey parkedKey;
    /** The carrier loop whose thread runs this connection's virtual threads, or null (the JDK's scheduler). */
    private final CarrierLoop carrier;

    ConnectionLoop(WebSocketServer server, Socket socket, long id, SessionMemory memory, CarrierLoop carrier) {
        this.carrier = carrier;
        this.server = server;
        this.config = server.config();
        this.counters = server.counters();
        this.socket = socket;
        this.channel = socket instanceof SSLSocket ? null : socket.getChannel();
        this.id = id;
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.memory = memory;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        boolean released = false;
        try {
            Optional<FrontDoor.Upgrade> upgrade = new FrontDoor(server, socket, id, remote, at -> deadline = at).serve();
            if (upgrade.isPresent()) {
                released = runSession(upgrade.get());
            } else {
                // An HTTP answer (static file or error) was the last thing written: let the client
                // read it before the socket closes, or unread request bytes could reset it away.
                long linger = config.closeTimeout().toNanos();
                deadline = System.nanoTime() + linger;
                Linger.shutdown(socket, linger, Linger.MAX_BYTES);
            }
        } catch (IOException e) {
            log.debug("connection {} ({}): {}", id, remote, e.toString());
        } catch (RuntimeException | Error e) {
            log.error("connection {} ({}): unexpected failure", id, remote, e);
        } finally {
            if (!released) {
                abort();
                server.loopFinished(this);
            }
        }
    }

    /** Puts the session together, writes the 101 and runs it; true when it gave its thread back. */
    private boolean runSession(FrontDoor.Upgrade upgrade) throws IOException {
        boolean started = false;
        try {
            // permessage-deflate, when negotiated: its zlib streams are created on first use, so a
            // session that fails before its first compressed message holds no native memory.
            PerMessageDeflate deflate = DeflateNegotiation.serverAgreement(upgrade.accepted())
                    .map(agreed -> new PerMessageDeflate(Role.SERVER, agreed, config.compression().orElseThrow()))
                    .orElse(null);
            Connection connection = Connection.builder(Role.SERVER).limits(config.limits()).deflate(deflate)
                    .memoryBudget(memory).build();
            long releaseNanos = channel == null ? 0 : config.threadRelease().toNanos();
            transport = new SocketTransport(socket, this, server.busyReaders().turn(), releaseNanos);
            SessionLock lock = new SessionLock();
            Termination termination = new Termination();
            SessionClock clock = new SessionClock(System::nanoTime, new SessionClock.Timeouts(config.pingInterval(),
                    config.pongTimeout(), config.idleTimeout(), config.closeTimeout()));
            String name = Long.toString(id);
            Outbound outbound = new Outbound(lock, connection, transport, counters.session, memory, termination, clock,
                    config.maxOutboundBytes(), config.overflowPolicy(), name, deflate);
            outbound.gate(this::writable);
            CoreSession session = new CoreSession(new CoreSession.Identity(name, upgrade.request(),
                    upgrade.accepted().subprotocol(), remote), lock, connection, outbound, deflate);
            upgrade.attributes().forEach((key, value) -> put(session, key, value));
            session.opener(server);
            SessionLoop created = new SessionLoop(session, transport, upgrade.handler(), clock, termination,
                    counters.session, memory, this::ending, config.closeTimeout().toNanos());
            ObservedSession observed = new ObservedSession(server.observers(), session);
            outbound.observer(observed);
            created.observer(observed);
            // The session is published before the 101 goes out, so that a shutdown arriving now closes it
            // with 1001 instead of dropping the socket; the 101 is written under the session lock, and the
            // writer of that close frame takes the lock before it writes.
            OutputStream out = socket.getOutputStream();
            lock.lock();
            try {
                loop = created;
                out.write(upgrade.accepted().response().toBytes());
                out.flush();
                if (carrier != null) {
                    transport.enterLoop(LoopChannel.register(channel, carrier));
                }
            } finally {
                lock.unlock();
            }
            counters.upgradesAccepted.increment();
            server.observers().handshake(upgrade.timing(), upgrade.request().path(), 101, remote);
            server.observers().sessionOpened(session);
            socket.setSoTimeout(0);
            deadline = 0; // from now on the session clock keeps the time
            listed = true;
            started = true;
            return running(created.start(upgrade.leftover()));
        } finally {
            if (!started) {
                counters.openSessions.decrementAndGet();
            }
        }
    }

    private static <T> void put(CoreSession session, AttributeKey<T> key, Object value) {
        session.attribute(key, key.cast(value));
    }

    /** The loop returned: true when it gave its thread back, false when the session is over. */
    private boolean running(SessionLoop.Outcome outcome) {
        if (outcome == SessionLoop.Outcome.RELEASED) {
            return true;
        }
        transport.readerStopped();
        return false;
    }

    /** The session is over; its handler hears it next. */
    private void ending() {
        listed = false;
        counters.openSessions.decrementAndGet();
    }

    // ---- thread release (see ThreadRelease and IdleWatcher) ----

    /** The writers' gate: open while a thread reads the session; a parked session is woken to write. */
    private boolean writable() {
        if (release.wanted() == ThreadRelease.Step.WAKE) {
            wakeParked();
        }
        return release.state() == ThreadRelease.State.ACTIVE;
    }

    /** The session was quiet for the release delay: park its socket and give the thread back when idle. */
    @Override
    public boolean release() {
        SessionLoop current = loop;
        SessionLock lock = current.session().lock();
        lock.lock();
        try {
            Connection connection = current.session().connection();
            if (connection.state() != Connection.State.OPEN || !current.session().outbound().idle()
                    || !release.tryRelease()) {
                return false;
            }
            connection.trim(); // an idle session keeps no message buffer
            current.session().outbound().readerLeft(); // nor its ended thread
        } finally {
            lock.unlock();
        }
        LoopChannel looped = transport.looped();
        if (looped == null) {
            try {
                channel.configureBlocking(false);
                parkedKey = server.idleWatcher().park(channel, this);
            } catch (IOException | RuntimeException e) {
                log.debug("session {} ({}): keeps its thread: {}", id, remote, e.toString());
                try {
                    channel.configureBlocking(true);
                } catch (IOException | RuntimeException again) {
                    // Closed: the next read fails and the session ends.
                }
                lock.lock();
                try {
                    release.releaseFailed();
                    current.session().outbound().resumed();
                } finally {
                    lock.unlock();
                }
                return false;
            }
        }
        thread = null; // a parked session keeps no thread reachable
        ThreadRelease.Step step;
        lock.lock();
        try {
            counters.parkedSessions.incrementAndGet();
            step = release.parked();
        } finally {
            lock.unlock();
        }
        if (step == ThreadRelease.Step.WAKE) {
            wakeParked();
        } else if (looped != null) {
            // Armed only now that the session is PARKED: bytes seen while it was still RELEASING could
            // not be claimed, and the loop disarms a key once it reported it. An arming that comes
            // after a wake is harmless: the resumed reader reads before it waits.
            try {
                looped.park(() -> startOnLoop(true));
            } catch (IOException e) {
                abort(); // closed meanwhile: the session is resumed to end
            }
        }
        return true;
    }

    /** Resumes the parked session, which the caller's transition already claimed (WAKING): through the idle watcher, or on its carrier loop. */
    private void wakeParked() {
        if (carrier != null) {
            startOnLoop(false);
        } else {
            server.idleWatcher().wake(this);
        }
    }

    /**
     * A session parked on its carrier loop is wanted: a new thread on the loop resumes it. When bytes
     * arrived ({@code claim}), only if this is the first wake since it parked; otherwise the caller's
     * {@link ThreadRelease} transition has claimed it already. Never blocks: it may run on the loop's
     * own thread.
     */
    private void startOnLoop(boolean claim) {
        server.carrierLoops().builder(carrier).name("ws-connection-" + id).start(() -> {
            transport.looped().unparked();
            if (!claim || claimWake()) {
                resume();
            }
        });
    }

    @Override
    public boolean claimWake() {
        SessionLock lock = loop.session().lock();
        lock.lock();
        try {
            return release.claimWake();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SelectionKey parkedKey() {
        return parkedKey;
    }

    @Override
    public void startResumed() {
        Thread.ofVirtual().name("ws-connection-" + id).start(this::resume);
    }

    private void resume() {
        thread = Thread.currentThread();
        SessionLoop current = loop;
        boolean released = false;
        try {
            try {
                if (transport.looped() == null) {
                    channel.configureBlocking(true);
                }
            } catch (IOException e) {
                log.debug("session {} ({}): cannot resume: {}", id, remote, e.toString());
                abort(); // the loop's next read fails and the session ends
            }
            SessionLock lock = current.session().lock();
            lock.lock();
            try {
                if (release.resumed()) {
                    counters.parkedSessions.decrementAndGet();
                }
            } finally {
                lock.unlock();
            }
            transport.readerStarted();
            released = running(current.resume());
        } catch (RuntimeException | Error e) {
            log.error("session {} ({}): unexpected failure", id, remote, e);
        } finally {
            if (!released) {
                abort();
                server.loopFinished(this);
            }
        }
    }

    // ---- for the server ----

    /** The started, not yet ended session of this connection, else null. */
    CoreSession listedSession() {
        SessionLoop current = loop;
        return listed && current != null ? current.session() : null;
    }

    /** The thread serving this connection now (it changes when an idle session is resumed). */
    Thread thread() {
        return thread;
    }

    /**
     * Drops the socket at once, from any thread; blocked reads and writes fail, and a parked session
     * is resumed so that it ends (and its handler hears of it) on a thread of its own.
     */
    @Override
    public void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("connection {}: close failed: {}", id, e.toString());
        }
        SocketTransport t = transport;
        if (t != null) {
            t.closed();
        }
        SessionLoop current = loop;
        if (current != null) {
            SessionLock lock = current.session().lock();
            lock.lock();
            try {
                if (release.wanted() == ThreadRelease.Step.WAKE) {
                    wakeParked();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Server shutdown: 1001 to an open session, or drop a connection that has none yet. */
    void goingAway() {
        SessionLoop current = loop;
        if (current != null) {
            current.session().close(CloseCode.GOING_AWAY, "server shutting down");
        } else {
            abort();
        }
    }

    /**
     * The server's timer thread: the deadline of the connection's HTTP exchange before a session
     * runs, then the session's own deadlines (see {@link SessionClock}).
     */
    void checkTimers(long now) {
        long due = deadline;
        if (due != 0 && now - due >= 0) {
            log.info("connection {} ({}): no complete exchange within its deadline, dropped", id, remote);
            deadline = 0;
            abort();
            return;
        }
        SessionLoop current = loop;
        if (current != null && listed) {
            current.checkTimers(now);
        }
    }

    /** Bytes this connection holds of the server's memory budget (approximate). */
    long memoryHeld() {
        return memory.held();
    }

    /** The client's address. */
    InetSocketAddress remoteAddress() {
        return remote;
    }

    long id() {
        return id;
    }
}
