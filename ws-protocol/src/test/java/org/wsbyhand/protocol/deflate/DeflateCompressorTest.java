package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeflateCompressorTest {

    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static byte[] zlibInflate(byte[] message) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DeflateCompressorProperties.inflate(inflater, message, true, out);
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }

    @Nested
    class Rfc7692Examples {

        @Test
        void helloCompressesToTheBytesOfSection7231() {
            assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), new DeflateCompressor(6, 15).compress(ByteBuffer.wrap(HELLO), true));
        }

        @Test
        void helloInAnEightBitWindowIsTheSameFixedBlock() {
            assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), new DeflateCompressor(1, 8).compress(ByteBuffer.wrap(HELLO), true));
        }

        @Test
        void theSecondHelloWithContextTakeoverIsOneBackReference() {
            DeflateCompressor compressor = new DeflateCompressor(6, 9);
            compressor.compress(ByteBuffer.wrap(HELLO), true);
            byte[] second = compressor.compress(ByteBuffer.wrap(HELLO), true);
            WindowCheckingInflater decoder = new WindowCheckingInflater(9);
            decoder.inflate(hex("f2 48 cd c9 c9 07 00"), false);
            assertArrayEquals(HELLO, decoder.inflate(second, false));
            assertEquals(5, decoder.maxDistance(), "the whole second Hello refers to the first");
            assertTrue(second.length < 7);
        }

        @Test
        void afterAResetTheSecondHelloIsCompressedAfresh() {
            DeflateCompressor compressor = new DeflateCompressor(6, 12);
            compressor.compress(ByteBuffer.wrap(HELLO), true);
            compressor.reset();
            assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), compressor.compress(ByteBuffer.wrap(HELLO), true));
        }
    }

    @Nested
    class SyncFlush {

        @Test
        void anEmptyMessageIsTheSingleByteOfSection7231() {
            // RFC 7692 7.2.3.6: an empty message compresses to 0x00 after the tail is removed.
            assertArrayEquals(hex("00"), new DeflateCompressor(6, 10).compress(ByteBuffer.allocate(0), true));
        }

        @Test
        void aFragmentKeepsTheEmptyStoredBlocksTailAndTheLastFragmentLosesIt() throws DataFormatException {
            DeflateCompressor compressor = new DeflateCompressor(6, 10);
            byte[] first = compressor.compress(ByteBuffer.wrap(HELLO), false);
            assertArrayEquals(hex("00 00 ff ff"), Arrays.copyOfRange(first, first.length - 4, first.length));
            byte[] last = compressor.compress(ByteBuffer.wrap(HELLO), true);
            byte[] both = new byte[first.length + last.length];
            System.arraycopy(first, 0, both, 0, first.length);
            System.arraycopy(last, 0, both, first.length, last.length);
            assertArrayEquals("HelloHello".getBytes(StandardCharsets.US_ASCII), zlibInflate(both));
        }

        @Test
        void theInputBuffersPositionIsNotMoved() {
            ByteBuffer input = ByteBuffer.wrap("xxHelloxx".getBytes(StandardCharsets.US_ASCII), 2, 5);
            assertArrayEquals(hex("f2 48 cd c9 c9 07 00"), new DeflateCompressor(6, 15).compress(input, true));
            assertEquals(2, input.position());
            assertEquals(7, input.limit());
        }
    }

    @Nested
    class BlockTypes {

        @Test
        void incompressibleDataGoesOutAsStoredBlocks() throws DataFormatException {
            byte[] random = new byte[50_000];
            new Random(7).nextBytes(random);
            byte[] compressed = new DeflateCompressor(9, 15).compress(ByteBuffer.wrap(random), true);
            WindowCheckingInflater decoder = new WindowCheckingInflater(15);
            assertArrayEquals(random, decoder.inflate(compressed, false));
            assertTrue(decoder.storedBlocks() >= 1);
            assertEquals(0, decoder.dynamicBlocks());
            assertArrayEquals(random, zlibInflate(compressed));
        }

        @Test
        void levelZeroOnlyStores() throws DataFormatException {
            byte[] text = "abcabcabc".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            byte[] compressed = new DeflateCompressor(0, 15).compress(ByteBuffer.wrap(text), true);
            WindowCheckingInflater decoder = new WindowCheckingInflater(15);
            assertArrayEquals(text, decoder.inflate(compressed, false));
            assertEquals(0, decoder.fixedBlocks() + decoder.dynamicBlocks());
            assertEquals(text.length + 5 * 2 + 1, compressed.length, "two stored blocks and the flush's byte");
            assertArrayEquals(text, zlibInflate(compressed));
        }

        @Test
        void largeTextUsesDynamicCodes() {
            byte[] text = "the quick brown fox jumps over the lazy dog; ".repeat(300).getBytes(StandardCharsets.US_ASCII);
            Random random = new Random(3);
            for (int i = 0; i < text.length; i += 7) {
                text[i] = (byte) ('a' + random.nextInt(26));
            }
            WindowCheckingInflater decoder = new WindowCheckingInflater(12);
            assertArrayEquals(text, decoder.inflate(new DeflateCompressor(6, 12).compress(ByteBuffer.wrap(text), true), false));
            assertTrue(decoder.dynamicBlocks() >= 1);
        }

        @Test
        void aRunOfOneByteIsOneLiteralAndMatchesAtDistanceOneOfTheLongestLength() throws DataFormatException {
            // Only one distance code is used: RFC 1951 3.2.7's special case, written as a complete code.
            byte[] zeros = new byte[100_000];
            byte[] compressed = new DeflateCompressor(6, 8).compress(ByteBuffer.wrap(zeros), true);
            WindowCheckingInflater decoder = new WindowCheckingInflater(8);
            assertArrayEquals(zeros, decoder.inflate(compressed, false));
            assertEquals(1, decoder.maxDistance());
            assertTrue(compressed.length < 500, "258-byte matches: " + compressed.length);
            assertArrayEquals(zeros, zlibInflate(compressed));
        }

        @ParameterizedTest
        @ValueSource(ints = {8, 9, 10, 15})
        void aRepeatExactlyOneWindowBackIsFoundAtTheWindowsFullDistance(int windowBits) throws DataFormatException {
            byte[] block = new byte[1 << windowBits];
            new Random(windowBits).nextBytes(block);
            byte[] twice = new byte[block.length * 2];
            System.arraycopy(block, 0, twice, 0, block.length);
            System.arraycopy(block, 0, twice, block.length, block.length);
            byte[] compressed = new DeflateCompressor(9, windowBits).compress(ByteBuffer.wrap(twice), true);
            WindowCheckingInflater decoder = new WindowCheckingInflater(windowBits);
            assertArrayEquals(twice, decoder.inflate(compressed, false));
            assertEquals(1 << windowBits, decoder.maxDistance());
            // About one 258-byte match per 258 bytes, each a few bytes with its 2^windowBits distance.
            assertTrue(compressed.length < block.length + block.length / 64 + 64, "the repeat costs a few matches: " + compressed.length);
            assertArrayEquals(twice, zlibInflate(compressed));
        }
    }

    @Nested
    class Configuration {

        @ParameterizedTest
        @ValueSource(ints = {-2, 10})
        void rejectsLevelsOutsideZlibsScale(int level) {
            assertThrows(IllegalArgumentException.class, () -> new DeflateCompressor(level, 15));
        }

        @ParameterizedTest
        @ValueSource(ints = {7, 16})
        void rejectsWindowsOutsideRfc7692sRange(int bits) {
            assertThrows(IllegalArgumentException.class, () -> new DeflateCompressor(6, bits));
        }

        @Test
        void minusOneIsLevelSix() {
            assertEquals(6, new DeflateCompressor(-1, 15).level());
        }

        @Test
        void theLastingArraysTakeAFewTensOfKibibytesAtTwelveBitsAndGrowWithTheWindow() {
            assertTrue(DeflateCompressor.memoryBytes(10) <= 10 * 1024, "10 bits: " + DeflateCompressor.memoryBytes(10));
            assertTrue(DeflateCompressor.memoryBytes(12) <= 40 * 1024, "12 bits: " + DeflateCompressor.memoryBytes(12));
            assertTrue(DeflateCompressor.memoryBytes(15) <= 200 * 1024, "15 bits: " + DeflateCompressor.memoryBytes(15));
            for (int bits = 9; bits <= 15; bits++) {
                assertTrue(DeflateCompressor.memoryBytes(bits) >= DeflateCompressor.memoryBytes(bits - 1));
            }
        }
    }
}
