package org.wsbyhand.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.wsbyhand.chat.redis.RedisSettings;
import org.wsbyhand.server.WebSocketServer;

/**
 * Everything the chat app can be told at start, with safe defaults. Command-line options win over
 * environment variables, which win over the defaults:
 *
 * <pre>
 * option                  env                   default   meaning
 * --port N                PORT                  8080      TCP port, 0 = any free port
 * --bind ADDR             CHAT_BIND             0.0.0.0   address to listen on
 * --allowed-origin O      CHAT_ALLOWED_ORIGINS  (none)    extra page origin allowed to connect (repeatable;
 *   --allowed-origins O,O                                 env: comma-separated); the app's own host always is
 * --store memory          CHAT_STORE            memory    message store and broadcaster implementation
 * --redis URL             REDIS_URL             (none)    redis://host:port[/db]: store and broadcast through Redis
 *                                                         (several nodes share one room); implies --store redis
 * --redis-prefix P        REDIS_PREFIX          chat      Redis key prefix of the room (stream P:messages)
 * --history N                                   50        messages kept and sent on connect
 * --max-user N                                  32        longest user name, in code points
 * --max-text N                                  500       longest message text, in code points
 * --max-message-bytes N                         16384     largest WebSocket message/frame; larger -> close 1009
 * --rate N                                      5         messages per second per connection (token bucket)
 * --burst N                                     5         messages a connection may send at once
 * --address-rate N                              10        messages per second per client address, all its
 *                                                         connections together; 0 = no address budget
 * --address-burst N                             20        messages an address may send at once
 * --room-rate N                                 20        messages per second the room accepts on this node
 * --room-burst N                                40        messages the room accepts at once on this node
 * --presence-interval-ms N                      1000      at most one "n online" update per this many ms
 * --max-outbound-bytes N                        1048576   unsent bytes queued per client before it is dropped
 * </pre>
 *
 * <p>Behind a reverse proxy every client has the proxy's address: set {@code --address-rate 0}, or
 * all of them share one address budget.
 *
 * @param bindAddress      the address to listen on
 * @param port             the TCP port, 0-65535 (0 picks a free port)
 * @param allowedOrigins   extra origins whose pages may connect, besides the app's own host
 * @param store            the store/broadcaster implementation: {@code memory} or {@code redis}
 * @param history          messages kept and sent to a client on connect, 1-1000
 * @param inputRules       the user name and text limits
 * @param maxMessageBytes  the largest message a client may send, 1 KiB - 1 MiB
 * @param ratePerSecond    messages per second per connection, at least 1
 * @param rateBurst        messages a connection may send in a burst, at least 1
 * @param maxOutboundBytes the bytes queued per client before it is closed as too slow, at least 64 KiB
 * @param addressRate      messages per second per client address (all its connections), 0 = no address budget
 * @param addressBurst     messages an address may send in a burst, at least 1
 * @param roomRate         messages per second the room accepts on this node, at least 1
 * @param roomBurst        messages the room accepts in a burst on this node, at least 1
 * @param presenceInterval the shortest time between two presence updates, 10 ms - 1 min
 * @param redis            where the room's Redis is; present exactly when {@code store} is {@code redis}
 */
public record ChatConfig(
        String bindAddress,
        int port,
        List<String> allowedOrigins,
        String store,
        int history,
        InputRules inputRules,
        int maxMessageBytes,
        int ratePerSecond,
        int rateBurst,
        int maxOutboundBytes,
        int addressRate,
        int addressBurst,
        int roomRate,
        int roomBurst,
        Duration presenceInterval,
        Optional<RedisSettings> redis) {

    /** The store and broadcaster implementations {@code --store} accepts. */
    public static final List<String> STORES = List.of("memory", "redis");

    /** Every option that takes a value ({@code --help} and {@code -h} are handled by {@link #wantsHelp}). */
    static final List<String> OPTIONS = List.of("--port", "--bind", "--allowed-origin", "--allowed-origins",
            "--store", "--redis", "--redis-prefix", "--history", "--max-user", "--max-text", "--max-message-bytes",
            "--rate", "--burst", "--max-outbound-bytes", "--address-rate", "--address-burst", "--room-rate",
            "--room-burst", "--presence-interval-ms");

    /** The line printed under an error on the command line. */
    public static final String HINT = "Run with --help to list the options.";

    /** The usage text {@code --help} prints. */
    public static final String USAGE = """
            Usage: java -jar chat-app/target/chat-app.jar [options]
               or: mvn -q -pl chat-app -am -DskipTests package exec:exec -Dchat.args="[options]"
            Options (the command line wins over environment variables, which win over defaults):
              --port N                 TCP port (env PORT, default 8080; 0 = any free port)
              --bind ADDR              address to listen on (env CHAT_BIND, default 0.0.0.0)
              --allowed-origin O       also accept WebSocket upgrades from pages of origin O,
                                       e.g. https://chat.example.com (repeatable; env
                                       CHAT_ALLOWED_ORIGINS, comma-separated). Pages served by
                                       this app itself are always accepted.
              --allowed-origins O,O    several origins at once
              --store memory|redis     message store and broadcast (env CHAT_STORE, default memory)
              --redis URL              keep the room in Redis so several nodes share it:
                                       redis://[[user]:password@]host[:port][/db] (env REDIS_URL);
                                       implies --store redis
              --redis-prefix P         Redis key prefix of the room (env REDIS_PREFIX, default chat)
              --history N              messages kept and sent on connect (default 50)
              --max-user N             longest user name in Unicode code points (default 32)
              --max-text N             longest message text in Unicode code points (default 500)
              --max-message-bytes N    largest WebSocket message; larger closes with 1009 (default 16384)
              --rate N                 messages per second per connection (default 5)
              --burst N                messages at once per connection (default 5)
              --address-rate N         messages per second per client address, all its connections
                                       together (default 10); 0 turns the address budget off, which
                                       is needed behind a reverse proxy (all clients then have the
                                       proxy's address)
              --address-burst N        messages at once per client address (default 20)
              --room-rate N            messages per second the whole room accepts on this node
                                       (default 20); bounds the fan-out work
              --room-burst N           messages at once the whole room accepts on this node (default 40)
              --presence-interval-ms N at most one "n online" update per N ms (default 1000)
              --max-outbound-bytes N   bytes queued for a slow client before it is dropped (default 1048576)
              --help                   print this and exit
            """;

    /** Default posts per second per client address. */
    public static final int DEFAULT_ADDRESS_RATE = 10;
    /** Default posts at once per client address. */
    public static final int DEFAULT_ADDRESS_BURST = 20;
    /** Default posts per second the room accepts on one node. */
    public static final int DEFAULT_ROOM_RATE = 20;
    /** Default posts at once the room accepts on one node. */
    public static final int DEFAULT_ROOM_BURST = 40;
    /** Default shortest time between two presence updates. */
    public static final Duration DEFAULT_PRESENCE_INTERVAL = Duration.ofSeconds(1);

    /** The defaults: port 8080 on all interfaces, in-memory store, limits as documented above. */
    public static ChatConfig defaults() {
        return new ChatConfig("0.0.0.0", 8080, List.of(), "memory", 50, InputRules.DEFAULT,
                16 * 1024, 5, 5, 1024 * 1024);
    }

    /**
     * A configuration without Redis (the in-memory store, or another store named by {@code store}),
     * with the default address and room budgets and presence interval.
     */
    public ChatConfig(String bindAddress, int port, List<String> allowedOrigins, String store, int history,
            InputRules inputRules, int maxMessageBytes, int ratePerSecond, int rateBurst, int maxOutboundBytes) {
        this(bindAddress, port, allowedOrigins, store, history, inputRules, maxMessageBytes, ratePerSecond,
                rateBurst, maxOutboundBytes, DEFAULT_ADDRESS_RATE, DEFAULT_ADDRESS_BURST, DEFAULT_ROOM_RATE,
                DEFAULT_ROOM_BURST, DEFAULT_PRESENCE_INTERVAL, Optional.empty());
    }

    /** Validates every field once. */
    public ChatConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(inputRules, "inputRules");
        allowedOrigins = List.copyOf(allowedOrigins);
        check(port >= 0 && port <= 65535, "port must be 0-65535, was " + port);
        check(STORES.contains(store), "store must be one of " + STORES + ", was " + store);
        Objects.requireNonNull(redis, "redis");
        check(store.equals("redis") == redis.isPresent(),
                store.equals("redis") ? "--store redis needs --redis redis://host:port (or REDIS_URL)"
                        : "--store " + store + " does not use --redis / REDIS_URL; remove one of them");
        check(history >= 1 && history <= 1000, "history must be 1-1000, was " + history);
        check(maxMessageBytes >= 1024 && maxMessageBytes <= 1024 * 1024,
                "max message bytes must be 1024-1048576, was " + maxMessageBytes);
        check(ratePerSecond >= 1, "rate must be at least 1, was " + ratePerSecond);
        check(rateBurst >= 1, "burst must be at least 1, was " + rateBurst);
        check(maxOutboundBytes >= 64 * 1024, "max outbound bytes must be at least 65536, was " + maxOutboundBytes);
        check(addressRate >= 0, "address rate must be at least 0 (0 = off), was " + addressRate);
        check(addressBurst >= 1, "address burst must be at least 1, was " + addressBurst);
        check(roomRate >= 1, "room rate must be at least 1, was " + roomRate);
        check(roomBurst >= 1, "room burst must be at least 1, was " + roomBurst);
        Objects.requireNonNull(presenceInterval, "presenceInterval");
        check(presenceInterval.compareTo(Duration.ofMillis(10)) >= 0
                && presenceInterval.compareTo(Duration.ofMinutes(1)) <= 0,
                "presence interval must be 10-60000 ms, was " + presenceInterval.toMillis());
        for (String origin : allowedOrigins) {
            try {
                WebSocketServer.builder().allowedOrigins(origin); // the server's own check
            } catch (IllegalArgumentException e) {
                check(false, "allowed origin must look like scheme://host[:port], was " + origin);
            }
        }
    }

    /**
     * Reads the command line and the environment.
     *
     * @throws IllegalArgumentException with a message for the user: an unknown option, a missing
     *     or malformed value, or a value out of range
     */
    public static ChatConfig parse(List<String> args, Map<String, String> env) {
        ChatConfig d = defaults();
        String bind = env.getOrDefault("CHAT_BIND", d.bindAddress());
        int port = env.containsKey("PORT") ? port("PORT", env.get("PORT")) : d.port();
        List<String> origins = new ArrayList<>(splitOrigins(env.getOrDefault("CHAT_ALLOWED_ORIGINS", "")));
        boolean originsFromArgs = false;
        String store = env.getOrDefault("CHAT_STORE", d.store());
        boolean storeFromEnv = env.containsKey("CHAT_STORE");
        boolean storeFromArgs = false;
        String redisUrl = env.getOrDefault("REDIS_URL", "").isBlank() ? null : env.get("REDIS_URL");
        boolean redisFromArgs = false;
        String redisPrefix = env.getOrDefault("REDIS_PREFIX", RedisSettings.DEFAULT_PREFIX);
        boolean prefixFromArgs = false;
        int history = d.history();
        int maxUser = d.inputRules().maxUserLength();
        int maxText = d.inputRules().maxTextLength();
        int maxMessage = d.maxMessageBytes();
        int rate = d.ratePerSecond();
        int burst = d.rateBurst();
        int outbound = d.maxOutboundBytes();
        int addressRate = d.addressRate();
        int addressBurst = d.addressBurst();
        int roomRate = d.roomRate();
        int roomBurst = d.roomBurst();
        long presenceMillis = d.presenceInterval().toMillis();

        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            // The name is checked before a value is looked for: "--bogus" is unknown, not missing a value.
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option: " + name);
            }
            if (value == null) {
                // A value may start with one dash (--max-text -1 gets a range error naming the option),
                // not with two: "--port --bind x" lacks the port.
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args.get(++i);
            }
            if (name.equals("--allowed-origin") || name.equals("--allowed-origins")) {
                if (!originsFromArgs) {
                    origins.clear(); // the command line replaces the environment's list
                    originsFromArgs = true;
                }
                origins.addAll(splitOrigins(value));
                continue;
            }
            switch (name) {
                case "--port" -> port = port(name, value);
                case "--bind" -> bind = value;
                case "--store" -> {
                    store = value;
                    storeFromArgs = true;
                }
                case "--redis" -> {
                    redisUrl = value;
                    redisFromArgs = true;
                }
                case "--redis-prefix" -> {
                    redisPrefix = value;
                    prefixFromArgs = true;
                }
                case "--history" -> history = integer(name, value, 1, 1000);
                case "--max-user" -> maxUser = atLeast(name, value, 1);
                case "--max-text" -> maxText = atLeast(name, value, 1);
                case "--max-message-bytes" -> maxMessage = integer(name, value, 1024, 1024 * 1024);
                case "--rate" -> rate = atLeast(name, value, 1);
                case "--burst" -> burst = atLeast(name, value, 1);
                case "--max-outbound-bytes" -> outbound = atLeast(name, value, 64 * 1024);
                case "--address-rate" -> addressRate = integer(name, value, 0, Integer.MAX_VALUE,
                        " (0 = off)");
                case "--address-burst" -> addressBurst = atLeast(name, value, 1);
                case "--room-rate" -> roomRate = atLeast(name, value, 1);
                case "--room-burst" -> roomBurst = atLeast(name, value, 1);
                case "--presence-interval-ms" -> presenceMillis = integer(name, value, 10, 60_000);
                default -> throw new AssertionError("option without a case: " + name);
            }
        }
        InputRules rules = new InputRules(maxUser, maxText);
        Optional<RedisSettings> redis = Optional.empty();
        if (redisUrl != null && store.equals("memory") && storeFromArgs && !redisFromArgs) {
            redisUrl = null; // "--store memory" on the command line wins over REDIS_URL in the environment
        }
        if (redisUrl != null) {
            if (store.equals("memory") && (storeFromArgs || storeFromEnv)) {
                throw new IllegalArgumentException("--store memory and --redis / REDIS_URL contradict each other");
            }
            store = "redis";
            redis = Optional.of(RedisSettings.of(redisUrl, redisPrefix));
        } else if (prefixFromArgs) {
            throw new IllegalArgumentException("--redis-prefix needs --redis redis://host:port (or REDIS_URL)");
        }
        return new ChatConfig(bind, port, origins, store, history, rules, maxMessage, rate, burst, outbound,
                addressRate, addressBurst, roomRate, roomBurst, Duration.ofMillis(presenceMillis), redis);
    }

    /** Whether the arguments ask for the usage text. */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    private static List<String> splitOrigins(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** A port number, 0-65535, from the option or variable {@code name}. */
    private static int port(String name, String value) {
        return integer(name, value, 0, 65535);
    }

    private static int atLeast(String name, String value, int min) {
        return integer(name, value, min, Integer.MAX_VALUE);
    }

    private static int integer(String name, String value, int min, int max) {
        return integer(name, value, min, max, "");
    }

    /**
     * An integer from the option or variable {@code name}; the error names it, e.g.
     * {@code --max-text must be at least 1, was -1}.
     */
    private static int integer(String name, String value, int min, int max, String note) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was \"" + value + "\"");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be "
                    + (max == Integer.MAX_VALUE ? "at least " + min : min + "-" + max) + note + ", was " + n);
        }
        return n;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
