package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar as a user runs it: {@code java -jar target/chat-app.jar} (built by {@code package},
 * which runs before the integration tests) on the JDK running this test, which is the toolchain's.
 * Waits are bounded by generous deadlines for a loaded machine and end as soon as the awaited thing
 * happens; there is no sleeping.
 */
class ChatJarIT {

    private static final Path JAR = Path.of("target", "chat-app.jar");
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final Pattern RUNNING =
            Pattern.compile("Chat With Me is running: open (http://127\\.0\\.0\\.1:(\\d+)/) in two browser tabs"
                    + " \\(WebSocket endpoint (ws://127\\.0\\.0\\.1:\\2/); Ctrl\\+C stops it\\)");

    private Process process;
    private Output output;

    @BeforeEach
    void theJarIsBuilt() {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: the package phase builds it");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void runsServesThePageAndStopsGracefullyOnSigterm() throws Exception {
        start(javaOfThisTest(), "--port", "0", "--bind", "127.0.0.1");
        Matcher running = output.await(RUNNING, START);
        URI page = URI.create(running.group(1));
        URI endpoint = URI.create(running.group(3));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("<title>Chat With Me</title>"), response.body());
        assertTrue(response.body().contains("id=\"presence-indicator\""), response.body());

        // A connected client is told 1001 Going Away when the process is stopped.
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder().subprotocols(LeanProtocol.NAME)
                .buildAsync(endpoint, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closeCode.completeExceptionally(error);
                    }
                }).get(30, TimeUnit.SECONDS);
        assertEquals(LeanProtocol.NAME, socket.getSubprotocol());

        // SIGTERM on Unix. Through the handle: Process.destroy() also closes our end of the output
        // pipe, and the shutdown log would be lost.
        assertTrue(process.toHandle().destroy(), "SIGTERM not sent");
        assertTrue(process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS), "still running after SIGTERM");
        assertEquals(1001, closeCode.get(STOP.toSeconds(), TimeUnit.SECONDS));
        // 128 + 15: the JVM's status after SIGTERM, once the shutdown hook has run.
        assertEquals(143, process.exitValue(), output.text());
        String log = output.awaitEnd(STOP);
        assertTrue(log.contains("stopping: closing every connection with 1001 Going Away"), log);
        assertTrue(log.contains("Chat With Me stopped"), log);
        assertTrue(log.indexOf("stopping:") < log.indexOf("Chat With Me stopped"), log);
    }

    @Test
    void helpPrintsTheUsageAndAnUnknownOptionIsNamed() throws Exception {
        start(javaOfThisTest(), "--help");
        assertEquals(0, exitStatus());
        assertEquals(ChatConfig.USAGE, output.awaitEnd(STOP));

        start(javaOfThisTest(), "--bogus");
        assertEquals(2, exitStatus());
        assertEquals("chat-app: unknown option: --bogus\nRun with --help to list the options.\n", output.awaitEnd(STOP));
    }

    @Test
    void anOlderJavaIsToldWhatIsNeeded() throws Exception {
        Optional<Path> oldJdk = installedJdkOlderThan21();
        assumeTrue(oldJdk.isPresent(), "no JDK older than 21 under /usr/lib/jvm");
        start(oldJdk.get().resolve("bin").resolve("java"), "--port", "0");
        assertEquals(1, exitStatus());
        String text = output.awaitEnd(STOP);
        assertTrue(text.matches("chat-app needs Java 21 or newer; this is Java \\d+ \\(/.+\\)\n"), text);
    }

    private static Path javaOfThisTest() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** A JDK or JRE under /usr/lib/jvm whose release file says a feature version below 21. */
    private static Optional<Path> installedJdkOlderThan21() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        Pattern version = Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)", Pattern.MULTILINE);
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
                    .filter(home -> {
                        try {
                            Matcher m = version.matcher(Files.readString(home.resolve("release")));
                            return m.find() && Integer.parseInt(m.group(1)) < 21;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .sorted()
                    .findFirst();
        }
    }

    private void start(Path java, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", JAR.toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The options alone configure it, whatever the environment of the build.
        for (String variable : List.of("PORT", "CHAT_BIND", "CHAT_ALLOWED_ORIGINS", "CHAT_STORE", "REDIS_URL",
                "REDIS_PREFIX")) {
            builder.environment().remove(variable);
        }
        process = builder.start();
        output = new Output(process);
    }

    private int exitStatus() throws InterruptedException {
        if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            fail("did not exit within " + STOP + ": " + output.text());
        }
        return process.exitValue();
    }

    /** The process's output, read line by line on a thread of its own as it comes. */
    private static final class Output {
        private final StringBuffer text = new StringBuffer();
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final CompletableFuture<String> end = new CompletableFuture<>();
        /** Queued after the last line, so that a wait for a line ends when the output does. */
        private static final String END = new String("end of output");

        Output(Process process) {
            Thread.ofPlatform().daemon().name("chat-jar-output").start(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        text.append(line).append('\n');
                        lines.add(line);
                    }
                    end.complete(text.toString());
                } catch (IOException e) {
                    end.completeExceptionally(new UncheckedIOException(e));
                } finally {
                    lines.add(END);
                }
            });
        }

        /** The first line matching {@code pattern}; fails when none has come within {@code timeout}. */
        Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null || line == END) {
                    fail("no line matching " + pattern + (line == null ? " within " + timeout : " before the output ended")
                            + "; output so far:\n" + text);
                }
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
        }

        /** Everything the process wrote, once its output has ended. */
        String awaitEnd(Duration timeout) throws Exception {
            return end.get(timeout.toSeconds(), TimeUnit.SECONDS);
        }

        String text() {
            return text.toString();
        }
    }
}
