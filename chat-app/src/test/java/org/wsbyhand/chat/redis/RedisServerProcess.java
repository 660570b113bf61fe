package org.wsbyhand.chat.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (the Debian package) for integration tests: started on a free
 * loopback port with its data in a given directory, append-only file fsynced on every write, so a
 * restarted server on the same directory has the same data. Tests that need it are skipped, with
 * the reason shown, when {@code redis-server} is not on the PATH.
 */
final class RedisServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path executable;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServerProcess(Path executable, Path dir, int port) {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
    }

    /** Where {@code redis-server} is on the PATH, if it is. */
    static Optional<Path> executable() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, "redis-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts a server with its data in {@code dir} and waits until it answers PING. Skips the
     * calling test (JUnit assumption) when {@code redis-server} is not installed.
     */
    static RedisServerProcess start(Path dir) {
        Optional<Path> exe = executable();
        assumeTrue(exe.isPresent(),
                "redis-server is not on the PATH: install the Debian package redis-server to run the Redis tests");
        RedisServerProcess server = new RedisServerProcess(exe.get(), dir, freePort());
        server.startProcess();
        return server;
    }

    /** The port the server listens on (the same after a restart). */
    int port() {
        return port;
    }

    /** The URL of this server for {@code --redis}. */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * Settings for this server with {@code prefix}, fast reconnects (tests wait for recovery) and
     * no fail-fast time (tests check each append's own outcome).
     */
    RedisSettings settings(String prefix) {
        return RedisSettings.of(url(), prefix).withTiming(Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofMillis(50), Duration.ofMillis(500)).withFailFast(Duration.ZERO);
    }

    /** Whether the server process is running. */
    boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops the server the way an operator would (SIGTERM: it flushes and exits) and waits for it. */
    void stop() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            thaw(); // a frozen server would not act on SIGTERM
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /**
     * Freezes the server (SIGSTOP): connections stay open and new ones are even accepted by the
     * kernel, but nothing is answered, as with a hung machine or a network partition.
     */
    void freeze() {
        signal("-STOP");
    }

    /** Lets a frozen server run again (SIGCONT). */
    void thaw() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts the server again on the same port and directory (so with the same data). */
    void restart() {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
    }

    private void startProcess() {
        List<String> command = List.of(executable.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
                "--daemonize", "no",
                "--loglevel", "warning");
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see "
                        + dir.resolve("redis.log"));
            }
            if (answersPing()) {
                return;
            }
            sleep(Duration.ofMillis(20));
        }
        stop();
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within "
                + START_TIMEOUT);
    }

    /** One PING over a raw socket: RESP inline command, "+PONG" back. */
    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** A port nothing listens on right now (the usual small race with other processes is accepted). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
