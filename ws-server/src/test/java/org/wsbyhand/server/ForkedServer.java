package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TargetServer} in a JVM of its own, started with the JVM options a test needs (a small
 * heap, one carrier thread), so that what the server does is measured apart from the test's own
 * threads and allocations, and a server that dies takes only its own process with it.
 */
final class ForkedServer implements AutoCloseable {
    private final Process process;
    private final int port;

    ForkedServer(String name, String... jvmOptions) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Files.createDirectories(Path.of("target")).resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TargetServer.class.getName()));
        process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("port=")) {
            process.destroyForcibly();
            throw new IOException("the forked server printed " + line + "; see " + log);
        }
        port = Integer.parseInt(line.substring(5));
    }

    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The server's figures after a full collection (see {@link TargetServer}). */
    Map<String, Long> stats() throws IOException {
        try (RawClient client = RawClient.open(port, "/stats")) {
            client.socket.setSoTimeout(60_000);
            client.sendText("gc");
            Map<String, Long> figures = new HashMap<>();
            for (String pair : client.readFrame().text().split(" ")) {
                String[] kv = pair.split("=");
                figures.put(kv[0], Long.parseLong(kv[1]));
            }
            return figures;
        }
    }

    /** A new client is echoed. */
    void assertEchoes() throws IOException {
        try (RawClient healthy = RawClient.open(port, "/echo")) {
            healthy.sendText("healthy");
            assertTrue("healthy".equals(healthy.readFrame().text()));
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
