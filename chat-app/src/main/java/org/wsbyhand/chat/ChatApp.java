package org.wsbyhand.chat;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
                    // Pages of the app's own origin, and of the configured ones, may connect (the
                    // server's same-origin default): no other site can open a socket as the user.
                    .allowedOrigins(config.allowedOrigins().toArray(String[]::new))
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

    /**
     * The address to open in a browser: {@code localhost} when the app listens on every address
     * ({@code 0.0.0.0}, {@code ::}), else the bind address as configured, an IPv6 literal in brackets.
     */
    public URI url() {
        return URI.create("http://" + urlHost(config.bindAddress()) + ":" + port() + "/");
    }

    /** The chat's WebSocket endpoint, on the same host and port as {@link #url()}. */
    public URI webSocketUrl() {
        return URI.create("ws://" + urlHost(config.bindAddress()) + ":" + port() + "/");
    }

    /** The host part of a URL for a bind address: see {@link #url()}. */
    static String urlHost(String bindAddress) {
        String host = bindAddress.startsWith("[") && bindAddress.endsWith("]")
                ? bindAddress.substring(1, bindAddress.length() - 1) : bindAddress;
        if (isWildcard(host)) {
            return "localhost";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Whether an address literal means every address (0.0.0.0, ::, 0:0:0:0:0:0:0:0 ...); names never do. */
    private static boolean isWildcard(String host) {
        if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return false; // a host name: not resolved here
        }
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
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

    /** System property: when {@code true}, the app stops when the process that started it ends. */
    static final String STOP_WITH_PARENT = "chat.stopWithParent";

    /** Exit status of a command line that cannot be run (an unknown option, a bad value). */
    static final int EXIT_USAGE = 2;

    /**
     * What the command line asks for: a configuration to run, or (after {@code --help} or a mistake)
     * an exit status, with the usage text or the error and {@link ChatConfig#HINT} already printed.
     */
    record CommandLine(Optional<ChatConfig> config, int exitStatus) {}

    static CommandLine readCommandLine(List<String> args, Map<String, String> env, PrintStream out,
            PrintStream err) {
        if (ChatConfig.wantsHelp(args)) {
            out.print(ChatConfig.USAGE);
            out.flush();
            return new CommandLine(Optional.empty(), 0);
        }
        try {
            return new CommandLine(Optional.of(ChatConfig.parse(args, env)), 0);
        } catch (IllegalArgumentException e) {
            err.println("chat-app: " + e.getMessage());
            err.println(ChatConfig.HINT);
            err.flush();
            return new CommandLine(Optional.empty(), EXIT_USAGE);
        }
    }

    /**
     * Parses the options, starts the app, logs the URL to open and runs until the JVM is stopped
     * (Ctrl+C, SIGTERM): then it closes every connection with 1001 and logs that it stopped. A JVM
     * stopped by a signal exits with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
     */
    public static void main(String[] args) {
        CommandLine commandLine = readCommandLine(List.of(args), System.getenv(), System.out, System.err);
        if (commandLine.config().isEmpty()) {
            if (commandLine.exitStatus() != 0) {
                System.exit(commandLine.exitStatus());
            }
            return;
        }
        ChatConfig config = commandLine.config().get();
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: closing every connection with 1001 Going Away");
            app.close();
            log.info("Chat With Me stopped");
        }, "chat-app-shutdown"));
        log.info("Chat With Me is running: open {} in two browser tabs (WebSocket endpoint {}; Ctrl+C stops it)",
                app.url(), app.webSocketUrl());
        if (Boolean.getBoolean(STOP_WITH_PARENT)) {
            // Run by Maven (exec:exec): if Maven is stopped without us (SIGTERM or a kill of Maven alone,
            // as an IDE's stop button does), do not live on as an orphan holding the port.
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                log.info("the process that started this one ({}) has ended", parent.pid());
                System.exit(0);
            }));
        }
        try {
            app.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
