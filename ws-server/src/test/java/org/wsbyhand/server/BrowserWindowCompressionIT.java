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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Headless Chromium against a server that compresses within a smaller window than the browser
 * asked for: Chromium offers only {@code client_max_window_bits}, so the server states
 * {@code server_max_window_bits} unasked (RFC 7692 7.1.2.1), and the browser must accept it and
 * inflate with that window. The page sends chat JSON and a text that repeats just beyond the window
 * and checks every echo. Driven like {@link BrowserCompressionIT}; skipped, with the reason, when no
 * Chromium is installed.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BrowserWindowCompressionIT {

    @ParameterizedTest(name = "server_max_window_bits={0}, unasked")
    @ValueSource(ints = {8, 10})
    void chromiumAcceptsAnUnaskedSmallerServerWindowAndEveryEchoMatches(int bits, @TempDir Path tmp) throws Exception {
        Optional<Path> browser = BrowserCompressionIT.chromium();
        assumeTrue(browser.isPresent(), "no Chromium or $CHROME_BIN: browser test skipped");

        CountDownLatch sessionClosed = new CountDownLatch(1);
        WebSocketHandler echo = new WebSocketHandler() {
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
                        .compressionWindowBits(bits)
                        .allowAnyOrigin() // the page is a file: URL, whose Origin is "null"
                        .build();
                ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.start();
            Thread.ofVirtual().start(() -> holdUntil(holder, sessionClosed));
            Path page = tmp.resolve("page.html");
            Files.writeString(page, page(server.port(), holder.getLocalPort(), bits));

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
            boolean exited = chrome.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                chrome.destroyForcibly();
            }
            String result = dom.get(10, TimeUnit.SECONDS).replaceAll("(?s).*<div id=\"result\">([^<]*)<.*", "$1");
            System.out.printf("Chromium with an unasked server_max_window_bits=%d: %s%n", bits, result);
            assertTrue(exited, "Chromium finished");
            assertEquals("echoes-ok 4 extensions=permessage-deflate; server_max_window_bits=" + bits, result);
            assertTrue(sessionClosed.await(10, TimeUnit.SECONDS));
            ServerStats.Compression compression = server.stats().compression();
            assertEquals(4, compression.messagesOut(), "every echo went out compressed: " + compression);
            assertTrue(compression.ratioOut() > 3, "compressed several-fold within the window: " + compression);
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
                released.await(90, TimeUnit.SECONDS);
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

    /** Four texts, each echo compared; the third repeats a block just longer than the window. */
    private static String page(int wsPort, int holdPort, int bits) {
        return """
                <!doctype html>
                <html><body><div id="result">pending</div>
                <script>
                const result = document.getElementById('result');
                function chat(n, salt) {
                  return JSON.stringify({msg: Array.from({length: n}, (_, i) =>
                    ({user: 'user' + (i %% 7), text: 'message ' + i + ' ' + salt + ' says hello', time: 1763700000000 + i * 977}))});
                }
                let block = '';
                for (let i = 0; block.length < (1 << %d) + 5; i++) { block += String.fromCharCode(97 + (i * 7919 %% 26)); }
                const messages = [chat(3, 'small'), chat(400, 'large'), block.repeat(20), chat(2000, 'largest')];
                const ws = new WebSocket('ws://127.0.0.1:%d/echo');
                let index = 0;
                let ok = true;
                ws.onopen = () => ws.send(messages[0]);
                ws.onmessage = (event) => {
                  ok = ok && event.data === messages[index];
                  index++;
                  if (index < messages.length) {
                    ws.send(messages[index]);
                  } else {
                    result.textContent = (ok ? 'echoes-ok ' : 'echoes-wrong ') + index + ' extensions=' + ws.extensions;
                    ws.close(1000);
                  }
                };
                ws.onerror = () => { result.textContent += ' websocket-error'; };
                </script>
                <script src="http://127.0.0.1:%d/released-when-the-session-closed.js"></script>
                </body></html>
                """.formatted(bits, wsPort, holdPort);
    }
}
