package org.wsbyhand.chat.terminal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.client.ClientRequest;
import org.wsbyhand.client.WebSocketClient;
import org.wsbyhand.client.WebSocketConnectException;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The chat's terminal client, on {@code ws-client}: the same room as the web page, in a terminal. It
 * speaks {@code chat.v2} (see chat-app/README.md), prints the history it gets on connecting and every
 * message after it as {@code [HH:mm] user: text} on standard output, sends every line typed as a post
 * under the given name, and shows the rest (people online, refused posts, the connection's state) on
 * standard error.
 *
 * <pre>TerminalChat URL NAME
 * java -cp chat-app/target/chat-app.jar org.wsbyhand.chat.terminal.TerminalChat ws://localhost:8080/ ada</pre>
 *
 * <p>When the connection drops (the server restarts, the network goes away) it connects again with
 * exponential backoff and jitter (0.5 s doubling up to 10 s), and prints only the messages of the new
 * history it has not shown yet. Lines typed while it is disconnected are not sent, and it says so.
 * At the end of input (Ctrl-D) it closes with 1000 and exits 0 once the server answered the close; 1
 * when it was not connected then or the close went wrong; 2 when the first connection fails; 64 for
 * a wrong command line.
 */
public final class TerminalChat {
    static final int EXIT_OK = 0;
    static final int EXIT_NOT_CLOSED_CLEANLY = 1;
    static final int EXIT_CONNECT_FAILED = 2;
    static final int EXIT_USAGE = 64;
    static final String USAGE = "usage: TerminalChat URL NAME   (e.g. TerminalChat ws://localhost:8080/ ada)";
    static final String SUBPROTOCOL = "chat.v2";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TerminalChat() {}

    public static void main(String[] args) {
        // Log lines to standard error: standard output is the chat's (chat-app's logback.xml is the server's).
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "org/wsbyhand/chat/terminal/logback-terminal.xml");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.in, out, err));
    }

    /** Runs the chat with these arguments and streams until the end of input; returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        ClientRequest request;
        try {
            if (args.length != 2 || args[1].isBlank()) {
                throw new IllegalArgumentException("wants a URL and a name");
            }
            request = ClientRequest.to(URI.create(args[0])).subprotocols(SUBPROTOCOL).build();
        } catch (IllegalArgumentException e) {
            err.println("terminal-chat: " + e.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        }
        String name = args[1].strip();
        // No idle timeout: a quiet room is not a dead connection (the heartbeat finds those).
        try (WebSocketClient client = WebSocketClient.builder().idleTimeout(Duration.ZERO).build()) {
            KeepConnected chat;
            try {
                chat = KeepConnected.open(client, request, new Room(out, err), err);
            } catch (IOException e) {
                String status = e instanceof WebSocketConnectException c
                        ? c.failure() + (c.status() > 0 ? " " + c.status() : "") + ": " : "";
                err.println("terminal-chat: cannot connect: " + status + e.getMessage());
                return EXIT_CONNECT_FAILED;
            }
            err.println("* connected to " + request.uri() + " as " + name + "; type to chat, Ctrl-D to leave");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (!line.isBlank() && !chat.send(post(name, line))) {
                        err.println("* not connected: not sent");
                    }
                }
            } catch (IOException e) {
                err.println("terminal-chat: cannot read input: " + e.getMessage());
            }
            return chat.close() ? EXIT_OK : EXIT_NOT_CLOSED_CLEANLY;
        }
    }

    /** A chat.v2 post: {@code {"type":"post","user":NAME,"text":TEXT}}. */
    static String post(String user, String text) {
        return JSON.createObjectNode().put("type", "post").put("user", user).put("text", text).toString();
    }

    /** What the server says, printed: the chat.v2 messages {@code history}, {@code message}, {@code presence}, {@code error}. */
    static final class Room implements WebSocketHandler {
        private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm")
                .withZone(ZoneId.systemDefault());
        private static final int REMEMBERED = 1000;

        /** One chat message; the same message comes again in the history after a reconnect. */
        private record Line(long id, String user, String text, long time) {}

        /** The last messages shown, so that a history after a reconnect shows only what is new. */
        private final Set<Line> shown = Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Line, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        });
        private final PrintStream out;
        private final PrintStream err;

        Room(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onText(Session session, String text) {
            JsonNode message;
            try {
                message = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                err.println("? not JSON: " + printable(text, false));
                return;
            }
            switch (message.path("type").asText()) {
                case "history" -> message.path("messages").forEach(this::show);
                case "message" -> show(message);
                case "presence" -> err.println("* " + message.path("online").asInt() + " online");
                case "error" -> err.println("! " + printable(message.path("code").asText(), false) + ": "
                        + printable(message.path("message").asText(), false));
                default -> err.println("? " + printable(text, false));
            }
        }

        private synchronized void show(JsonNode message) {
            Line line = new Line(message.path("id").asLong(), message.path("user").asText(),
                    message.path("text").asText(), message.path("time").asLong());
            if (shown.add(line)) {
                String time = CLOCK.format(Instant.ofEpochMilli(line.time()));
                out.println("[" + time + "] " + printable(line.user(), false) + ": "
                        + printable(line.text(), true).replace("\n", "\n        "));
                out.flush();
            }
        }

        /**
         * The text with control characters (other than tabs and, if allowed, newlines) replaced: what
         * others wrote must not drive the terminal with escape sequences. (The chat app refuses them
         * already; a client need not trust a server to.)
         */
        static String printable(String text, boolean newlines) {
            StringBuilder shown = new StringBuilder(text.length());
            text.codePoints().forEach(c -> shown.appendCodePoint(
                    c == '\t' || (c == '\n' && newlines) || !Character.isISOControl(c) ? c : '\uFFFD'));
            return shown.toString();
        }
    }

    /**
     * Keeps a session to the chat open: when it ends without our asking, connects again after a
     * delay that doubles from 0.5 s up to 10 s, less up to half of it at random (so that the clients
     * of a restarted server do not all come back at the same instant), until {@link #close()}.
     *
     * <p>The example's own, written before ws-client had a reconnecting connection; the handler
     * runs every session in turn.
     */
    static final class KeepConnected {
        static final Duration FIRST_DELAY = Duration.ofMillis(500);
        static final Duration MAX_DELAY = Duration.ofSeconds(10);
        /** The longest {@link #close()} waits: an attempt under way, then the close handshake. */
        private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

        /** How a session ended. */
        private record Ending(CloseCode code, String reason, Throwable error) {
            boolean clean() {
                return error == null && (code.equals(CloseCode.NORMAL_CLOSURE) || code.equals(CloseCode.GOING_AWAY)
                        || code.equals(CloseCode.NO_STATUS_RECEIVED));
            }

            @Override
            public String toString() {
                return code + (reason.isEmpty() ? "" : ": " + reason) + (error == null ? "" : " (" + error + ")");
            }
        }

        private final WebSocketClient client;
        private final ClientRequest request;
        private final WebSocketHandler handler;
        private final PrintStream err;
        private final CountDownLatch closing = new CountDownLatch(1);
        private volatile Session session; // null while disconnected
        private volatile CompletableFuture<Ending> ended;
        private volatile boolean closedCleanly;
        private Thread keeper;

        private KeepConnected(WebSocketClient client, ClientRequest request, WebSocketHandler handler,
                PrintStream err) {
            this.client = client;
            this.request = request;
            this.handler = handler;
            this.err = err;
        }

        /** Connects once (a failure is thrown: no retries before the first session) and keeps it so. */
        static KeepConnected open(WebSocketClient client, ClientRequest request, WebSocketHandler handler,
                PrintStream err) throws IOException {
            KeepConnected connection = new KeepConnected(client, request, handler, err);
            connection.connect();
            Optional<String> subprotocol = connection.session.subprotocol();
            if (!subprotocol.equals(Optional.of(SUBPROTOCOL))) {
                connection.session.close(CloseCode.NORMAL_CLOSURE, "");
                throw new IOException("the server does not speak " + SUBPROTOCOL + " (it chose "
                        + subprotocol.orElse("no subprotocol") + ")");
            }
            connection.keeper = Thread.ofVirtual().name("chat-reconnect").start(connection::keep);
            return connection;
        }

        /** Sends on the current session; false while disconnected. */
        boolean send(String text) {
            Session current = session;
            return current != null && current.sendText(text);
        }

        /**
         * Closes with 1000 and stops reconnecting; returns whether the server answered the close
         * (false when it was not connected at the time).
         */
        boolean close() {
            closing.countDown();
            Session current = session;
            if (current != null) {
                current.close(CloseCode.NORMAL_CLOSURE, "");
            }
            try {
                return keeper.join(CLOSE_WAIT) && closedCleanly;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private void connect() throws IOException {
            CompletableFuture<Ending> end = new CompletableFuture<>();
            Session opened = client.connect(request, new Tracked(handler, end));
            ended = end;
            session = opened;
        }

        /** The keeper thread: waits for the session to end, then reconnects, until {@link #close()}. */
        private void keep() {
            try {
                while (true) {
                    Ending ending = ended.join();
                    session = null;
                    if (closing.getCount() == 0) {
                        closedCleanly = ending.clean();
                        return;
                    }
                    err.println("* disconnected: " + ending + "; reconnecting");
                    if (!reconnect()) {
                        return;
                    }
                    if (closing.getCount() == 0) {
                        session.close(CloseCode.NORMAL_CLOSURE, ""); // close() came while connecting
                    } else {
                        err.println("* connected again");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Tries until connected (true) or closing (false). */
        private boolean reconnect() throws InterruptedException {
            Duration delay = FIRST_DELAY;
            while (true) {
                long millis = delay.toMillis();
                if (closing.await(millis - ThreadLocalRandom.current().nextLong(millis / 2 + 1), TimeUnit.MILLISECONDS)) {
                    return false;
                }
                try {
                    connect();
                    return true;
                } catch (IOException e) {
                    String failure = e instanceof WebSocketConnectException c ? c.failure().toString() : e.toString();
                    err.println("* cannot connect (" + failure + "); trying again");
                    Duration doubled = delay.multipliedBy(2);
                    delay = doubled.compareTo(MAX_DELAY) < 0 ? doubled : MAX_DELAY;
                }
            }
        }

        /** Hands every call on to the chat's handler and records how its session ended. */
        private static final class Tracked implements WebSocketHandler {
            private final WebSocketHandler handler;
            private final CompletableFuture<Ending> end;
            private Throwable error; // the session's callbacks run one at a time, on its own thread

            Tracked(WebSocketHandler handler, CompletableFuture<Ending> end) {
                this.handler = handler;
                this.end = end;
            }

            @Override
            public void onOpen(Session session) {
                handler.onOpen(session);
            }

            @Override
            public void onText(Session session, String text) {
                handler.onText(session, text);
            }

            @Override
            public void onBinary(Session session, byte[] data) {
                handler.onBinary(session, data);
            }

            @Override
            public void onError(Session session, Throwable error) {
                this.error = error;
                handler.onError(session, error);
            }

            @Override
            public void onClose(Session session, CloseCode code, String reason) {
                try {
                    handler.onClose(session, code, reason);
                } finally {
                    end.complete(new Ending(code, reason, error));
                }
            }
        }
    }
}
