package org.wsbyhand.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * What the compression interop tests share: a corpus of messages written to files (the client
 * scripts send them and compare every echo byte for byte), an echo server with given compression
 * options, and a bounded run of a client process.
 *
 * <p>The corpus exercises the window: besides chat JSON and text it has binary data that repeats
 * with periods just beyond 2^9 to 2^14 bytes, so a compressor that reached further back than the
 * agreed window would produce data the client's zlib (sized to that window) rejects.
 */
final class CompressionInterop {

    private CompressionInterop() {}

    /** The output and exit status of a client run. */
    record Run(int exitCode, String output) {
        boolean echoesIdentical() {
            return exitCode == 0 && output.contains("echoes identical:");
        }

        /** The Sec-WebSocket-Extensions the client saw, or "" when none was printed. */
        String extensions() {
            return output.lines().filter(l -> l.startsWith("extensions: ")).map(l -> l.substring(12).trim())
                    .findFirst().orElse("");
        }
    }

    /** Writes the corpus into {@code dir}: *.txt files are sent as text, *.bin as binary. */
    static Path writeCorpus(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(20_260_001);
        List<byte[]> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            texts.add(chat(random, 1 + random.nextInt(30)));
        }
        texts.add(chat(random, 40));   // ~4 KiB
        texts.add(chat(random, 700));  // ~64 KiB
        StringBuilder prose = new StringBuilder();
        while (prose.length() < 100_000) {
            prose.append("Section ").append(prose.length() % 97).append(": the quick brown fox jumps over the lazy dog. ");
        }
        texts.add(prose.toString().getBytes(StandardCharsets.UTF_8));
        texts.add("é€😀 unicode in every width, repeated; ".repeat(300).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < texts.size(); i++) {
            Files.write(dir.resolve("%02d.txt".formatted(i)), texts.get(i));
        }
        int n = texts.size();
        for (int bits = 9; bits <= 14; bits++) {
            byte[] pattern = new byte[(1 << bits) + 7];
            random.nextBytes(pattern);
            byte[] periodic = new byte[pattern.length * 4];
            for (int i = 0; i < periodic.length; i++) {
                periodic[i] = pattern[i % pattern.length];
            }
            Files.write(dir.resolve("%02d.bin".formatted(n++)), periodic);
        }
        byte[] noise = new byte[20_000];
        random.nextBytes(noise);
        Files.write(dir.resolve("%02d.bin".formatted(n)), noise);
        return dir;
    }

    private static byte[] chat(Random random, int records) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < records; i++) {
            json.append(i == 0 ? "" : ",").append("{\"type\":\"message\",\"room\":\"general\",\"user\":\"user")
                    .append(random.nextInt(50)).append("\",\"text\":\"hello number ").append(random.nextInt(1000))
                    .append(" from the interop test\",\"time\":").append(1_763_700_000_000L + random.nextInt(1 << 30)).append('}');
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An echo server on loopback, port 0, with the given compression options; started. */
    static WebSocketServer echoServer(DeflateOptions compression) throws IOException {
        WebSocketHandler echo = new WebSocketHandler() {
            @Override
            public void onText(Session session, String text) {
                session.sendText(text);
            }

            @Override
            public void onBinary(Session session, byte[] data) {
                session.sendBinary(data);
            }
        };
        WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0).route("/", echo)
                .maxMessageSize(16 << 20).maxFrameSize(16 << 20).compression(compression).build();
        server.start();
        return server;
    }

    /** Runs {@code command}, at most {@code seconds}, and collects its output (stderr included). */
    static Run run(List<String> command, Path workDir, int seconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "client", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        return new Run(exited ? process.exitValue() : -1, output);
    }

    /** Whether {@code command} runs and exits 0 within 30 s (a probe for an installed tool). */
    static boolean works(List<String> command, Path workDir) {
        try {
            return run(command, workDir, 30).exitCode() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
