package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class Utf8ValidatorProperties {

    /** Bytes that sit on the edges of the well-formed table: continuations, lead bytes with narrowed ranges, never-valid bytes. */
    private static final byte[] INTERESTING = Wire.hex(
            "80 8f 90 9f a0 bf c0 c1 c2 df e0 e1 ec ed ee ef f0 f1 f3 f4 f5 f7 f8 fb fc fd fe ff 00 41 7f");

    /** Second-byte candidates that hit every range of the well-formed table (80-BF, A0-BF, 80-9F, 90-BF, 80-8F). */
    private static final byte[] COMPLETION_BYTES = Wire.hex("80 8f 90 9f a0 bf");

    static boolean jdkAccepts(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Whether some bytes appended to {@code prefix} make it valid UTF-8 for the JDK's strict decoder. */
    static boolean hasValidCompletion(byte[] prefix) {
        return completes(prefix, 0);
    }

    private static boolean completes(byte[] bytes, int appended) {
        if (jdkAccepts(bytes)) {
            return true;
        }
        if (appended == 3) {
            return false;
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        for (byte candidate : COMPLETION_BYTES) {
            longer[bytes.length] = candidate;
            if (completes(longer, appended + 1)) {
                return true;
            }
        }
        return false;
    }

    @Provide
    Arbitrary<byte[]> utf8ish() {
        Arbitrary<byte[]> interesting = Arbitraries.of(toList(INTERESTING)).map(b -> new byte[] {b});
        Arbitrary<byte[]> anyByte = Arbitraries.bytes().map(b -> new byte[] {b});
        Arbitrary<Integer> codePoints = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 0x10FFFF),
                Arbitraries.of(0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF))
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF);
        Arbitrary<byte[]> encoded = codePoints.map(cp -> Character.toString(cp).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> truncated = encoded.filter(b -> b.length > 1)
                .flatMap(b -> Arbitraries.integers().between(1, b.length - 1).map(n -> Arrays.copyOf(b, n)));
        Arbitrary<byte[]> asciiRun = Arbitraries.strings().ascii().ofMaxLength(20)
                .map(s -> s.getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> token = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, anyByte),
                net.jqwik.api.Tuple.of(6, encoded), net.jqwik.api.Tuple.of(1, truncated),
                net.jqwik.api.Tuple.of(2, asciiRun));
        return token.list().ofMaxSize(16).map(tokens -> Wire.concat(tokens.toArray(byte[][]::new)));
    }

    /** A few {@link #utf8ish()} strings joined: long enough for the validator's eight-byte steps. */
    @Provide
    Arbitrary<byte[]> longUtf8ish() {
        return utf8ish().list().ofMinSize(1).ofMaxSize(5).map(parts -> Wire.concat(parts.toArray(byte[][]::new)));
    }

    /**
     * The index of the first byte after which no completion is valid UTF-8 for the JDK's strict
     * decoder, or -1 if there is none. A binary search: once a prefix has no valid completion, no
     * longer prefix has one.
     */
    static int firstByteWithoutValidCompletion(byte[] bytes) {
        if (hasValidCompletion(bytes)) {
            return -1;
        }
        int low = 0;
        int high = bytes.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (hasValidCompletion(Arrays.copyOf(bytes, mid + 1))) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static List<Byte> toList(byte[] bytes) {
        Byte[] boxed = new Byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            boxed[i] = bytes[i];
        }
        return List.of(boxed);
    }

    @Property
    void validatorAcceptsExactlyWhatTheJdkStrictDecoderAcceptsInAnySplit(@ForAll("utf8ish") byte[] bytes,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 13) Integer> chunkSizes) {
        boolean jdk = jdkAccepts(bytes);
        Statistics.collect(jdk ? "valid" : "invalid");
        Utf8Validator validator = new Utf8Validator();
        boolean fed = true;
        for (byte[] chunk : Wire.chunked(bytes, chunkSizes)) {
            fed &= validator.feed(chunk, 0, chunk.length);
        }
        assertEquals(jdk, fed && validator.isComplete(), () -> Wire.hex(bytes));
        assertEquals(jdk, Utf8Validator.isValid(bytes, 0, bytes.length), () -> Wire.hex(bytes));
    }

    @Property(tries = 500)
    void feedFailsAtTheFirstByteAfterWhichNoValidCompletionExists(@ForAll("utf8ish") byte[] bytes) {
        int failing = Utf8ValidatorTest.firstRejectedByte(bytes);
        Statistics.collect(failing < 0 ? "never rejected" : "rejected");
        if (failing < 0) {
            assertTrue(hasValidCompletion(bytes), () -> "accepted without a valid completion: " + Wire.hex(bytes));
        } else {
            assertTrue(hasValidCompletion(Arrays.copyOf(bytes, failing)),
                    () -> "rejected too early at " + failing + ": " + Wire.hex(bytes));
            assertFalse(hasValidCompletion(Arrays.copyOf(bytes, failing + 1)),
                    () -> "rejected byte " + failing + " although a completion exists: " + Wire.hex(bytes));
        }
    }

    @Property(tries = 300)
    void feedFailsExactlyOnTheFeedHoldingTheFirstByteWithoutAValidCompletionInAnySplit(
            @ForAll("longUtf8ish") byte[] bytes,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 40) Integer> chunkSizes) {
        int failing = firstByteWithoutValidCompletion(bytes);
        Statistics.collect(failing < 0 ? "never rejected" : "rejected");
        Utf8Validator validator = new Utf8Validator();
        int at = 0;
        for (byte[] chunk : Wire.chunked(bytes, chunkSizes)) {
            boolean invalidSoFar = failing >= 0 && failing < at + chunk.length;
            int chunkStart = at;
            assertEquals(!invalidSoFar, validator.feed(chunk, 0, chunk.length),
                    () -> "feed of bytes " + chunkStart + ".. of " + Wire.hex(bytes));
            at += chunk.length;
        }
        assertEquals(jdkAccepts(bytes), validator.isComplete(), () -> Wire.hex(bytes));
    }

    @Property
    void validEncodingOfAnyStringIsAcceptedInAnySplit(@ForAll String text,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 7) Integer> chunkSizes) {
        // Lone surrogates in a Java String encode as '?', so the bytes are always well-formed.
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Utf8Validator validator = new Utf8Validator();
        for (byte[] chunk : Wire.chunked(bytes, chunkSizes)) {
            assertTrue(validator.feed(chunk, 0, chunk.length));
        }
        assertTrue(validator.isComplete());
    }
}
