package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbyhand.protocol.Wire.hex;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8ValidatorTest {

    /** Feeds the bytes one at a time and returns the index of the first rejected byte, or -1. */
    static int firstRejectedByte(byte[] bytes) {
        Utf8Validator validator = new Utf8Validator();
        for (int i = 0; i < bytes.length; i++) {
            if (!validator.feed(bytes, i, 1)) {
                return i;
            }
        }
        return -1;
    }

    @Nested
    class WellFormedSequences {

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"", "41", "7f", "c2 80", "df bf", "e0 a0 80", "e1 80 80", "ec bf bf", "ed 80 80",
                "ed 9f bf", "ee 80 80", "ef bf bf", "f0 90 80 80", "f1 80 80 80", "f3 bf bf bf", "f4 80 80 80", "f4 8f bf bf",
                "ce ba e1 bd b9 cf 83 ce bc ce b5"})
        void acceptsEveryRowOfTheWellFormedTable(String sequence) {
            assertTrue(Utf8Validator.isValid(hex(sequence), 0, hex(sequence).length));
            assertEquals(-1, firstRejectedByte(hex(sequence)));
        }

        @Test
        void acceptsEveryCodePointOutsideTheSurrogates() {
            Utf8Validator validator = new Utf8Validator();
            for (int cp = 0; cp <= 0x10FFFF; cp++) {
                if (cp == 0xD800) {
                    cp = 0xE000;
                }
                byte[] bytes = Character.toString(cp).getBytes(StandardCharsets.UTF_8);
                String codePoint = Integer.toHexString(cp);
                assertTrue(validator.feed(bytes, 0, bytes.length), () -> "code point " + codePoint);
                assertTrue(validator.isComplete());
            }
        }

        @Test
        void longAsciiRunsPassTheWordAtATimePath() {
            byte[] ascii = "The quick brown fox jumps over the lazy dog, 0123456789!".getBytes(StandardCharsets.US_ASCII);
            assertTrue(Utf8Validator.isValid(ascii, 0, ascii.length));
        }
    }

    @Nested
    class IllFormedSequences {

        @ParameterizedTest(name = "{0} fails at byte {1}")
        @CsvSource({
                "80, 0", "bf, 0", "c0 80, 0", "c1 bf, 0", "f5 80 80 80, 0", "f8, 0", "fe, 0", "ff, 0",
                "e0 80 80, 1", "e0 9f bf, 1", "ed a0 80, 1", "ed bf bf, 1", "f0 80 80 80, 1", "f0 8f bf bf, 1",
                "f4 90 80 80, 1", "f4 bf bf bf, 1", "c2 41, 1", "c2 c2, 1", "e1 80 41, 2", "f1 80 80 c0, 3",
                "41 42 43 80, 3", "ce ba ff, 2"})
        void failsAtTheFirstByteThatNoValidSequenceContinuesWith(String sequence, int failingIndex) {
            byte[] bytes = hex(sequence);
            assertEquals(failingIndex, firstRejectedByte(bytes));
            assertFalse(Utf8Validator.isValid(bytes, 0, bytes.length));
        }

        @Test
        void highByteAtAnyPositionOfAnAsciiRunIsFoundWhereItIs() {
            for (int at = 0; at < 40; at++) {
                byte[] bytes = "abcdefghijklmnopqrstuvwxyz0123456789ABCD".getBytes(StandardCharsets.US_ASCII);
                bytes[at] = (byte) 0x80;
                Utf8Validator validator = new Utf8Validator();
                assertTrue(validator.feed(bytes, 0, at), "prefix before " + at);
                assertFalse(validator.feed(bytes, at, bytes.length - at), "rest from " + at);
                assertFalse(Utf8Validator.isValid(bytes, 0, bytes.length));
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"c2", "e0 a0", "e1", "f0 90 80", "f4 8f", "41 42 e2 82"})
        void truncatedSequenceIsAcceptedSoFarButNotComplete(String sequence) {
            byte[] bytes = hex(sequence);
            Utf8Validator validator = new Utf8Validator();
            assertTrue(validator.feed(bytes, 0, bytes.length));
            assertFalse(validator.isComplete());
            assertFalse(Utf8Validator.isValid(bytes, 0, bytes.length));
        }
    }

    @Nested
    class EightBytesAtATime {

        /** ASCII around {@code sequence} so that it starts at byte {@code at} of a word and a full word follows. */
        private static byte[] inWord(byte[] sequence, int at) {
            byte[] bytes = new byte[at + sequence.length + 8];
            java.util.Arrays.fill(bytes, (byte) 'a');
            System.arraycopy(sequence, 0, bytes, at, sequence.length);
            return bytes;
        }

        @Test
        void everyLeadAndSecondByteFollowedByTailsAgreesWithTheJdkAtEveryOffsetOfAWord() {
            byte[] tails = hex("80 bf 80");
            for (int lead = 0x80; lead <= 0xFF; lead++) {
                for (int second = 0; second <= 0xFF; second++) {
                    for (int tailCount = 0; tailCount <= 2; tailCount++) {
                        byte[] sequence = new byte[2 + tailCount];
                        sequence[0] = (byte) lead;
                        sequence[1] = (byte) second;
                        System.arraycopy(tails, 0, sequence, 2, tailCount);
                        for (int at : new int[] {0, 7}) {
                            byte[] bytes = inWord(sequence, at);
                            boolean jdk = Utf8ValidatorProperties.jdkAccepts(bytes);
                            assertEquals(jdk, Utf8Validator.isValid(bytes, 0, bytes.length), () -> hex(bytes));
                        }
                    }
                }
            }
        }

        @Test
        void anInvalidByteAnywhereInALongFeedFailsThatFeedAndEveryLaterOne() {
            byte[] text = "Grüße, Привет, 你好, 👋 and plain ASCII words".getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < text.length; at++) {
                byte[] bytes = text.clone();
                bytes[at] = (byte) 0xFF;
                Utf8Validator validator = new Utf8Validator();
                assertFalse(validator.feed(bytes, 0, bytes.length), "0xFF at " + at);
                assertFalse(validator.feed(text, 0, text.length), "after the failure, at " + at);
                assertFalse(validator.isComplete());
            }
        }

        @Test
        void aCharacterCutAtTheEndOfALongFeedIsFinishedByTheNext() {
            byte[] text = "0123456789abcdef\uD83D\uDC4B".getBytes(StandardCharsets.UTF_8); // 16 ASCII + 4 bytes
            for (int cut = 17; cut < text.length; cut++) {
                Utf8Validator validator = new Utf8Validator();
                assertTrue(validator.feed(text, 0, cut));
                assertFalse(validator.isComplete(), "cut at " + cut);
                assertTrue(validator.feed(text, cut, text.length - cut));
                assertTrue(validator.isComplete(), "cut at " + cut);
            }
        }
    }

    @Nested
    class IncrementalUse {

        @Test
        void characterSplitAcrossFeedsIsAccepted() {
            byte[] euro = hex("e2 82 ac");
            Utf8Validator validator = new Utf8Validator();
            assertTrue(validator.feed(euro, 0, 1));
            assertFalse(validator.isComplete());
            assertTrue(validator.feed(euro, 1, 1));
            assertFalse(validator.isComplete());
            assertTrue(validator.feed(euro, 2, 1));
            assertTrue(validator.isComplete());
        }

        @Test
        void constraintOnTheSecondByteHoldsAcrossFeeds() {
            byte[] surrogate = hex("ed a0 80");
            Utf8Validator validator = new Utf8Validator();
            assertTrue(validator.feed(surrogate, 0, 1));
            assertFalse(validator.feed(surrogate, 1, 2));
        }

        @Test
        void failureSticksUntilReset() {
            Utf8Validator validator = new Utf8Validator();
            assertFalse(validator.feed(hex("ff"), 0, 1));
            assertFalse(validator.feed(hex("41"), 0, 1));
            assertFalse(validator.isComplete());
            validator.reset();
            assertTrue(validator.feed(hex("41"), 0, 1));
            assertTrue(validator.isComplete());
        }

        @Test
        void resetForgetsAPartialCharacter() {
            Utf8Validator validator = new Utf8Validator();
            assertTrue(validator.feed(hex("f0"), 0, 1));
            validator.reset();
            assertTrue(validator.feed(hex("41"), 0, 1));
            assertTrue(validator.isComplete());
        }

        @Test
        void resetForgetsANarrowedRangeForTheNextByte() {
            Utf8Validator validator = new Utf8Validator();
            assertTrue(validator.feed(hex("e0"), 0, 1)); // next byte must be A0-BF
            validator.reset();
            assertFalse(validator.feed(hex("80"), 0, 1)); // a lone continuation byte, not a second byte
        }

        @Test
        void onlyTheGivenRangeOfTheArrayIsRead() {
            byte[] bytes = hex("ff 41 c3 a9 ff");
            assertTrue(Utf8Validator.isValid(bytes, 1, 3));
            assertFalse(Utf8Validator.isValid(bytes, 0, 3));
            assertTrue(Utf8Validator.isValid(bytes, 2, 0));
        }
    }
}
