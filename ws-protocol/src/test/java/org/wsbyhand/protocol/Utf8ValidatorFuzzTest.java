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
import java.util.HexFormat;

/**
 * Fuzzes {@link Utf8Validator} against the JDK's strict UTF-8 decoder ({@code REPORT} on malformed
 * input), in any chunking.
 *
 * <p>Input: a chunk-size list (see {@link FuzzInput#nextChunker()}), one byte choosing where each
 * chunk sits inside a larger array whose other bytes are poison (continuation bytes and 0xFF, which
 * would change the answer if the validator read outside its range), then the bytes to validate.
 *
 * <p>Checked: after every chunk, {@link Utf8Validator#feed} says "still valid" exactly when the
 * bytes so far are a prefix of some well-formed UTF-8 (the JDK decides, see
 * {@link #couldStillBeValid}), and once it said "invalid" it keeps saying so;
 * {@link Utf8Validator#isComplete()} at the end and the static {@link Utf8Validator#isValid} agree
 * with the JDK on the whole input; after {@link Utf8Validator#reset()} the validator answers as a
 * fresh one.
 */
class Utf8ValidatorFuzzTest {

    /** Bytes that complete a cut-off sequence in every range of the well-formed table. */
    private static final byte[] COMPLETIONS = HexFormat.of().parseHex("808f909fa0bf");

    @FuzzTest(maxDuration = "45s")
    void validatorAgreesWithTheJdkDecoderOnEveryInputAndEveryChunking(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        FuzzInput.Chunker chunker = in.nextChunker();
        int placement = in.nextByte() & 15;
        byte[] bytes = in.rest();

        Utf8Validator validator = new Utf8Validator();
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
            boolean expected = couldStillBeValid(Arrays.copyOf(bytes, fed));
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
            strictDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Whether some bytes appended to {@code prefix} would make it well-formed UTF-8: the JDK decodes
     * every complete character, and the cut-off character at the end, if any, completes to one the
     * JDK accepts with at most three more bytes.
     */
    static boolean couldStillBeValid(byte[] prefix) {
        CharsetDecoder decoder = strictDecoder();
        ByteBuffer in = ByteBuffer.wrap(prefix);
        CharBuffer out = CharBuffer.allocate(prefix.length + 1);
        CoderResult result = decoder.decode(in, out, false);
        if (result.isError()) {
            return false;
        }
        byte[] tail = Arrays.copyOfRange(prefix, in.position(), prefix.length);
        return tail.length == 0 || completes(tail, 0);
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
