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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wsbyhand.client.ClientRequest;
import org.wsbyhand.client.ConnectionListener;
import org.wsbyhand.client.ReconnectPolicy;
import org.wsbyhand.client.ReconnectingConnection;
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
 * <p>When the connection drops (the server restarts, the network goes away) ws-client's
 * {@link ReconnectingConnection} connects again with exponential backoff and jitter (0.5 s doubling up
 * to 10 s), and of the history the server sends again it prints only the messages it has not shown
 * yet. Lines typed while it is disconnected are not sent, and it says so. At the end of input (Ctrl-D)
 * it closes with 1000 and exits 0 once the server answered the close; 1 when it was not connected then
 * or the close went wrong; 2 when the first attempt fails (no retries before the first session); 64
 * for a wrong command line.
 */
public final class TerminalChat {
    static final int EXIT_OK = 0;
    static final int EXIT_NOT_CLOSED_CLEANLY = 1;
    static final int EXIT_CONNECT_FAILED = 2;
    static final int EXIT_USAGE = 64;
    static final String USAGE = "usage: TerminalChat URL NAME   (e.g. TerminalChat ws://localhost:8080/ ada)";
    static final String SUBPROTOCOL = "chat.v2";

    /** ws-client's backoff with jitter, from 0.5 s doubling up to 10 s, as the web page does; never gives up. */
    static final ReconnectPolicy RECONNECT = ReconnectPolicy.defaults().withMaxDelay(Duration.ofSeconds(10));
    /** The longest wait for the first attempt: the client's connect and handshake timeouts, and some. */
    private static final Duration FIRST_WAIT = Duration.ofSeconds(60);
    /** The longest wait at the end for the close: an attempt under way is cut short, then the handshake. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

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
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            Status status = new Status(request.uri(), name, err);
            ReconnectingConnection chat = client.connectReconnecting(request, new Room(out, err), RECONNECT, status);
            Optional<String> failure = status.firstOutcome();
            if (failure.isPresent()) {
                chat.close();
                err.println("terminal-chat: cannot connect: " + failure.get());
                return EXIT_CONNECT_FAILED;
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    String post = post(name, line);
                    if (!line.isBlank() && !chat.current().map(session -> session.sendText(post)).orElse(false)) {
                        err.println("* not connected: not sent");
                    }
                }
            } catch (IOException e) {
                err.println("terminal-chat: cannot read input: " + e.getMessage());
            }
            boolean connected = chat.current().isPresent();
            chat.close(); // 1000, and no more reconnecting
            return connected && chat.awaitClosed(CLOSE_WAIT) && status.closedCleanly() ? EXIT_OK
                    : EXIT_NOT_CLOSED_CLEANLY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_NOT_CLOSED_CLEANLY;
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
     * The connection's state on standard error, from ws-client's {@link ReconnectingConnection}: the
     * first outcome (connected, or why not), a drop, each retry.
     */
    static final class Status implements ConnectionListener {
        private final URI uri;
        private final String name;
        private final PrintStream err;
        /** Empty once the first session is open; the failure when the first attempt failed. */
        private final CompletableFuture<Optional<String>> first = new CompletableFuture<>();
        private volatile CloseCode lastClose;

        Status(URI uri, String name, PrintStream err) {
            this.uri = uri;
            this.name = name;
            this.err = err;
        }

        /** Waits for the first attempt: empty when it opened a session, else what went wrong. */
        Optional<String> firstOutcome() throws InterruptedException {
            try {
                return first.get(FIRST_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return Optional.of("no answer within " + FIRST_WAIT.toSeconds() + " s");
            }
        }

        /** Whether the last session ended with 1000 or 1001 (or 1005, a close answered without a code). */
        boolean closedCleanly() {
            CloseCode code = lastClose;
            return code != null && (code.equals(CloseCode.NORMAL_CLOSURE) || code.equals(CloseCode.GOING_AWAY)
                    || code.equals(CloseCode.NO_STATUS_RECEIVED));
        }

        @Override
        public void onConnected(Session session, int attempt) {
            if (!session.subprotocol().equals(Optional.of(SUBPROTOCOL))) {
                String why = "the server does not speak " + SUBPROTOCOL;
                if (!first.complete(Optional.of(why))) {
                    err.println("* " + why + " any more: not reconnecting");
                }
                session.close(); // 1000 from the application: no reconnect
            } else if (first.complete(Optional.empty())) {
                err.println("* connected to " + uri + " as " + name + "; type to chat, Ctrl-D to leave");
            } else {
                err.println("* connected again");
            }
        }

        @Override
        public void onDisconnected(CloseCode code, String reason) {
            lastClose = code;
            err.println("* disconnected: " + code + (reason.isEmpty() ? "" : ": " + Room.printable(reason, false)));
        }

        @Override
        public void onRetryScheduled(int attempt, Duration delay, Throwable cause) {
            String why = cause instanceof WebSocketConnectException c
                    ? c.failure() + (c.status() > 0 ? " " + c.status() : "") + ": " + c.getMessage()
                    : String.valueOf(cause);
            if (first.complete(Optional.of(why))) {
                return; // the first attempt failed: no retries, run() says why and exits
            }
            err.printf("* reconnecting in %.1f s (attempt %d%s)%n", delay.toMillis() / 1000.0, attempt,
                    cause instanceof WebSocketConnectException c ? ": " + c.failure() : "");
        }

        @Override
        public void onGaveUp(int attempts, Throwable lastFailure) {
            first.complete(Optional.of(String.valueOf(lastFailure)));
            err.println("* gave up after " + attempts + " attempts: " + lastFailure);
        }
    }
}
