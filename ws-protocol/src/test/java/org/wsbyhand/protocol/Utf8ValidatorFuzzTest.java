package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Fuzzes {@link Utf8Validator} against the JDK's strict UTF-8 decoder ({@code REPORT} on malformed
 * input), in any chunking.
 *
 * <p>Input: a chunk-size list (see {@link FuzzInput#nextChunker()}), one byte choosing where each
 * chunk sits inside a larger array whose other bytes are poison (continuation bytes and 0xFF, which
 * would change the answer if the validator read outside its range), then the bytes to validate.
 *
 * <p>Checked: after every chunk, {@link Utf8Validator#feed} says "still valid" exactly when the
 * bytes so far are a prefix of some well-formed UTF-8 (the JDK decides, see {@link JdkPrefixCheck}),
 * and once it said "invalid" it keeps saying so;
 * {@link Utf8Validator#isComplete()} at the end and the static {@link Utf8Validator#isValid} agree
 * with the JDK on the whole input; after {@link Utf8Validator#reset()} the validator answers as a
 * fresh one.
 */
class Utf8ValidatorFuzzTest {

    /** Bytes that complete a cut-off sequence in every range of the well-formed table. */
    private static final byte[] COMPLETIONS = HexFormat.of().parseHex("808f909fa0bf");

    /** The JDK's answer for each cut-off tail of one to three bytes seen so far (the search is costly). */
    private static final Map<Integer, Boolean> COMPLETABLE = new HashMap<>();

    /** The JDK's strict decoder; {@code decode(ByteBuffer)} resets it before each use. */
    private static final CharsetDecoder STRICT = strictDecoder();

    @FuzzTest(maxDuration = "45s")
    void validatorAgreesWithTheJdkDecoderOnEveryInputAndEveryChunking(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        FuzzInput.Chunker chunker = in.nextChunker();
        int placement = in.nextByte() & 15;
        byte[] bytes = in.rest();

        Utf8Validator validator = new Utf8Validator();
        JdkPrefixCheck jdkSoFar = new JdkPrefixCheck();
        boolean validSoFar = true;
        int fed = 0;
        for (ByteBuffer chunk : chunker.cut(bytes)) {
            int length = chunk.remaining();
            byte[] poisoned = new byte[placement + length + 9];
            for (int i = 0; i < poisoned.length; i++) {
                poisoned[i] = (byte) (i % 2 == 0 ? 0x80 : 0xFF);
            }
            chunk.get(poisoned, placement, length);
            boolean answer = validator.feed(poisoned, placement, length);
            fed += length;
            boolean expected = jdkSoFar.feed(Arrays.copyOfRange(bytes, fed - length, fed));
            if (!validSoFar) {
                assertEquals(false, answer, "feed said valid again after saying invalid, at byte " + fed);
            }
            assertEquals(expected, answer, "feed after " + fed + " bytes of " + HexFormat.of().formatHex(bytes));
            validSoFar = answer;
        }
        boolean jdk = jdkAccepts(bytes);
        assertEquals(jdk, validator.isComplete(), "isComplete for " + HexFormat.of().formatHex(bytes));

        byte[] padded = new byte[bytes.length + 2 * placement + 1];
        Arrays.fill(padded, (byte) 0xC0);
        System.arraycopy(bytes, 0, padded, placement, bytes.length);
        assertEquals(jdk, Utf8Validator.isValid(padded, placement, bytes.length), "isValid");

        validator.reset();
        boolean again = validator.feed(bytes, 0, bytes.length) && validator.isComplete();
        assertEquals(jdk, again, "answer after reset");
    }

    /** Whether the JDK's strict decoder accepts the bytes as a whole. */
    static boolean jdkAccepts(byte[] bytes) {
        try {
            STRICT.decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Whether the bytes fed so far could still become well-formed UTF-8, by the JDK's strict decoder
     * fed the same bytes as they come: it must decode every complete character without error, and
     * the cut-off character it keeps back at the end, if any, must complete to one it accepts with
     * at most three more bytes.
     */
    private static final class JdkPrefixCheck {
        private final CharsetDecoder decoder = strictDecoder();
        private byte[] keptBack = new byte[0];
        private boolean broken;

        boolean feed(byte[] more) {
            if (broken) {
                return false;
            }
            ByteBuffer in = ByteBuffer.allocate(keptBack.length + more.length).put(keptBack).put(more).flip();
            CharBuffer out = CharBuffer.allocate(in.remaining() + 2);
            CoderResult result = decoder.decode(in, out, false);
            if (result.isError()) {
                broken = true;
                return false;
            }
            keptBack = new byte[in.remaining()];
            in.get(keptBack);
            return keptBack.length == 0 || COMPLETABLE.computeIfAbsent(key(keptBack), k -> completes(keptBack, 0));
        }

        private static int key(byte[] tail) {
            int key = tail.length;
            for (byte b : tail) {
                key = (key << 8) | (b & 0xFF);
            }
            return key;
        }
    }

    private static boolean completes(byte[] bytes, int appended) {
        if (jdkAccepts(bytes)) {
            return true;
        }
        if (appended == 3) {
            return false;
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        for (byte candidate : COMPLETIONS) {
            longer[bytes.length] = candidate;
            if (completes(longer, appended + 1)) {
                return true;
            }
        }
        return false;
    }

    private static CharsetDecoder strictDecoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
