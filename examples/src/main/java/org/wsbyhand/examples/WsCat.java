package org.wsbyhand.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wsbyhand.client.ClientBuilder;
import org.wsbyhand.client.ClientRequest;
import org.wsbyhand.client.WebSocketClient;
import org.wsbyhand.client.WebSocketConnectException;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.handshake.Headers;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A command-line WebSocket client on {@code ws-client}, like {@code cat} for a WebSocket: every line of
 * standard input goes out as one text message, every text message received is printed as one line
 * on standard output, and the rest (binary messages, the connection's state) goes to standard error.
 *
 * <pre>
 * WsCat URL [-H 'Name: value']... [-s SUBPROTOCOL]... [-w SECONDS] [--insecure] [--no-compression]
 * echo hello | java org.wsbyhand.examples.WsCat -w 2 ws://localhost:9001/
 * </pre>
 *
 * <p>{@code -H} adds a header field to the opening handshake, {@code -s} offers a subprotocol (the
 * server's choice is shown on standard error), {@code --insecure} accepts any certificate for
 * {@code wss://}, {@code --no-compression} does not offer permessage-deflate.
 *
 * <p>At the end of input it closes with 1000 and exits 0 once the server has answered the close.
 * When the server closes first, it exits 0 after 1000 or 1001 and 1 after any other code or a
 * failure, with the reason on standard error. A connection that cannot be opened exits 2 and says
 * which step failed (the {@link WebSocketConnectException.Failure}) and the HTTP status; a wrong
 * command line exits 64 with the usage line.
 *
 * <p>Messages that arrive after our close was sent are not delivered (ws-session drops them, as a
 * closing endpoint may), so when input ends at once, as from a pipe, the replies to the last lines
 * may be lost: {@code -w SECONDS} waits that long first, or until the server closes.
 */
public final class WsCat {
    static final int EXIT_OK = 0;
    static final int EXIT_CLOSED_BADLY = 1;
    static final int EXIT_CONNECT_FAILED = 2;
    static final int EXIT_USAGE = 64;
    static final String USAGE = "usage: WsCat URL [-H 'Name: value']... [-s SUBPROTOCOL]... [-w SECONDS]"
            + " [--insecure] [--no-compression]";

    /** Input waits while more than this is unsent: a fast pipe does not outrun a slow server. */
    private static final long HIGH_WATER_BYTES = 1 << 20;

    private WsCat() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.in, out, err));
    }

    /** Runs WsCat with these arguments and streams; returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (List.of(args).contains("-h") || List.of(args).contains("--help")) {
            out.println(USAGE);
            return EXIT_OK;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("wscat: " + e.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        }
        try (WebSocketClient client = options.client()) {
            Printer printer = new Printer(out, err);
            Session session;
            try {
                session = client.connect(options.request(), printer);
            } catch (WebSocketConnectException e) {
                err.println("wscat: cannot connect: " + e.failure() + (e.status() > 0 ? " " + e.status() : "")
                        + ": " + e.getMessage());
                return EXIT_CONNECT_FAILED;
            } catch (IOException e) {
                err.println("wscat: cannot connect: " + e.getMessage());
                return EXIT_CONNECT_FAILED;
            }
            err.println("wscat: connected to " + options.request().uri()
                    + session.subprotocol().map(p -> ", subprotocol " + p).orElse(""));
            // Input is read on a thread of its own, so that a close by the server ends the program
            // even while no line is being typed. It is a daemon: main's System.exit does not wait for it.
            Thread.ofPlatform().daemon().name("wscat-input")
                    .start(() -> sendLines(in, session, options.waitAtEnd(), printer, err));
            return printer.ended.join();
        }
    }

    /** Sends every line as a text message; at the end of input, waits as asked, then closes with 1000. */
    private static void sendLines(InputStream in, Session session, Duration wait, Printer printer,
            PrintStream err) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                while (!session.awaitQueuedBytesAtMost(HIGH_WATER_BYTES, Duration.ofSeconds(1))) {
                    if (!session.isOpen()) {
                        return;
                    }
                }
                if (!session.sendText(line)) {
                    return; // closed meanwhile: the printer reports how
                }
            }
            if (!wait.isZero()) {
                try {
                    printer.ended.get(wait.toMillis(), TimeUnit.MILLISECONDS);
                    return; // the server closed while we waited
                } catch (TimeoutException | ExecutionException e) {
                    // still open: close it
                }
            }
            printer.weClose = true;
            session.close(CloseCode.NORMAL_CLOSURE, "");
        } catch (IOException e) {
            err.println("wscat: cannot read input: " + e.getMessage());
            session.close(CloseCode.GOING_AWAY, "input failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The session's handler: prints what arrives and, once closed, completes with the exit status. */
    private static final class Printer implements WebSocketHandler {
        final CompletableFuture<Integer> ended = new CompletableFuture<>();
        volatile boolean weClose;
        private final PrintStream out;
        private final PrintStream err;
        private Throwable error;

        Printer(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onText(Session session, String text) {
            out.println(text);
            out.flush();
        }

        @Override
        public void onBinary(Session session, byte[] data) {
            err.println("< binary " + data.length + " bytes");
        }

        @Override
        public void onError(Session session, Throwable error) {
            this.error = error;
            err.println("wscat: connection failed: " + error);
        }

        @Override
        public void onClose(Session session, CloseCode code, String reason) {
            // 1005: the server answered our close without a code, which completes it all the same.
            boolean clean = error == null && (code.equals(CloseCode.NORMAL_CLOSURE)
                    || code.equals(CloseCode.GOING_AWAY) || (weClose && code.equals(CloseCode.NO_STATUS_RECEIVED)));
            String how = error != null ? "closed after the failure" : weClose ? "closed"
                    : code.equals(CloseCode.ABNORMAL_CLOSURE) ? "connection lost" : "closed by the server";
            err.println("wscat: " + how + ": " + code + (reason.isEmpty() ? "" : ": " + reason));
            out.flush();
            ended.complete(clean ? EXIT_OK : EXIT_CLOSED_BADLY);
        }
    }

    /** The command line. */
    record Options(ClientRequest request, Duration waitAtEnd, boolean insecure, boolean compression) {
        static Options parse(String... args) {
            String url = null;
            List<Headers.Field> headers = new ArrayList<>();
            List<String> subprotocols = new ArrayList<>();
            Duration wait = Duration.ZERO;
            boolean insecure = false;
            boolean compression = true;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-H", "--header" -> headers.add(header(value(args, ++i, "-H")));
                    case "-s", "--subprotocol" -> subprotocols.add(value(args, ++i, "-s"));
                    case "-w", "--wait" -> wait = seconds(value(args, ++i, "-w"));
                    case "--insecure" -> insecure = true;
                    case "--no-compression" -> compression = false;
                    default -> {
                        if (args[i].startsWith("-") || url != null) {
                            throw new IllegalArgumentException("unexpected argument: " + args[i]);
                        }
                        url = args[i];
                    }
                }
            }
            if (url == null) {
                throw new IllegalArgumentException("no URL");
            }
            // ClientRequest checks the rest: a ws:// or wss:// URI, header names and values, tokens.
            ClientRequest.Builder request = ClientRequest.to(URI.create(url));
            for (Headers.Field header : headers) {
                if (header.name().equalsIgnoreCase("Origin")) {
                    request.origin(header.value()); // the handshake writes Origin itself
                } else {
                    request.header(header.name(), header.value());
                }
            }
            request.subprotocols(subprotocols.toArray(String[]::new));
            return new Options(request.build(), wait, insecure, compression);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static Duration seconds(String value) {
            try {
                Duration wait = Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
                if (!wait.isNegative()) {
                    return wait;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // said below
            }
            throw new IllegalArgumentException("-w wants seconds, got: " + value);
        }

        private static Headers.Field header(String field) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("-H wants 'Name: value', got: " + field);
            }
            return new Headers.Field(field.substring(0, colon).strip(), field.substring(colon + 1).strip());
        }

        WebSocketClient client() {
            ClientBuilder builder = WebSocketClient.builder().compression(compression);
            if (insecure) {
                builder.dangerouslyTrustAnyCertificate();
            }
            return builder.build();
        }
    }
}
