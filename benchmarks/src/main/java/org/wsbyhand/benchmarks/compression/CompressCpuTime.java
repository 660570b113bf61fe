package org.wsbyhand.benchmarks.compression;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import org.wsbyhand.protocol.deflate.DeflateCompressor;

/**
 * The inputs and compressors of {@link CompressBenchmark}, timed by the thread's CPU time instead of
 * the wall clock, with the compressors taking turns round after round. On a shared machine, where
 * other processes take the cores at random, wall-clock scores swing by 2x or more; a thread's CPU
 * time counts only the cycles it ran (cache interference from the neighbours remains), and taking
 * turns spreads what remains over every compressor alike. Prints the median of the last 8 of 12
 * rounds (the first 4 warm the JIT up) and the ratio.
 *
 * <p>Run: {@code java -cp $CP org.wsbyhand.benchmarks.compression.CompressCpuTime [compressor...]}
 * with compressors written as in {@link CompressBenchmark#compressor}.
 */
public final class CompressCpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CompressCpuTime() {}

    /** Runs the comparison; arguments name the compressors (default: all of the benchmark's). */
    public static void main(String[] args) {
        Random random = new Random(7);
        byte[][] chat = new byte[512][];
        for (int i = 0; i < chat.length; i++) {
            int target = random.nextInt(10) == 0 ? 1024 + random.nextInt(3072) : 100 + random.nextInt(800);
            chat[i] = Arrays.copyOf(CompressBenchmark.chatLog(random, target + 200), target);
        }
        byte[] text = Arrays.copyOf(CompressBenchmark.chatLog(random, 70_000), 65_536);
        List<String> compressors = args.length > 0 ? List.of(args) : List.of("zlib:1", "zlib:6", "ours:1:15", "ours:6:15",
                "ours:1:12", "ours:6:12", "ours:1:10", "ours:4:10", "ours:6:10", "ours:9:10", "ours:6:8");
        Map<String, List<Double>> chatMicros = new LinkedHashMap<>();
        Map<String, List<Double>> textMicros = new LinkedHashMap<>();
        Map<String, double[]> ratios = new LinkedHashMap<>();
        byte[] scratch = new byte[200_000];
        for (int round = 0; round < 12; round++) {
            for (String name : compressors) {
                String[] parts = name.split(":");
                int level = Integer.parseInt(parts[1]);
                Deflater zlib = parts[0].equals("zlib") ? new Deflater(level, true) : null;
                DeflateCompressor ours = zlib == null ? new DeflateCompressor(level, Integer.parseInt(parts[2])) : null;
                long in = 0;
                long out = 0;
                long start = THREADS.getCurrentThreadCpuTime();
                for (int pass = 0; pass < 4; pass++) {
                    for (byte[] message : chat) {
                        in += message.length;
                        out += compress(zlib, ours, message, true, scratch).length;
                    }
                }
                chatMicros.computeIfAbsent(name, k -> new ArrayList<>())
                        .add((THREADS.getCurrentThreadCpuTime() - start) / 1000.0 / (4 * chat.length));
                double chatRatio = (double) in / out;
                in = 0;
                out = 0;
                start = THREADS.getCurrentThreadCpuTime();
                for (int pass = 0; pass < 20; pass++) {
                    in += text.length;
                    out += compress(zlib, ours, text, false, scratch).length;
                }
                textMicros.computeIfAbsent(name, k -> new ArrayList<>())
                        .add((THREADS.getCurrentThreadCpuTime() - start) / 1000.0 / 20);
                ratios.put(name, new double[] {chatRatio, (double) in / out});
                if (zlib != null) {
                    zlib.end();
                }
            }
        }
        System.out.println("compressor  chat us/msg  chat ratio  text64k us  text64k ratio   (thread CPU time, median of 8 rounds)");
        for (String name : compressors) {
            System.out.printf("%-10s %10.2f %11.3f %11.0f %14.3f%n", name, median(chatMicros.get(name)), ratios.get(name)[0],
                    median(textMicros.get(name)), ratios.get(name)[1]);
        }
    }

    private static byte[] compress(Deflater zlib, DeflateCompressor ours, byte[] message, boolean contextTakeover, byte[] scratch) {
        if (ours != null) {
            if (!contextTakeover) {
                ours.reset();
            }
            return ours.compress(ByteBuffer.wrap(message), true);
        }
        if (!contextTakeover) {
            zlib.reset();
        }
        zlib.setInput(message);
        int n = zlib.deflate(scratch, 0, scratch.length, Deflater.SYNC_FLUSH);
        return Arrays.copyOf(scratch, n - 4);
    }

    private static double median(List<Double> rounds) {
        List<Double> sorted = new ArrayList<>(rounds.subList(4, rounds.size()));
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
