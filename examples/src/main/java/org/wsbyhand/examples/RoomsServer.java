package org.wsbyhand.examples;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.server.ServerListener;
import org.wsbyhand.server.SessionSummary;
import org.wsbyhand.server.UpgradeDecision;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.SessionGroup;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Chat rooms on one route: {@code ws://host:port/rooms/{room}?name=ann}. The upgrade hook refuses
 * a client without a name (401 with {@code WWW-Authenticate}) and hands the name to the handler as a
 * typed attribute; each room is a {@link SessionGroup} that its members leave by themselves; pages of
 * other origins are refused (the server's same-origin default); a listener logs each session's end.
 *
 * <p>Run: {@code java org.wsbyhand.examples.RoomsServer [port]} (default 9004).
 */
public final class RoomsServer implements WebSocketHandler {
    /** The name the upgrade hook read from the request. */
    static final AttributeKey<String> NAME = AttributeKey.of("name", String.class);

    private final Map<String, SessionGroup> rooms = new ConcurrentHashMap<>();

    /** A rooms server on {@code bindAddress:port}, not yet started. */
    public static WebSocketServer create(String bindAddress, int port) {
        return WebSocketServer.builder()
                .bindAddress(bindAddress)
                .port(port)
                .route("/rooms/{room}", new RoomsServer())
                .upgradeHook(request -> {
                    String name = request.queryParameters().getOrDefault("name", List.of("")).get(0);
                    if (name.isBlank() || name.length() > 32) {
                        return UpgradeDecision.reject(401, "say who you are: ?name=...")
                                .withHeader("WWW-Authenticate", "Name realm=\"rooms\"");
                    }
                    return UpgradeDecision.accept().withAttribute(NAME, name);
                })
                .listener(new ServerListener() {
                    @Override
                    public void sessionClosed(SessionSummary summary) {
                        System.out.println("closed: " + summary);
                    }
                })
                .build();
    }

    private SessionGroup room(Session session) {
        String name = session.request().pathVariable("room").orElseThrow();
        return rooms.computeIfAbsent(name, SessionGroup::new);
    }

    @Override
    public void onOpen(Session session) {
        SessionGroup room = room(session);
        room.add(session);
        room.broadcast(session.attribute(NAME).orElseThrow() + " joined " + room.name());
    }

    @Override
    public void onText(Session session, String text) {
        room(session).broadcast(session.attribute(NAME).orElseThrow() + ": " + text);
    }

    @Override
    public void onClose(Session session, CloseCode code, String reason) {
        // The session has left its room already: the others hear of it.
        room(session).broadcast(session.attribute(NAME).orElseThrow() + " left");
    }

    /** Starts the server on the port given as first argument (default 9004) until the process ends. */
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9004;
        WebSocketServer server = create("0.0.0.0", port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.start();
        System.out.println("rooms on ws://localhost:" + server.port() + "/rooms/{room}?name=you");
    }
}
