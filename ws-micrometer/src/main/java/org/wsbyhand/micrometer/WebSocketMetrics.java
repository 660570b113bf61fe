package org.wsbyhand.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.server.HandshakeSummary;
import org.wsbyhand.server.ServerBuilder;
import org.wsbyhand.server.ServerListener;
import org.wsbyhand.server.ServerStats;
import org.wsbyhand.server.SessionSummary;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.Session;

/**
 * A {@link WebSocketServer}'s meters in a Micrometer {@link MeterRegistry}. Register it as a listener
 * before the server is built; its totals are registered when the server starts:
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .route("/chat", handler)
 *         .listener(new WebSocketMetrics(registry))
 *         .build();
 * server.start();
 * }</pre>
 *
 * <p>Meters, in base units, each with the tags given to the constructor:
 * <ul>
 *   <li>{@value #SESSIONS_OPEN} (gauge, sessions): WebSocket sessions open now;</li>
 *   <li>{@value #CONNECTIONS_OPEN} (gauge, connections): connections of any kind open now;</li>
 *   <li>{@value #MESSAGES} (function counter, messages, tag {@code direction} {@code in} or
 *       {@code out}): text and binary messages received and sent;</li>
 *   <li>{@value #BYTES} (function counter, bytes, tag {@code direction}): bytes read from and
 *       written to sessions' sockets after the upgrade;</li>
 *   <li>{@value #MESSAGES_DROPPED} (function counter, messages): messages refused under
 *       {@link OverflowPolicy#DROP};</li>
 *   <li>{@value #UPGRADES} (counter, tag {@code status}): upgrade requests answered, by HTTP status
 *       ({@code 101} accepted, else the refusal's);</li>
 *   <li>{@value #CLOSES} (counter, tag {@code code}): sessions ended, by the close code their handler
 *       heard;</li>
 *   <li>{@value #SLOW_CONSUMERS} (counter, tag {@code policy} {@code CLOSE} or {@code DROP}): sessions
 *       closed for going over their bound on unsent bytes, and runs of messages dropped for it;</li>
 *   <li>{@value #PROTOCOL_VIOLATIONS} (counter, tag {@code rule}, a {@link Violation} name): sessions
 *       failed for a broken protocol rule or limit;</li>
 *   <li>{@value #SEND_QUEUE_HIGH_WATER} (distribution summary, bytes): each ended session's most
 *       unsent bytes at once.</li>
 * </ul>
 *
 * <p>The gauges and function counters read {@link WebSocketServer#stats()} when the registry is read,
 * so they are current while sessions are open; each read takes a snapshot, which walks the open
 * connections once (negligible at scrape intervals of seconds). Like Micrometer's own, they hold the
 * server weakly: keep a reference to it while it runs. The counters and the summary are
 * fed by the {@link ServerListener} calls. One instance serves one server; to meter several servers
 * in one registry, give each its own instance with a tag that tells them apart.
 */
public final class WebSocketMetrics implements ServerListener {
    /** Gauge of open WebSocket sessions. */
    public static final String SESSIONS_OPEN = "websocket.sessions.open";
    /** Gauge of open connections of any kind. */
    public static final String CONNECTIONS_OPEN = "websocket.connections.open";
    /** Function counter of messages, tagged {@code direction}. */
    public static final String MESSAGES = "websocket.messages";
    /** Function counter of bytes, tagged {@code direction}. */
    public static final String BYTES = "websocket.bytes";
    /** Function counter of messages dropped under the DROP policy. */
    public static final String MESSAGES_DROPPED = "websocket.messages.dropped";
    /** Counter of upgrade requests answered, tagged {@code status}. */
    public static final String UPGRADES = "websocket.upgrades";
    /** Counter of sessions ended, tagged {@code code}. */
    public static final String CLOSES = "websocket.closes";
    /** Counter of slow consumers, tagged {@code policy}. */
    public static final String SLOW_CONSUMERS = "websocket.slow.consumers";
    /** Counter of protocol violations, tagged {@code rule}. */
    public static final String PROTOCOL_VIOLATIONS = "websocket.protocol.violations";
    /** Distribution summary of each ended session's send queue high water, in bytes. */
    public static final String SEND_QUEUE_HIGH_WATER = "websocket.send.queue.high.water";

    private final MeterRegistry registry;
    private final Tags tags;
    private final DistributionSummary highWater;

    /**
     * Meters in {@code registry} without extra tags.
     *
     * @param registry where the meters are registered
     */
    public WebSocketMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Meters in {@code registry}, each with {@code tags} (for example the server's name).
     *
     * @param registry where the meters are registered
     * @param tags tags added to every meter
     */
    public WebSocketMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(tags);
        this.highWater = DistributionSummary.builder(SEND_QUEUE_HIGH_WATER)
                .description("The most unsent bytes each ended session held at once")
                .baseUnit(BaseUnits.BYTES).tags(this.tags).register(registry);
    }

    /**
     * Adds a new instance for {@code registry} to {@code builder}'s listeners.
     *
     * @param builder the server's builder
     * @param registry where the meters are registered
     * @return the builder
     */
    public static ServerBuilder bind(ServerBuilder builder, MeterRegistry registry) {
        return builder.listener(new WebSocketMetrics(registry));
    }

    /** Registers the meters that read the server's statistics. */
    @Override
    public void started(WebSocketServer server) {
        Gauge.builder(SESSIONS_OPEN, server, s -> s.stats().openSessions())
                .description("WebSocket sessions open now").baseUnit("sessions").tags(tags).register(registry);
        Gauge.builder(CONNECTIONS_OPEN, server, s -> s.stats().openConnections())
                .description("Connections of any kind open now").baseUnit("connections").tags(tags)
                .register(registry);
        total(server, MESSAGES, "in", "messages", "Text and binary messages", ServerStats::messagesIn);
        total(server, MESSAGES, "out", "messages", "Text and binary messages", ServerStats::messagesOut);
        total(server, BYTES, "in", BaseUnits.BYTES, "Bytes on sessions' sockets after the upgrade", ServerStats::bytesIn);
        total(server, BYTES, "out", BaseUnits.BYTES, "Bytes on sessions' sockets after the upgrade",
                ServerStats::bytesOut);
        FunctionCounter.builder(MESSAGES_DROPPED, server, s -> s.stats().messagesDropped())
                .description("Messages refused under the DROP overflow policy").baseUnit("messages").tags(tags)
                .register(registry);
    }

    private void total(WebSocketServer server, String name, String direction, String unit, String description,
            ToDoubleFunction<ServerStats> read) {
        FunctionCounter.builder(name, server, s -> read.applyAsDouble(s.stats())).description(description)
                .baseUnit(unit).tags(tags).tag("direction", direction).register(registry);
    }

    /** Counts the answer by status. */
    @Override
    public void handshake(HandshakeSummary handshake) {
        Counter.builder(UPGRADES).description("Upgrade requests answered, by HTTP status").tags(tags)
                .tag("status", Integer.toString(handshake.status())).register(registry).increment();
    }

    /** Counts the close code and records the session's send queue high water. */
    @Override
    public void sessionClosed(SessionSummary summary) {
        Counter.builder(CLOSES).description("Sessions ended, by close code").tags(tags)
                .tag("code", Integer.toString(summary.code().code())).register(registry).increment();
        highWater.record(summary.outboundHighWater());
    }

    /** Counts the slow consumer by policy. */
    @Override
    public void slowConsumer(Session session, long bound, long queuedBytes, OverflowPolicy policy) {
        Counter.builder(SLOW_CONSUMERS).description("Sessions over their bound on unsent bytes, by policy")
                .tags(tags).tag("policy", policy.name()).register(registry).increment();
    }

    /** Counts the violation by rule. */
    @Override
    public void protocolViolation(Session session, Violation violation, CloseCode code) {
        Counter.builder(PROTOCOL_VIOLATIONS).description("Sessions failed for a broken protocol rule or limit")
                .tags(tags).tag("rule", violation.name()).register(registry).increment();
    }
}
