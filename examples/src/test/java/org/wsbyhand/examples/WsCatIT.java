package org.wsbyhand.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.handshake.AcceptKey;
import org.wsbyhand.server.ServerBuilder;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * {@link WsCat} against an echo server of ws-server on loopback, run in-process through
 * {@link WsCat#run} with a test keyboard and screens, and once as a program of its own.
 *
 * <p>The server echoes every text message, except two commands: {@code close CODE REASON} closes
 * with that code and reason, {@code binary N} answers with a binary message of N bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WsCatIT {
    private final CompletableFuture<Session> serverSession = new CompletableFuture<>();
    private final CompletableFuture<CloseCode> serverSaw = new CompletableFuture<>();
    private final Terminal terminal = new Terminal();
    private WebSocketServer server;

    private final WebSocketHandler echo = new WebSocketHandler() {
        @Override
        public void onOpen(Session session) {
            serverSession.complete(session);
        }

        @Override
        public void onText(Session session, String text) {
            String[] command = text.split(" ", 3);
            if (command[0].equals("close") && command.length == 3) {
                session.close(CloseCode.of(Integer.parseInt(command[1])), command[2]);
            } else if (command[0].equals("binary") && command.length == 2) {
                session.sendBinary(new byte[Integer.parseInt(command[1])]);
            } else {
                session.sendText(text);
            }
        }

        @Override
        public void onClose(Session session, CloseCode code, String reason) {
            serverSaw.complete(code);
        }
    };

    /** Starts the echo server on an ephemeral loopback port; returns its {@code /echo} URL. */
    private String start(SSLContext tls) throws Exception {
        ServerBuilder builder = WebSocketServer.builder().bindAddress("127.0.0.1").port(0).route("/echo", echo)
                .subprotocols("chat.v2", "superchat").allowedOrigins("https://example.test");
        if (tls != null) {
            builder.tls(tls);
        }
        server = builder.build();
        server.start();
        return (tls == null ? "ws" : "wss") + "://127.0.0.1:" + server.port() + "/echo";
    }

    @AfterEach
    void stop() {
        terminal.in.end();
        if (server != null) {
            server.close();
        }
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(Terminal.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void printsEveryEchoInOrderAndClosesWith1000AtTheEndOfInput() throws Exception {
        String url = start(null);
        CompletableFuture<Integer> exit = terminal.start(WsCat::run, url);
        terminal.in.type("one", "two ✓", "", "three");
        terminal.out.awaitLine("three");
        terminal.in.end();
        assertEquals(0, terminal.exitStatus(exit), terminal.err.text());
        assertEquals(CloseCode.NORMAL_CLOSURE, get(serverSaw));
        assertEquals(List.of("one", "two ✓", "", "three"), terminal.out.lines());
        assertTrue(terminal.err.text().contains("wscat: connected to " + url), terminal.err.text());
        assertTrue(get(serverSession).isCompressed(), "permessage-deflate is offered by default");
    }

    @Test
    void exitsWithZeroWhenTheServerClosesWith1000() throws Exception {
        CompletableFuture<Integer> exit = terminal.start(WsCat::run, start(null));
        terminal.in.type("close 1000 done for today"); // and the input stays open
        assertEquals(0, terminal.exitStatus(exit), terminal.err.text());
        assertEquals(CloseCode.NORMAL_CLOSURE, get(serverSaw));
        terminal.err.awaitLineContaining("closed by the server: 1000 (Normal Closure): done for today");
    }

    @Test
    void exitsWithAFailureAndTheReasonWhenTheServerClosesWith1011() throws Exception {
        CompletableFuture<Integer> exit = terminal.start(WsCat::run, start(null));
        terminal.in.type("close 1011 database on fire");
        assertEquals(WsCat.EXIT_CLOSED_BADLY, terminal.exitStatus(exit), terminal.err.text());
        String err = terminal.err.text();
        assertTrue(err.contains("1011") && err.contains("database on fire"), err);
    }

    @Test
    void exitsWithAFailureWhenTheConnectionDropsWithoutAClose() throws Exception {
        // A server that accepts the upgrade and then closes TCP without a close frame: 1006.
        try (ServerSocket dropper = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = dropper.accept()) {
                    BufferedReader head = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                    String key = "";
                    for (String line; (line = head.readLine()) != null && !line.isEmpty(); ) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                            key = line.substring(line.indexOf(':') + 1).strip();
                        }
                    }
                    socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + AcceptKey.of(key) + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    socket.shutdownOutput(); // the end of the stream, then wait for the client to close
                    socket.setSoTimeout((int) Terminal.WAIT.toMillis());
                    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the test fails on WsCat's side
                }
            });
            int status = terminal.run(WsCat::run, "ws://127.0.0.1:" + dropper.getLocalPort() + "/");
            assertEquals(WsCat.EXIT_CLOSED_BADLY, status, terminal.err.text());
            assertTrue(terminal.err.text().contains("1006"), terminal.err.text());
        }
    }

    @Test
    void sendsHeadersAndOffersSubprotocols() throws Exception {
        String url = start(null);
        CompletableFuture<Integer> exit = terminal.start(WsCat::run, "-H", "X-Token: secret 42", url,
                "--header", "Origin: https://example.test", "-s", "superchat", "-s", "other", "--no-compression");
        Session session = get(serverSession);
        assertEquals(Optional.of("secret 42"), session.request().header("X-Token"));
        assertEquals(Optional.of("https://example.test"), session.request().origin());
        assertEquals(List.of("superchat", "other"), session.request().offeredSubprotocols());
        assertEquals(Optional.of("superchat"), session.subprotocol());
        assertFalse(session.isCompressed(), "--no-compression offers no permessage-deflate");
        terminal.err.awaitLine("wscat: connected to " + url + ", subprotocol superchat");
        terminal.in.end();
        assertEquals(0, terminal.exitStatus(exit), terminal.err.text());
    }

    @Test
    void aRefusedUpgradeExitsWith2AndSaysWhy() throws Exception {
        String missing = start(null).replace("/echo", "/missing");
        assertEquals(WsCat.EXIT_CONNECT_FAILED, terminal.run(WsCat::run, missing));
        String err = terminal.err.text();
        assertTrue(err.contains("REJECTED") && err.contains("404"), err);
        assertEquals("", terminal.out.text());
    }

    @Test
    void summarizesABinaryMessageOnStandardError() throws Exception {
        CompletableFuture<Integer> exit = terminal.start(WsCat::run, start(null));
        terminal.in.type("binary 1234", "text after it");
        terminal.out.awaitLine("text after it");
        terminal.err.awaitLine("< binary 1234 bytes");
        terminal.in.end();
        assertEquals(0, terminal.exitStatus(exit), terminal.err.text());
        assertEquals(List.of("text after it"), terminal.out.lines());
    }

    @Test
    void waitsForRepliesAfterTheEndOfInputWithDashW() throws Exception {
        CompletableFuture<Integer> exit = terminal.start(WsCat::run, "-w", "60", start(null));
        // All at once, as from a pipe: without -w the close would go out before the echoes come back.
        terminal.in.type("a", "b", "close 1000 bye");
        terminal.in.end();
        assertEquals(0, terminal.exitStatus(exit), terminal.err.text());
        assertEquals(List.of("a", "b"), terminal.out.lines());
    }

    @Test
    void aWrongCommandLineExitsWith64AndTheUsage() throws Exception {
        List<List<String>> wrong = List.of(List.of(), List.of("ws://127.0.0.1:1/", "ws://127.0.0.1:2/"),
                List.of("http://127.0.0.1/"), List.of("ws://127.0.0.1/", "-H"), List.of("-H", "no colon", "ws://x/"),
                List.of("-H", "Upgrade: h2c", "ws://x/"), List.of("--bogus", "ws://x/"), List.of("-w", "soon", "ws://x/"),
                List.of("-s", "bad protocol", "ws://x/"));
        for (List<String> args : wrong) {
            Terminal terminal = new Terminal();
            assertEquals(WsCat.EXIT_USAGE, terminal.run(WsCat::run, args.toArray(String[]::new)), args.toString());
            assertTrue(terminal.err.lines().getLast().startsWith("usage: WsCat URL"), terminal.err.text());
        }
        Terminal help = new Terminal();
        assertEquals(0, help.run(WsCat::run, "--help"));
        assertEquals(List.of(WsCat.USAGE), help.out.lines());
    }

    @Test
    void insecureAcceptsASelfSignedCertificate(@TempDir Path dir) throws Exception {
        String url = start(selfSignedTls(dir));
        Terminal strict = new Terminal();
        assertEquals(WsCat.EXIT_CONNECT_FAILED, strict.run(WsCat::run, url));
        assertTrue(strict.err.text().contains("TLS"), strict.err.text());

        CompletableFuture<Integer> exit = terminal.start(WsCat::run, "--insecure", url);
        terminal.in.type("over tls");
        terminal.out.awaitLine("over tls");
        terminal.in.end();
        assertEquals(0, terminal.exitStatus(exit), terminal.err.text());
        assertEquals(CloseCode.NORMAL_CLOSURE, get(serverSaw));
    }

    /**
     * {@code java -cp target/classes:(runtime class path) org.wsbyhand.examples.WsCat URL}, as the
     * README runs it: the program's own standard streams and exit status. The class path file is
     * written at {@code package}, so this runs under {@code mvn verify} (skipped elsewhere).
     */
    @Test
    void runsAsAProgramOfItsOwn(@TempDir Path dir) throws Exception {
        Path classpathFile = Path.of("target", "classpath.txt");
        assumeTrue(Files.isRegularFile(classpathFile), "no target/classpath.txt (written by mvn package)");
        String classpath = Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(classpathFile).strip();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classpath, "org.wsbyhand.examples.WsCat", "-w", "60", start(null)));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write("hello from a pipe ✓\nclose 1000 bye\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(process.waitFor(Terminal.WAIT.toSeconds() * 2, TimeUnit.SECONDS), "WsCat did not exit");
            String errText = Files.readString(err);
            assertEquals(0, process.exitValue(), errText);
            assertEquals("hello from a pipe ✓\n", Files.readString(out), "standard output holds the messages alone");
            assertTrue(errText.contains("closed by the server: 1000"), errText);
        } finally {
            process.destroyForcibly();
        }
    }

    /** A server context with a self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private static SSLContext selfSignedTls(Path dir) throws Exception {
        char[] password = "changeit".toCharArray();
        Path keystore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", new String(password))
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertTrue(process.waitFor(Terminal.WAIT.toSeconds() * 2, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, process.exitValue(), () -> "keytool failed: " + read(dir.resolve("keytool.log")));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
