package org.wsbyhand.chat;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.chat.redis.RedisBroadcaster;
import org.wsbyhand.chat.redis.RedisMessageStore;
import org.wsbyhand.chat.redis.RedisSettings;
import org.wsbyhand.server.ServerStats;
import org.wsbyhand.server.StaticFiles;
import org.wsbyhand.server.WebSocketServer;

/**
 * Chat With Me: one port serves the front end (classpath {@code web/}) and the chat's WebSocket
 * endpoint at {@code /}, speaking {@code chat.v2} or the course's {@code json} protocol.
 *
 * <p>Run {@link #main} with the options of {@link ChatConfig}, or embed it: {@link #start} returns
 * once the port is bound, {@link #close} shuts it down gracefully (clients get 1001 Going Away).
 *
 * <p>Besides the server's threads the app runs two platform threads: {@code chat-fanout}
 * ({@link FanOutThread}: sends every accepted message and presence update to the local clients)
 * and {@code chat-presence} (announces the online count at most once per presence interval).
 */
public final class ChatApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatApp.class);

    private final ChatConfig config;
    private final WebSocketServer server;
    private final MessageStore store;
    private final boolean ownsStore;
    private final Broadcaster broadcaster;
    private final FanOutThread fanOut;
    private final ScheduledExecutorService presence;
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Fan-outs waiting at most; see {@link FanOutThread}. */
    static final int FAN_OUT_QUEUE = 1024;

    private ChatApp(ChatConfig config, MessageStore store, boolean ownsStore,
            Function<LocalClients, Broadcaster> broadcasters) {
        this.config = config;
        this.store = store;
        this.ownsStore = ownsStore;
        this.fanOut = new FanOutThread("chat-fanout", FAN_OUT_QUEUE);
        this.presence = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().daemon().name("chat-presence").unstarted(task));
        Broadcaster created = null;
        try {
            LocalClients clients = new LocalClients(config.history(), store.recent(config.history()), fanOut);
            created = broadcasters.apply(clients);
            long interval = config.presenceInterval().toNanos();
            // A fixed delay, not a fixed rate: a late run is never followed by a catch-up run.
            presence.scheduleWithFixedDelay(() -> announcePresence(clients), interval, interval,
                    TimeUnit.NANOSECONDS);
            PostingBudget budget = new PostingBudget(config.addressRate(), config.addressBurst(),
                    config.roomRate(), config.roomBurst(), PostingBudget.MAX_ADDRESSES, System::nanoTime);
            ChatHandler handler = new ChatHandler(new ChatRoom(store, created), clients, config.inputRules(),
                    () -> new RateLimiter(config.ratePerSecond(), config.rateBurst(), System::nanoTime), budget);
            this.server = WebSocketServer.builder()
                    .bindAddress(config.bindAddress())
                    .port(config.port())
                    .route("/", handler)
                    .subprotocols(LeanProtocol.NAME, JsonProtocol.NAME)
                    // The Origin check needs the request's Host, so it is an upgrade hook rather than
                    // the server's static allow-list (left empty, which allows all).
                    .upgradeHook(new OriginPolicy(config.allowedOrigins()))
                    .staticFiles(StaticFiles.classpath("web", ChatApp.class.getClassLoader()))
                    .maxMessageSize(config.maxMessageBytes())
                    .maxFrameSize(config.maxMessageBytes())
                    .maxOutboundBytes(config.maxOutboundBytes())
                    .build();
        } catch (RuntimeException e) {
            presence.shutdownNow();
            if (created != null) {
                created.close();
            }
            fanOut.close();
            throw e;
        }
        this.broadcaster = created;
    }

    /**
     * Starts the app with the store and broadcaster its configuration names.
     *
     * @throws IOException when the port cannot be bound
     * @throws RoomUnavailableException when the configured store (Redis) cannot be reached
     */
    public static ChatApp start(ChatConfig config) throws IOException {
        return switch (config.store()) {
            case "memory" -> start(config, new InMemoryMessageStore(config.history()), true, LocalBroadcaster::new);
            case "redis" -> startOnRedis(config.redis().orElseThrow(), config);
            default -> throw new IllegalArgumentException("unknown store " + config.store());
        };
    }

    /**
     * Starts a node of a room kept in Redis: checks Redis answers before the port is opened, so a
     * node without its Redis never half-starts.
     *
     * @throws RoomUnavailableException when Redis cannot be reached
     */
    private static ChatApp startOnRedis(RedisSettings redis, ChatConfig config) throws IOException {
        RedisMessageStore store = RedisMessageStore.connect(redis, config.history());
        try {
            return start(config, store, true, clients -> new RedisBroadcaster(store, clients));
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Starts the app on an existing store with the in-process broadcaster. The store outlives the app
     * (it is not closed by {@link #close}), so a restarted app on the same store shows the same history.
     *
     * @throws IOException when the port cannot be bound
     */
    public static ChatApp start(ChatConfig config, MessageStore store) throws IOException {
        return start(config, store, false, LocalBroadcaster::new);
    }

    private static ChatApp start(ChatConfig config, MessageStore store, boolean ownsStore,
            Function<LocalClients, Broadcaster> broadcasters) throws IOException {
        Objects.requireNonNull(store, "store");
        ChatApp app = new ChatApp(config, store, ownsStore, broadcasters);
        try {
            app.server.start();
        } catch (IOException | RuntimeException e) {
            app.closeBackends();
            throw e;
        }
        return app;
    }

    /** A run of the presence timer; a failure is logged and the timer goes on. */
    private static void announcePresence(LocalClients clients) {
        try {
            clients.announcePresence();
        } catch (RuntimeException e) {
            log.error("presence update failed", e);
        }
    }

    /** The port the app listens on (the chosen one when configured with port 0). */
    public int port() {
        return server.port();
    }

    /** The server's counters (sessions, messages and bytes in and out, slow consumers). */
    public ServerStats stats() {
        return server.stats();
    }

    /** The address to open in a browser. */
    public URI url() {
        String host = switch (config.bindAddress()) {
            case "0.0.0.0", "::", "[::]" -> "localhost";
            default -> config.bindAddress().contains(":") ? "[" + config.bindAddress() + "]" : config.bindAddress();
        };
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /**
     * Stops accepting, closes every session with 1001, then stops the presence timer, the broadcaster,
     * the fan-out thread and an owned store.
     */
    @Override
    public void close() {
        try {
            server.close();
            closeBackends();
        } finally {
            closed.countDown();
        }
    }

    /**
     * Blocks until {@link #close} has finished. The server's threads are virtual (daemon) threads,
     * so {@link #main} waits here to keep the JVM running.
     */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    private void closeBackends() {
        presence.shutdownNow();
        try {
            broadcaster.close();
        } finally {
            try {
                fanOut.close();
            } finally {
                if (ownsStore) {
                    store.close();
                }
            }
        }
    }

    /** Parses the options, starts the app, logs the URL to open and runs until the JVM is stopped. */
    public static void main(String[] args) {
        List<String> arguments = List.of(args);
        if (ChatConfig.wantsHelp(arguments)) {
            System.out.print(ChatConfig.USAGE);
            return;
        }
        ChatConfig config;
        try {
            config = ChatConfig.parse(arguments, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("chat-app: " + e.getMessage());
            System.err.print(ChatConfig.USAGE);
            System.exit(2);
            return;
        }
        ChatApp app;
        try {
            app = start(config);
        } catch (IOException e) {
            log.error("cannot listen on {}:{}: {}", config.bindAddress(), config.port(), e.getMessage());
            System.exit(1);
            return;
        } catch (RoomUnavailableException e) {
            log.error("cannot start: {} (start Redis or fix --redis / REDIS_URL)", e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "chat-app-shutdown"));
        log.info("Chat With Me is running: open {} in two browser tabs (Ctrl+C stops it)", app.url());
        try {
            app.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
