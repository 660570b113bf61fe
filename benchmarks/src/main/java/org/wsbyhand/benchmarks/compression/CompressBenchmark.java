package org.wsbyhand.benchmarks.compression;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.wsbyhand.protocol.deflate.DeflateCompressor;

/**
 * permessage-deflate compression of one message, as a session does it: ws-protocol's
 * {@link DeflateCompressor} at several levels and windows against {@link Deflater} (zlib, always a
 * 15-bit window) at levels 1 and 6. Each operation ends with the sync flush of RFC 7692 7.2.1 and
 * hands back the payload as a new array of its exact size, as {@code PerMessageDeflate} does.
 *
 * <ul>
 *   <li>{@code chat}: the next of 512 chat JSON messages of 100 B to 4 KiB (most under 1 KiB, mean
 *       about 600 B), with context takeover: one compressor for the whole stream, like a session.</li>
 *   <li>{@code text64k}: one 64 KiB message of chat log text, compressed alone (the window is reset
 *       before each).</li>
 * </ul>
 *
 * <p>The compression ratio (input bytes / payload bytes over one pass of the inputs) is printed at
 * the end of each trial, as {@code ratio <compressor> <input> = x}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CompressBenchmark {

    /** {@code zlib:<level>} or {@code ours:<level>:<windowBits>}. */
    @Param({"zlib:1", "zlib:6", "ours:1:15", "ours:6:15", "ours:1:12", "ours:6:12", "ours:1:10", "ours:4:10",
        "ours:6:10", "ours:9:10"})
    public String compressor;

    @Param({"chat", "text64k"})
    public String input;

    private byte[][] messages;
    private int next;
    private Deflater deflater;
    private DeflateCompressor ours;
    private byte[] scratch;
    private boolean contextTakeover;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(7);
        if (input.equals("chat")) {
            messages = new byte[512][];
            for (int i = 0; i < messages.length; i++) {
                int target = random.nextInt(10) == 0 ? 1024 + random.nextInt(3072) : 100 + random.nextInt(800);
                messages[i] = Arrays.copyOf(chatLog(random, target + 200), target);
            }
            contextTakeover = true;
        } else {
            messages = new byte[][] {Arrays.copyOf(chatLog(random, 70_000), 65_536)};
            contextTakeover = false;
        }
        String[] parts = compressor.split(":");
        int level = Integer.parseInt(parts[1]);
        if (parts[0].equals("zlib")) {
            deflater = new Deflater(level, true);
        } else {
            ours = new DeflateCompressor(level, Integer.parseInt(parts[2]));
        }
        scratch = new byte[200_000];
        long in = 0;
        long out = 0;
        for (byte[] message : messages) {
            in += message.length;
            out += compressNext().length;
        }
        ratio = (double) in / out;
        next = 0;
    }

    private double ratio;

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%nratio %s %s = %.3f%n", compressor, input, ratio);
        if (deflater != null) {
            deflater.end();
        }
    }

    /** Chat messages as a client would send them, one JSON object per line, about {@code size} bytes. */
    static byte[] chatLog(Random random, int size) {
        String[] words = "hello there how are you doing today the meeting is at noon see you later thanks great idea ok sure"
                .split(" ");
        StringBuilder log = new StringBuilder();
        while (log.length() < size) {
            log.append("{\"type\":\"message\",\"room\":\"general\",\"user\":\"user").append(random.nextInt(50))
                    .append("\",\"text\":\"");
            for (int w = 3 + random.nextInt(15); w > 0; w--) {
                log.append(words[random.nextInt(words.length)]).append(' ');
            }
            log.append("\",\"time\":").append(1_763_700_000_000L + random.nextInt(1 << 30)).append("}\n");
        }
        return log.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] compress() {
        return compressNext();
    }

    private byte[] compressNext() {
        byte[] message = messages[next];
        next = next + 1 == messages.length ? 0 : next + 1;
        if (ours != null) {
            if (!contextTakeover) {
                ours.reset();
            }
            return ours.compress(ByteBuffer.wrap(message), true);
        }
        if (!contextTakeover) {
            deflater.reset();
        }
        deflater.setInput(message);
        int n = deflater.deflate(scratch, 0, scratch.length, Deflater.SYNC_FLUSH);
        return Arrays.copyOf(scratch, n - 4); // without the flush's 00 00 ff ff, as RFC 7692 7.2.1 sends it
    }
}
