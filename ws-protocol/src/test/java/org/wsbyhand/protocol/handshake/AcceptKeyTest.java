package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptKeyTest {

    @Nested
    class AcceptValue {
        @Test
        void rfcSampleKeyGivesTheRfcAcceptValue() {
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", AcceptKey.of("dGhlIHNhbXBsZSBub25jZQ=="));
        }

        @Test
        void keyIsHashedAsSentNotDecoded() {
            // Two spellings of the same nonce differ only in unused padding bits; the hashes differ.
            assertArrayEquals(AcceptKey.decode("dGhlIHNhbXBsZSBub25jZQ==").orElseThrow(),
                    AcceptKey.decode("dGhlIHNhbXBsZSBub25jZR==").orElseThrow());
            assertNotEquals(AcceptKey.of("dGhlIHNhbXBsZSBub25jZQ=="), AcceptKey.of("dGhlIHNhbXBsZSBub25jZR=="));
        }

        @Test
        void nonAsciiKeyIsRefused() {
            assertThrows(IllegalArgumentException.class, () -> AcceptKey.of("dGhlIHNhbXBsZSBub25jZQ=\u00e9"));
        }
    }

    @Nested
    class NewKey {
        @Test
        void newKeyIsTheBase64OfSixteenBytesDrawnFromTheGivenRandom() {
            byte[] expected = new byte[16];
            new Random(42).nextBytes(expected);
            assertEquals(Base64.getEncoder().encodeToString(expected), AcceptKey.newKey(new Random(42)));
        }

        @Test
        void newKeyIsTwentyFourCharactersAndDecodesToSixteenBytes() {
            String key = AcceptKey.newKey(new Random(7));
            assertEquals(24, key.length());
            assertEquals(16, AcceptKey.decode(key).orElseThrow().length);
        }

        @Test
        void consecutiveKeysFromOneRandomDiffer() {
            Random random = new Random(1);
            assertNotEquals(AcceptKey.newKey(random), AcceptKey.newKey(random));
        }
    }

    @Nested
    class Decode {
        @Test
        void rfcSampleKeyDecodesToTheSampleNonce() {
            assertArrayEquals("the sample nonce".getBytes(StandardCharsets.US_ASCII),
                    AcceptKey.decode("dGhlIHNhbXBsZSBub25jZQ==").orElseThrow());
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "dGhlIHNhbXBsZSBub25jZQ",       // 16 bytes without padding
            "dGhlIHNhbXBsZSBub25j",          // 15 bytes
            "dGhlIHNhbXBsZSBub25jZSE=",      // 17 bytes
            "dGhlIHNhbXBsZSBub25jZQ==\t",    // trailing junk
            "dGhlIHNhbXBsZSBub25jZ!==",      // not the base64 alphabet
            "dGhlIHNhbXBsZSBub25jZ-==",      // URL-safe alphabet
            "",
        })
        void keysThatAreNotPaddedBase64OfSixteenBytesAreRefused(String key) {
            assertTrue(AcceptKey.decode(key).isEmpty());
        }

        @Test
        void nullKeyIsRefused() {
            assertTrue(AcceptKey.decode(null).isEmpty());
        }
    }
}
