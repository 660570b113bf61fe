package org.wsbyhand.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Event;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.protocol.deflate.DeflateNegotiation;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.HttpRequest;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.session.SlowConsumerException;
import org.wsbyhand.session.MemoryBudgetException;

/**
 * The virtual thread that serves one accepted socket from its first byte to its close: reads the
 * HTTP head within the handshake timeout, answers a static file or an error, or upgrades; then
 * loops reading into a reused buffer, feeding the session's {@link Connection} under the session
 * lock, and calling the handler outside the lock, in order.
 *
 * <p>Reads block without a timeout while the session is busy, so a waiting session costs no
 * timer. Its clock ({@link SessionClock}: ping, pong, idle and close deadlines; the protocol never
 * reads a clock) is kept by the server's one timer thread, which calls {@link #checkTimers(long)}
 * for every connection a few times per shortest timeout. A quiet session reads with a timeout only
 * so that it can give back its thread ({@link ServerConfig#threadRelease()}) and wait on the
 * server's {@link IdleWatcher} until bytes arrive or something is sent to it.
 *
 * <p>Replies that handlers send from this thread while it dispatches one read's messages are
 * written by this thread after the last of them, in one write (see {@link Outbound}).
 */
final class ConnectionLoop implements Runnable, Outbound.Owner, IdleWatcher.Parked {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLoop.class);
    /** Idle sessions hold this much read buffer; bursts grow it up to {@link #READ_BUFFER_MAX}. */
    static final int READ_BUFFER_MIN = 512;
    static final int READ_BUFFER_MAX = 64 * 1024;
    /** A grown buffer goes back to the minimum after this many small reads in a row (the burst is over). */
    private static final int SMALL_READS_BEFORE_SHRINK = 16;
    /**
     * Bytes a session reads (and drops) at most after sending its close frame before the peer's
     * close arrives, beyond its message size limit: a peer that keeps streaming instead of closing
     * is dropped rather than read at wire speed until the close timeout.
     */
    private static final int DISCARD_AFTER_CLOSE_SLACK = 1 << 20;
    /** A reader that has read this long without its reads waiting takes a turn of {@link BusyReaders}. */
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A read that took longer than this waited for bytes (parked), giving others the carrier. */
    private static final long WAITED_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** Time after the handshake deadline for the 408 to be written before the timer drops the socket. */
    private static final long ANSWER_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final WebSocketServer server;
    private final ServerConfig config;
    private final Counters counters;
    private final Socket socket;
    /** The socket's channel when it can be parked on the server's selector (plain TCP), else null. */
    private final SocketChannel channel;
    private final long id;
    private final InetSocketAddress remote;
    private final SessionMemory memory;
    /**
     * Before the session starts: when the connection is dropped (the TLS handshake and request head
     * within the handshake timeout, then a plain HTTP answer within the response timeout), as a
     * {@link System#nanoTime()} value kept by the server's timer; 0 once the session runs.
     */
    private volatile long deadline;
    private volatile ServerSession session;
    /** Whether the session is in {@link WebSocketServer#sessions()}: from before onOpen to before onClose. */
    private volatile boolean listed;

    private WebSocketHandler handler;
    /** The thread serving this connection now: the first one, or the one that resumed it. */
    private volatile Thread thread;
    private SelectionKey parkedKey;
    private Throwable error;
    private boolean handlerFailed;
    private boolean transportGone;
    /** The peer kept sending data long after our close frame: it is dropped, not waited for. */
    private boolean ignoredOurClose;
    /** The reader's turn among readers that do not wait (see {@link BusyReaders}); reader thread only. */
    private final BusyReaders.Turn busy;
    /** When the reader last waited for bytes, or took its turn. Reader thread only. */
    private long runningSince;

    /** Set by the reader once the session runs; from then on the timer thread keeps its clock. */
    private volatile boolean timed;
    private final SessionClock clock;

    ConnectionLoop(WebSocketServer server, Socket socket, long id, SessionMemory memory) {
        this.memory = memory;
        this.busy = server.busyReaders().turn();
        this.server = server;
        this.config = server.config();
        this.counters = server.counters();
        this.socket = socket;
        this.channel = socket instanceof SSLSocket ? null : socket.getChannel();
        this.id = id;
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.clock = new SessionClock();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        boolean released = false;
        try {
            released = serve();
        } catch (IOException e) {
            log.debug("connection {} ({}): {}", id, remote, e.toString());
        } catch (RuntimeException | Error e) {
            log.error("connection {} ({}): unexpected failure", id, remote, e);
        } finally {
            if (!released) {
                if (session == null) {
                    // An HTTP answer (static file or error) was the last thing written: let the client
                    // read it before the socket closes, or unread request bytes could reset it away.
                    long linger = config.closeTimeout().toNanos();
                    deadline = System.nanoTime() + linger;
                    Linger.shutdown(socket, linger, Linger.MAX_BYTES);
                }
                abort();
                server.loopFinished(this);
            }
        }
    }

    /** The started, not yet ended session of this connection, else null. */
    ServerSession listedSession() {
        return listed ? session : null;
    }

    /** The thread serving this connection now (it changes when an idle session is resumed). */
    Thread thread() {
        return thread;
    }

    /**
     * Drops the socket at once, from any thread; blocked reads and writes fail, and a parked
     * session is resumed so that it ends (and its handler hears of it) on a thread of its own.
     */
    @Override
    public void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("connection {}: close failed: {}", id, e.toString());
        }
        ServerSession s = session;
        if (s != null) {
            s.wakeReader();
        }
    }

    /** Server shutdown: 1001 to an open session, or drop a connection that has none yet. */
    void goingAway() {
        ServerSession s = session;
        if (s != null) {
            s.close(CloseCode.GOING_AWAY, "server shutting down");
        } else {
            abort();
        }
    }

    /** Returns whether the session released its thread (it goes on later on another one). */
    private boolean serve() throws IOException {
        long headDeadline = System.nanoTime() + config.handshakeTimeout().toNanos();
        // Reads of the head time out on their own at the deadline and get a 408. The timer drops
        // the socket a little later whatever blocks: a TLS handshake, or an answer the client does
        // not read; the grace keeps it from cutting off the 408 itself.
        deadline = headDeadline + ANSWER_GRACE_NANOS;
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        Optional<Handshaker.ReadHead> read;
        try {
            if (socket instanceof SSLSocket ssl) {
                socket.setSoTimeout(Math.max(1, Linger.millisUntil(headDeadline)));
                ssl.startHandshake();
            }
            read = Handshaker.readHead(in, socket, config.limits(), headDeadline);
        } catch (SocketTimeoutException e) {
            log.info("connection {} ({}): no complete request head within {}, dropped", id, remote,
                    config.handshakeTimeout());
            counters.upgradesRejected.increment();
            HttpResponses.error(out, 408, "", Map.of(), true);
            return false;
        } catch (HandshakeException e) {
            log.info("connection {} ({}): request head refused with {}: {}", id, remote, e.status(), e.getMessage());
            counters.upgradesRejected.increment();
            out.write(e.responseBytes());
            out.flush();
            return false;
        } catch (SSLException e) {
            log.info("connection {} ({}): TLS handshake failed: {}", id, remote, e.getMessage());
            return false;
        }
        if (read.isEmpty()) {
            return false;
        }
        HttpRequest head = read.get().request();
        String path;
        try {
            path = PercentDecoding.decode(head.path(), false);
        } catch (IllegalArgumentException e) {
            reject(out, head, HandshakeException.reject(400, "invalid percent escape in path"));
            return false;
        }
        WebSocketHandler routed = config.routes().get(path);
        // A WebSocket upgrade goes to the handshake, and so does anything else on a route when there
        // are no static files to serve instead (the handshake then says what is missing). A plain GET
        // of a route's path serves the static file there, so a page and its socket can share "/".
        // Other upgrade offers (the JDK HTTP client's h2c, for one) may be ignored (RFC 7230 6.7).
        boolean webSocketUpgrade = head.headers().containsToken("Upgrade", "websocket");
        if (webSocketUpgrade || (routed != null && config.staticFiles().isEmpty())) {
            return upgrade(in, out, read.get(), routed);
        } else if (config.staticFiles().isPresent()) {
            counters.httpRequests.increment();
            deadline = System.nanoTime() + config.responseTimeout().toNanos();
            int status = config.staticFiles().get().respond(head, out);
            log.debug("connection {} ({}): {} {} -> {}", id, remote, head.method(), head.target(), status);
        } else {
            counters.httpRequests.increment();
            HttpResponses.error(out, 404, "", Map.of(), !head.method().equals("HEAD"));
        }
        return false;
    }

    private boolean upgrade(InputStream in, OutputStream out, Handshaker.ReadHead read, WebSocketHandler routed)
            throws IOException {
        HttpRequest head = read.request();
        if (routed == null) {
            reject(out, head, HandshakeException.reject(404, "no WebSocket endpoint at this path"));
            return false;
        }
        HandshakeResult accepted;
        try {
            accepted = server.handshake().accept(head);
        } catch (HandshakeException e) {
            reject(out, head, e);
            return false;
        }
        Optional<String> origin = head.headers().first("Origin");
        if (!config.allowedOrigins().isEmpty() && origin.isPresent() && !originAllowed(origin.get())) {
            reject(out, head, HandshakeException.reject(403, "origin not allowed"));
            return false;
        }
        HttpUpgradeRequest request = new HttpUpgradeRequest(head, read.raw(), config.limits(), remote);
        if (server.isClosing()) {
            reject(out, head, HandshakeException.reject(503, "server shutting down"));
            return false;
        }
        counters.openSessions.incrementAndGet();
        boolean started = false;
        try {
            UpgradeDecision decision;
            try {
                decision = config.upgradeHook().decide(request);
            } catch (RuntimeException e) {
                log.warn("connection {} ({}): upgrade hook failed", id, remote, e);
                decision = UpgradeDecision.reject(500, "");
            }
            if (decision instanceof UpgradeDecision.Reject rejected) {
                reject(out, head, HandshakeException.reject(rejected.status(), rejected.reason()));
                return false;
            }
            Optional<String> subprotocol = accepted.subprotocol();
            // permessage-deflate, when negotiated: its zlib streams are created on first use, so a
            // session that fails before its first compressed message holds no native memory.
            PerMessageDeflate deflate = DeflateNegotiation.serverAgreement(accepted)
                    .map(agreed -> new PerMessageDeflate(Role.SERVER, agreed, config.compression().orElseThrow()))
                    .orElse(null);
            Connection connection = Connection.builder(Role.SERVER).limits(config.limits()).deflate(deflate)
                    .memoryBudget(memory).build();
            ServerSession created = new ServerSession(id, request, subprotocol, connection, out, config, counters,
                    this, deflate, memory);
            // The session is published before the 101 goes out, so that a shutdown arriving now closes it
            // with 1001 instead of dropping the socket; the 101 is written under the session lock, so
            // that close frame (queued under the same lock) can only follow it.
            created.lock().lock();
            try {
                session = created;
                out.write(accepted.response().toBytes());
                out.flush();
            } finally {
                created.lock().unlock();
            }
            counters.upgradesAccepted.increment();
            socket.setSoTimeout(0);
            deadline = 0; // from now on the session clock keeps the time
            handler = routed;
            started = true;
            return runSession(in, read.leftover());
        } finally {
            if (!started) {
                counters.openSessions.decrementAndGet();
            }
        }
    }

    private boolean originAllowed(String origin) {
        String lower = origin.toLowerCase(Locale.ROOT);
        return config.allowedOrigins().stream().anyMatch(allowed -> allowed.toLowerCase(Locale.ROOT).equals(lower));
    }

    private void reject(OutputStream out, HttpRequest head, HandshakeException rejection) throws IOException {
        log.info("connection {} ({}): upgrade of {} refused with {}: {}", id, remote, head.target(),
                rejection.status(), rejection.reason());
        counters.upgradesRejected.increment();
        out.write(rejection.responseBytes());
        out.flush();
    }

    private boolean runSession(InputStream in, byte[] leftover) {
        ServerSession s = session;
        listed = true;
        s.outbound().setReader(Thread.currentThread());
        clock.read(System.nanoTime());
        timed = true;
        boolean released = false;
        try {
            try {
                handler.onOpen(s);
            } catch (RuntimeException e) {
                handlerFailed(e);
            }
            if (leftover.length > 0) {
                runningSince = System.nanoTime();
                feed(ByteBuffer.wrap(leftover));
            }
            released = readLoop(in);
            return released;
        } finally {
            if (!released) {
                finish();
            }
        }
    }

    @Override
    public void wakeParked() {
        server.idleWatcher().wake(this);
    }

    @Override
    public boolean claimWake() {
        return session.claimWake();
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
        ServerSession s = session;
        boolean released = false;
        try {
            InputStream in = null;
            try {
                channel.configureBlocking(true);
                in = socket.getInputStream();
            } catch (IOException e) {
                log.debug("session {} ({}): cannot resume: {}", id, remote, e.toString());
                transportGone = true;
            }
            s.readerResumed(Thread.currentThread());
            try {
                released = in != null && !transportGone && readLoop(in);
            } finally {
                if (!released) {
                    finish();
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("session {} ({}): unexpected failure", id, remote, e);
        } finally {
            if (!released) {
                abort();
                server.loopFinished(this);
            }
        }
    }

    /**
     * Gives the thread back when the session is quiet (see {@link ServerConfig#threadRelease()}):
     * the socket goes to the server's {@link IdleWatcher}; returns false (keep reading) when
     * something is pending or the socket cannot be parked.
     */
    private boolean release() {
        ServerSession s = session;
        if (!s.tryReleaseReader()) {
            return false;
        }
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
            s.readerResumed(Thread.currentThread());
            return false;
        }
        thread = null; // a parked session keeps no thread reachable
        s.readerParked();
        return true;
    }

    /** Reads until the session is closed (false) or it released its thread (true). */
    private boolean readLoop(InputStream in) {
        ServerSession s = session;
        // Only a quiet session reads with a timeout (a timed park costs a timer entry per read,
        // about a third of a small echo's cost): one whose last two reads were a release delay
        // or more apart, or that has not read yet. A busy session that falls silent reads untimed
        // until its next byte, which at the latest is the answer to the heartbeat ping.
        long releaseNanos = channel == null ? 0 : config.threadRelease().toNanos();
        int releaseMillis = (int) Math.clamp(TimeUnit.NANOSECONDS.toMillis(releaseNanos), 1, Integer.MAX_VALUE);
        boolean quiet = releaseNanos > 0;
        boolean timedReads = false;
        long previousRead = 0;
        runningSince = System.nanoTime();
        byte[] buffer = new byte[READ_BUFFER_MIN];
        ByteBuffer view = ByteBuffer.wrap(buffer);
        int smallReads = 0;
        long readAfterClose = 0;
        long discardLimit = (long) config.limits().maxMessageSize() + DISCARD_AFTER_CLOSE_SLACK;
        try {
            while (s.state() != Connection.State.CLOSED) {
                int n;
                try {
                    if (quiet != timedReads) {
                        socket.setSoTimeout(quiet ? releaseMillis : 0);
                        timedReads = quiet;
                    }
                    long readStarted = System.nanoTime();
                    n = in.read(buffer, 0, buffer.length);
                    if (n < buffer.length && System.nanoTime() - readStarted > WAITED_NANOS) {
                        // The read waited for bytes (a full one never did): the carrier was free meanwhile.
                        runningSince = readStarted;
                        busy.leave();
                    }
                } catch (SocketTimeoutException e) {
                    if (release()) {
                        return true;
                    }
                    continue;
                } catch (IOException e) {
                    log.debug("session {} ({}): read failed: {}", id, remote, e.toString());
                    transportGone = true;
                    return false;
                }
                if (n < 0) {
                    transportGone = true;
                    return false;
                }
                long now = System.nanoTime();
                clock.read(now);
                quiet = releaseNanos > 0 && now - previousRead >= releaseNanos;
                previousRead = now;
                counters.bytesIn.add(n);
                if (s.state() == Connection.State.CLOSE_SENT && (readAfterClose += n) > discardLimit) {
                    log.info("session {} ({}): {} bytes more after our close frame, dropped", id, remote, readAfterClose);
                    ignoredOurClose = true; // finish() follows, without lingering for more of the same
                    return false;
                }
                view.clear().limit(n);
                feed(view);
                checkSlice(now);
                // A full read suggests a big frame in flight: read in larger steps, when the memory
                // budget has room. Many small reads in a row on a grown buffer mean the burst is over:
                // give the memory back.
                if (n == buffer.length && buffer.length < READ_BUFFER_MAX && s.reserveReadBuffer(buffer.length)) {
                    buffer = new byte[buffer.length * 2];
                    view = ByteBuffer.wrap(buffer);
                    smallReads = 0;
                } else if (buffer.length > READ_BUFFER_MIN && n < READ_BUFFER_MIN
                        && ++smallReads >= SMALL_READS_BEFORE_SHRINK) {
                    s.releaseReadBuffer(buffer.length - READ_BUFFER_MIN);
                    buffer = new byte[READ_BUFFER_MIN];
                    view = ByteBuffer.wrap(buffer);
                    smallReads = 0;
                }
            }
            return false;
        } finally {
            busy.leave();
            if (buffer.length > READ_BUFFER_MIN) {
                s.releaseReadBuffer(buffer.length - READ_BUFFER_MIN);
            }
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
        ServerSession s = session;
        if (s != null && timed) {
            clock.check(now, s, config, this::abort);
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

    /**
     * Feeds received bytes under the lock, then takes the events one at a time (under the lock) and
     * runs the handler for each outside it. One at a time matters: whatever a handler sends in
     * answer to a message goes out before a close frame that followed that message on the wire
     * (the connection queues the echo of a peer's close, or its own close after a violation, only
     * when that terminal event is taken, after the events before it).
     */
    private void feed(ByteBuffer data) {
        ServerSession s = session;
        Connection connection = s.connection();
        // The connection may stop before the end of the read when the messages it decoded hold much
        // memory (compressed messages inflate): dispatch those, then go on with the rest.
        do {
            s.lock().lock();
            try {
                s.outbound().beginReaderBatch();
                connection.receive(data); // a violation comes out of pollEvent as the last event
            } finally {
                s.lock().unlock();
            }
            dispatchEvents(s, connection);
        } while (data.hasRemaining());
        // What the handlers answered to this read goes out now, in one write.
        s.outbound().endReaderBatch();
    }

    /** Takes the events one at a time under the lock and runs the handler for each outside it. */
    private void dispatchEvents(ServerSession s, Connection connection) {
        while (true) {
            Event event;
            s.lock().lock();
            try {
                event = connection.pollEvent();
                if (event == null) {
                    s.afterCall();
                }
            } finally {
                s.lock().unlock();
            }
            if (event == null) {
                return;
            }
            dispatch(s, event);
            checkSlice(System.nanoTime());
        }
    }

    /**
     * A reader whose reads never wait never blocks, and a virtual thread that never blocks keeps its
     * carrier: after a slice of work without waiting, it takes a turn of {@link BusyReaders}.
     */
    private void checkSlice(long now) {
        if (now - runningSince > SLICE_NANOS) {
            busy.nextSlice(SLICE_NANOS);
            runningSince = System.nanoTime();
        }
    }

    private void dispatch(ServerSession s, Event event) {
        try {
            switch (event) {
                case Event.Text text -> {
                    counters.messagesIn.increment();
                    if (!handlerFailed) {
                        handler.onText(s, text.text());
                    }
                }
                case Event.Binary binary -> {
                    counters.messagesIn.increment();
                    if (!handlerFailed) {
                        handler.onBinary(s, binary.data());
                    }
                }
                case Event.Pong pong -> {
                    if (!handlerFailed) {
                        handler.onPong(s, pong.payload());
                    }
                }
                case Event.Ping ping -> {
                    // RFC 6455 5.5.2: the connection already queued the pong.
                }
                case Event.Close close -> {
                    // The connection echoed it (RFC 6455 5.5.1); the read loop ends on CLOSED.
                }
                case Event.Failure failure -> {
                    // The connection queued its close frame with the violation's code and is CLOSED.
                    ProtocolException violation = failure.exception();
                    log.info("session {} ({}): {}, closing with {}", id, remote, violation.getMessage(), failure.closeCode());
                    if (failure.violation() == Violation.MEMORY_BUDGET_EXCEEDED) {
                        counters.memoryRefusals.increment();
                    }
                    recordError(violation);
                }
            }
        } catch (RuntimeException e) {
            handlerFailed(e);
        }
    }

    private void handlerFailed(RuntimeException e) {
        log.warn("session {} ({}): handler failed, closing with 1011", id, remote, e);
        handlerFailed = true;
        recordError(e);
        // RFC 6455 7.4.1: 1011 for an unexpected condition; no detail goes on the wire.
        session.close(CloseCode.INTERNAL_ERROR, "");
    }

    private void recordError(Throwable e) {
        if (error == null) {
            error = e;
        }
    }

    /**
     * Ends the session: flush our close frame, settle the close code, run onError/onClose exactly
     * once, then close the TCP connection (lingering for the client's FIN unless it is gone).
     */
    private void finish() {
        ServerSession s = session;
        long closeTimeout = config.closeTimeout().toNanos();
        CloseCode code;
        String reason;
        s.lock().lock();
        try {
            if (!transportGone) {
                s.outbound().awaitDrained(closeTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            s.lock().unlock();
        }
        s.lock().lock();
        try {
            Connection connection = s.connection();
            if (connection.state() != Connection.State.CLOSED) {
                // EOF, a read error, an unanswered close or ping: the transport is done for us.
                connection.transportClosed();
            }
            // The connection ends its zlib streams on reaching CLOSED; this makes sure of it on
            // every path (idempotent), so native memory never waits for the garbage collector.
            connection.release();
            s.releaseMemory();
            s.outbound().settleCounts();
            code = connection.closeCode();
            reason = connection.closeReason();
            s.afterCall();
        } finally {
            s.lock().unlock();
        }
        if (error == null && clock.failure() != null) {
            error = clock.failure();
        }
        if (error == null && s.wasSlowConsumer()) {
            error = new SlowConsumerException(s.maxOutboundBytes());
        }
        if (error == null && s.wasOverBudget()) {
            error = new MemoryBudgetException();
        }
        if (error == null && code.equals(CloseCode.ABNORMAL_CLOSURE)) {
            error = new EOFException("connection ended without a close frame");
            log.debug("session {} ({}): ended without a close frame", id, remote);
        }
        counters.closed(code);
        listed = false;
        counters.openSessions.decrementAndGet();
        if (error != null) {
            try {
                handler.onError(s, error);
            } catch (RuntimeException e) {
                log.warn("session {} ({}): onError failed", id, remote, e);
            }
        }
        try {
            handler.onClose(s, code, reason);
        } catch (RuntimeException e) {
            log.warn("session {} ({}): onClose failed", id, remote, e);
        }
        if (!transportGone && !clock.peerUnresponsive() && !ignoredOurClose) {
            Linger.shutdown(socket, closeTimeout, Linger.MAX_BYTES);
        }
        abort();
    }

    long id() {
        return id;
    }
}
