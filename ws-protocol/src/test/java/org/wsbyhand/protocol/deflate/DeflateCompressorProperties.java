package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link DeflateCompressor} against two independent decoders: {@link java.util.zip.Inflater} (zlib)
 * for the round trip, and the test's own {@link WindowCheckingInflater}, which keeps only the agreed
 * window of history, for the window promise (RFC 7692 7.1.2) and the strict form of every block.
 */
class DeflateCompressorProperties {

    /** What an input is made of. Built from a seed, so that large inputs cost jqwik nothing to shrink. */
    enum Kind { RANDOM, TEXT, JSON, PERIODIC, ZEROS, MIXED }

    /** One input: its kind, size and seed; {@code period} for PERIODIC data. */
    record Input(Kind kind, int size, long seed, int period) {
        byte[] bytes() {
            Random random = new Random(seed);
            byte[] data = new byte[size];
            switch (kind) {
                case RANDOM -> random.nextBytes(data);
                case TEXT -> {
                    String alphabet = "etaoin shrdlu,.\n";
                    for (int i = 0; i < size; i++) {
                        data[i] = (byte) alphabet.charAt(Math.min(alphabet.length() - 1, (int) Math.abs(random.nextGaussian() * 5)));
                    }
                }
                case JSON -> {
                    StringBuilder json = new StringBuilder();
                    while (json.length() < size) {
                        json.append("{\"type\":\"message\",\"user\":\"user").append(random.nextInt(40))
                                .append("\",\"text\":\"").append(Long.toString(random.nextLong(), 36))
                                .append(" hello\",\"time\":").append(1_700_000_000_000L + random.nextInt(1 << 30)).append("}\n");
                    }
                    byte[] text = json.toString().getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(text, 0, data, 0, size);
                }
                case PERIODIC -> {
                    byte[] pattern = new byte[Math.max(1, period)];
                    random.nextBytes(pattern);
                    for (int i = 0; i < size; i++) {
                        data[i] = pattern[i % pattern.length];
                    }
                }
                case ZEROS -> { }
                case MIXED -> {
                    for (int i = 0; i < size; ) {
                        int run = 1 + random.nextInt(600);
                        boolean noise = random.nextBoolean();
                        for (int k = 0; k < run && i < size; k++, i++) {
                            data[i] = noise ? (byte) random.nextInt() : (byte) ('a' + (i % 7));
                        }
                    }
                }
                default -> throw new AssertionError(kind);
            }
            return data;
        }

        @Override
        public String toString() {
            return kind + " " + size + " bytes, seed " + seed + (kind == Kind.PERIODIC ? ", period " + period : "");
        }
    }

    /** Mostly WebSocket-sized inputs, some of tens of KiB, a few up to 1 MiB. */
    @Provide
    Arbitrary<Input> inputs() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between(0, 4096)),
                Tuple.of(4, Arbitraries.integers().between(4096, 70_000)),
                Tuple.of(1, Arbitraries.integers().between(70_000, 1 << 20)));
        // Periods around every window size: matches exist only just beyond the window or just inside it.
        Arbitrary<Integer> periods = Arbitraries.integers().between(8, 15)
                .flatMap(bits -> Arbitraries.integers().between((1 << bits) - 3, (1 << bits) + 3));
        return Combinators.combine(Arbitraries.of(Kind.class), sizes, Arbitraries.longs(),
                Arbitraries.oneOf(periods, Arbitraries.integers().between(1, 300))).as(Input::new);
    }

    @Property(tries = 250)
    void everyMessageInflatesToItselfWithZlibAndNoReferenceReachesBeyondTheWindow(
            @ForAll @Size(min = 1, max = 4) List<@From("inputs") Input> inputs,
            @ForAll @IntRange(min = 8, max = 15) int windowBits,
            @ForAll @IntRange(min = -1, max = 9) int level,
            @ForAll boolean contextTakeover,
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 100_000) Integer> cuts) throws DataFormatException {
        DeflateCompressor compressor = new DeflateCompressor(level, windowBits);
        WindowCheckingInflater windowed = new WindowCheckingInflater(windowBits);
        Inflater zlib = new Inflater(true);
        try {
            for (Input input : inputs) {
                byte[] message = input.bytes();
                List<byte[]> fragments = compressInFragments(compressor, message, cuts);
                ByteArrayOutputStream viaZlib = new ByteArrayOutputStream();
                ByteArrayOutputStream viaWindowed = new ByteArrayOutputStream();
                for (int i = 0; i < fragments.size(); i++) {
                    boolean last = i == fragments.size() - 1;
                    inflate(zlib, fragments.get(i), last, viaZlib);
                    viaWindowed.writeBytes(windowed.inflate(fragments.get(i), !last));
                }
                assertArrayEquals(message, viaZlib.toByteArray(), input + " through zlib");
                assertArrayEquals(message, viaWindowed.toByteArray(), input + " through the window-checking decoder");
                if (!contextTakeover) {
                    compressor.reset();
                    windowed.reset();
                    zlib.reset();
                }
            }
            assertTrue(windowed.maxDistance() <= 1 << windowBits);
        } finally {
            zlib.end();
        }
    }

    @Property(tries = 100)
    void dataRepeatingJustBeyondTheWindowIsNeverMatchedAcrossIt(
            @ForAll @IntRange(min = 8, max = 15) int windowBits,
            @ForAll @IntRange(min = 1, max = 9) int level,
            @ForAll @IntRange(min = 1, max = 64) int beyond,
            @ForAll long seed) {
        byte[] pattern = new byte[(1 << windowBits) + beyond];
        new Random(seed).nextBytes(pattern);
        byte[] message = new byte[pattern.length * 3];
        for (int i = 0; i < message.length; i++) {
            message[i] = pattern[i % pattern.length];
        }
        byte[] compressed = new DeflateCompressor(level, windowBits).compress(ByteBuffer.wrap(message), true);
        WindowCheckingInflater windowed = new WindowCheckingInflater(windowBits);
        assertArrayEquals(message, windowed.inflate(compressed, false));
        assertTrue(windowed.maxDistance() <= 1 << windowBits, "max distance " + windowed.maxDistance());
    }

    @Property(tries = 60)
    void incompressibleDataGrowsByAtMostTheStoredBlockFraming(
            @ForAll @IntRange(min = 0, max = 200_000) int size,
            @ForAll @IntRange(min = 0, max = 9) int level,
            @ForAll @IntRange(min = 8, max = 15) int windowBits,
            @ForAll long seed) {
        byte[] message = new byte[size];
        new Random(seed).nextBytes(message);
        byte[] compressed = new DeflateCompressor(level, windowBits).compress(ByteBuffer.wrap(message), true);
        // RFC 1951 3.2.4: 5 bytes of framing per stored block (a block holds up to 16,384 symbols),
        // then the flush's last byte.
        long bound = size + 5L * ((size + 16383) / 16384) + 1;
        assertTrue(compressed.length <= bound, compressed.length + " > " + bound);
        assertArrayEquals(message, new WindowCheckingInflater(windowBits).inflate(compressed, false));
    }

    /** Compresses {@code message} as fragments cut at {@code cuts} (clamped, sorted), the last without its tail. */
    static List<byte[]> compressInFragments(DeflateCompressor compressor, byte[] message, List<Integer> cuts) {
        List<byte[]> fragments = new ArrayList<>();
        int start = 0;
        for (int cut : cuts.stream().map(c -> Math.min(c, message.length)).sorted().toList()) {
            fragments.add(compressor.compress(ByteBuffer.wrap(message, start, cut - start), false));
            start = cut;
        }
        fragments.add(compressor.compress(ByteBuffer.wrap(message, start, message.length - start), true));
        return fragments;
    }

    /** Feeds one payload to zlib, appending the removed {@code 00 00 ff ff} after a message's last one. */
    static void inflate(Inflater inflater, byte[] payload, boolean last, ByteArrayOutputStream out) throws DataFormatException {
        byte[] input = payload;
        if (last) {
            input = java.util.Arrays.copyOf(payload, payload.length + 4);
            input[payload.length + 2] = (byte) 0xFF;
            input[payload.length + 3] = (byte) 0xFF;
        }
        inflater.setInput(input);
        byte[] buffer = new byte[16384];
        for (int guard = 0; guard < 1_000_000; guard++) {
            int n = inflater.inflate(buffer);
            if (n > 0) {
                out.write(buffer, 0, n);
            } else if (inflater.needsInput() || inflater.finished()) {
                return;
            } else {
                throw new AssertionError("zlib made no progress");
            }
        }
        throw new AssertionError("too many rounds");
    }
}
