package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A real browser against the server: headless Chromium (which offers permessage-deflate on every
 * connection) opens a page that sends two large chat-like JSON texts and checks the echoes; the
 * server's statistics must show both directions compressed on the wire.
 *
 * <p>Chromium is driven with {@code --dump-dom}, which prints the page once it has loaded. The page
 * ends with a script served by a small responder in this test that answers only when the
 * WebSocket session has closed, so the page cannot finish loading before the exchange has. Skipped,
 * with the reason, when no Chromium is installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrowserCompressionIT {

    private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");

    static Optional<Path> chromium() {
        String configured = System.getenv("CHROME_BIN");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Optional.of(Path.of(configured));
        }
        return CHROMIUM.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    @Test
    void headlessChromiumExchangesLargeTextsCompressedBothWays(@TempDir Path tmp) throws Exception {
        Optional<Path> browser = chromium();
        assumeTrue(browser.isPresent(), "no Chromium at " + CHROMIUM + " or $CHROME_BIN: browser test skipped");

        CountDownLatch sessionClosed = new CountDownLatch(1);
        CompletableFuture<Boolean> sessionCompressed = new CompletableFuture<>();
        WebSocketHandler echo = new WebSocketHandler() {
            @Override
            public void onOpen(Session session) {
                sessionCompressed.complete(session.isCompressed());
            }

            @Override
            public void onText(Session session, String text) {
                session.sendText(text);
            }

            @Override
            public void onClose(Session session, CloseCode code, String reason) {
                sessionClosed.countDown();
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0).route("/echo", echo)
                        .allowAnyOrigin() // the page is a file: URL, whose Origin is "null"
                        .build();
                ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.start();
            Thread.ofVirtual().start(() -> holdUntil(holder, sessionClosed));
            Path page = tmp.resolve("page.html");
            Files.writeString(page, page(server.port(), holder.getLocalPort()));

            Process chrome = new ProcessBuilder(browser.get().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--user-data-dir=" + tmp.resolve("profile"), "--dump-dom", page.toUri().toString())
                    .redirectError(tmp.resolve("chromium.log").toFile())
                    .start();
            CompletableFuture<String> dom = CompletableFuture.supplyAsync(() -> {
                try (InputStream out = chrome.getInputStream()) {
                    return new String(out.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            boolean exited = chrome.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                chrome.destroyForcibly();
            }
            String result = dom.get(10, TimeUnit.SECONDS);
            assertTrue(exited, "Chromium finished");
            assertTrue(result.contains("first-echo-ok second-echo-ok extensions=permessage-deflate"),
                    "page result: " + result.replaceAll("(?s).*<div id=\"result\">([^<]*)<.*", "$1"));

            assertTrue(sessionCompressed.get(5, TimeUnit.SECONDS), "the browser's session negotiated permessage-deflate");
            assertTrue(sessionClosed.await(10, TimeUnit.SECONDS));
            ServerStats stats = server.stats();
            ServerStats.Compression compression = stats.compression();
            System.out.printf("Chromium exchange: %s; wire bytes in %d, out %d%n", compression, stats.bytesIn(), stats.bytesOut());
            assertEquals(2, compression.messagesIn(), "both texts arrived compressed");
            assertEquals(2, compression.messagesOut(), "both echoes went out compressed");
            assertTrue(compression.ratioIn() > 5 && compression.ratioOut() > 5, "chat JSON compresses several-fold: " + compression);
            assertTrue(stats.bytesIn() * 5 < compression.inflatedBytesIn(), "the wire carried the compressed bytes");
        }
    }

    /** Answers every request on {@code holder} with an empty script, once {@code released} opens. */
    private static void holdUntil(ServerSocket holder, CountDownLatch released) {
        while (!holder.isClosed()) {
            try (Socket socket = holder.accept()) {
                socket.setSoTimeout(30_000);
                InputStream in = socket.getInputStream();
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                released.await(60, TimeUnit.SECONDS);
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/javascript\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // closed at the end of the test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The page: two large JSON texts over one WebSocket, each echo checked, then a clean close. */
    private static String page(int wsPort, int holdPort) {
        return """
                <!doctype html>
                <html><body><div id="result">pending</div>
                <script>
                const result = document.getElementById('result');
                function chat(n, salt) {
                  return JSON.stringify({msg: Array.from({length: n}, (_, i) =>
                    ({user: 'user' + (i %% 7), text: 'message ' + i + ' ' + salt + ' says hello', time: 1763700000000 + i * 977}))});
                }
                const first = chat(2000, 'first');
                const second = chat(1500, 'second');
                const ws = new WebSocket('ws://127.0.0.1:%d/echo');
                let received = 0;
                ws.onopen = () => ws.send(first);
                ws.onmessage = (event) => {
                  received++;
                  if (received === 1) {
                    result.textContent = (event.data === first ? 'first-echo-ok' : 'first-echo-wrong');
                    ws.send(second);
                  } else {
                    result.textContent += (event.data === second ? ' second-echo-ok' : ' second-echo-wrong')
                        + ' extensions=' + ws.extensions;
                    ws.close(1000);
                  }
                };
                ws.onerror = () => { result.textContent += ' websocket-error'; };
                </script>
                <script src="http://127.0.0.1:%d/released-when-the-session-closed.js"></script>
                </body></html>
                """.formatted(wsPort, holdPort);
    }
}
